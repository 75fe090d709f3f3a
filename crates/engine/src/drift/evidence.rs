//! `Evidence`: a finding's few named facts (ports, source, rule id...), kept as one
//! small vector sorted by name. It reads, orders and serialises as the map it stands
//! for; a `BTreeMap` allocated a node per finding and its inserts were a sixth of
//! evaluation.

use super::text::Text;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Name → value, unique names, in name order.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Evidence(Vec<(Text, Text)>);

impl Evidence {
    pub fn new() -> Self {
        Evidence(Vec::new())
    }

    /// Room for `n` facts in one allocation (a rule that knows how many it names).
    pub fn with_capacity(n: usize) -> Self {
        Evidence(Vec::with_capacity(n))
    }

    /// Sets `key` (replacing its value if present); returns the value it replaced.
    #[inline]
    pub fn insert(&mut self, key: impl Into<Text>, value: impl Into<Text>) -> Option<Text> {
        let key = key.into();
        // Rules name their facts in order: then this is one comparison and a push.
        if self.0.last().is_some_and(|(last, _)| last.as_str() < key.as_str()) && self.0.len() < self.0.capacity() {
            self.0.push((key, value.into()));
            return None;
        }
        self.insert_sorted(key, value.into())
    }

    /// Appends a fact named after every fact already held: what a rule that names its
    /// facts in order does, without a comparison or a search (checked in debug builds).
    #[inline]
    pub fn push_in_order(&mut self, key: Text, value: Text) {
        debug_assert!(self.0.last().is_none_or(|(last, _)| last.as_str() < key.as_str()), "{key} out of order");
        self.0.push((key, value));
    }

    fn insert_sorted(&mut self, key: Text, value: Text) -> Option<Text> {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(key.as_str())) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                if self.0.capacity() == 0 {
                    // Findings carry up to about eight facts: one allocation for all.
                    self.0.reserve_exact(8);
                }
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Text> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Text, &Text)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Text> {
        self.0.iter().map(|(k, _)| k)
    }
}

impl<'a> IntoIterator for &'a Evidence {
    type Item = (&'a Text, &'a Text);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Text, Text)>, fn(&'a (Text, Text)) -> (&'a Text, &'a Text)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Into<Text>, V: Into<Text>> FromIterator<(K, V)> for Evidence {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut e = Evidence::new();
        for (k, v) in iter {
            e.insert(k, v);
        }
        e
    }
}

impl std::ops::Index<&str> for Evidence {
    type Output = Text;
    fn index(&self, key: &str) -> &Text {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no evidence named {key:?}"),
        }
    }
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Evidence;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of evidence names to strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Evidence, A::Error> {
                let mut e = Evidence::new();
                while let Some((k, v)) = map.next_entry::<Text, Text>()? {
                    e.insert(k, v);
                }
                Ok(e)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn both(pairs: &[(&str, &str)]) -> (Evidence, BTreeMap<String, String>) {
        let e: Evidence = pairs.iter().map(|(k, v)| (*k, *v)).collect();
        let m: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        (e, m)
    }

    #[test]
    fn behaves_as_the_map_it_replaces() {
        let cases: [&[(&str, &str)]; 5] = [
            &[("source", "sg-1"), ("ports", "80"), ("protocol", "tcp"), ("ports", "443")],
            &[("ports", "80")],
            &[("ports", "8080")],
            &[],
            &[("a", "z"), ("b", "a")],
        ];
        let built: Vec<_> = cases.iter().map(|c| both(c)).collect();
        for (e, m) in &built {
            assert_eq!(e.len(), m.len());
            let pairs: Vec<(String, String)> = e.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let want: Vec<(String, String)> = m.clone().into_iter().collect();
            assert_eq!(pairs, want, "same entries in the same order, last insert wins");
            for (k, v) in m {
                assert_eq!(e.get(k).map(Text::as_str), Some(v.as_str()));
            }
            assert_eq!(serde_json::to_string(e).expect("e"), serde_json::to_string(m).expect("m"));
            let back: Evidence = serde_json::from_str(&serde_json::to_string(m).expect("m")).expect("back");
            assert_eq!(&back, e);
        }
        for (a, ma) in &built {
            for (b, mb) in &built {
                assert_eq!(a.cmp(b), ma.cmp(mb), "orders as the map does");
            }
        }
        assert!(built[0].0.get("missing").is_none());
        assert_eq!(built[0].0["protocol"], "tcp");
    }
}
