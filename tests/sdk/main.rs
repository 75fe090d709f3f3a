//! The real AWS source in this process (the collectors, and the console's `App` fed by
//! them) against moto. A binary of its own: these tests give the SDK its credentials
//! through the process environment, which the binaries and tmux sessions that the other
//! moto tests start must not inherit.

#[path = "../moto/harness.rs"]
mod harness;

mod console_history;
mod fault_soak;
