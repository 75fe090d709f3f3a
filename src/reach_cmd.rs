//! `driftdeck reach`: ask the reachability engine from the command line, live (every
//! `--design` fetched concurrently) or offline (`--snapshot` per design, in order), and
//! the hook that adds `[[reach]]` findings to `check`'s report.

use crate::cli::{AwsArgs, Format};
use crate::commands::{EXIT_DRIFT, EXIT_ERROR, EXIT_OK, connect_checked};
use crate::design::Design;
use crate::drift::{self, Finding, Report};
use crate::model::Snapshot;
use crate::reach::{self, Answer, Env, Estate, Outcome, Protocol, Verdict};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Args, Debug)]
pub struct ReachArgs {
    /// Design files of the estate; names without `ENV:` are resolved in the first.
    #[arg(long = "design", short = 'd', required = true)]
    pub designs: Vec<PathBuf>,
    /// Snapshot per design, in the same order (offline): give one per --design or none.
    #[arg(long = "snapshot", value_name = "FILE")]
    pub snapshots: Vec<PathBuf>,
    /// Source: `internet`, a CIDR, a role, `tier:NAME`, `role:NAME`, a cidr set, `ENV:NAME`.
    #[arg(long)]
    pub from: Option<String>,
    /// Destination, same forms as --from.
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub port: Option<u16>,
    /// tcp or udp.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// CI gate: exit 0 when the answer is this (allowed|denied), 1 when not, 2 unknown.
    #[arg(long)]
    pub expect: Option<String>,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("driftdeck: {message}");
    ExitCode::from(EXIT_ERROR)
}

pub fn run(args: &ReachArgs, aws: &AwsArgs) -> ExitCode {
    if !matches!(args.format, Format::Table | Format::Json) {
        return fail(format!(
            "reach prints a table or JSON, not {:?}; use --format table or --format json",
            args.format
        ));
    }
    let Some(protocol) = Protocol::parse(&args.protocol) else {
        return fail(format!("--protocol: `{}` is not tcp or udp", args.protocol));
    };
    let expect = match args.expect.as_deref() {
        None => None,
        Some("allowed") => Some(Verdict::Allowed),
        Some("denied") => Some(Verdict::Denied),
        Some(other) => return fail(format!("--expect: `{other}` is not allowed or denied")),
    };
    let mut designs = Vec::new();
    for path in &args.designs {
        match Design::load(path) {
            Ok(d) => designs.push(d),
            Err(errs) => return fail(errs),
        }
    }
    let snapshots = match load_or_fetch(&designs, &args.snapshots, aws) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let envs: Vec<Env<'_>> = designs
        .iter()
        .zip(&snapshots)
        .map(|(d, s)| Env { name: &d.environment.name, design: d, snapshot: s })
        .collect();
    let estate = Estate::new(&envs);
    match (&args.from, &args.to, args.port) {
        (Some(from), Some(to), Some(port)) => {
            let a = reach::query(&estate, 0, from, to, protocol, port);
            let text = match args.format {
                Format::Json => json(&a),
                _ => trace(&a),
            };
            if !print(&text) {
                return ExitCode::from(EXIT_ERROR);
            }
            let code = match (a.verdict, expect) {
                (Verdict::Unknown, _) => EXIT_ERROR,
                (v, Some(e)) if v != e => EXIT_DRIFT,
                _ => EXIT_OK,
            };
            ExitCode::from(code)
        }
        (None, Some(to), Some(port)) => {
            let answers = reach::exposure::who_can_reach(&estate, 0, to, protocol, port);
            let text = match args.format {
                Format::Json => json(&answers),
                _ => exposure_table(&format!("who can reach {to} on {}/{port}", protocol.as_str()), &answers),
            };
            if !print(&text) {
                return ExitCode::from(EXIT_ERROR);
            }
            ExitCode::from(if answers.iter().any(|a| a.verdict == Verdict::Unknown) { EXIT_ERROR } else { EXIT_OK })
        }
        (Some(from), None, None) if from == "internet" => {
            let answers = reach::exposure::internet_reach(&estate);
            let text = match args.format {
                Format::Json => json(&answers),
                _ => exposure_table("what the internet can reach", &answers),
            };
            if !print(&text) {
                return ExitCode::from(EXIT_ERROR);
            }
            ExitCode::from(if answers.iter().any(|a| a.verdict == Verdict::Unknown) { EXIT_ERROR } else { EXIT_OK })
        }
        _ => fail(
            "give --from, --to and --port; or --to and --port (who can reach it); or --from internet alone (what it can reach)",
        ),
    }
}

fn print(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).is_ok()
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).map(|s| s + "\n").unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

/// Snapshots from files (paired with designs by position) or fetched live, concurrently.
fn load_or_fetch(designs: &[Design], files: &[PathBuf], aws: &AwsArgs) -> Result<Vec<Snapshot>, String> {
    if !files.is_empty() {
        if files.len() != designs.len() {
            return Err(format!(
                "{} --snapshot for {} --design: give one snapshot per design, in the same order",
                files.len(),
                designs.len()
            ));
        }
        return files
            .iter()
            .map(|p| {
                let text =
                    std::fs::read_to_string(p).map_err(|e| format!("cannot read snapshot {}: {e}", p.display()))?;
                Snapshot::from_json(&text).map_err(|e| format!("{}: {e}", p.display()))
            })
            .collect();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    rt.block_on(async {
        let futs = designs.iter().map(|d| async move {
            let aws = connect_checked(d, aws).await.map_err(|e| format!("{}: {e}", d.environment.name))?;
            Ok::<Snapshot, String>(crate::source::fetch_all(&aws, reach::assert::NEEDED).await)
        });
        futures::future::join_all(futs).await.into_iter().collect()
    })
}

/// A traceroute-like rendering of one answer.
pub fn trace(a: &Answer) -> String {
    let mut s = format!(
        "{} ({}) -> {} ({}) {}/{}\n",
        a.from,
        a.from_resolved,
        a.to,
        a.to_resolved,
        a.protocol.as_str(),
        a.port
    );
    let code = a.code.map(|c| format!(" {}", c.as_str())).unwrap_or_default();
    s += &format!("verdict: {}{code}: {}\n", a.verdict.as_str().to_uppercase(), a.reason);
    for n in &a.notes {
        s += &format!("note: {n}\n");
    }
    if let Some(p) = &a.path {
        s += &format!("path: {} -> {}\n", p.from, p.to);
        for (i, h) in p.hops.iter().enumerate() {
            let mark = match h.outcome {
                Outcome::Pass => "ok",
                Outcome::Block => "BLOCK",
                Outcome::Unknown => "?",
            };
            s += &format!("{:>3}  {:<12} {:<16} {:<5} {}\n", i + 1, h.step, h.env, mark, h.detail);
        }
    }
    let [ok, no, unk] = a.counts;
    s += &format!("member pairs: {ok} allowed, {no} denied, {unk} unknown\n");
    s
}

/// Sources (or destinations) that are not denied, then a count of those that are.
pub fn exposure_table(title: &str, answers: &[Answer]) -> String {
    let mut s = format!("{title}\n");
    let mut denied = 0;
    for a in answers {
        if a.verdict == Verdict::Denied {
            denied += 1;
            continue;
        }
        let code = a.code.map(|c| c.as_str()).unwrap_or("");
        s += &format!(
            "{:<8} {:<36} -> {:<32} {}/{:<6} {code} {}\n",
            a.verdict.as_str(),
            a.from,
            a.to,
            a.protocol.as_str(),
            a.port,
            if a.verdict == Verdict::Allowed {
                a.path.as_ref().map(|p| p.to.as_str()).unwrap_or("")
            } else {
                a.reason.as_str()
            }
        );
    }
    s += &format!("{denied} denied\n");
    s
}

/// Add the design's own `[[reach]]` findings to a single-environment `check` report.
/// Assertions naming another environment need its design too: they are listed on
/// stderr as not judged (never as passing).
/// Judge the `[[reach]]` assertions of every environment `check` loaded, across the whole
/// estate (so `production-pci:alb` is judged when production-pci is loaded too), and add
/// their findings to each environment's report. Assertions naming an environment that
/// is not loaded are listed on stderr as not judged: never counted as holding.
pub fn add_to_check(envs: &[(&Design, &Snapshot)], reports: &mut [&mut Report]) {
    if envs.iter().all(|(d, _)| d.reach.is_empty()) {
        return;
    }
    let list: Vec<Env> = envs.iter().map(|(d, s)| Env { name: &d.environment.name, design: d, snapshot: s }).collect();
    let estate = Estate::new(&list);
    let judged = reach::assert::judge_all(&estate);
    let mut foreign: Vec<String> = judged.iter().filter_map(|j| j.needs_env.clone()).collect();
    foreign.sort();
    foreign.dedup();
    if !foreign.is_empty() {
        let n = judged.iter().filter(|j| j.needs_env.is_some()).count();
        eprintln!(
            "driftdeck: {n} reach assertion(s) name {}: not judged; add their --design to judge them",
            foreign.join(", ")
        );
    }
    let mut per_env: Vec<Vec<Finding>> = vec![Vec::new(); envs.len()];
    for j in judged {
        if let Some(f) = j.finding {
            per_env[j.env].push(f);
        }
    }
    for ((i, findings), report) in per_env.into_iter().enumerate().zip(reports.iter_mut()) {
        merge(envs[i].0, report, findings);
    }
}

/// Merge reach findings into a report: severity overrides and mutes of the design apply,
/// as to every rule's findings (`drift::overridden`, `drift::mute`).
pub fn merge(design: &Design, report: &mut Report, findings: Vec<Finding>) {
    let today = report.generated_at.unwrap_or(jiff::Timestamp::UNIX_EPOCH).to_zoned(jiff::tz::TimeZone::UTC).date();
    let (mut active, mut muted) = (Vec::new(), Vec::new());
    for f in findings {
        if f.rule == "reach.unknown" {
            for k in reach::assert::NEEDED {
                if !report.unavailable.contains(k) && f.message.contains(&format!("{} of", k.as_str())) {
                    report.unavailable.push(*k);
                }
            }
        }
        let f = drift::overridden(design, Arc::new(f));
        match drift::mute(design, &f, today) {
            drift::Muting::None => active.push(f),
            drift::Muting::Muted(f) => muted.push(f),
            drift::Muting::Expired(f) => active.push(f),
        }
    }
    report.unavailable.sort();
    drift::merge_sorted(&mut report.findings, active);
    drift::merge_sorted(&mut report.muted, muted);
}
