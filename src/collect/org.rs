//! `--org FILE`: the organisation's accounts discovered through AWS Organizations, each
//! matched account × region an environment checked against the design its `[[match]]`
//! names (`engine::org`). Accounts left out are said on stderr, once.

use crate::cli::AwsArgs;
use engine::design::Design;
use engine::org::OrgFile;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// The environments of the organisation `path` describes, as designs ready to connect
/// (each assumes the org file's role in its own account).
pub fn designs(path: &Path, aws: &AwsArgs) -> Result<Vec<Design>, String> {
    let org = OrgFile::load(path).map_err(|e| e.to_string())?;
    let rt = super::runtime()?;
    let found = rt.block_on(discover(&org, aws))?;
    let resolved = org.resolve(&found);
    for s in &resolved.skipped {
        eprintln!("driftdeck: {s}");
    }
    if resolved.environments.is_empty() {
        return Err(format!("{}: no account of the organisation matches a [[match]]", path.display()));
    }
    // Many environments share a design: each file is read once.
    let mut bases: HashMap<&Path, Design> = HashMap::new();
    let mut out = Vec::with_capacity(resolved.environments.len());
    for env in &resolved.environments {
        if !bases.contains_key(env.design.as_path()) {
            let d = Design::load(&env.design).map_err(|e| e.to_string())?;
            bases.insert(env.design.as_path(), d);
        }
        if let Some(base) = bases.get(env.design.as_path()) {
            out.push(env.design(base, &org));
        }
    }
    Ok(out)
}

/// Read the organisation's accounts, OUs and tags with the org file's profile (the
/// management or delegated administrator account), or `--profile`.
async fn discover(org: &OrgFile, aws: &AwsArgs) -> Result<model::org::Organization, String> {
    // Organizations answers in us-east-1 whatever the region asked.
    let mut opts = aws::AwsOptions::new(aws.region.clone().unwrap_or_else(|| "us-east-1".into()));
    opts.profile = aws.profile.clone().or_else(|| org.profile.clone());
    opts.endpoint_url = aws.endpoint_url.clone();
    opts.operation_timeout = Duration::from_secs(aws.timeout.max(1));
    let conn = aws::organizations::Organizations::connect(&opts).await.map_err(|e| e.to_string())?;
    conn.discover().await.map_err(|e| format!("discovering the organisation ({}): {}", org.name, e.message))
}
