//! Security groups: `aws_security_group` (inline `ingress`/`egress`) and the standalone
//! rule resources (`aws_security_group_rule`, `aws_vpc_security_group_*_rule`).

use super::{Cx, Field, Side, Variant, tags_of};
use crate::terraform::values::{any_unknown, bool_at, int_at, str_at, strs_at, unknown_elem};
use model::*;
use serde_json::Value;

impl Cx<'_> {
    /// Take a group or standalone rules out; returns the group it touched.
    pub(super) fn remove_security(&mut self, s: &Side) -> Option<String> {
        let snap = &mut self.out.snapshot;
        if matches!(s.ch.rtype.as_str(), "aws_security_group" | "aws_default_security_group") {
            let id = str_at(s.v, "id")?;
            // Destroying an `aws_default_security_group` only drops it from the state:
            // the group and its rules stay (AWS cannot delete a VPC's default group).
            if s.ch.action == crate::terraform::Action::Delete && s.ch.rtype == "aws_default_security_group" {
                return Some(id);
            }
            // Kept so that the `after` side of an update reuses the live rule ids.
            if let Some(pos) = snap.security_groups.iter().position(|g| g.id == id) {
                let old = snap.security_groups.remove(pos);
                self.removed_groups.insert(id.clone(), old);
            }
            return Some(id);
        }
        let (gid, egress, rules) = rules_of(s);
        if let Some(g) = snap.security_groups.iter_mut().find(|g| g.id == gid) {
            let list = if egress { &mut g.egress } else { &mut g.ingress };
            for r in rules {
                if let Some(pos) = list.iter().position(|x| same_rule(x, &r)) {
                    list.remove(pos);
                }
            }
        }
        Some(gid)
    }

    pub(super) fn add_group(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let vpc = self.vpc_of(s, &id, "vpc_id");
        self.put_group(s, id, vpc, None);
    }

    /// `aws_default_security_group`: Terraform adopts the default group AWS made with the
    /// VPC (it creates none) and replaces its rules with the configured ones.
    pub(super) fn add_default_group(&mut self, s: &Side) {
        let provisional = self.own_id(s, "id");
        let vpc = self.vpc_of(s, &provisional, "vpc_id");
        let adopted = vpc.as_ref().and_then(|v| {
            let snap = &self.out.snapshot;
            snap.security_groups
                .iter()
                .find(|g| g.vpc_id.as_ref() == Some(v) && g.name == "default")
                .map(|g| g.id.clone())
        });
        let id = str_at(s.v, "id").or(adopted).unwrap_or(provisional);
        self.put_group(s, id, vpc, Some("default"));
    }

    /// Put a group with the rules of its inline blocks in place of the one with its id.
    fn put_group(&mut self, s: &Side, id: String, vpc: Option<String>, name: Option<&str>) {
        let mut sides = [(false, Vec::new()), (true, Vec::new())];
        for (egress, rules) in &mut sides {
            let key = if *egress { "egress" } else { "ingress" };
            // Only ingress is judged; an unknown egress block is recorded but decides nothing.
            let field = if *egress { "egress" } else { "ingress" };
            if s.unknown(key) && !s.v.get(key).is_some_and(Value::is_array) {
                self.mark(s, &id, field, key);
                if self.variant == Variant::High {
                    rules.push(sg_rule("-1", Some(-1), Some(-1), RulePeer::Cidr4("0.0.0.0/0".into())));
                }
                continue;
            }
            let blocks = s.v.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
            for (n, b) in blocks.iter().enumerate() {
                let u = unknown_elem(s.unknown, key, n);
                let (proto, from, to) = (
                    str_at(b, "protocol").unwrap_or_else(|| "-1".into()),
                    int_at(b, "from_port").map(|p| p as i32),
                    int_at(b, "to_port").map(|p| p as i32),
                );
                let mut peers = peers_of(
                    b,
                    &[("cidr_blocks", 4), ("ipv6_cidr_blocks", 6), ("prefix_list_ids", 0), ("security_groups", 1)],
                );
                if bool_at(b, "self") == Some(true) {
                    peers.push(RulePeer::Group(id.clone()));
                }
                if any_unknown(&u) {
                    self.mark(s, &id, field, format!("{key}[{n}]"));
                    if self.variant == Variant::High {
                        peers.push(RulePeer::Cidr4("0.0.0.0/0".into()));
                    }
                }
                // AWS keeps a block's description on each rule it becomes.
                let description = str_at(b, "description");
                rules.extend(
                    peers
                        .into_iter()
                        .map(|p| SgRule { description: description.clone(), ..sg_rule(&proto, from, to, p) }),
                );
            }
        }
        let [(_, mut ingress), (_, mut egress)] = sides;
        let snap = &mut self.out.snapshot;
        // The live group (still in place for a state's replay, taken out by an update's
        // `before`): its rules' ids are what a finding's identity reads, and Terraform's
        // inline blocks do not carry them.
        let old = match snap.security_groups.iter().position(|g| g.id == id) {
            Some(pos) => Some(snap.security_groups.remove(pos)),
            None => self.removed_groups.remove(&id),
        };
        if let Some(old) = &old {
            keep_rule_ids(&mut ingress, &old.ingress);
            keep_rule_ids(&mut egress, &old.egress);
        }
        snap.security_groups.push(SecurityGroup {
            id: id.clone(),
            name: str_at(s.v, "name").or_else(|| name.map(str::to_string)).unwrap_or_else(|| s.ch.address.clone()),
            description: str_at(s.v, "description").unwrap_or_default(),
            vpc_id: vpc,
            tags: tags_of(s.v),
            ingress,
            egress,
        });
        self.touch(&id, s.i);
    }

    pub(super) fn add_rule(&mut self, s: &Side) {
        let gid = match self.field(s, "security_group_id") {
            Field::Known(g) => g,
            _ => return self.unplaced(s, "security_group_id is unknown until apply".into()),
        };
        let (_, egress, mut rules) = rules_of(s);
        if let Some(g) = self.out.snapshot.security_groups.iter().find(|g| g.id == gid) {
            keep_rule_ids(&mut rules, if egress { &g.egress } else { &g.ingress });
        }
        // A source only known after apply: resolve a group reference, else fill it.
        for key in ["source_security_group_id", "referenced_security_group_id"] {
            if s.unknown(key) {
                match self.resolve(s.ch, key) {
                    Some(src) => rules.push(sg_rule_like(s.v, RulePeer::Group(src))),
                    None => {
                        self.mark(s, &gid, "ingress", key);
                        if self.variant == Variant::High {
                            rules.push(sg_rule_like(s.v, RulePeer::Cidr4("0.0.0.0/0".into())));
                        }
                    }
                }
            }
        }
        for key in ["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6", "prefix_list_ids", "prefix_list_id"] {
            if s.unknown(key) {
                self.mark(s, &gid, "ingress", key);
                if self.variant == Variant::High {
                    rules.push(sg_rule_like(s.v, RulePeer::Cidr4("0.0.0.0/0".into())));
                }
            }
        }
        for key in ["from_port", "to_port", "protocol", "ip_protocol"] {
            if s.unknown(key) {
                self.mark(s, &gid, "ingress", key);
            }
        }
        self.touch(&gid, s.i);
        match self.out.snapshot.security_groups.iter_mut().find(|g| g.id == gid) {
            Some(g) => {
                // A rule the group already holds (a state lists it in the group's inline
                // blocks too, and AWS refuses a duplicate) is the same rule, not another.
                let list = if egress { &mut g.egress } else { &mut g.ingress };
                for r in rules {
                    if !list.iter().any(|x| same_rule(x, &r) && x.rule_id == r.rule_id) {
                        list.push(r);
                    }
                }
            }
            None => self.missing(s, format!("security group {gid} is not in the inventory")),
        }
    }
}

fn sg_rule(proto: &str, from: Option<i32>, to: Option<i32>, peer: RulePeer) -> SgRule {
    let all = proto == "-1" || proto == "all";
    SgRule {
        rule_id: None,
        protocol: proto.to_string(),
        from_port: if all { None } else { from },
        to_port: if all { None } else { to },
        peer,
        description: None,
    }
}

/// A standalone rule resource's rule: its own id (`security_group_rule_id`) and
/// description when the provider knows them.
fn sg_rule_like(v: &Value, peer: RulePeer) -> SgRule {
    let proto = str_at(v, "protocol").or_else(|| str_at(v, "ip_protocol")).unwrap_or_else(|| "-1".into());
    SgRule {
        rule_id: str_at(v, "security_group_rule_id"),
        description: str_at(v, "description"),
        ..sg_rule(&proto, int_at(v, "from_port").map(|p| p as i32), int_at(v, "to_port").map(|p| p as i32), peer)
    }
}

/// Give each replayed rule the id of the live rule it is (same protocol, ports and
/// peer), each live rule used once, preferring one with the same description.
fn keep_rule_ids(rules: &mut [SgRule], live: &[SgRule]) {
    let mut used = vec![false; live.len()];
    for r in rules.iter_mut() {
        let hit = (0..live.len()).find(|&i| {
            !used[i] && same_rule(&live[i], r) && (r.description.is_none() || live[i].description == r.description)
        });
        let Some(i) = hit.or_else(|| (0..live.len()).find(|&i| !used[i] && same_rule(&live[i], r))) else {
            continue;
        };
        used[i] = true;
        if r.rule_id.is_none() {
            r.rule_id = live[i].rule_id.clone();
        }
    }
}

/// Known peers of a rule block; `kinds`: 4 = IPv4 CIDR, 6 = IPv6, 0 = prefix list, 1 = group.
fn peers_of(v: &Value, keys: &[(&str, u8)]) -> Vec<RulePeer> {
    let mut out = Vec::new();
    for (key, kind) in keys {
        let mut vals = strs_at(v, key);
        if let Some(one) = str_at(v, key) {
            vals.push(one);
        }
        for x in vals {
            out.push(match kind {
                4 => RulePeer::Cidr4(x),
                6 => RulePeer::Cidr6(x),
                0 => RulePeer::PrefixList(x),
                _ => RulePeer::Group(x),
            });
        }
    }
    out
}

/// (group id, egress?, rules with known peers) of a standalone rule resource.
fn rules_of(s: &Side) -> (String, bool, Vec<SgRule>) {
    let gid = str_at(s.v, "security_group_id").unwrap_or_default();
    let egress = match s.ch.rtype.as_str() {
        "aws_vpc_security_group_egress_rule" => true,
        "aws_vpc_security_group_ingress_rule" => false,
        _ => str_at(s.v, "type").as_deref() == Some("egress"),
    };
    let mut peers = peers_of(
        s.v,
        &[
            ("cidr_blocks", 4),
            ("ipv6_cidr_blocks", 6),
            ("prefix_list_ids", 0),
            ("source_security_group_id", 1),
            ("cidr_ipv4", 4),
            ("cidr_ipv6", 6),
            ("prefix_list_id", 0),
            ("referenced_security_group_id", 1),
        ],
    );
    if bool_at(s.v, "self") == Some(true) {
        peers.push(RulePeer::Group(gid.clone()));
    }
    (gid, egress, peers.into_iter().map(|p| sg_rule_like(s.v, p)).collect())
}

fn same_rule(a: &SgRule, b: &SgRule) -> bool {
    a.protocol_name() == b.protocol_name() && a.peer == b.peer && a.ports_label() == b.ports_label()
}
