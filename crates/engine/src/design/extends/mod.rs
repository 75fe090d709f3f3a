//! `extends`: a design built on base designs. Loads the chain of files, merges them into
//! one document (tables key by key, arrays of tables appended, the rest replaced, the
//! later file winning) and keeps, for every key and value, the file, line and column it
//! came from, so validation errors point into the base that wrote the offending value.

mod render;
mod tree;

use super::{DesignError, DesignErrors, line_col};
use std::path::{Component, Path, PathBuf};
use toml::de::{DeTable, DeValue};
use tree::{Origin, Table};

/// How many files one design may be built from (itself and every base, each counted once).
pub const MAX_DESIGN_FILES: usize = 64;

/// Reads one file of the chain: its text, or why not (one line).
pub type Read<'a> = &'a dyn Fn(&Path) -> Result<String, String>;

/// A merged design: the one TOML document validation reads, and where each part of it
/// came from.
pub(crate) struct Merged {
    pub text: String,
    /// Name (the path as reached from the top design) and text of each file.
    files: Vec<(String, String)>,
    segments: Vec<(usize, Origin)>,
}

impl Merged {
    /// The file, line and column an offset of the merged text came from.
    pub(crate) fn place(&self, offset: usize) -> (&str, usize, usize) {
        let i = self.segments.partition_point(|(at, _)| *at <= offset);
        let origin = if i == 0 { Origin { file: 0, at: 0 } } else { self.segments[i - 1].1 };
        let (name, text) = &self.files[origin.file];
        let (line, column) = line_col(text, origin.at);
        (name, line, column)
    }
}

/// The span of a top-level `extends` key. Text that does not parse, or is nested too deep
/// to parse safely, has none: the ordinary parse reports its error.
pub(crate) fn bases_key(text: &str) -> Option<std::ops::Range<usize>> {
    if !text.contains("extends") || model::limits::toml_too_deep(text, model::limits::MAX_TOML_DEPTH).is_some() {
        return None;
    }
    let t = DeTable::parse(text).ok()?;
    t.get_ref().keys().find(|k| k.get_ref() == "extends").map(|k| k.span())
}

/// Load the design at `path` and its bases, and merge them into one document.
pub(crate) fn merge(path: &Path, text: String, read: Read<'_>) -> Result<Merged, DesignErrors> {
    let (files, root) = chain(path, text, read)?;
    let head = format!("{} merged with its bases", files[0].0);
    let r = render::render(&root, &head, None);
    Ok(Merged { text: r.text, files, segments: r.segments })
}

/// The merged design as TOML, every key and header followed by `# from FILE:LINE`: what
/// `driftdeck validate --explain` prints. It is itself a valid design without bases.
pub fn explain(path: &Path, read: Read<'_>) -> Result<String, DesignErrors> {
    let text = read(path).map_err(|e| one(&path.display().to_string(), 0, 0, e))?;
    let (files, root) = chain(path, text, read)?;
    let name = |o: Origin| {
        let (n, text) = &files[o.file];
        format!("{n}:{}", line_col(text, o.at).0)
    };
    let head = format!(
        "{}, merged with its bases: later files win, arrays of tables append.\n\
         Each key says the file and line it came from.",
        files[0].0
    );
    Ok(render::render(&root, &head, Some(&name)).text)
}

fn one(file: &str, line: usize, column: usize, message: String) -> DesignErrors {
    DesignErrors(vec![DesignError { file: file.to_string(), line, column, message: model::limits::one_line(message) }])
}

/// Every file of the chain and the merged tree: bases merged depth first in the order
/// listed, each file once (a base reached twice is merged at its first place), the
/// design itself last.
fn chain(path: &Path, text: String, read: Read<'_>) -> Result<(Vec<(String, String)>, Table), DesignErrors> {
    let mut l = Loader { read, files: Vec::new(), done: Vec::new(), root: Table::default() };
    // The design keeps its name as given (as `Design::source` does); bases are named as
    // reached from it.
    l.visit(normal(path), path.display().to_string(), text, &mut Vec::new())?;
    Ok((l.files, l.root))
}

struct Loader<'r> {
    read: Read<'r>,
    files: Vec<(String, String)>,
    done: Vec<PathBuf>,
    root: Table,
}

impl Loader<'_> {
    fn err(&self, file: usize, at: usize, message: String) -> DesignErrors {
        let (name, text) = &self.files[file];
        let (line, column) = line_col(text, at);
        one(name, line, column, message)
    }

    fn visit(
        &mut self,
        path: PathBuf,
        name: String,
        text: String,
        stack: &mut Vec<PathBuf>,
    ) -> Result<(), DesignErrors> {
        let file = self.files.len();
        self.files.push((name, text));
        let (mut table, bases) = self.parse(file)?;
        stack.push(path.clone());
        for (rel, at) in bases {
            let dir = path.parent().unwrap_or(Path::new(""));
            let base = normal(&dir.join(&rel));
            if let Some(first) = stack.iter().position(|p| *p == base) {
                let mut names: Vec<String> = stack[first..].iter().map(|p| p.display().to_string()).collect();
                names.push(base.display().to_string());
                return Err(self.err(file, at, format!("extends: a cycle: {}", names.join(" extends "))));
            }
            if self.done.contains(&base) {
                continue;
            }
            if self.files.len() >= MAX_DESIGN_FILES {
                return Err(self.err(
                    file,
                    at,
                    format!("extends: more than {MAX_DESIGN_FILES} files in one design; is a base listed by mistake?"),
                ));
            }
            let text = (self.read)(&base)
                .map_err(|e| self.err(file, at, format!("extends: cannot read the base `{}`: {e}", base.display())))?;
            self.visit(base.clone(), base.display().to_string(), text, stack)?;
        }
        stack.pop();
        self.done.push(path);
        tree::merge(&mut self.root, std::mem::take(&mut table));
        Ok(())
    }

    /// One file's tree, without its `extends`, and the bases it lists (each with the offset
    /// of its entry, for errors).
    fn parse(&self, file: usize) -> Result<(Table, Vec<(String, usize)>), DesignErrors> {
        let text = &self.files[file].1;
        if let Some(at) = model::limits::toml_too_deep(text, model::limits::MAX_TOML_DEPTH) {
            let limit = model::limits::MAX_TOML_DEPTH;
            return Err(self.err(file, at, format!("nested deeper than {limit} levels; a design needs 3")));
        }
        let doc = DeTable::parse(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            self.err(file, at, e.message().trim().replace('\n', " "))
        })?;
        let mut bases = Vec::new();
        if let Some(v) = doc.get_ref().iter().find_map(|(k, v)| (k.get_ref() == "extends").then_some(v)) {
            let expected = "extends: expected a list of design files, such as `extends = [\"baseline.toml\"]`";
            let Some(list) = v.get_ref().as_array() else {
                return Err(self.err(file, v.span().start, format!("{expected}; found a {}", v.get_ref().type_str())));
            };
            for item in list.iter() {
                match item.get_ref() {
                    DeValue::String(s) if !s.trim().is_empty() => bases.push((s.to_string(), item.span().start)),
                    other => {
                        let found = if other.is_str() {
                            "an empty path".to_string()
                        } else {
                            format!("a {}", other.type_str())
                        };
                        return Err(self.err(file, item.span().start, format!("{expected}; found {found}")));
                    }
                }
            }
        }
        let mut table = tree::table_of(doc.get_ref(), 0, file);
        table.entries.retain(|e| e.key != "extends");
        Ok((table, bases))
    }
}

/// A path with `.` and `name/..` removed, so one file reached two ways is one file (no
/// file system call: the reader decides what a path means).
fn normal(p: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.iter().collect()
}
