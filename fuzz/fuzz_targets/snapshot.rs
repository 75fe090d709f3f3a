//! cargo-fuzz target: raw bytes as a snapshot (`Snapshot::from_json`); one that loads is
//! evaluated against client-a-prod, as tests/fuzz_loaders.rs does. No panic, every
//! error one line.
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/cli/fuzz_checks.rs"]
mod fuzz_checks;

use driftdeck::design::Design;
use libfuzzer_sys::{Corpus, fuzz_target};
use std::sync::OnceLock;

// Parsed once: the design is fixed, only the snapshot is fuzzed.
static DESIGN: OnceLock<Design> = OnceLock::new();

fuzz_target!(|data: &[u8]| -> Corpus {
    let design = DESIGN.get_or_init(fuzz_checks::snapshot_design);
    // Bytes that are not UTF-8 stop at the reader's one-line error, as in a real load,
    // and are kept out of the corpus: mutating them further cannot reach the parser.
    match fuzz_checks::text_of(data, "snapshot") {
        Ok(Some(text)) => {
            if let Err(e) = fuzz_checks::check_snapshot(&text, design) {
                panic!("{e}");
            }
            Corpus::Keep
        }
        Ok(None) => Corpus::Reject,
        Err(e) => panic!("{e}"),
    }
});
