//! Input limits: files are refused by size before they are read, and TOML by nesting
//! depth before it is parsed, so an absurd design, config or snapshot is one clear
//! error instead of an out-of-memory or a stack overflow.

use std::io::Read;
use std::path::Path;

/// A design file is hand-written: the largest shipped one is a few kB.
pub const MAX_DESIGN_BYTES: u64 = 1024 * 1024;
/// The console config is a handful of keys.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// A snapshot of a very large account (scale 4 of the benchmark, 2,000 groups with
/// 12,000 rules) is about 10 MB; 64 MB leaves room for six times that.
pub const MAX_SNAPSHOT_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest `[`/`{` nesting accepted in TOML; a design needs 3.
pub const MAX_TOML_DEPTH: usize = 32;

/// Read a whole UTF-8 file, refusing it when it is larger than `max` bytes (checked
/// on the metadata first and again while reading, for files that grow or lie).
/// The error is one line saying what it is and the limit; the caller names the file.
pub fn read_capped(path: &Path, what: &str, max: u64) -> Result<String, String> {
    utf8_text(read_capped_bytes(path, what, max)?, what)
}

/// As `read_capped`, without decoding: for inputs whose encoding the caller works out
/// (Terraform JSON written by PowerShell is UTF-16; `engine::terraform::decode`).
pub fn read_capped_bytes(path: &Path, what: &str, max: u64) -> Result<Vec<u8>, String> {
    let too_big = |len: u64| {
        format!(
            "the {what} is {} MB, larger than the {} MB limit; is this the right file?",
            len.div_ceil(1024 * 1024),
            max / (1024 * 1024)
        )
    };
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the {what}: {e}"))?;
    if let Ok(meta) = file.metadata()
        && meta.len() > max
    {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read the {what}: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The bytes of a file read whole as text: the one-line error when they are not UTF-8.
/// Public so the fuzz targets (fuzz/) turn raw bytes into text exactly as the loaders do.
pub fn utf8_text(bytes: Vec<u8>, what: &str) -> Result<String, String> {
    String::from_utf8(bytes)
        .map_err(|e| format!("the {what} is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
}

/// An error message made one line: it can quote what a file says (a TOML or JSON string
/// may hold a newline or a carriage return), so those are shown escaped.
pub fn one_line(message: String) -> String {
    if message.contains(['\n', '\r']) { message.replace('\n', "\\n").replace('\r', "\\r") } else { message }
}

/// Byte offset of the first `[` or `{` nested deeper than `max` in TOML text, outside
/// strings and comments; dotted keys count one level per dot. None when within.
pub fn toml_too_deep(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut dots = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                i = skip_string(b, i);
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'.' => {
                dots += 1;
                if dots > max {
                    return Some(i);
                }
            }
            b'\n' | b'=' | b',' => dots = 0,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Index just past the string starting at `start` (basic, literal, or multi-line).
fn skip_string(b: &[u8], start: usize) -> usize {
    let q = b[start];
    let triple = b.len() >= start + 3 && b[start + 1] == q && b[start + 2] == q;
    let mut i = start + if triple { 3 } else { 1 };
    while i < b.len() {
        if q == b'"' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if !triple {
                return i + 1;
            }
            if b.len() >= i + 3 && b[i + 1] == q && b[i + 2] == q {
                return i + 3;
            }
        } else if !triple && b[i] == b'\n' {
            // An unterminated one-line string: let the parser report it.
            return i;
        }
        i += 1;
    }
    i
}

/// 1-based line and column of a byte offset, for `file:line:column` messages.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let upto = &text.as_bytes()[..offset.min(text.len())];
    let line = upto.iter().filter(|c| **c == b'\n').count() + 1;
    let col = upto.iter().rev().take_while(|c| **c != b'\n').count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_outside_strings_and_comments() {
        assert_eq!(toml_too_deep("a = [[1], [2]]\n", 2), None);
        assert_eq!(toml_too_deep("a = [[[1]]]\n", 2), Some(6));
        assert_eq!(toml_too_deep("a = \"[[[[\" # [[[[\n", 2), None);
        assert_eq!(toml_too_deep("a = '''\n[[[[\n'''\n", 2), None);
        assert_eq!(toml_too_deep("a.b.c.d = 1\n", 2), Some(5));
        assert_eq!(toml_too_deep("x = 1.5\ny = 2.5\n", 2), None);
    }

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }

    #[test]
    fn oversized_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("big.toml");
        let f = std::fs::File::create(&p).expect("create");
        f.set_len(100 * 1024 * 1024).expect("sparse file");
        let e = read_capped(&p, "design file", MAX_DESIGN_BYTES).expect_err("refused");
        assert!(e.contains("100 MB") && e.contains("1 MB limit") && !e.contains('\n'), "{e}");
    }
}
