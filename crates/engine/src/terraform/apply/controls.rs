//! Account controls: `aws_kms_key` with `aws_kms_alias`, `aws_launch_template`,
//! `aws_instance` (their `metadata_options`), `aws_guardduty_detector`,
//! `aws_securityhub_account` and `aws_cloudtrail`. Region-wide detectors and trails are
//! touched under the resource their rules name (`guardduty/REGION`, `cloudtrail/REGION`).

use super::{AFTER_APPLY, Cx, Side, Variant};
use crate::terraform::Action;
use crate::terraform::values::{bool_at, int_at, str_at, unknown_at, unknown_elem};
use model::*;
use serde_json::Value;

/// The first element of a nested block (`metadata_options[0]`), and its unknown mirror.
pub(super) fn block<'v>(s: &Side<'v>, key: &str) -> (Value, Value) {
    let v = s.v.get(key).and_then(Value::as_array).and_then(|a| a.first()).cloned().unwrap_or(Value::Null);
    let u = if s.after { unknown_elem(s.unknown, key, 0) } else { Value::Null };
    (v, u)
}

impl Cx<'_> {
    pub(super) fn remove_control(&mut self, s: &Side) -> Vec<String> {
        let region = self.out.snapshot.region.clone();
        let snap = &mut self.out.snapshot;
        match s.ch.rtype.as_str() {
            "aws_kms_key" => {
                let Some(id) = str_at(s.v, "key_id").or_else(|| str_at(s.v, "id")) else { return vec![] };
                let Some(key) = snap.kms_keys.iter_mut().find(|k| k.id == id) else { return vec![id] };
                if s.ch.action == Action::Update {
                    return vec![id]; // updated in place by `add_kms_key`
                }
                // Destroying a key schedules its deletion after the window (7 to 30 days).
                let days = int_at(s.v, "deletion_window_in_days").unwrap_or(30);
                key.state = "PendingDeletion".into();
                key.deletion_date =
                    snap.taken_at.and_then(|t| t.checked_add(jiff::SignedDuration::from_hours(days * 24)).ok());
                let mut out = vec![id];
                out.extend(key.aliases.iter().cloned());
                out
            }
            "aws_kms_alias" => {
                let Some(name) = str_at(s.v, "name") else { return vec![] };
                for k in &mut snap.kms_keys {
                    k.aliases.retain(|a| *a != name);
                }
                vec![name]
            }
            "aws_launch_template" => {
                let key = str_at(s.v, "id");
                if s.ch.action != Action::Update {
                    snap.launch_templates.retain(|x| Some(&x.id) != key.as_ref());
                }
                key.into_iter().collect()
            }
            "aws_instance" => {
                let key = str_at(s.v, "id");
                snap.instances.retain(|x| Some(&x.id) != key.as_ref());
                key.into_iter().collect()
            }
            "aws_guardduty_detector" => {
                let key = str_at(s.v, "id");
                snap.detectors.retain(|d| !(d.service == DetectorService::GuardDuty && Some(&d.id) == key.as_ref()));
                vec![format!("guardduty/{region}")]
            }
            "aws_securityhub_account" => {
                snap.detectors.retain(|d| d.service != DetectorService::SecurityHub);
                vec![format!("securityhub/{region}")]
            }
            _ => {
                let key = str_at(s.v, "name");
                snap.trails.retain(|t| Some(&t.name) != key.as_ref() && Some(&t.arn) != key.as_ref());
                vec![format!("cloudtrail/{region}")]
            }
        }
    }

    pub(super) fn add_control(&mut self, s: &Side) {
        match s.ch.rtype.as_str() {
            "aws_kms_key" => self.add_kms_key(s),
            "aws_kms_alias" => self.add_kms_alias(s),
            "aws_launch_template" => self.add_launch_template(s),
            "aws_instance" => self.add_instance(s),
            "aws_guardduty_detector" => self.add_detector(s, DetectorService::GuardDuty),
            "aws_securityhub_account" => self.add_detector(s, DetectorService::SecurityHub),
            _ => self.add_trail(s),
        }
    }

    fn add_kms_key(&mut self, s: &Side) {
        let id = str_at(s.v, "key_id").unwrap_or_else(|| self.own_id(s, "id"));
        let old =
            self.out.snapshot.kms_keys.iter().position(|k| k.id == id).map(|p| self.out.snapshot.kms_keys.remove(p));
        let enabled = self.flag(s, &id, "is_enabled", "state", true);
        let rotation = self.flag(s, &id, "enable_key_rotation", "rotation", false);
        let period = if s.unknown("rotation_period_in_days") {
            self.mark(s, &id, "rotation", "rotation_period_in_days");
            Some(if self.variant == Variant::High { 2560 } else { 90 })
        } else {
            // AWS's default period is 365 days.
            rotation.then(|| int_at(s.v, "rotation_period_in_days").and_then(|n| i32::try_from(n).ok()).unwrap_or(365))
        };
        let key = KmsKey {
            arn: str_at(s.v, "arn").unwrap_or_else(|| AFTER_APPLY.into()),
            aliases: old.as_ref().map(|o| o.aliases.clone()).unwrap_or_default(),
            state: if enabled { "Enabled" } else { "Disabled" }.into(),
            deletion_date: None,
            rotation_enabled: Some(rotation),
            rotation_period_days: period,
            manager: "CUSTOMER".into(),
            key_spec: str_at(s.v, "customer_master_key_spec").or_else(|| str_at(s.v, "key_spec")),
            rotation_error: None,
            id: id.clone(),
        };
        for a in &key.aliases {
            self.touch(a, s.i);
        }
        self.out.snapshot.kms_keys.push(key);
        self.touch(&id, s.i);
    }

    fn add_kms_alias(&mut self, s: &Side) {
        let Some(name) = str_at(s.v, "name") else {
            self.unplaced(s, "the alias name is known only after apply".into());
            return;
        };
        let target = match self.field(s, "target_key_id") {
            super::Field::Known(t) => t,
            _ => {
                self.unplaced(s, format!("{name}: target_key_id is known only after apply"));
                return;
            }
        };
        let snap = &mut self.out.snapshot;
        for k in &mut snap.kms_keys {
            k.aliases.retain(|a| *a != name);
        }
        let Some(key) = snap.kms_keys.iter_mut().find(|k| k.named(&target)) else {
            self.missing(s, format!("{name}: key {target} is not in the inventory"));
            return;
        };
        key.aliases.push(name.clone());
        let id = key.id.clone();
        self.touch(&name, s.i);
        self.touch(&id, s.i);
    }

    /// Metadata options of a `metadata_options` block; unknown ones take the variant's
    /// extreme (High: IMDSv1 allowed and many hops; Low: required and one hop).
    fn metadata(&mut self, s: &Side, id: &str) -> MetadataOptions {
        let (v, u) = block(s, "metadata_options");
        let text = |cx: &mut Self, key: &str, high: &str, low: &str| {
            if unknown_at(&u, key) || (s.after && u == Value::Bool(true)) {
                cx.mark(s, id, "metadata", format!("metadata_options.{key}"));
                return Some(if cx.variant == Variant::High { high } else { low }.to_string());
            }
            str_at(&v, key)
        };
        let http_tokens = text(self, "http_tokens", "optional", "required");
        let http_endpoint = text(self, "http_endpoint", "enabled", "enabled");
        let hop_limit = if unknown_at(&u, "http_put_response_hop_limit") {
            self.mark(s, id, "metadata", "metadata_options.http_put_response_hop_limit");
            Some(if self.variant == Variant::High { 64 } else { 1 })
        } else {
            int_at(&v, "http_put_response_hop_limit").and_then(|n| i32::try_from(n).ok())
        };
        MetadataOptions { http_tokens, hop_limit, http_endpoint }
    }

    fn add_launch_template(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let old = self
            .out
            .snapshot
            .launch_templates
            .iter()
            .position(|x| x.id == id)
            .map(|p| self.out.snapshot.launch_templates.remove(p));
        let metadata = self.metadata(s, &id);
        // Every change to a template is a new version; it becomes the default only when
        // `update_default_version` says so (or the template is new).
        let latest = match (&old, int_at(s.v, "latest_version")) {
            (Some(o), _) => o.latest_version + 1,
            (None, Some(n)) => n,
            (None, None) => 1,
        };
        let becomes_default = old.is_none() || bool_at(s.v, "update_default_version") == Some(true);
        let mut versions = vec![LaunchTemplateVersion { number: latest, metadata }];
        let default = match &old {
            Some(o) if !becomes_default => {
                versions.extend(o.versions.iter().filter(|v| v.number == o.default_version).cloned());
                o.default_version
            }
            _ => latest,
        };
        self.out.snapshot.launch_templates.push(LaunchTemplate {
            name: str_at(s.v, "name").unwrap_or_else(|| id.clone()),
            default_version: default,
            latest_version: latest,
            versions,
            tags: super::tags_of(s.v),
            id: id.clone(),
        });
        self.touch(&id, s.i);
    }

    fn add_instance(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let metadata = self.metadata(s, &id);
        let subnet = str_at(s.v, "subnet_id");
        let vpc_id =
            subnet.and_then(|sub| self.out.snapshot.subnets.iter().find(|x| x.id == sub).map(|x| x.vpc_id.clone()));
        let (lt, _) = block(s, "launch_template");
        let launch_template = str_at(&lt, "id").map(|t| LaunchTemplateRef { id: t, version: str_at(&lt, "version") });
        let state = str_at(s.v, "instance_state").unwrap_or_else(|| "running".into());
        self.out.snapshot.instances.push(Instance {
            id: id.clone(),
            state,
            vpc_id,
            metadata,
            launch_template,
            tags: super::tags_of(s.v),
        });
        self.touch(&id, s.i);
    }

    fn add_detector(&mut self, s: &Side, service: DetectorService) {
        let region = self.out.snapshot.region.clone();
        let (resource, id, on) = match service {
            DetectorService::GuardDuty => {
                let r = format!("guardduty/{region}");
                let on = self.flag(s, &r, "enable", "detector", true);
                (r, self.own_id(s, "id"), on)
            }
            // The resource is the subscription itself: it exists, so the hub is enabled.
            DetectorService::SecurityHub => (format!("securityhub/{region}"), self.own_id(s, "arn"), true),
        };
        self.out.snapshot.detectors.retain(|d| !(d.service == service && d.id == id));
        let status = if on { "ENABLED" } else { "DISABLED" };
        self.out.snapshot.detectors.push(Detector { service, id, status: status.into(), error: None });
        self.touch(&resource, s.i);
    }

    fn add_trail(&mut self, s: &Side) {
        let region = self.out.snapshot.region.clone();
        let resource = format!("cloudtrail/{region}");
        let name = self.own_id(s, "name");
        let trail = Trail {
            arn: str_at(s.v, "arn").unwrap_or_else(|| name.clone()),
            home_region: str_at(s.v, "home_region").or(Some(region)),
            multi_region: self.flag(s, &resource, "is_multi_region_trail", "trail", false),
            log_file_validation: self.flag(s, &resource, "enable_log_file_validation", "trail", false),
            is_logging: Some(self.flag(s, &resource, "enable_logging", "trail", true)),
            status_error: None,
            name,
        };
        self.out.snapshot.trails.retain(|t| t.name != trail.name);
        self.out.snapshot.trails.push(trail);
        self.touch(&resource, s.i);
    }
}
