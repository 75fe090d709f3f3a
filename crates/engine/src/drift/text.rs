//! `Text`: the string type of findings. Rule ids and kinds are static, ids and ports fit
//! inline, and the texts every finding of a role repeats are shared, so building 12,000
//! findings does not allocate 12,000 copies of each (evaluation was mostly `malloc`).

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// An immutable string that is cheap to clone: static, inline (up to 24 bytes), or
/// shared. Compares, orders, hashes and serialises exactly as the `str` it holds.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    /// Static or short strings (no allocation), or an owned heap string.
    Compact(CompactString),
    /// A long string many findings repeat (a role's expected text, a clause).
    Shared(Arc<str>),
    /// Pieces joined when first read: most findings' messages are never shown, and
    /// formatting them all was a quarter of evaluation.
    Lazy(Arc<Lazy<[Text]>>),
}

struct Lazy<P: ?Sized> {
    joined: OnceLock<Box<str>>,
    /// The fixed text around the parts, `pieces[0] parts[0] pieces[1] .. parts[n-1]
    /// pieces[n]`. Static, so a finding stores only what varies (most of a large
    /// account's findings are made and never read).
    pieces: &'static [&'static str],
    parts: P,
}

impl Text {
    /// A static string: no allocation, now or when cloned.
    pub const fn lit(s: &'static str) -> Text {
        Text(Repr::Compact(CompactString::const_new(s)))
    }

    /// A string to be shared by many findings: one allocation, then clones only count.
    pub fn shared(s: impl Into<Arc<str>>) -> Text {
        Text(Repr::Shared(s.into()))
    }

    /// `args` set between the fixed `pieces` (one more piece than args), joined when
    /// first read: `template(&["", " from ", ""], [a, b])` reads `a from b`. One
    /// allocation now, the joined string on first use; clones share both.
    pub fn template<const P: usize, const N: usize>(pieces: &'static [&'static str; P], args: [Text; N]) -> Text {
        const { assert!(P == N + 1, "a template has one more piece than arguments") };
        let lazy: Arc<Lazy<[Text]>> = Arc::new(Lazy { joined: OnceLock::new(), pieces, parts: args });
        Text(Repr::Lazy(lazy))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Compact(c) => c.as_str(),
            Repr::Shared(a) => a,
            Repr::Lazy(l) => l.joined.get_or_init(|| {
                let len =
                    l.pieces.iter().map(|p| p.len()).sum::<usize>() + l.parts.iter().map(|p| p.len()).sum::<usize>();
                let mut s = String::with_capacity(len);
                for (i, p) in l.parts.iter().enumerate() {
                    s.push_str(l.pieces.get(i).copied().unwrap_or_default());
                    s.push_str(p);
                }
                s.push_str(l.pieces.get(l.parts.len()).copied().unwrap_or_default());
                s.into_boxed_str()
            }),
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::lit("")
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Repr::Compact(CompactString::new(s)))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::from(s.as_str())
    }
}

impl From<String> for Text {
    /// Keeps the `String`'s buffer when it is too long to inline (no copy).
    fn from(s: String) -> Self {
        Text(Repr::Compact(CompactString::from(s)))
    }
}

impl From<&Text> for Text {
    fn from(s: &Text) -> Self {
        s.clone()
    }
}

impl From<i32> for Text {
    /// Inline (a number never needs the heap).
    fn from(n: i32) -> Self {
        use compact_str::ToCompactString;
        Text(Repr::Compact(n.to_compact_string()))
    }
}

impl From<model::PortsLabel> for Text {
    /// Inline, without the formatting machinery (every security-group finding has one).
    fn from(p: model::PortsLabel) -> Self {
        use compact_str::ToCompactString;
        use model::PortsLabel;
        match p {
            PortsLabel::All => Text::lit("all"),
            PortsLabel::One(a) => Text(Repr::Compact(a.to_compact_string())),
            PortsLabel::Range(a, b) => {
                let mut c = a.to_compact_string();
                c.push('-');
                c.push_str(&b.to_compact_string());
                Text(Repr::Compact(c))
            }
        }
    }
}

impl From<Arc<str>> for Text {
    fn from(s: Arc<str>) -> Self {
        Text(Repr::Shared(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.as_str().to_string()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            // The same shared text (a role's expected text, a joined message): equal
            // without reading it.
            (Repr::Shared(a), Repr::Shared(b)) if Arc::ptr_eq(a, b) => true,
            (Repr::Lazy(a), Repr::Lazy(b)) if Arc::ptr_eq(a, b) => true,
            _ => {
                let (a, b) = (self.as_str(), other.as_str());
                std::ptr::eq(a, b) || a == b
            }
        }
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.as_str(), other.as_str());
        // One static rule id or one shared text on both sides (sorting a rule's findings
        // compares these for every pair): equal without reading the bytes.
        if std::ptr::eq(a, b) { Ordering::Equal } else { a.cmp(b) }
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Text::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn every_representation_compares_as_its_str() {
        let long = "x".repeat(40);
        let forms =
            [Text::from(long.as_str()), Text::from(long.clone()), Text::shared(long.as_str()), Text::from(&long)];
        for a in &forms {
            for b in &forms {
                assert_eq!(a, b);
                assert_eq!(a.cmp(b), Ordering::Equal);
            }
            assert_eq!(a.as_str(), long);
        }
        assert!(Text::lit("a") < Text::shared("b"));
        assert_eq!(Text::lit("sg.flow-undeclared"), "sg.flow-undeclared");
        assert_eq!(Text::default(), "");
        assert_eq!(Text::from(-1), "-1");
        assert_eq!(Text::from(i32::MAX), i32::MAX.to_string());
        use model::PortsLabel;
        for p in [PortsLabel::All, PortsLabel::One(443), PortsLabel::Range(1024, 65535), PortsLabel::One(-1)] {
            assert_eq!(Text::from(p), p.to_string());
        }
        let inner = Text::template(&["tcp ", ""], [Text::from("8080")]);
        let lazy = Text::template(&["", " accepts ", ""], [Text::shared("sg-1"), inner.clone()]);
        let copy = lazy.clone();
        assert_eq!(lazy, "sg-1 accepts tcp 8080");
        assert_eq!(copy.as_str(), "sg-1 accepts tcp 8080");
        assert_eq!(inner, "tcp 8080");
        assert!(Text::template(&["a", ""], [Text::lit("b")]) < Text::lit("ac"));
        let t = Text::template(&["", " from ", " (", ")"], [Text::from("tcp 22"), Text::shared("sg-1"), inner.clone()]);
        assert_eq!(t, "tcp 22 from sg-1 (tcp 8080)");
        assert_eq!(Text::template(&["only"], []), "only");
        assert_eq!(Text::template(&["<", ">"], [Text::lit("")]), "<>");
    }

    #[test]
    fn serialises_as_a_plain_string_and_looks_up_by_str() {
        let mut m: BTreeMap<Text, Text> = BTreeMap::new();
        m.insert(Text::lit("ports"), Text::from("8080"));
        m.insert(Text::from("source"), Text::shared("sg-1 (role alb)"));
        assert_eq!(m.get("ports").map(Text::as_str), Some("8080"));
        let json = serde_json::to_string(&m).expect("json");
        assert_eq!(json, r#"{"ports":"8080","source":"sg-1 (role alb)"}"#);
        let back: BTreeMap<Text, Text> = serde_json::from_str(&json).expect("back");
        assert_eq!(back, m);
    }
}
