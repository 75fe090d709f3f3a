//! Address-set arithmetic over CIDRs, enough to ask "is this block wholly covered by
//! those blocks, and if not, which part is left?", which ACL and prefix-list judgements need.

use ipnet::IpNet;

/// The first (lowest) part of `net` that none of `cover` contains, or `None` when the
/// union of `cover` contains all of `net`. Blocks of the other address family are ignored.
pub fn first_uncovered(net: IpNet, cover: &[IpNet]) -> Option<IpNet> {
    if cover.iter().any(|c| c.contains(&net)) {
        return None;
    }
    // Only blocks inside `net` can cover part of it without covering all of it.
    if !cover.iter().any(|c| net.contains(c)) {
        return Some(net);
    }
    // Split in two and look at each half; depth is bounded by the longest prefix in `cover`.
    let halves = net.subnets(net.prefix_len() + 1).ok()?;
    for half in halves {
        if let Some(left) = first_uncovered(half, cover) {
            return Some(left);
        }
    }
    None
}

/// Do two blocks share any address? (CIDR blocks either nest or are disjoint.)
pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(b) || b.contains(a)
}

/// The common part of two blocks, if any: the smaller one when they nest.
pub fn intersection(a: &IpNet, b: &IpNet) -> Option<IpNet> {
    if a.contains(b) {
        Some(*b)
    } else if b.contains(a) {
        Some(*a)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> IpNet {
        s.parse().expect("cidr")
    }

    #[test]
    fn covered_by_union_of_halves() {
        assert_eq!(first_uncovered(n("10.0.0.0/23"), &[n("10.0.0.0/24"), n("10.0.1.0/24")]), None);
        assert_eq!(first_uncovered(n("10.0.0.0/23"), &[n("10.0.1.0/24")]), Some(n("10.0.0.0/24")));
        assert_eq!(first_uncovered(n("10.0.0.0/24"), &[n("10.0.0.0/8")]), None);
        assert_eq!(first_uncovered(n("0.0.0.0/0"), &[n("203.0.113.0/24")]), Some(n("0.0.0.0/1")));
        assert_eq!(first_uncovered(n("::/0"), &[n("0.0.0.0/0")]), Some(n("::/0")));
    }

    #[test]
    fn intersections_nest_or_are_empty() {
        assert_eq!(intersection(&n("10.0.0.0/8"), &n("10.1.0.0/16")), Some(n("10.1.0.0/16")));
        assert_eq!(intersection(&n("10.0.0.0/16"), &n("10.1.0.0/16")), None);
        assert!(overlaps(&n("0.0.0.0/0"), &n("10.1.0.0/16")));
    }
}
