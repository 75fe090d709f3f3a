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

/// One environment's snapshot in the bucket as a `Source`: the console and `watch` poll it
/// like a live account. One GET serves every kind of a refresh (kept for a few seconds);
/// a kind the snapshot could not fetch is that kind's error, as it was when written.
pub struct BucketSource {
    bucket: std::sync::Arc<aws::s3::Bucket>,
    bucket_name: String,
    key: String,
    region: String,
    cache: tokio::sync::Mutex<Option<(std::time::Instant, std::sync::Arc<Snapshot>)>>,
    account: std::sync::Mutex<Option<String>>,
    calls: std::sync::atomic::AtomicU64,
    errors: std::sync::atomic::AtomicU64,
}

/// How long one read of the object serves the kinds that ask for it.
const REUSE: std::time::Duration = std::time::Duration::from_secs(5);

impl BucketSource {
    /// The source of `design`'s snapshot under `url` (named as `snapshot --out` names it).
    pub async fn connect(design: &Design, url: &str, aws: &AwsArgs) -> Result<BucketSource, String> {
        let url = aws::s3::S3Url::parse(url).map_err(|e| format!("--snapshots: {e}"))?;
        let mut opts = super::aws_options(design, aws);
        opts.assume = None;
        let bucket = aws::s3::Bucket::connect(&opts).await.map_err(|e| format!("--snapshots: {e}"))?;
        Ok(BucketSource {
            bucket: std::sync::Arc::new(bucket),
            bucket_name: url.bucket.clone(),
            key: url.key(&name_of(design)),
            region: design.environment.region.clone(),
            cache: tokio::sync::Mutex::new(None),
            account: std::sync::Mutex::new(design.environment.account_id.clone()),
            calls: Default::default(),
            errors: Default::default(),
        })
    }

    async fn latest(&self) -> Result<std::sync::Arc<Snapshot>, model::source::FetchError> {
        use std::sync::atomic::Ordering::Relaxed;
        let mut cache = self.cache.lock().await;
        if let Some((at, snap)) = cache.as_ref()
            && at.elapsed() < REUSE
        {
            return Ok(std::sync::Arc::clone(snap));
        }
        self.calls.fetch_add(1, Relaxed);
        let where_ = format!("s3://{}/{}", self.bucket_name, self.key);
        let read = async {
            let object = self.bucket.get(&self.bucket_name, &self.key).await?;
            let text = String::from_utf8(object.bytes)
                .map_err(|_| model::source::FetchError::new(format!("{where_} is not UTF-8 JSON")))?;
            Snapshot::from_json(&text).map_err(|e| model::source::FetchError::new(format!("{where_}: {e}")))
        };
        match read.await {
            Ok(snap) => {
                if let Ok(mut a) = self.account.lock()
                    && snap.account.is_some()
                {
                    a.clone_from(&snap.account);
                }
                let snap = std::sync::Arc::new(snap);
                *cache = Some((std::time::Instant::now(), std::sync::Arc::clone(&snap)));
                Ok(snap)
            }
            Err(e) => {
                self.errors.fetch_add(1, Relaxed);
                Err(e)
            }
        }
    }
}

impl model::source::Source for BucketSource {
    fn fetch_kind(
        &self,
        kind: model::Kind,
    ) -> futures::future::BoxFuture<'_, Result<Snapshot, model::source::FetchError>> {
        Box::pin(async move {
            let snap = self.latest().await?;
            let age = snap.taken_at.map(|t| (jiff::Timestamp::now().as_second() - t.as_second()) / 60);
            match snap.inventory.get(&kind) {
                Some(st) if st.usable() => Ok(snap.only(kind)),
                Some(st) => Err(model::source::FetchError::new(format!(
                    "{kind}: not in the snapshot ({})",
                    st.error.as_deref().unwrap_or("its fetch failed")
                ))),
                None => Err(model::source::FetchError::new(format!(
                    "{kind}: the snapshot s3://{}/{} holds no {kind}{}",
                    self.bucket_name,
                    self.key,
                    age.map(|m| format!(" (taken {m} min ago)")).unwrap_or_default()
                ))),
            }
        })
    }

    fn region(&self) -> &str {
        &self.region
    }

    fn account(&self) -> Option<String> {
        self.account.lock().ok().and_then(|a| a.clone())
    }

    fn call_stats(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.calls.load(Relaxed), self.errors.load(Relaxed))
    }
}
