//! What many questions over one estate share: a member's security groups (one list per
//! endpoint, not one copy per placement), resolved endpoints, and the security group
//! hop's decision for a group set and a peer. Exposure asks thousands of questions of the
//! same few placements; each of these is computed once per estate. Nothing here changes
//! an answer: memo keys hold everything the memoised computation reads.

use super::Protocol;
use super::endpoint::Resolved;
use ipnet::IpNet;
use model::{SecurityGroup, SgRule};
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

/// A member's security groups, shared by every placement of an endpoint.
#[derive(Debug)]
pub struct Groups {
    /// In the order the inventory gives them (the security group hop reads them in order).
    pub ids: Vec<String>,
    /// `ids` joined by `, ` (the security group hop's resource).
    pub joined: String,
    /// The ids again, for membership (a group reference asks it once per rule).
    set: HashSet<String>,
    ordered: u64,
    sorted: u64,
}

impl PartialEq for Groups {
    fn eq(&self, other: &Self) -> bool {
        self.ids == other.ids
    }
}

impl Eq for Groups {}

impl Groups {
    pub fn new(ids: Vec<String>) -> Arc<Groups> {
        let mut h = DefaultHasher::new();
        ids.hash(&mut h);
        let ordered = h.finish();
        let mut s: Vec<&String> = ids.iter().collect();
        s.sort();
        let mut h = DefaultHasher::new();
        s.hash(&mut h);
        let sorted = h.finish();
        Arc::new(Groups { joined: ids.join(", "), set: ids.iter().cloned().collect(), ids, ordered, sorted })
    }

    pub fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }

    fn same_set(&self, other: &Groups) -> bool {
        if self.sorted != other.sorted || self.ids.len() != other.ids.len() {
            return false;
        }
        let (mut a, mut b): (Vec<&String>, Vec<&String>) = (self.ids.iter().collect(), other.ids.iter().collect());
        a.sort();
        b.sort();
        a == b
    }
}

/// Groups compared as a set (placements alike whatever order their groups come in).
#[derive(Debug, Clone)]
pub(crate) struct SetKey(pub Arc<Groups>);

impl PartialEq for SetKey {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.same_set(&other.0)
    }
}

impl Eq for SetKey {}

impl Hash for SetKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.sorted.hash(state);
    }
}

/// Groups compared in order (which group's rule lets traffic through first).
#[derive(Debug, Clone)]
pub(crate) struct ListKey(pub Arc<Groups>);

impl PartialEq for ListKey {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || (self.0.ordered == other.0.ordered && self.0.ids == other.0.ids)
    }
}

impl Eq for ListKey {}

impl Hash for ListKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.ordered.hash(state);
    }
}

/// Everything the security group hop reads, past its availability checks: the member's
/// groups, the other end (its groups, whether it is outside every VPC, its address), both
/// VPCs (a group reference across them), the direction, protocol and port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SgKey {
    pub env: usize,
    pub ingress: bool,
    pub proto: Protocol,
    pub port: u16,
    pub groups: ListKey,
    pub other_groups: Option<ListKey>,
    pub other_outside: bool,
    pub other_addr: IpNet,
    pub vpc: Option<String>,
    pub other_vpc: Option<String>,
}

/// The security group hop's decision, without the other end's label.
#[derive(Debug, Clone)]
pub(crate) enum SgDecision {
    /// The group and the rule that let it through.
    Pass { group: String, detail: String },
    /// A rule that could not be judged, nothing passing.
    Unknown(String),
    /// No rule of the groups allows it.
    Block,
}

/// What the security group hop reads of a member's groups for one direction and port,
/// in its order: each group missing from the inventory, each rule covering the port.
#[derive(Debug)]
pub(crate) enum Cand<'a> {
    Missing(String),
    Rule(&'a SecurityGroup, &'a SgRule),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RulesKey {
    pub env: usize,
    pub ingress: bool,
    pub proto: Protocol,
    pub port: u16,
    pub groups: ListKey,
}

/// Per-estate memo tables; `None` in the reference estate the tests compare against.
#[derive(Default)]
pub(crate) struct Memo<'a> {
    pub resolved: Mutex<HashMap<(usize, String), Arc<Resolved>>>,
    pub sg: Mutex<HashMap<SgKey, SgDecision>>,
    pub rules: Mutex<HashMap<RulesKey, Arc<Vec<Cand<'a>>>>>,
}
