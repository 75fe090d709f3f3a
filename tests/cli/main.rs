//! The binary and its files offline: flags, exit codes, report formats, input limits and
//! fuzz regressions, the IAM policy's exactness and the workspace's architecture.

mod architecture;
mod cli_offline;
mod fuzz_checks;
mod fuzz_loaders;
mod iam_policy;
mod plan_state;
mod reach_cli;
mod report_formats;
mod terminal;
mod terminal_safety;
