//! The `--org` file's TOML shape and its conversion into a validated `OrgFile`, every
//! error one line naming the file, line and column, as a design's errors do.

use super::{AccountPattern, Exclude, Match, OrgFile, Selector};
use crate::design::{DesignError, DesignErrors};
use globset::GlobBuilder;
use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgToml {
    organization: OrganizationToml,
    #[serde(default, rename = "match")]
    matches: Vec<Spanned<RuleToml>>,
    #[serde(default)]
    exclude: Vec<Spanned<RuleToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationToml {
    role_name: Spanned<String>,
    external_id: Option<Spanned<String>>,
    profile: Option<String>,
    regions: Spanned<Vec<Spanned<String>>>,
}

/// `[[match]]` and `[[exclude]]` share the selector keys; only a match names a design.
/// (One struct rather than `#[serde(flatten)]`, which loses spans and unknown-key checks.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    ou: Option<Spanned<String>>,
    ou_id: Option<Spanned<String>>,
    tags: Option<BTreeMap<String, Spanned<String>>>,
    accounts: Option<Spanned<Vec<Spanned<String>>>>,
    design: Option<Spanned<String>>,
}

/// Collects located errors while converting.
struct Ctx<'a> {
    name: &'a str,
    text: &'a str,
    errors: Vec<DesignError>,
}

impl Ctx<'_> {
    fn err(&mut self, span: Range<usize>, message: String) {
        let (line, column) = model::limits::line_col(self.text, span.start);
        let message = model::limits::one_line(message);
        self.errors.push(DesignError { file: self.name.to_string(), line, column, message });
    }

    fn line(&self, span: &Range<usize>) -> usize {
        model::limits::line_col(self.text, span.start).0
    }
}

/// Parse and validate; `exists`, when given, says whether a design file is there, so a
/// missing one is reported at the line that names it.
pub(super) fn parse(
    name: &str,
    dir: &Path,
    text: &str,
    exists: Option<&dyn Fn(&Path) -> bool>,
) -> Result<OrgFile, DesignErrors> {
    let mut cx = Ctx { name, text, errors: Vec::new() };
    if let Some(at) = model::limits::toml_too_deep(text, model::limits::MAX_TOML_DEPTH) {
        let limit = model::limits::MAX_TOML_DEPTH;
        cx.err(at..at, format!("nested deeper than {limit} levels; an org file needs 3"));
        return Err(DesignErrors(cx.errors));
    }
    let file: OrgToml = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            cx.err(span, e.message().trim().replace('\n', " "));
            return Err(DesignErrors(cx.errors));
        }
    };
    let org = convert(&mut cx, file, dir, exists);
    if cx.errors.is_empty() { Ok(org) } else { Err(DesignErrors(cx.errors)) }
}

fn convert(cx: &mut Ctx<'_>, f: OrgToml, dir: &Path, exists: Option<&dyn Fn(&Path) -> bool>) -> OrgFile {
    let o = &f.organization;
    let role = o.role_name.get_ref();
    // IAM role names: 1 to 64 of letters, digits and `+=,.@_-`.
    if role.is_empty() || role.len() > 64 || !role.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)) {
        cx.err(
            o.role_name.span(),
            format!("organization.role_name: `{role}` is not an IAM role name; expected e.g. `driftdeck-readonly`"),
        );
    }
    if let Some(x) = &o.external_id {
        let id = x.get_ref();
        if id.len() < 2 || id.len() > 1224 || !id.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@:/_-".contains(c))
        {
            cx.err(
                x.span(),
                "organization.external_id: expected 2 to 1224 of letters, digits and `+=,.@:/_-` (the STS limit)"
                    .to_string(),
            );
        }
    }
    if o.regions.get_ref().is_empty() {
        cx.err(o.regions.span(), "organization.regions: none listed; expected e.g. `[\"eu-west-2\"]`".into());
    }
    let mut regions: Vec<String> = Vec::new();
    for r in o.regions.get_ref() {
        let region = r.get_ref();
        if !crate::design::is_region(region) {
            cx.err(
                r.span(),
                format!("organization.regions: `{region}` is not an AWS region; expected e.g. `eu-west-2`"),
            );
        } else if regions.contains(region) {
            cx.err(r.span(), format!("organization.regions: `{region}` is listed twice"));
        } else {
            regions.push(region.clone());
        }
    }
    let mut matches = Vec::new();
    for rule in &f.matches {
        let selector = selector(cx, rule, "match");
        let r = rule.get_ref();
        let Some(design) = &r.design else {
            cx.err(
                rule.span(),
                "match: no `design`; each [[match]] names the design its accounts are checked against".into(),
            );
            continue;
        };
        if design.get_ref().trim().is_empty() {
            cx.err(design.span(), "match.design: empty; expected a design file, relative to this file".into());
            continue;
        }
        let path = dir.join(design.get_ref());
        if let Some(exists) = exists
            && !exists(&path)
        {
            cx.err(design.span(), format!("match.design: `{}` not found", path.display()));
        }
        if let Some(selector) = selector {
            matches.push(Match { line: cx.line(&rule.span()), selector, design: path });
        }
    }
    let mut excludes = Vec::new();
    for rule in &f.exclude {
        if let Some(d) = &rule.get_ref().design {
            cx.err(d.span(), "exclude.design: an excluded account is not checked, so names no design".into());
        }
        if let Some(selector) = selector(cx, rule, "exclude") {
            excludes.push(Exclude { line: cx.line(&rule.span()), selector });
        }
    }
    OrgFile {
        name: cx.name.to_string(),
        role_name: role.clone(),
        external_id: o.external_id.as_ref().map(|x| x.get_ref().clone()),
        profile: o.profile.clone(),
        regions,
        matches,
        excludes,
    }
}

/// The selector keys of one rule; `None` when one of them is invalid (already reported).
fn selector(cx: &mut Ctx<'_>, rule: &Spanned<RuleToml>, what: &str) -> Option<Selector> {
    let r = rule.get_ref();
    let before = cx.errors.len();
    if r.ou.is_none() && r.ou_id.is_none() && r.tags.is_none() && r.accounts.is_none() {
        cx.err(
            rule.span(),
            format!(
                "{what}: selects nothing; give `ou`, `ou_id`, `tags` or `accounts` (`ou = \"**\"` is every account)"
            ),
        );
        return None;
    }
    let ou = r.ou.as_ref().and_then(|ou| {
        // `*` stays within one OU name; `**` crosses levels.
        match GlobBuilder::new(ou.get_ref()).literal_separator(true).build() {
            Ok(g) => Some(g.compile_matcher()),
            Err(e) => {
                cx.err(ou.span(), format!("{what}.ou: `{}` is not a valid glob: {}", ou.get_ref(), e.kind()));
                None
            }
        }
    });
    let ou_id = r.ou_id.as_ref().map(|id| {
        let valid = id.get_ref().strip_prefix("ou-").and_then(|rest| rest.split_once('-')).is_some_and(|(a, b)| {
            (4..=32).contains(&a.len())
                && (8..=32).contains(&b.len())
                && (a.chars().chain(b.chars())).all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        });
        if !valid {
            cx.err(
                id.span(),
                format!("{what}.ou_id: `{}` is not an OU id; expected e.g. `ou-ab12-cd34ef56`", id.get_ref()),
            );
        }
        id.get_ref().clone()
    });
    let mut tags = Vec::new();
    for (key, value) in r.tags.iter().flatten() {
        tags.push((key.clone(), value.get_ref().clone()));
    }
    if r.tags.as_ref().is_some_and(BTreeMap::is_empty) {
        cx.err(rule.span(), format!("{what}.tags: empty; expected e.g. `{{ Environment = \"prod\" }}`"));
    }
    let mut accounts = Vec::new();
    if let Some(list) = &r.accounts {
        if list.get_ref().is_empty() {
            cx.err(list.span(), format!("{what}.accounts: none listed; expected account ids or name globs"));
        }
        for a in list.get_ref() {
            let text = a.get_ref();
            if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
                if text.len() == 12 {
                    accounts.push(AccountPattern::Id(text.clone()));
                } else {
                    cx.err(a.span(), format!("{what}.accounts: `{text}` is not an account id (12 digits)"));
                }
                continue;
            }
            match GlobBuilder::new(text).build() {
                Ok(g) if !text.is_empty() => accounts.push(AccountPattern::Name(g.compile_matcher())),
                Ok(_) => cx.err(a.span(), format!("{what}.accounts: empty; expected an account id or a name glob")),
                Err(e) => cx.err(a.span(), format!("{what}.accounts: `{text}` is not a valid glob: {}", e.kind())),
            }
        }
    }
    (cx.errors.len() == before).then_some(Selector { ou, ou_id, tags, accounts })
}
