//! Resource types of the account controls: KMS keys, launch templates and instances
//! (instance metadata), detectors (GuardDuty, Security Hub), CloudTrail trails, EKS
//! clusters and their access entries. SDK-free, as the other resources.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::Tags;

/// A KMS key found through its aliases (kms:ListAliases, DescribeKey, GetKeyRotationStatus).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmsKey {
    pub id: String,
    pub arn: String,
    /// Every alias naming the key, `alias/…`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `Unavailable`, …
    pub state: String,
    /// When a key pending deletion is deleted.
    #[serde(default)]
    pub deletion_date: Option<Timestamp>,
    /// `None` when the rotation status could not be read (see `rotation_error`).
    #[serde(default)]
    pub rotation_enabled: Option<bool>,
    #[serde(default)]
    pub rotation_period_days: Option<i32>,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, …: only symmetric keys rotate automatically.
    #[serde(default)]
    pub key_spec: Option<String>,
    #[serde(default)]
    pub rotation_error: Option<String>,
}

impl KmsKey {
    /// Does `name` (an alias, key id or key ARN) name this key?
    pub fn named(&self, name: &str) -> bool {
        self.id == name || self.arn == name || self.aliases.iter().any(|a| a == name)
    }
}

/// Instance metadata options, as a launch template version or an instance carries them.
/// `None` fields were not set (a launch template leaves them to AWS's defaults).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional`.
    #[serde(default)]
    pub http_tokens: Option<String>,
    #[serde(default)]
    pub hop_limit: Option<i32>,
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub http_endpoint: Option<String>,
}

impl MetadataOptions {
    /// The metadata service is switched off, so neither tokens nor hops matter.
    pub fn endpoint_disabled(&self) -> bool {
        self.http_endpoint.as_deref().is_some_and(|e| e.eq_ignore_ascii_case("disabled"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchTemplateVersion {
    pub number: i64,
    pub metadata: MetadataOptions,
}

/// A launch template with its default and latest versions (the ones new instances use).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchTemplate {
    pub id: String,
    pub name: String,
    pub default_version: i64,
    pub latest_version: i64,
    /// The default and the latest version (one entry when they are the same).
    #[serde(default)]
    pub versions: Vec<LaunchTemplateVersion>,
    #[serde(default)]
    pub tags: Tags,
}

/// The launch template an instance was started from (its `aws:ec2launchtemplate:*` tags).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchTemplateRef {
    pub id: String,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
    pub state: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub metadata: MetadataOptions,
    #[serde(default)]
    pub launch_template: Option<LaunchTemplateRef>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectorService {
    GuardDuty,
    SecurityHub,
}

impl DetectorService {
    pub fn label(self) -> &'static str {
        match self {
            DetectorService::GuardDuty => "GuardDuty",
            DetectorService::SecurityHub => "Security Hub",
        }
    }
}

/// A GuardDuty detector, or the region's Security Hub (one entry: enabled or not). When
/// one service's call was refused the entry carries the error and its status is unknown,
/// so only that service's rule is unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detector {
    pub service: DetectorService,
    /// Detector id, or the hub ARN (empty when Security Hub is not enabled).
    pub id: String,
    /// `ENABLED` or `DISABLED`; `UNKNOWN` with `error` set when it could not be read.
    pub status: String,
    #[serde(default)]
    pub error: Option<String>,
}

impl Detector {
    pub fn enabled(&self) -> bool {
        self.error.is_none() && self.status.eq_ignore_ascii_case("ENABLED")
    }
}

/// A CloudTrail trail (DescribeTrails, with GetTrailStatus for `is_logging`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: Option<String>,
    pub multi_region: bool,
    pub log_file_validation: bool,
    /// `None` when the status could not be read (see `status_error`).
    #[serde(default)]
    pub is_logging: Option<bool>,
    #[serde(default)]
    pub status_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EksCluster {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    pub endpoint_public_access: bool,
    /// As AWS reports them; AWS fills in `0.0.0.0/0` when none were given.
    #[serde(default)]
    pub public_access_cidrs: Vec<String>,
    pub endpoint_private_access: bool,
    /// `API`, `API_AND_CONFIG_MAP` or `CONFIG_MAP`; `None` when AWS did not say
    /// (clusters older than access entries behave as `CONFIG_MAP`).
    #[serde(default)]
    pub authentication_mode: Option<String>,
    #[serde(default)]
    pub bootstrap_cluster_creator_admin: Option<bool>,
}

impl EksCluster {
    /// The mode access is granted in; `CONFIG_MAP` when AWS does not say.
    pub fn mode(&self) -> &str {
        self.authentication_mode.as_deref().unwrap_or("CONFIG_MAP")
    }

    /// Access entries are read for this cluster (`API` or `API_AND_CONFIG_MAP`).
    pub fn has_access_entries(&self) -> bool {
        self.mode() != "CONFIG_MAP"
    }

    /// The aws-auth ConfigMap, in the Kubernetes API, may grant access too.
    pub fn uses_config_map(&self) -> bool {
        self.mode() != "API"
    }
}

/// An access policy associated with an access entry, and where it applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EksAccessPolicy {
    /// `arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`, …
    pub policy_arn: String,
    /// `cluster` or `namespace`.
    pub scope: String,
    #[serde(default)]
    pub namespaces: Vec<String>,
}

impl EksAccessPolicy {
    /// The policy's short name: `AmazonEKSClusterAdminPolicy`.
    pub fn name(&self) -> &str {
        self.policy_arn.rsplit('/').next().unwrap_or(&self.policy_arn)
    }

    pub fn cluster_wide(&self) -> bool {
        self.scope.eq_ignore_ascii_case("cluster")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EksAccessEntry {
    pub cluster: String,
    pub principal_arn: String,
    /// `STANDARD`, `EC2_LINUX`, `EC2_WINDOWS`, `FARGATE_LINUX`, …
    #[serde(default)]
    pub entry_type: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    /// `None` when not read: ListAccessEntries names principals only (DescribeAccessEntry,
    /// which holds the groups, is not called), so groups bound by RBAC are unknown.
    #[serde(default)]
    pub kubernetes_groups: Option<Vec<String>>,
    #[serde(default)]
    pub policies: Vec<EksAccessPolicy>,
}
