//! End to end against moto's server mode on 127.0.0.1 (`harness`): the real SDK, seeded
//! through the AWS APIs; the binary headless and the console in tmux.

mod client_a;
mod console_tmux;
mod controls;
mod errors_binary;
mod estate;
mod harness;
mod history;
mod init;
mod limits_binary;
mod network;
mod org;
mod pair;
mod reach;
mod transit;
mod watch;
