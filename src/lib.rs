//! driftdeck: see whether a live AWS environment matches its documented design.
//!
//! Data flows one way: collect (`aws`, `source`) → snapshot (`model`) → evaluate
//! (`drift`, against `design`) → render (`report` for `check`, `ui` for the console).

pub mod action;
pub mod app;
pub mod aws;
pub mod catalogue;
pub mod cli;
pub mod commands;
pub mod config;
pub mod console;
pub mod demo;
pub mod design;
pub mod drift;
pub mod estate;
pub mod formats;
pub mod history;
pub mod history_poller;
pub mod init;
pub mod keymap;
pub mod limits;
pub mod logging;
pub mod model;
pub mod plan;
pub mod plan_command;
pub mod poller;
pub mod reach;
pub mod reach_cmd;
pub mod report;
pub mod source;
pub mod terraform;
pub mod ui;
pub mod view;
