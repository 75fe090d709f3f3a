//! A design file as a tree whose every key and value remembers the file and byte offset it
//! came from, and the merge of one such tree over another (`extends`).

use serde_spanned::Spanned;
use std::collections::HashMap;
use toml::de::{DeTable, DeValue};

/// Where a key or value was written: the index of its file in the load, and a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Origin {
    pub file: usize,
    pub at: usize,
}

/// A value that is not a table nor an array of tables, kept as TOML text per element so
/// an error about one element of an array still points at that element.
#[derive(Debug, Clone)]
pub(super) enum Leaf {
    /// A string, number, boolean or date, already written as TOML.
    Scalar(String, Origin),
    Array(Vec<Leaf>, Origin),
    /// An inline table inside a plain array (`ports = [{...}]` is not a design shape, but
    /// TOML allows it and it must survive the merge as written).
    Inline(Vec<(String, Origin, Leaf)>, Origin),
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub key: String,
    /// The key as last written (the file that set the value wins).
    pub key_at: Origin,
    pub node: Node,
}

/// A table, with every place that wrote into it (its header or first key, per file) in
/// merge order: the last one is where errors about the whole table point.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    pub entries: Vec<Entry>,
    pub origins: Vec<Origin>,
}

#[derive(Debug, Clone)]
pub(super) enum Node {
    Table(Table),
    /// An array of tables (`[[reach]]`, or an array whose elements are all inline tables).
    Tables(Vec<Table>),
    Leaf(Leaf),
}

/// The tree of one parsed file. Keys are ordered as written, so the merged text and the
/// `--explain` output read like the files.
pub(super) fn table_of(t: &DeTable<'_>, at: usize, file: usize) -> Table {
    let mut keys: Vec<_> = t.iter().collect();
    keys.sort_by_key(|(k, _)| k.span().start);
    let entries = keys
        .into_iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_at: Origin { file, at: k.span().start },
            node: node_of(v, file),
        })
        .collect();
    Table { entries, origins: vec![Origin { file, at }] }
}

fn node_of(v: &Spanned<DeValue<'_>>, file: usize) -> Node {
    match v.get_ref() {
        DeValue::Table(t) => Node::Table(table_of(t, v.span().start, file)),
        DeValue::Array(a) if !a.is_empty() && a.iter().all(|e| e.get_ref().is_table()) => Node::Tables(
            a.iter().filter_map(|e| e.get_ref().as_table().map(|t| table_of(t, e.span().start, file))).collect(),
        ),
        _ => Node::Leaf(leaf_of(v, file)),
    }
}

fn leaf_of(v: &Spanned<DeValue<'_>>, file: usize) -> Leaf {
    let at = Origin { file, at: v.span().start };
    match v.get_ref() {
        DeValue::String(s) => Leaf::Scalar(quote(s), at),
        DeValue::Integer(i) => Leaf::Scalar(i.to_string(), at),
        DeValue::Float(f) => Leaf::Scalar(f.to_string(), at),
        DeValue::Boolean(b) => Leaf::Scalar(b.to_string(), at),
        DeValue::Datetime(d) => Leaf::Scalar(d.to_string(), at),
        DeValue::Array(a) => Leaf::Array(a.iter().map(|e| leaf_of(e, file)).collect(), at),
        DeValue::Table(t) => {
            let mut keys: Vec<_> = t.iter().collect();
            keys.sort_by_key(|(k, _)| k.span().start);
            Leaf::Inline(
                keys.into_iter()
                    .map(|(k, v)| (k.get_ref().to_string(), Origin { file, at: k.span().start }, leaf_of(v, file)))
                    .collect(),
                at,
            )
        }
    }
}

/// Merge `over` (a later file) into `base`: tables key by key, arrays of tables appended
/// (bases first), anything else replaced by the later file. Keys are ordered as the later
/// file writes them, then the keys only the base has, so the merge reads like the design.
pub(super) fn merge(base: &mut Table, over: Table) {
    base.origins.extend(over.origins);
    // Keys are unique within a table: an index keeps a merge of large tables linear.
    let mut rest: Vec<Option<Entry>> = std::mem::take(&mut base.entries).into_iter().map(Some).collect();
    let index: HashMap<String, usize> =
        rest.iter().enumerate().filter_map(|(i, e)| Some((e.as_ref()?.key.clone(), i))).collect();
    for e in over.entries {
        let Some(mut have) = index.get(&e.key).and_then(|&i| rest[i].take()) else {
            base.entries.push(e);
            continue;
        };
        have.key_at = e.key_at;
        match (&mut have.node, e.node) {
            (Node::Table(a), Node::Table(b)) => merge(a, b),
            (Node::Tables(a), Node::Tables(b)) => a.extend(b),
            (slot, node) => *slot = node,
        }
        base.entries.push(have);
    }
    base.entries.extend(rest.into_iter().flatten());
}

/// A string or key as a TOML basic string.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key as written in TOML: bare when it can be.
pub(super) fn key(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        s.to_string()
    } else {
        quote(s)
    }
}
