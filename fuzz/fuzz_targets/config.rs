//! cargo-fuzz target: raw bytes as the console config (`Config::parse`), with the checks
//! tests/fuzz_loaders.rs applies: no panic, every error one line.
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/cli/fuzz_checks.rs"]
mod fuzz_checks;

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    // Bytes that are not UTF-8 stop at the reader's one-line error, as in a real load,
    // and are kept out of the corpus: mutating them further cannot reach the parser.
    match fuzz_checks::text_of(data, "config file") {
        Ok(Some(text)) => {
            if let Err(e) = fuzz_checks::check_config(&text) {
                panic!("{e}");
            }
            Corpus::Keep
        }
        Ok(None) => Corpus::Reject,
        Err(e) => panic!("{e}"),
    }
});
