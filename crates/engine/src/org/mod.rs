//! `--org FILE`: which accounts of an AWS Organization are checked, against which design,
//! in which regions. Parsing the file, and matching a discovered organisation to it:
//! one environment per matched account and region, and every skipped account with why.

mod file;

use crate::design::DesignErrors;
use globset::GlobMatcher;
use model::org::{Account, Organization};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A validated `--org` file.
#[derive(Debug, Clone)]
pub struct OrgFile {
    /// The file as the user gave it, for messages.
    pub name: String,
    /// The role assumed in every member account.
    pub role_name: String,
    pub external_id: Option<String>,
    /// The profile of the management (or delegated administrator) account.
    pub profile: Option<String>,
    /// In the file's order, without repeats.
    pub regions: Vec<String>,
    /// In the file's order: the first that selects an account wins.
    pub matches: Vec<Match>,
    pub excludes: Vec<Exclude>,
}

/// One `[[match]]`.
#[derive(Debug, Clone)]
pub struct Match {
    /// Line of the `[[match]]` header.
    pub line: usize,
    pub selector: Selector,
    /// The design, joined to the org file's folder.
    pub design: PathBuf,
}

/// One `[[exclude]]`.
#[derive(Debug, Clone)]
pub struct Exclude {
    pub line: usize,
    pub selector: Selector,
}

/// Which accounts a rule selects: every key given must hold.
#[derive(Debug, Clone)]
pub struct Selector {
    /// Over the OU name path (`Prod/PCI`).
    ou: Option<GlobMatcher>,
    /// An OU the account sits in, at any depth.
    ou_id: Option<String>,
    /// Every pair must be on the account.
    tags: Vec<(String, String)>,
    /// Any one of them.
    accounts: Vec<AccountPattern>,
}

#[derive(Debug, Clone)]
enum AccountPattern {
    Id(String),
    Name(GlobMatcher),
}

impl Selector {
    pub fn selects(&self, a: &Account) -> bool {
        self.ou.as_ref().is_none_or(|g| g.is_match(a.ou_path_text()))
            && self.ou_id.as_ref().is_none_or(|id| a.ou_ids.contains(id))
            && self.tags.iter().all(|(k, v)| a.tags.get(k) == Some(v))
            && (self.accounts.is_empty()
                || self.accounts.iter().any(|p| match p {
                    AccountPattern::Id(id) => *id == a.id,
                    AccountPattern::Name(g) => g.is_match(&a.name),
                }))
    }
}

impl OrgFile {
    /// Read and validate an org file; design paths are relative to its folder and must
    /// exist.
    pub fn load(path: &Path) -> Result<OrgFile, DesignErrors> {
        let name = path.display().to_string();
        let text = model::limits::read_capped(path, "org file", model::limits::MAX_CONFIG_BYTES).map_err(|e| {
            DesignErrors(vec![crate::design::DesignError { file: name.clone(), line: 0, column: 0, message: e }])
        })?;
        let dir = path.parent().unwrap_or(Path::new(""));
        file::parse(&name, dir, &text, Some(&|p: &Path| p.is_file()))
    }

    /// Validate org file text; `name` is used in error locations and design paths are
    /// joined to `dir`. Does not look for the designs on disk (`load` does).
    pub fn parse(name: &str, dir: &Path, text: &str) -> Result<OrgFile, DesignErrors> {
        file::parse(name, dir, text, None)
    }

    /// The ARN of the role to assume in an account.
    pub fn role_arn(&self, account: &str) -> String {
        format!("arn:aws:iam::{account}:role/{}", self.role_name)
    }

    /// The environments of a discovered organisation: one per matched active account and
    /// region, the first matching `[[match]]` choosing the design, after `[[exclude]]`.
    /// Every other account is listed in `skipped` with why, so it can be said once.
    /// Both lists are ordered by account name, then id.
    pub fn resolve(&self, org: &Organization) -> Resolved {
        let mut accounts: Vec<&Account> = org.accounts.iter().collect();
        accounts.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        let mut chosen: Vec<(&Account, &Match)> = Vec::new();
        let mut skipped = Vec::new();
        for a in accounts {
            let reason = if !a.is_active() {
                SkipReason::Inactive(a.state.clone())
            } else if let Some(x) = self.excludes.iter().find(|x| x.selector.selects(a)) {
                SkipReason::Excluded(format!("{}:{}", self.name, x.line))
            } else if let Some(m) = self.matches.iter().find(|m| m.selector.selects(a)) {
                chosen.push((a, m));
                continue;
            } else {
                SkipReason::Unmatched
            };
            skipped.push(Skipped { account: a.id.clone(), name: a.name.clone(), ou_path: a.ou_path_text(), reason });
        }
        // Names are not unique in an organisation: a shared one gets the id added.
        let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
        for (a, _) in &chosen {
            *uses.entry(a.name.as_str()).or_default() += 1;
        }
        let mut environments = Vec::with_capacity(chosen.len() * self.regions.len());
        for (a, m) in &chosen {
            let label = if a.name.is_empty() {
                a.id.clone()
            } else if uses.get(a.name.as_str()).copied().unwrap_or(0) > 1 {
                format!("{} ({})", a.name, a.id)
            } else {
                a.name.clone()
            };
            for region in &self.regions {
                environments.push(Environment {
                    name: format!("{label}/{region}"),
                    account: a.id.clone(),
                    account_name: a.name.clone(),
                    region: region.clone(),
                    ou_path: a.ou_path_text(),
                    design: m.design.clone(),
                    rule: format!("{}:{}", self.name, m.line),
                });
            }
        }
        Resolved { environments, skipped }
    }
}

impl Environment {
    /// The design this environment is checked against, made its own: its name, region and
    /// account (the guard) are the environment's, the profile the org file's (it signs
    /// the AssumeRole call), and it carries the role and its place in the organisation.
    pub fn design(&self, base: &crate::design::Design, org: &OrgFile) -> crate::design::Design {
        let mut d = base.clone();
        d.environment.name = self.name.clone();
        d.environment.region = self.region.clone();
        d.environment.account_id = Some(self.account.clone());
        d.environment.profile = org.profile.clone();
        d.environment.org = Some(crate::design::OrgPlace {
            role_name: org.role_name.clone(),
            external_id: org.external_id.clone(),
            ou_path: self.ou_path.clone(),
            rule: self.rule.clone(),
        });
        d
    }
}

/// What an org file makes of an organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    pub environments: Vec<Environment>,
    pub skipped: Vec<Skipped>,
}

/// One account in one region, checked against one design.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// `ACCOUNT-NAME/REGION` (`ACCOUNT-NAME (ID)/REGION` when two accounts share a name,
    /// `ID/REGION` for an account without a name).
    pub name: String,
    /// The account id: the environment's account guard.
    pub account: String,
    pub account_name: String,
    pub region: String,
    /// OU names from under the root, `/`-joined; `""` at the root.
    pub ou_path: String,
    pub design: PathBuf,
    /// `FILE:LINE` of the `[[match]]` that chose the design.
    pub rule: String,
}

/// An account that is not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub account: String,
    pub name: String,
    pub ou_path: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Not `ACTIVE`: the state as Organizations reports it.
    Inactive(String),
    /// `FILE:LINE` of the `[[exclude]]`.
    Excluded(String),
    /// No `[[match]]` selects it.
    Unmatched,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ou = if self.ou_path.is_empty() { "root" } else { &self.ou_path };
        write!(f, "skipped account {} ({}, OU {ou}): ", self.account, model::limits::one_line(self.name.clone()))?;
        match &self.reason {
            SkipReason::Inactive(state) => write!(f, "{}", state.to_ascii_lowercase().replace('_', " ")),
            SkipReason::Excluded(at) => write!(f, "excluded by the [[exclude]] at {at}"),
            SkipReason::Unmatched => f.write_str("no [[match]] selects it"),
        }
    }
}
