//! Network ACLs: `aws_network_acl` (inline `ingress`/`egress`, `subnet_ids`),
//! `aws_network_acl_rule` and `aws_network_acl_association`.
//!
//! An unknown entry value is filled towards one extreme per `Variant`: `High` makes an
//! allow entry as wide and as early as it can be and drops a deny entry whose source,
//! protocol or ports are unknown (it may match nothing), `Low` the reverse, so
//! `nacl.admin-port-open` sees both possible outcomes.

use super::{Cx, Field, Side, Variant, tags_of};
use crate::terraform::Action;
use crate::terraform::values::{bool_at, int_at, str_at, strs_at, unknown_at, unknown_elem};
use model::*;
use serde_json::Value;

/// AWS's final entry, in every ACL and direction: whatever nothing matched is denied.
const LAST_RULE: i32 = 32767;

/// Attribute names of an entry: the inline block's, or `aws_network_acl_rule`'s.
struct Keys {
    rule: &'static str,
    action: &'static str,
}

const INLINE: Keys = Keys { rule: "rule_no", action: "action" };
const STANDALONE: Keys = Keys { rule: "rule_number", action: "rule_action" };

impl Cx<'_> {
    /// Take an ACL, an entry or an association out; returns the ACLs it touched.
    pub(super) fn remove_nacl(&mut self, s: &Side) -> Vec<String> {
        let snap = &mut self.out.snapshot;
        match s.ch.rtype.as_str() {
            "aws_network_acl" => {
                let Some(id) = str_at(s.v, "id") else { return vec![] };
                // An update is rewritten in place by `add_nacl` (it may keep the entries
                // other resources manage); a delete hands the subnets back to the default
                // ACL, as the provider does, which `acl_of` then finds.
                if s.ch.action != Action::Update {
                    snap.network_acls.retain(|a| a.id != id);
                }
                vec![id]
            }
            "aws_network_acl_rule" => {
                let (Some(acl), Some(n)) = (str_at(s.v, "network_acl_id"), int_at(s.v, "rule_number")) else {
                    return vec![];
                };
                let egress = bool_at(s.v, "egress").unwrap_or(false);
                if let Some(a) = snap.network_acls.iter_mut().find(|a| a.id == acl) {
                    a.entries.retain(|e| !(i64::from(e.rule_number) == n && e.egress == egress));
                }
                vec![acl]
            }
            _ => {
                let (Some(acl), Some(sub)) = (str_at(s.v, "network_acl_id"), str_at(s.v, "subnet_id")) else {
                    return vec![];
                };
                if let Some(a) = snap.network_acls.iter_mut().find(|a| a.id == acl) {
                    a.subnet_ids.retain(|x| *x != sub);
                }
                vec![acl]
            }
        }
    }

    pub(super) fn add_nacl(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let Field::Known(vpc) = self.field(s, "vpc_id") else {
            return self.unplaced(s, "vpc_id is unknown until apply".into());
        };
        let old = {
            let acls = &mut self.out.snapshot.network_acls;
            acls.iter().position(|a| a.id == id).map(|p| acls.remove(p))
        };
        let configured = |key: &str| s.ch.configured.as_ref().is_none_or(|c| c.contains(key));
        let mut entries = Vec::new();
        for (key, egress) in [("ingress", false), ("egress", true)] {
            if s.unknown(key) && !s.v.get(key).is_some_and(Value::is_array) {
                if configured(key) {
                    self.mark(s, &id, "nacl", key);
                    if self.variant == Variant::High {
                        entries.push(open_entry(egress));
                    }
                } else {
                    // Computed only: the entries are `aws_network_acl_rule`s (or none yet).
                    entries.extend(old.iter().flat_map(|o| o.entries.iter()).filter(|e| e.egress == egress).cloned());
                }
                continue;
            }
            let blocks = s.v.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
            for (n, b) in blocks.iter().enumerate() {
                let u = unknown_elem(s.unknown, key, n);
                entries.extend(self.entry(s, &id, b, &u, egress, &INLINE, &format!("{key}[{n}].")));
            }
        }
        for egress in [false, true] {
            if !entries.iter().any(|e| e.egress == egress && e.rule_number >= LAST_RULE) {
                entries.push(AclEntry { allow: false, rule_number: LAST_RULE, ..open_entry(egress) });
            }
        }
        let mut subnets = strs_at(s.v, "subnet_ids");
        if subnets.is_empty() && s.unknown("subnet_ids") {
            if configured("subnet_ids") {
                subnets = self.resolve_all(s.ch, "subnet_ids");
                if subnets.is_empty() {
                    self.unplaced(s, "subnet_ids is unknown until apply".into());
                }
            } else {
                subnets = old.as_ref().map(|o| o.subnet_ids.clone()).unwrap_or_default();
            }
        }
        let losers = self.take_subnets(&subnets, &id);
        self.out.snapshot.network_acls.push(NetworkAcl {
            id: id.clone(),
            vpc_id: vpc,
            is_default: old.as_ref().is_some_and(|o| o.is_default),
            entries,
            subnet_ids: subnets,
            tags: tags_of(s.v),
        });
        self.touch(&id, s.i);
        for l in losers {
            self.touch(&l, s.i);
        }
    }

    pub(super) fn add_nacl_rule(&mut self, s: &Side) {
        let Field::Known(acl) = self.field(s, "network_acl_id") else {
            return self.unplaced(s, "network_acl_id is unknown until apply".into());
        };
        let egress = bool_at(s.v, "egress").unwrap_or(false);
        let entry = self.entry(s, &acl, s.v, s.unknown, egress, &STANDALONE, "");
        match self.out.snapshot.network_acls.iter_mut().find(|a| a.id == acl) {
            Some(a) => {
                if let Some(entry) = entry {
                    a.entries.retain(|e| !(e.rule_number == entry.rule_number && e.egress == egress));
                    a.entries.push(entry);
                    a.entries.sort_by_key(|e| (e.egress, e.rule_number));
                }
            }
            None => return self.missing(s, format!("network ACL {acl} is not in the inventory")),
        }
        self.touch(&acl, s.i);
    }

    pub(super) fn add_nacl_association(&mut self, s: &Side) {
        let (Field::Known(acl), Field::Known(sub)) = (self.field(s, "network_acl_id"), self.field(s, "subnet_id"))
        else {
            return self.unplaced(s, "network_acl_id or subnet_id is unknown until apply".into());
        };
        if !self.out.snapshot.network_acls.iter().any(|a| a.id == acl) {
            return self.missing(s, format!("network ACL {acl} is not in the inventory"));
        }
        let losers = self.take_subnets(std::slice::from_ref(&sub), &acl);
        if let Some(a) = self.out.snapshot.network_acls.iter_mut().find(|a| a.id == acl) {
            a.subnet_ids.push(sub);
        }
        self.touch(&acl, s.i);
        for l in losers {
            self.touch(&l, s.i);
        }
    }

    /// A subnet has one ACL: take `subnets` away from every other ACL; returns those ACLs.
    fn take_subnets(&mut self, subnets: &[String], keep: &str) -> Vec<String> {
        let mut losers = Vec::new();
        for a in self.out.snapshot.network_acls.iter_mut().filter(|a| a.id != keep) {
            let n = a.subnet_ids.len();
            a.subnet_ids.retain(|x| !subnets.contains(x));
            if a.subnet_ids.len() != n {
                losers.push(a.id.clone());
            }
        }
        losers
    }

    /// One entry from an inline block or an `aws_network_acl_rule`, unknowns filled; `None`
    /// when the narrow extreme of an unknown source, protocol or port is "matches nothing".
    #[allow(clippy::too_many_arguments)]
    fn entry(
        &mut self,
        s: &Side,
        acl: &str,
        v: &Value,
        u: &Value,
        egress: bool,
        k: &Keys,
        at: &str,
    ) -> Option<AclEntry> {
        let unknown = |cx: &mut Self, key: &str| {
            let hit = s.after && unknown_at(u, key);
            if hit {
                cx.mark(s, acl, "nacl", format!("{at}{key}"));
            }
            hit
        };
        let allow = if unknown(self, k.action) {
            self.variant == Variant::High
        } else {
            str_at(v, k.action).is_none_or(|a| a.eq_ignore_ascii_case("allow"))
        };
        // Wide and early for an allow at High, for a deny at Low.
        let wide = (self.variant == Variant::High) == allow;
        let rule_number = if unknown(self, k.rule) {
            if wide { 1 } else { LAST_RULE - 1 }
        } else {
            int_at(v, k.rule).and_then(|n| i32::try_from(n).ok()).unwrap_or(LAST_RULE - 1)
        };
        let mut matches_nothing = false;
        let mut protocol = str_at(v, "protocol").unwrap_or_else(|| "-1".into());
        if unknown(self, "protocol") {
            protocol = "-1".into();
            matches_nothing |= !wide;
        }
        let mut port = |cx: &mut Self, key: &str, widest: i32| {
            if unknown(cx, key) {
                matches_nothing |= !wide;
                Some(widest)
            } else {
                int_at(v, key).and_then(|n| i32::try_from(n).ok())
            }
        };
        let (from_port, to_port) = (port(self, "from_port", 0), port(self, "to_port", 65535));
        let (mut cidr, mut ipv6_cidr) = (str_at(v, "cidr_block"), str_at(v, "ipv6_cidr_block"));
        let cidr_unknown = unknown(self, "cidr_block");
        let ipv6_unknown = unknown(self, "ipv6_cidr_block");
        if cidr_unknown || (ipv6_unknown && cidr.is_none() && ipv6_cidr.is_none()) {
            matches_nothing |= !wide;
            cidr = Some("0.0.0.0/0".into());
            ipv6_cidr = None;
        }
        if matches_nothing {
            return None;
        }
        let icmp = |key: &str| int_at(v, key).and_then(|n| i32::try_from(n).ok());
        Some(AclEntry {
            rule_number,
            protocol,
            allow,
            egress,
            cidr,
            ipv6_cidr,
            from_port,
            to_port,
            icmp_type: icmp("icmp_type"),
            icmp_code: icmp("icmp_code"),
        })
    }
}

/// Allow everything from anywhere: the high extreme of an ACL whose entries are unknown.
fn open_entry(egress: bool) -> AclEntry {
    AclEntry {
        rule_number: 1,
        protocol: "-1".into(),
        allow: true,
        egress,
        cidr: Some("0.0.0.0/0".into()),
        ipv6_cidr: None,
        from_port: None,
        to_port: None,
        icmp_type: None,
        icmp_code: None,
    }
}
