//! Fuzzing the three loaders with mutated valid files, driven by proptest so it runs in
//! the ordinary test suite (the coverage-guided run is cargo-fuzz, in fuzz/, started by
//! `scripts/fuzz.sh`): byte flips, truncation, insertion and deletion, duplicated and
//! swapped lines, and key/value tokens swapped for others from the format's own
//! vocabulary. Seeds are `tests/fuzz_corpus/*/`.
//!
//! Every input must give a value or errors that are each one line (`file:line:column:`
//! for designs), never a panic; a snapshot that loads is also evaluated (the checks are
//! tests/fuzz_checks/, shared with the cargo-fuzz targets). The suite runs a short pass
//! and replays every committed seed and cargo-fuzz regression input (`fuzz/regressions/`);
//! `DRIFTDECK_FUZZ_SECS` makes the pass a long run per target
//! (`DRIFTDECK_FUZZ_TARGET=design|snapshot|config` picks one), which `scripts/fuzz.sh`
//! falls back to when cargo-fuzz cannot be built.

use crate::fuzz_checks;

use driftdeck::console::config::Config;
use engine::design::Design;
use model::Snapshot;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunConfig, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::path::Path;
use std::time::{Duration, Instant};

const TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "=",
    "\"",
    "'",
    "\n",
    ",",
    ".",
    "#",
    "0",
    "-1",
    "65536",
    "99999999999999999999",
    "1e999",
    "true",
    "null",
    "\"\"",
    "[]",
    "{}",
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/33",
    "*",
    "[[security.flows]]",
    "[tiers.x]",
    "\u{0}",
    "é",
    "\u{202e}",
    "2026-13-45",
    "\"schema\": 2",
    "ctrl-",
    "f99",
    "\\u0000",
    "\"\\",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, usize),
    Delete(usize, usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceWord(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        (at, 0u8..8).prop_map(|(p, b)| Mutation::Flip(p, b)),
        at.prop_map(Mutation::Truncate),
        (at, 0..TOKENS.len()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        (at, 1usize..64).prop_map(|(p, n)| Mutation::Delete(p, n)),
        at.prop_map(Mutation::DuplicateLine),
        (at, at).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (at, 0..TOKENS.len()).prop_map(|(p, t)| Mutation::ReplaceWord(p, t)),
    ]
}

fn apply(mut b: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let len = b.len().max(1);
    match *m {
        Mutation::Flip(p, bit) => {
            if let Some(x) = b.get_mut(p % len) {
                *x ^= 1 << bit;
            }
        }
        Mutation::Truncate(p) => b.truncate(p % len),
        Mutation::Insert(p, t) => {
            let at = p % (b.len() + 1);
            b.splice(at..at, TOKENS[t].bytes());
        }
        Mutation::Delete(p, n) => {
            let at = p % len;
            let end = (at + n).min(b.len());
            if at < end {
                b.drain(at..end);
            }
        }
        Mutation::DuplicateLine(p) | Mutation::SwapLines(p, _) | Mutation::ReplaceWord(p, _) => {
            let mut lines: Vec<Vec<u8>> = b.split(|c| *c == b'\n').map(<[u8]>::to_vec).collect();
            let n = lines.len();
            let i = p % n;
            match *m {
                Mutation::DuplicateLine(_) => {
                    let l = lines[i].clone();
                    lines.insert(i, l);
                }
                Mutation::SwapLines(_, q) => lines.swap(i, q % n),
                Mutation::ReplaceWord(_, t) => {
                    // Replace one key or value: the text on one side of the line's `=` or `:`.
                    let line = &lines[i];
                    let cut = line.iter().position(|c| *c == b'=' || *c == b':').unwrap_or(line.len());
                    let mut new = if p % 2 == 0 { TOKENS[t].as_bytes().to_vec() } else { line[..cut].to_vec() };
                    if p % 2 == 0 {
                        new.extend_from_slice(&line[cut..]);
                    } else {
                        new.extend_from_slice(b"= ");
                        new.extend_from_slice(TOKENS[t].as_bytes());
                    }
                    lines[i] = new;
                }
                _ => {}
            }
            b = lines.join(&b'\n');
        }
    }
    b
}

fn corpus(kind: &str) -> Vec<(String, Vec<u8>)> {
    let v = files_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus").join(kind));
    assert!(!v.is_empty(), "no seeds for {kind}");
    v
}

/// (name, bytes) of every file in `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<(String, Vec<u8>)> = entries
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| (e.file_name().to_string_lossy().to_string(), std::fs::read(e.path()).expect("input")))
        .collect();
    v.sort();
    v
}

/// A shared check's failure as a proptest failure, so proptest shrinks the input.
fn prop(r: Result<(), String>) -> Result<(), TestCaseError> {
    r.map_err(TestCaseError::fail)
}

/// Run one target: `cases` mutated inputs, or for `DRIFTDECK_FUZZ_SECS` seconds.
fn fuzz(kind: &str, cases: u32, check: impl Fn(&str) -> Result<(), TestCaseError>) {
    if let Ok(only) = std::env::var("DRIFTDECK_FUZZ_TARGET")
        && only != kind
    {
        return;
    }
    let seeds = corpus(kind);
    let secs: u64 = std::env::var("DRIFTDECK_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..8));
    let started = Instant::now();
    let mut round: u64 = 0;
    let mut total: u64 = 0;
    loop {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&round.to_le_bytes());
        seed[8..8 + kind.len().min(24)].copy_from_slice(&kind.as_bytes()[..kind.len().min(24)]);
        let config = RunConfig { cases, failure_persistence: None, ..RunConfig::default() };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let result = runner.run(&strategy, |(i, muts)| {
            let mut bytes = seeds[i].1.clone();
            for m in &muts {
                bytes = apply(bytes, m);
            }
            check(&String::from_utf8_lossy(&bytes))
        });
        if let Err(e) = result {
            panic!("{kind}: {e}");
        }
        total += u64::from(cases);
        round += 1;
        if started.elapsed() >= Duration::from_secs(secs) {
            break;
        }
    }
    if secs > 0 {
        println!("fuzz {kind}: {total} inputs in {:.0} s, no failure", started.elapsed().as_secs_f64());
    }
}

#[test]
fn fuzz_design_loader() {
    fuzz("design", 400, |t| prop(fuzz_checks::check_design(t)));
}

#[test]
fn fuzz_snapshot_loader() {
    let design = fuzz_checks::snapshot_design();
    fuzz("snapshot", 150, |t| prop(fuzz_checks::check_snapshot(t, &design)));
}

#[test]
fn fuzz_config_loader() {
    fuzz("config", 400, |t| prop(fuzz_checks::check_config(t)));
}

#[test]
fn seeds_are_valid_or_deliberately_invalid() {
    for (name, bytes) in corpus("design") {
        let text = String::from_utf8(bytes).expect("utf8");
        assert_eq!(Design::parse(&name, &text).is_ok(), !name.starts_with("invalid_"), "{name}");
    }
    for (name, bytes) in corpus("snapshot") {
        assert!(Snapshot::from_json(&String::from_utf8(bytes).expect("utf8")).is_ok(), "{name}");
    }
    for (name, bytes) in corpus("config") {
        assert!(Config::parse(&String::from_utf8(bytes).expect("utf8")).is_ok(), "{name}");
    }
}

/// CI has no cargo-fuzz: every seed and every input cargo-fuzz found a bug with (kept,
/// minimised, in `fuzz/regressions/<target>/`) goes through the same checks here, as raw
/// bytes the way the fuzz targets see them.
#[test]
fn committed_fuzz_inputs_pass_the_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let design = fuzz_checks::snapshot_design();
    for kind in ["design", "snapshot", "config"] {
        let mut inputs = corpus(kind);
        inputs.extend(files_in(&root.join("fuzz/regressions").join(kind)));
        for (name, bytes) in &inputs {
            if let Err(e) = fuzz_checks::check_bytes(kind, bytes, &design) {
                panic!("{kind}/{name}: {e}");
            }
        }
    }
}

/// Found by the 10-minute config run: a quoted value holding a newline was echoed into
/// the error, which then spanned two lines.
#[test]
fn config_errors_quoting_a_newline_stay_one_line() {
    for text in ["theme = \"da\\nrk\"", "[keys]\n\"qu\\rit\" = \"x\"", "[keys]\nquit = \"x\\ny\""] {
        let e = Config::parse(text).expect_err(text);
        assert!(!e.contains('\n') && !e.contains('\r'), "{text:?} gave {e:?}");
    }
}

/// Found by the first cargo-fuzz runs (inputs in fuzz/regressions/): a design value or a
/// snapshot variant holding an escaped newline or carriage return was quoted into the
/// error, which then spanned lines.
#[test]
fn design_and_snapshot_errors_quoting_a_newline_stay_one_line() {
    let design_found = include_str!("../../fuzz/regressions/design/newline-in-quoted-value.toml");
    for text in [design_found, "[environment]\nname = \"\"\nregion = \"\"\ncriticality = \"pr\\r\\nod\""] {
        let errs = Design::parse("d.toml", text).expect_err(text);
        for e in errs.0 {
            let shown = e.to_string();
            assert!(!shown.contains('\n') && !shown.contains('\r'), "{text:?} gave {shown:?}");
        }
    }
    let snapshot_found = include_str!("../../fuzz/regressions/snapshot/carriage-return-in-unknown-variant.json");
    for text in [snapshot_found.to_string(), snapshot_found.replace("ci\\r4", "cidr\\n4")] {
        let e = Snapshot::from_json(&text).expect_err(&text);
        assert!(!e.contains('\n') && !e.contains('\r'), "{text:?} gave {e:?}");
    }
}
