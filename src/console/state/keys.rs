//! Each finding's identity across evaluations (`finding_key`), made once per report on
//! the worker and looked up on the UI thread by the address of the finding's shared
//! `Arc`: formatting 16,000 keys (rule, resource, evidence) per result was most of what
//! history attribution cost the UI thread.

use super::finding_key;
pub use crate::console::action::FindingKeys;
use engine::drift::Finding;
use std::sync::Arc;

fn addr(f: &Finding) -> usize {
    std::ptr::from_ref(f) as usize
}

impl FindingKeys {
    /// Key every finding of a report (on the worker, or the UI thread in headless use).
    pub fn of(findings: &[Arc<Finding>]) -> FindingKeys {
        let by_addr = findings.iter().map(|f| (addr(f), (Arc::clone(f), Arc::<str>::from(finding_key(f))))).collect();
        FindingKeys { by_addr }
    }

    /// The key of `f`: looked up when it is one of the keyed findings, else formatted.
    pub fn key(&self, f: &Finding) -> Arc<str> {
        match self.by_addr.get(&addr(f)) {
            Some((_, k)) => Arc::clone(k),
            None => Arc::from(finding_key(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::drift::{FindingBuilder, Severity};

    #[test]
    fn keys_by_address_and_formatted_for_others() {
        let f = Arc::new(
            FindingBuilder::new("sg.public-ingress", Severity::High, "security-group", "sg-1")
                .evidence("ports", "22")
                .message("open"),
        );
        let keys = FindingKeys::of(std::slice::from_ref(&f));
        assert_eq!(&*keys.key(&f), finding_key(&f));
        // A copy lives elsewhere: not keyed by address, its key is formatted.
        let copy: Finding = (*f).clone();
        assert_eq!(&*keys.key(&copy), finding_key(&f));
        assert!(!keys.by_addr.contains_key(&addr(&copy)));
    }
}
