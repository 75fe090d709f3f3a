//! The live AWS collectors: the only code that names `aws_sdk_*`. Every collector call is
//! a read-only `Describe*`/`List*`/`Get*`; results are converted into `model` types. Beside
//! them, the events queue (`sqs`: receive, and delete what was applied) and the snapshot
//! bucket (`s3`: list and get, and put for `snapshot --out s3://` alone).

/// Drain a paginator's pages, counting each, converting items with `f`.
macro_rules! pages {
    ($self:ident, $op:literal, $stream:expr, |$page:ident| $body:expr) => {{
        let mut stream = $stream;
        let mut out = Vec::new();
        while let Some(page) = stream.next().await {
            $self.count_call();
            let $page = page.map_err(|e| $self.fail($op, &e))?;
            out.extend($body);
        }
        out
    }};
}

mod assume;
mod cloudtrail;
mod cloudwatch;
mod ec2;
mod eks;
mod elasticache;
mod errors;
mod guard;
mod guardduty;
mod kms;
pub mod limit;
pub mod organizations;
mod rds;
pub mod s3;
mod securityhub;
pub mod sqs;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_sts::config::ProvideCredentials;
use futures::future::BoxFuture;
use model::source::{FetchError, Source};
use model::{Kind, Snapshot};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use assume::AssumeRole;
pub use errors::ConnectError;
pub use guard::{AccountGuard, connect_checked};

/// How to reach AWS: flags over the design's defaults.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: String,
    /// Overrides every service endpoint (AWS_ENDPOINT_URL is honoured by the SDK too).
    pub endpoint_url: Option<String>,
    /// One operation, all retries included. The SDK has no default: without it a hung
    /// endpoint would hang a fetch forever.
    pub operation_timeout: Duration,
    pub attempt_timeout: Duration,
    pub max_attempts: u32,
    /// History calls (LookupEvents, DescribeAlarmHistory) per second, for this account.
    pub history_rate: f64,
    /// Act in another account through this role (`--org`), the credentials above
    /// signing the AssumeRole call.
    pub assume: Option<AssumeRole>,
}

impl AwsOptions {
    pub fn new(region: impl Into<String>) -> Self {
        AwsOptions {
            profile: None,
            region: region.into(),
            endpoint_url: None,
            operation_timeout: Duration::from_secs(30),
            attempt_timeout: Duration::from_secs(10),
            max_attempts: 3,
            history_rate: crate::limit::DEFAULT_RATE,
            assume: None,
        }
    }
}

/// Connected clients plus call accounting.
pub struct Aws {
    ec2: aws_sdk_ec2::Client,
    rds: aws_sdk_rds::Client,
    elasticache: aws_sdk_elasticache::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    kms: aws_sdk_kms::Client,
    eks: aws_sdk_eks::Client,
    guardduty: aws_sdk_guardduty::Client,
    securityhub: aws_sdk_securityhub::Client,
    /// Shared by every history call of this account (see `cloudtrail.rs`).
    history_limit: crate::limit::RateLimiter,
    sts: aws_sdk_sts::Client,
    region: String,
    account: Mutex<Option<String>>,
    /// Limits and endpoint, for error messages.
    ctx: errors::Context,
    calls: AtomicU64,
    errors: AtomicU64,
}

/// How long credential resolution may take before we call it "no credentials": the
/// default chain's IMDS probe otherwise waits far longer on a laptop.
const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(5);

/// A TCP connect to a reachable endpoint takes milliseconds; waiting longer only delays
/// the "cannot reach" message (the SDK has no connect timeout by default).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The default chain reports a missing profile exactly like "no credentials anywhere".
/// When a profile was named, ask the profile provider alone, which says which it was.
async fn credentials_error(
    e: &aws_credential_types::provider::error::CredentialsError,
    profile: Option<&str>,
) -> ConnectError {
    use aws_credential_types::provider::error::CredentialsError as C;
    let named = profile.map(str::to_string).or_else(|| std::env::var("AWS_PROFILE").ok()).filter(|p| !p.is_empty());
    let (C::CredentialsNotLoaded(_), Some(name)) = (e, &named) else {
        return ConnectError::from_credentials(e, named.as_deref());
    };
    let probe = aws_config::profile::ProfileFileCredentialsProvider::builder().profile_name(name).build();
    match tokio::time::timeout(CREDENTIALS_TIMEOUT, probe.provide_credentials()).await {
        Ok(Err(why)) => ConnectError::profile_without_credentials(name, &errors::root_cause(&why)),
        _ => ConnectError::no_credentials(),
    }
}

/// The SDK configuration of one connection, its credentials checked: the timeouts,
/// retries, profile and endpoint of `opts`, and, with `opts.assume`, the role assumed.
/// Every connection (`Aws`, `Organizations`) is made here, so all share the same limits.
pub(crate) async fn load(opts: &AwsOptions) -> Result<(SdkConfig, errors::Context), ConnectError> {
    let attempt_timeout = opts.attempt_timeout.min(opts.operation_timeout);
    let max_attempts = opts.max_attempts.max(1);
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_timeout(opts.operation_timeout)
        .operation_attempt_timeout(attempt_timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new(opts.region.clone()))
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(max_attempts));
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    let provider = config.credentials_provider().ok_or_else(ConnectError::no_credentials)?;
    match tokio::time::timeout(CREDENTIALS_TIMEOUT, provider.provide_credentials()).await {
        Err(_) => return Err(ConnectError::no_credentials()),
        Ok(Err(e)) => return Err(credentials_error(&e, opts.profile.as_deref()).await),
        Ok(Ok(_)) => {}
    }
    let ctx = errors::Context {
        operation_timeout: opts.operation_timeout,
        attempt_timeout,
        max_attempts,
        region: opts.region.clone(),
        endpoint_url: config.endpoint_url().map(str::to_string),
    };
    let Some(role) = &opts.assume else { return Ok((config, ctx)) };
    let config = assume::config(&config, role).await;
    let provider = config.credentials_provider().ok_or_else(ConnectError::no_credentials)?;
    // One STS call, under the operation's own bound (the SDK's timeouts apply inside it).
    match tokio::time::timeout(opts.operation_timeout, provider.provide_credentials()).await {
        Err(_) => Err(ConnectError(assume::refused(
            role,
            &format!("sts:AssumeRole timed out after {}s", opts.operation_timeout.as_secs()),
        ))),
        Ok(Err(e)) => Err(ConnectError(assume::refused(role, &errors::role_refusal(&e, &ctx)))),
        Ok(Ok(_)) => Ok((config, ctx)),
    }
}

impl Aws {
    pub async fn connect(opts: &AwsOptions) -> Result<Aws, ConnectError> {
        let (config, ctx) = load(opts).await?;
        Ok(Aws {
            ec2: aws_sdk_ec2::Client::new(&config),
            rds: aws_sdk_rds::Client::new(&config),
            elasticache: aws_sdk_elasticache::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            cloudtrail: aws_sdk_cloudtrail::Client::new(&config),
            kms: aws_sdk_kms::Client::new(&config),
            eks: aws_sdk_eks::Client::new(&config),
            guardduty: aws_sdk_guardduty::Client::new(&config),
            securityhub: aws_sdk_securityhub::Client::new(&config),
            history_limit: crate::limit::RateLimiter::new(opts.history_rate),
            sts: aws_sdk_sts::Client::new(&config),
            region: opts.region.clone(),
            account: Mutex::new(None),
            ctx,
            calls: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        })
    }

    /// The account the credentials belong to (STS GetCallerIdentity, read-only).
    pub async fn caller_account(&self) -> Result<String, ConnectError> {
        self.count_call();
        let out = self.sts.get_caller_identity().send().await.map_err(|e| {
            self.count_error();
            ConnectError(errors::sdk_error("sts:GetCallerIdentity", &e, &self.ctx).message)
        })?;
        let account = out
            .account()
            .map(str::to_string)
            .ok_or_else(|| ConnectError("sts:GetCallerIdentity returned no account".into()))?;
        if let Ok(mut slot) = self.account.lock() {
            *slot = Some(account.clone());
        }
        Ok(account)
    }

    fn count_call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    fn count_error(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Turn an SDK error into a one-line fetch error, counting it.
    fn fail<E, R>(&self, op: &str, e: &aws_smithy_runtime_api::client::result::SdkError<E, R>) -> FetchError
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        self.count_error();
        errors::sdk_error(op, e, &self.ctx)
    }

    async fn fetch(&self, kind: Kind) -> Result<Snapshot, FetchError> {
        let mut s = Snapshot::new(self.region.clone());
        match kind {
            Kind::Vpcs => s.vpcs = self.vpcs().await?,
            Kind::Subnets => s.subnets = self.subnets().await?,
            Kind::RouteTables => s.route_tables = self.route_tables().await?,
            Kind::InternetGateways => s.internet_gateways = self.internet_gateways().await?,
            Kind::NatGateways => s.nat_gateways = self.nat_gateways().await?,
            Kind::PeeringConnections => s.peering_connections = self.peering_connections().await?,
            Kind::SecurityGroups => s.security_groups = self.security_groups().await?,
            Kind::DbInstances => s.db_instances = self.db_instances().await?,
            Kind::DbClusters => s.db_clusters = self.db_clusters().await?,
            Kind::CacheReplicationGroups => s.cache_replication_groups = self.replication_groups().await?,
            Kind::CacheClusters => s.cache_clusters = self.cache_clusters().await?,
            Kind::Alarms => s.alarms = self.alarms().await?,
            Kind::NetworkAcls => s.network_acls = self.network_acls().await?,
            Kind::PrefixLists => s.prefix_lists = self.prefix_lists().await?,
            Kind::VpcEndpoints => s.vpc_endpoints = self.vpc_endpoints().await?,
            Kind::FlowLogs => s.flow_logs = self.flow_logs().await?,
            Kind::NetworkInterfaces => s.network_interfaces = self.network_interfaces().await?,
            Kind::KmsKeys => s.kms_keys = self.kms_keys().await?,
            Kind::LaunchTemplates => s.launch_templates = self.launch_templates().await?,
            Kind::Instances => s.instances = self.instances().await?,
            Kind::Detectors => s.detectors = self.detectors().await?,
            Kind::Trails => s.trails = self.trails().await?,
            Kind::EksClusters => s.eks_clusters = self.eks_clusters().await?,
            Kind::EksAccessEntries => s.eks_access_entries = self.eks_access_entries().await?,
            Kind::TransitGateways => s.transit_gateways = self.transit_gateways().await?,
            Kind::TransitGatewayAttachments => {
                s.transit_gateway_attachments = self.transit_gateway_attachments().await?
            }
            Kind::TransitGatewayRouteTables => {
                s.transit_gateway_route_tables = self.transit_gateway_route_tables().await?
            }
            Kind::VpnGateways => s.vpn_gateways = self.vpn_gateways().await?,
            Kind::CustomerGateways => s.customer_gateways = self.customer_gateways().await?,
            Kind::VpnConnections => s.vpn_connections = self.vpn_connections().await?,
        }
        Ok(s)
    }
}

impl Source for Aws {
    fn fetch_kind(&self, kind: Kind) -> BoxFuture<'_, Result<Snapshot, FetchError>> {
        Box::pin(self.fetch(kind))
    }

    fn region(&self) -> &str {
        &self.region
    }

    fn account(&self) -> Option<String> {
        self.account.lock().ok().and_then(|a| a.clone())
    }

    fn call_stats(&self) -> (u64, u64) {
        (self.calls.load(Ordering::Relaxed), self.errors.load(Ordering::Relaxed))
    }

    fn history(&self, prefix: Option<String>, start: jiff::Timestamp) -> BoxFuture<'_, model::history::History> {
        Box::pin(async move { Aws::history(self, prefix.as_deref(), start).await })
    }
}

/// Tags as a map; AWS returns them as a list of key/value pairs.
fn tag_map<'a>(tags: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>) -> model::Tags {
    tags.into_iter().filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string()))).collect()
}

fn timestamp(t: &aws_smithy_types::DateTime) -> Option<jiff::Timestamp> {
    jiff::Timestamp::new(t.secs(), i32::try_from(t.subsec_nanos()).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smithy_datetimes_become_jiff_timestamps() {
        let t = aws_smithy_types::DateTime::from_secs_and_nanos(1_700_000_000, 250_000_000);
        assert_eq!(timestamp(&t).map(|t| t.to_string()).as_deref(), Some("2023-11-14T22:13:20.25Z"));
    }

    #[test]
    fn tags_ignore_keyless_pairs() {
        let tags = tag_map([(Some("Name"), Some("a")), (None, Some("b")), (Some("Empty"), None)]);
        assert_eq!(tags.len(), 2);
        assert_eq!(tags.get("Empty").map(String::as_str), Some(""));
    }

    #[test]
    fn options_defaults() {
        let o = AwsOptions::new("eu-west-2");
        assert_eq!(
            (o.operation_timeout, o.attempt_timeout, o.max_attempts),
            (Duration::from_secs(30), Duration::from_secs(10), 3)
        );
        assert!(o.profile.is_none() && o.endpoint_url.is_none());
    }
}
