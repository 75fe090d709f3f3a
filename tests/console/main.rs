//! The console without a terminal: `App::update` driven by messages, every pane drawn on a
//! test backend (insta snapshots with styles), the worker and the history overlay.

mod app_headless;
mod app_history;
mod app_worker;
mod columns;
mod copy;
mod ui_plan;
mod ui_reach;
mod ui_rows;
mod ui_sizes;
mod ui_snapshots;
mod ui_support;
