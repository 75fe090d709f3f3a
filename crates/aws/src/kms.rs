//! KMS collector: keys found through their aliases (kms:ListAliases), each described
//! (DescribeKey: state, deletion date, manager) and its rotation read
//! (GetKeyRotationStatus). Nothing reads key material or policies.
//!
//! A refused call fails the kind. A key AWS cannot rotate (asymmetric, HMAC, imported
//! material, custom key store) reads as not rotating, with the reason; a rotation status
//! AWS will not give for the key's state (disabled, pending deletion) is left unknown.

use super::{Aws, errors, timestamp};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use model::source::FetchError;
use model::*;
use std::collections::BTreeMap;

/// ListAliases pages hold at most 100 aliases.
const PAGE: i32 = 100;

impl Aws {
    pub(super) async fn kms_keys(&self) -> Result<Vec<KmsKey>, FetchError> {
        let stream = self.kms.list_aliases().limit(PAGE).into_paginator().send();
        let aliases = pages!(self, "kms:ListAliases", stream, |p| p
            .aliases()
            .iter()
            .filter_map(|a| Some((a.target_key_id()?.to_string(), a.alias_name()?.to_string())))
            .collect::<Vec<_>>());
        // Key id -> its aliases; an alias AWS predefines but has not created has no key.
        let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
        // AWS-managed keys (`alias/aws/...`) rotate on AWS's own schedule and are not a
        // design's keys: not described, which also spares two calls per service.
        for (key, alias) in aliases.into_iter().filter(|(_, a)| !a.starts_with("alias/aws/")) {
            by_key.entry(key).or_default().push(alias);
        }
        let mut out = Vec::with_capacity(by_key.len());
        for (id, mut aliases) in by_key {
            aliases.sort();
            if let Some(key) = self.kms_key(id, aliases).await? {
                out.push(key);
            }
        }
        Ok(out)
    }

    /// One key; `None` when the alias points at a key that no longer exists (deleted
    /// between the listing and now, or a dangling alias): the key is not there.
    async fn kms_key(&self, id: String, aliases: Vec<String>) -> Result<Option<KmsKey>, FetchError> {
        self.count_call();
        let described = match self.kms.describe_key().key_id(&id).send().await {
            Ok(d) => d,
            Err(e) if e.code() == Some("NotFoundException") => return Ok(None),
            Err(e) => return Err(self.fail("kms:DescribeKey", &e)),
        };
        let m = described.key_metadata();
        let state = m.and_then(|m| m.key_state()).map_or("Unknown", |s| s.as_str()).to_string();
        let mut key = KmsKey {
            id: m.map_or(id.clone(), |m| m.key_id().to_string()),
            arn: m.and_then(|m| m.arn()).unwrap_or_default().to_string(),
            aliases,
            deletion_date: m.and_then(|m| m.deletion_date()).and_then(timestamp),
            rotation_enabled: None,
            rotation_period_days: None,
            manager: m.and_then(|m| m.key_manager()).map_or("CUSTOMER", |k| k.as_str()).to_string(),
            key_spec: m.and_then(|m| m.key_spec()).map(|k| k.as_str().to_string()),
            rotation_error: None,
            state,
        };
        self.count_call();
        match self.kms.get_key_rotation_status().key_id(&id).send().await {
            Ok(r) => {
                key.rotation_enabled = Some(r.key_rotation_enabled());
                key.rotation_period_days = r.rotation_period_in_days();
            }
            Err(e) if errors::is_denied(e.code()) => return Err(self.fail("kms:GetKeyRotationStatus", &e)),
            Err(e) if e.code() == Some("UnsupportedOperationException") => {
                // Automatic rotation exists only for symmetric keys with AWS-made material.
                key.rotation_enabled = Some(false);
                key.rotation_error = Some(format!(
                    "AWS does not rotate this key automatically ({})",
                    key.key_spec.as_deref().unwrap_or("its key spec or origin")
                ));
            }
            Err(e) => key.rotation_error = Some(self.fail("kms:GetKeyRotationStatus", &e).message),
        }
        Ok(Some(key))
    }
}
