//! The snapshot bucket: `--snapshots s3://bucket/prefix/` reads the snapshots that
//! per-account jobs wrote (`ListObjectsV2`, `GetObject`), and `snapshot --out
//! s3://bucket/prefix/` writes one (`PutObject`, the only call here that writes, kept in a
//! statement of its own in `assets/iam-policy.json`).
//!
//! Listing is cheap and says each object's last change, so a refresh lists, and gets only
//! what changed since (`Listed::last_modified`, `Listed::etag`).

use crate::{AwsOptions, ConnectError, errors, load, timestamp};
use aws_sdk_s3::primitives::ByteStream;
use futures::stream::{self, StreamExt, TryStreamExt};
use jiff::Timestamp;
use model::limits::MAX_SNAPSHOT_BYTES;
use model::source::FetchError;
use std::fmt;

/// How many objects are fetched at once by `Bucket::snapshots`.
const GETS_IN_FLIGHT: usize = 8;

/// `s3://bucket/prefix/`. The prefix is a folder: it is empty or ends in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    pub prefix: String,
}

impl S3Url {
    /// `s3://bucket/prefix/` or `s3://bucket`. A prefix without a trailing `/` is taken
    /// as the folder it names (`s3://b/prod` is `s3://b/prod/`), so `prod` never also
    /// matches `production/`. Errors are one line.
    pub fn parse(url: &str) -> Result<S3Url, String> {
        let rest =
            url.strip_prefix("s3://").ok_or_else(|| format!("{url:?}: not an s3:// URL (s3://bucket/prefix/)"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        check_bucket(bucket).map_err(|why| format!("{url:?}: {why}"))?;
        if prefix.split('/').any(|part| part == "." || part == "..") || prefix.starts_with('/') || prefix.contains("//")
        {
            return Err(format!("{url:?}: the prefix has an empty, `.` or `..` part"));
        }
        let prefix = match prefix {
            "" => String::new(),
            p if p.ends_with('/') => p.to_string(),
            p => format!("{p}/"),
        };
        Ok(S3Url { bucket: bucket.to_string(), prefix })
    }

    /// Is `url` meant for S3 (as against a local path)?
    pub fn is_s3(url: &str) -> bool {
        url.starts_with("s3://")
    }

    /// The key of `name` under the prefix: `prefix/111122223333/eu-west-2.json`.
    pub fn key(&self, name: &str) -> String {
        format!("{}{}", self.prefix, name.trim_start_matches('/'))
    }
}

impl fmt::Display for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

/// General purpose bucket names: 3 to 63 lowercase letters, digits, `.` and `-`,
/// beginning and ending with a letter or digit (Amazon S3 User Guide, "Bucket naming rules").
fn check_bucket(b: &str) -> Result<(), String> {
    if b.is_empty() {
        return Err("no bucket name".into());
    }
    if !(3..=63).contains(&b.len()) {
        return Err(format!("bucket name {b:?} is not 3 to 63 characters"));
    }
    if !b.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-') {
        return Err(format!("bucket name {b:?} has characters other than a-z, 0-9, `.` and `-`"));
    }
    let edge = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !edge(b.bytes().next()) || !edge(b.bytes().last()) {
        return Err(format!("bucket name {b:?} must begin and end with a letter or digit"));
    }
    Ok(())
}

/// One object listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub key: String,
    pub last_modified: Option<Timestamp>,
    pub etag: Option<String>,
    pub size: u64,
}

/// One object read: its key, when it was last written (the snapshot's age, as the bucket
/// knows it) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    pub last_modified: Option<Timestamp>,
    pub bytes: Vec<u8>,
}

/// A connected bucket client. The client never leaves this file.
pub struct Bucket {
    s3: aws_sdk_s3::Client,
    ctx: errors::Context,
}

impl Bucket {
    /// A client in `opts.region`, which must be the bucket's: S3 answers another
    /// region's client with a redirect, shown as the error it is. Against a local
    /// endpoint, path-style addressing (`endpoint/bucket/key`): a local server has no
    /// DNS for `bucket.endpoint`.
    pub async fn connect(opts: &AwsOptions) -> Result<Bucket, ConnectError> {
        let (config, ctx) = load(opts).await?;
        let s3 = aws_sdk_s3::config::Builder::from(&config).force_path_style(opts.endpoint_url.is_some()).build();
        Ok(Bucket { s3: aws_sdk_s3::Client::from_conf(s3), ctx })
    }

    /// Every `.json` object under the prefix, all pages (`ListObjectsV2`, 1,000 a page),
    /// sorted by key. Other objects (a README, a lock) are not snapshots and are left out.
    pub async fn list(&self, url: &S3Url) -> Result<Vec<Listed>, FetchError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut req = self.s3.list_objects_v2().bucket(&url.bucket).prefix(&url.prefix);
            if let Some(t) = &token {
                req = req.continuation_token(t);
            }
            let page = req.send().await.map_err(|e| errors::sdk_error("s3:ListObjectsV2", &e, &self.ctx))?;
            out.extend(page.contents().iter().filter_map(|o| {
                let key = o.key()?;
                key.ends_with(".json").then(|| Listed {
                    key: key.to_string(),
                    last_modified: o.last_modified().and_then(timestamp),
                    etag: o.e_tag().map(str::to_string),
                    size: o.size().and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
                })
            }));
            token = page.next_continuation_token().filter(|_| page.is_truncated() == Some(true)).map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// One object, at most `MAX_SNAPSHOT_BYTES` (the limit a snapshot file has on disk).
    pub async fn get(&self, bucket: &str, key: &str) -> Result<Object, FetchError> {
        let out = self
            .s3
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| errors::sdk_error("s3:GetObject", &e, &self.ctx))?;
        let too_big =
            |n: u64| FetchError::new(format!("s3://{bucket}/{key}: {n} bytes, more than {MAX_SNAPSHOT_BYTES}"));
        if let Some(n) = out.content_length().and_then(|n| u64::try_from(n).ok()).filter(|n| *n > MAX_SNAPSHOT_BYTES) {
            return Err(too_big(n));
        }
        let last_modified = out.last_modified().and_then(timestamp);
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| FetchError::new(format!("s3:GetObject s3://{bucket}/{key}: {}", errors::chain(&e))))?
            .to_vec();
        if bytes.len() as u64 > MAX_SNAPSHOT_BYTES {
            return Err(too_big(bytes.len() as u64));
        }
        Ok(Object { key: key.to_string(), last_modified, bytes })
    }

    /// Every snapshot under the prefix: a listing, then each object, a few at a time.
    /// The first failure is the answer: a source missing one environment would show the
    /// estate as smaller than it is.
    pub async fn snapshots(&self, url: &S3Url) -> Result<Vec<Object>, FetchError> {
        let listed = self.list(url).await?;
        let mut objects: Vec<Object> = stream::iter(listed.iter().map(|l| self.get(&url.bucket, &l.key)))
            .buffer_unordered(GETS_IN_FLIGHT)
            .try_collect()
            .await?;
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(objects)
    }

    /// Write `bytes` as `name` under the prefix (`PutObject`, JSON); the key written.
    pub async fn put(&self, url: &S3Url, name: &str, bytes: Vec<u8>) -> Result<String, FetchError> {
        let key = url.key(name);
        self.s3
            .put_object()
            .bucket(&url.bucket)
            .key(&key)
            .content_type("application/json")
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| errors::sdk_error("s3:PutObject", &e, &self.ctx))?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_bucket_and_a_folder() {
        let u = S3Url::parse("s3://driftdeck-snapshots/prod/").expect("url");
        assert_eq!((u.bucket.as_str(), u.prefix.as_str()), ("driftdeck-snapshots", "prod/"));
        assert_eq!(S3Url::parse("s3://driftdeck-snapshots/prod").expect("url").prefix, "prod/");
        assert_eq!(S3Url::parse("s3://driftdeck-snapshots").expect("url").prefix, "");
        assert_eq!(S3Url::parse("s3://driftdeck-snapshots/").expect("url").prefix, "");
        assert_eq!(u.key("111122223333/eu-west-2.json"), "prod/111122223333/eu-west-2.json");
        assert_eq!(u.to_string(), "s3://driftdeck-snapshots/prod/");
        assert!(S3Url::is_s3("s3://b/") && !S3Url::is_s3("snapshots/"));
    }

    #[test]
    fn bad_urls_are_one_line_errors() {
        for (url, says) in [
            ("https://bucket/prefix/", "not an s3:// URL"),
            ("s3:///prefix/", "no bucket name"),
            ("s3://ab/", "3 to 63"),
            ("s3://My_Bucket/", "characters other than"),
            ("s3://-bucket/", "begin and end"),
            ("s3://bucket//x/", "empty"),
            ("s3://bucket/a/../b/", "`..`"),
        ] {
            let e = S3Url::parse(url).expect_err(url);
            assert!(e.contains(says) && !e.contains('\n'), "{url}: {e}");
        }
    }
}
