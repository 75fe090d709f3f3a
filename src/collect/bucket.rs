//! Snapshots from a bucket (`--snapshots s3://BUCKET/PREFIX/`): what per-account jobs
//! wrote with `snapshot --out s3://...`, read by one gate. Each environment takes the
//! object named as `snapshot` names it; a missing or unreadable one is that
//! environment's error, never an empty (clean-looking) snapshot.

use crate::cli::AwsArgs;
use engine::design::Design;
use engine::drift::Report;
use model::Snapshot;
use model::history::History;

type Fetched = Result<(Snapshot, Option<(History, Report)>), String>;

/// The object name of an environment's snapshot under the prefix (the same rule as
/// `snapshot --out`).
pub fn name_of(d: &Design) -> String {
    match (&d.environment.org, &d.environment.account_id) {
        (Some(_), Some(account)) => format!("{account}/{}.json", d.environment.region),
        _ => format!("{}.json", d.environment.name),
    }
}

/// Every design's snapshot from the bucket, in design order.
pub fn read(designs: &[Design], url: &str, aws: &AwsArgs) -> Result<Vec<Fetched>, String> {
    let url = aws::s3::S3Url::parse(url).map_err(|e| format!("--snapshots: {e}"))?;
    let first = designs.first().ok_or("no environment to read snapshots for")?;
    let mut opts = super::aws_options(first, aws);
    // The bucket is read with the caller's own credentials, not a member's role.
    opts.assume = None;
    let rt = super::runtime()?;
    let bucket = rt.block_on(aws::s3::Bucket::connect(&opts)).map_err(|e| format!("--snapshots: {e}"))?;
    let listed = rt.block_on(bucket.list(&url)).map_err(|e| format!("--snapshots {url}: {}", e.message))?;
    let now = jiff::Timestamp::now();
    Ok(designs
        .iter()
        .map(|d| {
            let key = url.key(&name_of(d));
            if !listed.iter().any(|l| l.key == key) {
                return Err(format!("{}: no snapshot at s3://{}/{key}", d.environment.name, url.bucket));
            }
            let object = rt
                .block_on(bucket.get(&url.bucket, &key))
                .map_err(|e| format!("{}: s3://{}/{key}: {}", d.environment.name, url.bucket, e.message))?;
            let text = String::from_utf8(object.bytes)
                .map_err(|_| format!("{}: s3://{}/{key} is not UTF-8 JSON", d.environment.name, url.bucket))?;
            let snap = Snapshot::from_json(&text)
                .map_err(|e| format!("{}: s3://{}/{key}: {e}", d.environment.name, url.bucket))?;
            if let Some(taken) = snap.taken_at {
                let age = now.as_second().saturating_sub(taken.as_second()) / 60;
                eprintln!("driftdeck: {}: snapshot s3://{}/{key}, taken {age} min ago", d.environment.name, url.bucket);
            }
            Ok((snap, None))
        })
        .collect())
}
