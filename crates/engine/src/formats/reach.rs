//! `reach` answers as text: a traceroute-like path, and exposure tables.

use crate::reach::{Answer, Outcome, Verdict};

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
