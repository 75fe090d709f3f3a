//! The merged tree written back as one TOML document, with a map from each written key and
//! value to where it came from (for error positions), or with `# from FILE:LINE` comments
//! (for `validate --explain`).

use super::tree::{Leaf, Node, Origin, Table, key};

/// One merged document: its text, and (in text order) the offset of each key, value and
/// header written, with the place it came from.
pub(super) struct Rendered {
    pub text: String,
    pub segments: Vec<(usize, Origin)>,
}

/// How to name an origin in a comment (`baseline.toml:12`); `None` writes no comments.
pub(super) type Namer<'a> = Option<&'a dyn Fn(Origin) -> String>;

pub(super) fn render(root: &Table, head: &str, name: Namer<'_>) -> Rendered {
    let mut r = Writer { out: Rendered { text: String::new(), segments: Vec::new() }, name };
    // Offset 0 is the head comment, before any segment: errors about the whole document
    // (a missing `[environment]`) point at the top design's first line.
    for line in head.lines() {
        r.out.text.push_str("# ");
        r.out.text.push_str(line);
        r.out.text.push('\n');
    }
    r.body(&mut Vec::new(), root);
    r.out
}

struct Writer<'a> {
    out: Rendered,
    name: Namer<'a>,
}

impl Writer<'_> {
    fn mark(&mut self, at: Origin) {
        self.out.segments.push((self.out.text.len(), at));
    }

    fn comment(&mut self, origins: &[Origin]) {
        let Some(name) = self.name else { return };
        let mut names: Vec<String> = Vec::new();
        for o in origins {
            let n = name(*o);
            if !names.contains(&n) {
                names.push(n);
            }
        }
        if !names.is_empty() {
            self.out.text.push_str("  # from ");
            self.out.text.push_str(&names.join(", "));
        }
    }

    /// `path`: the keys down to `t`, each with the origin of the table it names (for an
    /// array of tables, of the element being written).
    fn body(&mut self, path: &mut Vec<(String, Origin)>, t: &Table) {
        // Plain keys first: after a header, a key belongs to that header's table.
        for e in &t.entries {
            if let Node::Leaf(l) = &e.node {
                self.mark(e.key_at);
                self.out.text.push_str(&key(&e.key));
                self.out.text.push_str(" = ");
                self.leaf(l);
                self.comment(&[e.key_at]);
                self.out.text.push('\n');
            }
        }
        for e in &t.entries {
            match &e.node {
                Node::Leaf(_) => {}
                Node::Table(sub) => {
                    path.push((key(&e.key), sub.origins.last().copied().unwrap_or(e.key_at)));
                    // A table holding only tables needs no header of its own: theirs
                    // name it. An empty one does (`[elasticache]` asks for the checks).
                    let only_tables =
                        !sub.entries.is_empty() && sub.entries.iter().all(|e| !matches!(e.node, Node::Leaf(_)));
                    if !only_tables {
                        self.header(path, sub, false);
                    }
                    self.body(path, sub);
                    path.pop();
                }
                Node::Tables(subs) => {
                    for sub in subs {
                        path.push((key(&e.key), sub.origins.last().copied().unwrap_or(e.key_at)));
                        self.header(path, sub, true);
                        self.body(path, sub);
                        path.pop();
                    }
                }
            }
        }
    }

    /// `[a.b.c]`, each key of the path marked with the table it names, so an error about
    /// any of them (a missing key, a table matching nothing) points at that table.
    fn header(&mut self, path: &[(String, Origin)], t: &Table, array: bool) {
        self.out.text.push('\n');
        let (open, close) = if array { ("[[", "]]") } else { ("[", "]") };
        // The parser spans a table by its header: the whole header names the table.
        if let Some(last) = t.origins.last() {
            self.mark(*last);
        }
        self.out.text.push_str(open);
        for (i, (k, at)) in path.iter().enumerate() {
            if i > 0 {
                self.out.text.push('.');
            }
            self.mark(*at);
            self.out.text.push_str(k);
        }
        self.out.text.push_str(close);
        self.comment(&t.origins);
        self.out.text.push('\n');
    }

    fn leaf(&mut self, l: &Leaf) {
        match l {
            Leaf::Scalar(s, at) => {
                self.mark(*at);
                self.out.text.push_str(s);
            }
            Leaf::Array(items, at) => {
                self.mark(*at);
                self.out.text.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.text.push_str(", ");
                    }
                    self.leaf(item);
                }
                self.out.text.push(']');
            }
            Leaf::Inline(entries, at) => {
                self.mark(*at);
                self.out.text.push('{');
                for (i, (k, kat, v)) in entries.iter().enumerate() {
                    self.out.text.push_str(if i > 0 { ", " } else { " " });
                    self.mark(*kat);
                    self.out.text.push_str(&key(k));
                    self.out.text.push_str(" = ");
                    self.leaf(v);
                }
                self.out.text.push_str(if entries.is_empty() { "}" } else { " }" });
            }
        }
    }
}
