//! The properties every loader input must keep, shared by the proptest pass
//! (tests/fuzz_loaders.rs) and the cargo-fuzz targets (fuzz/fuzz_targets/, which include
//! this file by path, so none of it is compiled into the library or the binary).
//!
//! No input may panic a loader; every error is one line, and a design error starts
//! `file:line:column: `; a snapshot that loads is also evaluated, which must not panic.

use driftdeck::console::config::Config;
use engine::design::Design;
use model::Snapshot;

/// The file name design errors are reported against.
pub const DESIGN_NAME: &str = "fuzz.toml";

/// The design snapshots are evaluated against: the largest shipped one, so most rules
/// have something to look at.
pub fn snapshot_design() -> Design {
    let text = include_str!("../../config/designs/client-a-prod.toml");
    match Design::parse("config/designs/client-a-prod.toml", text) {
        Ok(d) => d,
        Err(e) => panic!("the shipped design no longer parses: {e:?}"),
    }
}

pub fn one_line(e: &str) -> Result<(), String> {
    if e.contains('\n') || e.contains('\r') {
        return Err(format!("error spans lines: {e:?}"));
    }
    Ok(())
}

pub fn check_design(text: &str) -> Result<(), String> {
    if let Err(errs) = Design::parse(DESIGN_NAME, text) {
        if errs.0.is_empty() {
            return Err("the design was refused with no error".into());
        }
        for e in &errs.0 {
            let shown = e.to_string();
            one_line(&shown)?;
            if e.line < 1 || e.column < 1 || !shown.starts_with(&format!("{DESIGN_NAME}:{}:{}: ", e.line, e.column)) {
                return Err(format!("not file:line:column: {shown:?}"));
            }
        }
    }
    Ok(())
}

pub fn check_snapshot(text: &str, design: &Design) -> Result<(), String> {
    match Snapshot::from_json(text) {
        Ok(s) => {
            // Whatever loads must also evaluate without panicking.
            let _ = engine::drift::evaluate(design, &s);
            Ok(())
        }
        Err(e) => one_line(&e),
    }
}

pub fn check_config(text: &str) -> Result<(), String> {
    match Config::parse(text) {
        Ok(_) => Ok(()),
        Err(e) => one_line(&e),
    }
}

/// Raw bytes as a loader sees a file: `limits::read_capped` turns them into text with
/// `limits::utf8_text`, so bytes that are not UTF-8 end there with its one-line error
/// and never reach the parser. Ok(None) is that case.
pub fn text_of(bytes: &[u8], what: &str) -> Result<Option<String>, String> {
    match model::limits::utf8_text(bytes.to_vec(), what) {
        Ok(text) => Ok(Some(text)),
        Err(e) => one_line(&e).map(|()| None),
    }
}

/// One committed input (seed or regression) of a target, checked as the fuzzer would.
pub fn check_bytes(kind: &str, bytes: &[u8], design: &Design) -> Result<(), String> {
    let what = match kind {
        "design" => "design file",
        "config" => "config file",
        _ => "snapshot",
    };
    let Some(text) = text_of(bytes, what)? else { return Ok(()) };
    match kind {
        "design" => check_design(&text),
        "config" => check_config(&text),
        "snapshot" => check_snapshot(&text, design),
        other => Err(format!("no fuzz target named {other}")),
    }
}
