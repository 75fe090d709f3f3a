//! The engine's tests as pure functions, in one binary that links no AWS SDK: drift rules
//! and their texts, incremental evaluation, reach, Terraform plans, `init`'s inference,
//! history and the events queue.

mod design_controls;
mod design_extends;
mod drift_controls;
mod drift_incremental;
mod drift_network;
mod drift_rules;
mod drift_texts;
mod drift_transit;
mod history_attribution;
mod history_events;
mod init_controls;
mod init_design;
mod org;
mod plan_controls;
mod plan_engine;
mod plan_inputs;
mod plan_network;
mod plan_real;
mod plan_state;
mod plan_transit;
mod plan_unplaced;
mod reach_engine;
mod reach_memo;
mod reach_transit;
mod reach_verdict;
mod watch_lines;
