//! A short Markdown summary for a pull-request comment: counts, the findings that
//! matter first, everything else folded into `<details>`.

use super::{Case, Doc, Outcome};
use std::fmt::Write;

/// Groups in display order; the first non-empty "headline" group is shown open.
const ORDER: &[(&str, bool)] = &[
    ("introduced", true),
    ("drift", true),
    ("unavailable", true),
    ("not in the inventory", true),
    ("unknown until apply", false),
    ("fixed", false),
    ("unchanged", false),
];

fn row(out: &mut String, c: &Case) {
    let Some(f) = &c.finding else {
        // A planned change that could not be placed: no finding, so no severity.
        let why = match &c.outcome {
            Outcome::Unknown { why } => why.as_str(),
            _ => c.status.as_str(),
        };
        let _ = writeln!(out, "| – | `{}` | `{}` | {} |", c.rule, escape(&c.resource), escape(why));
        return;
    };
    let cause = c.notes.first().map(|n| format!("<br>{}", escape(n))).unwrap_or_default();
    let _ = writeln!(
        out,
        "| {} | `{}` | `{}` | {}{cause} |",
        f.severity.as_str(),
        f.rule,
        escape(&f.resource),
        escape(&f.message)
    );
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn to_string(doc: &Doc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### driftdeck {}: {}", doc.command, doc.design.environment.name);
    let _ = writeln!(out);
    let count = |s: &str| doc.cases.iter().filter(|c| c.status == s).count();
    let mut parts: Vec<String> = ORDER
        .iter()
        .filter(|(s, _)| count(s) > 0 || (*s == "introduced" && doc.command == "plan"))
        .map(|(s, headline)| if *headline { format!("**{} {s}**", count(s)) } else { format!("{} {s}", count(s)) })
        .collect();
    parts.push(format!("{} passing", count("pass")));
    let _ = writeln!(out, "{}", parts.join(" · "));
    let _ = writeln!(out);
    for (status, headline) in ORDER {
        let group: Vec<&Case> = doc.cases.iter().filter(|c| c.status == *status && c.status != "pass").collect();
        if group.is_empty() {
            continue;
        }
        let mut table = String::from("| severity | rule | resource | message |\n|---|---|---|---|\n");
        for c in &group {
            row(&mut table, c);
        }
        if *headline {
            let _ = writeln!(out, "**{} ({})**\n\n{table}", capital(status), group.len());
        } else {
            let _ = writeln!(
                out,
                "<details><summary>{} ({})</summary>\n\n{table}\n</details>\n",
                capital(status),
                group.len()
            );
        }
    }
    out
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
