//! The columns of the list panes and the one function that fits them to a width, with
//! priorities: identifying columns get their full width first, the others shrink, then
//! hide, in a stated order; an identifier that must be cut is cut in the middle so that
//! two different ids never read the same. Every pane goes through `fit` and `shorten`.

use std::collections::HashMap;
use unicode_width::UnicodeWidthStr;

/// How a column's rows compare when the pane is sorted by it (`s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// Natural order of the text: digit runs compare as numbers (`sg-2` before `sg-10`).
    Text,
    /// The row's worst severity (critical first when descending).
    Severity,
    /// The row's clock-dependent time (`Live::Age`): "12s ago" sorts by the time itself.
    Age,
}

/// One column of a list pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub title: &'static str,
    /// Names the row (a resource, rule or group id): never hidden, widened first, and cut
    /// in the middle when it must be cut.
    pub id: bool,
    /// When the column gives way: `None` never hides; `Some(1)` shrinks and hides first.
    pub gives: Option<u8>,
    /// Narrowest useful width.
    pub min: u16,
    /// Widest it is made outside wide mode (its cells are cut beyond, in full in the preview).
    pub max: u16,
    /// Takes the width left over (a message or detail column).
    pub fill: bool,
    pub by: By,
}

impl Column {
    pub const fn id(title: &'static str, min: u16, max: u16) -> Column {
        Column { title, id: true, gives: None, min, max, fill: false, by: By::Text }
    }
    pub const fn keep(title: &'static str, min: u16, max: u16) -> Column {
        Column { title, id: false, gives: None, min, max, fill: false, by: By::Text }
    }
    pub const fn gives(title: &'static str, order: u8, min: u16, max: u16) -> Column {
        Column { title, id: false, gives: Some(order), min, max, fill: false, by: By::Text }
    }
    /// A column that takes what is left, never below `min`, and hides in `order`.
    pub const fn fill(title: &'static str, order: u8, min: u16) -> Column {
        Column { title, id: false, gives: Some(order), min, max: u16::MAX, fill: true, by: By::Text }
    }
    pub const fn by(mut self, by: By) -> Column {
        self.by = by;
        self
    }
}

/// The width given to each column, `None` when hidden.
pub type Fitted = Vec<Option<u16>>;

/// Fit `cols` into `width` cells with `gap` cells between columns. `natural[i]` is the
/// widest cell of column `i` (missing = its title). Identifying columns keep their full
/// width while anything else can give way.
pub fn fit(cols: &[Column], natural: &[usize], width: u16, gap: u16) -> Fitted {
    let title = |c: &Column| c.title.width() as u16;
    let nat = |i: usize| natural.get(i).copied().unwrap_or(0).min(u16::MAX as usize) as u16;
    let mut w: Vec<Option<u16>> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| Some(if c.fill { c.min } else { nat(i).max(title(c)).clamp(c.min, c.max.max(c.min)) }))
        .collect();
    let total = |w: &[Option<u16>]| -> u32 {
        let shown: Vec<u16> = w.iter().flatten().copied().collect();
        shown.iter().map(|&x| u32::from(x)).sum::<u32>() + u32::from(gap) * shown.len().saturating_sub(1) as u32
    };
    let width32 = u32::from(width);
    // The columns that give way, first to give first.
    let mut giving: Vec<usize> = (0..cols.len()).filter(|&i| cols[i].gives.is_some()).collect();
    giving.sort_by_key(|&i| (cols[i].gives, std::cmp::Reverse(i)));
    // 1. In order, each shrinks to its minimum, then hides, until the rest fit: the
    //    first to give way goes before the next is touched.
    for &i in &giving {
        let over = total(&w).saturating_sub(width32);
        if over == 0 {
            break;
        }
        if let Some(x) = w[i] {
            let cut = (over.min(u32::from(x.saturating_sub(cols[i].min)))) as u16;
            w[i] = Some(x - cut);
        }
        if total(&w) > width32 {
            w[i] = None;
        }
    }
    // 2. Shrink the columns that never hide but do not name the row, then the ids, each
    //    down to its minimum, widest first so the cut is shared.
    for ids in [false, true] {
        loop {
            let over = total(&w).saturating_sub(width32);
            if over == 0 {
                break;
            }
            let widest = (0..cols.len())
                .filter(|&i| cols[i].id == ids && w[i].is_some_and(|x| x > cols[i].min))
                .max_by_key(|&i| (w[i], std::cmp::Reverse(i)));
            let Some(i) = widest else { break };
            if let Some(x) = w[i] {
                w[i] = Some(x - 1);
            }
        }
    }
    // 3. What is left over goes to the fill column, else to the ids cut below their
    //    natural width, else to the last column shown.
    let mut spare = width32.saturating_sub(total(&w));
    if spare > 0 {
        for i in 0..cols.len() {
            if cols[i].id
                && let Some(x) = w[i]
            {
                let want = nat(i).max(title(&cols[i]));
                let add = (u32::from(want.saturating_sub(x))).min(spare) as u16;
                w[i] = Some(x + add);
                spare -= u32::from(add);
            }
        }
    }
    if spare > 0 {
        let target = cols
            .iter()
            .position(|c| c.fill)
            .filter(|&i| w[i].is_some())
            .or_else(|| w.iter().rposition(Option::is_some));
        if let Some(i) = target
            && let Some(x) = w[i]
        {
            w[i] = Some(x.saturating_add(spare.min(u32::from(u16::MAX)) as u16));
        }
    }
    w
}

/// Wide mode: every column at its natural width (no maximum), from column `from` on.
pub fn wide(cols: &[Column], natural: &[usize], from: usize) -> Fitted {
    cols.iter()
        .enumerate()
        .map(|(i, c)| {
            (i >= from).then(|| {
                let n = natural.get(i).copied().unwrap_or(0).min(u16::MAX as usize) as u16;
                n.max(c.title.width() as u16).max(c.min)
            })
        })
        .collect()
}

/// `text` cut to `w` cells at its end, with an ellipsis.
pub fn cut_end(text: &str, w: usize) -> String {
    if text.width() <= w {
        return text.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = take_width(text, w - 1);
    out.push('…');
    out
}

/// The ids of the rows on screen cut to `w` cells so that ids that differ never read the
/// same: cut in the middle (head … tail) where a cut is needed; where two cut ids would
/// collide, another split, then a window around where they differ, then a count.
pub fn shorten(ids: &[&str], w: usize) -> Vec<String> {
    let mut out: Vec<String> = ids.iter().map(|s| middle(s, w, head_len(w))).collect();
    if w < 3 {
        return out;
    }
    // Texts already taken, with the full id that took them.
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, t) in out.iter().enumerate() {
        groups.entry(t.clone()).or_default().push(i);
    }
    let mut clashing: Vec<Vec<usize>> = groups
        .into_values()
        .map(|mut g| {
            g.sort_unstable();
            g.dedup_by(|a, b| ids[*a] == ids[*b]);
            g
        })
        .filter(|g| g.len() > 1)
        .collect();
    clashing.sort();
    for group in clashing {
        // Every row holding one of these ids is rewritten alike.
        let members: Vec<usize> = (0..ids.len()).filter(|&i| group.iter().any(|&g| ids[g] == ids[i])).collect();
        let taken: std::collections::HashSet<String> =
            out.iter().enumerate().filter(|(i, _)| !members.contains(i)).map(|(_, t)| t.clone()).collect();
        let distinct = |texts: &[String]| {
            let mut seen: HashMap<&str, &str> = HashMap::new();
            members.iter().zip(texts).all(|(&m, t)| {
                !taken.contains(t) && seen.insert(t.as_str(), ids[m]).is_none_or(|other| other == ids[m])
            })
        };
        let mut done = false;
        for head in (1..w - 1).rev() {
            let texts: Vec<String> = members.iter().map(|&m| middle(ids[m], w, head)).collect();
            if distinct(&texts) {
                for (&m, t) in members.iter().zip(texts) {
                    out[m] = t;
                }
                done = true;
                break;
            }
        }
        if done {
            continue;
        }
        let longest = members.iter().map(|&m| ids[m].chars().count()).max().unwrap_or(0);
        for start in 0..longest {
            let texts: Vec<String> = members.iter().map(|&m| window(ids[m], w, start)).collect();
            if distinct(&texts) {
                for (&m, t) in members.iter().zip(texts) {
                    out[m] = t;
                }
                done = true;
                break;
            }
        }
        if !done {
            // Nothing the width allows tells them apart: number them (`…#2`).
            let mut order: Vec<&str> = members.iter().map(|&m| ids[m]).collect();
            order.sort_unstable();
            order.dedup();
            for &m in &members {
                let n = order.iter().position(|s| *s == ids[m]).unwrap_or(0) + 1;
                let tag = format!("…#{n}");
                let mut t = take_width(ids[m], w.saturating_sub(tag.width()));
                t.push_str(&tag);
                out[m] = t;
            }
        }
    }
    out
}

/// Head length of a middle cut at width `w`: about two thirds before the ellipsis.
fn head_len(w: usize) -> usize {
    (w.saturating_sub(1) * 2).div_ceil(3)
}

/// `s` cut to `w` cells as `head…tail` with `head` cells before the ellipsis.
fn middle(s: &str, w: usize, head: usize) -> String {
    if s.width() <= w {
        return s.to_string();
    }
    if w < 3 {
        return take_width(s, w);
    }
    let head = head.min(w - 2);
    let tail = w - 1 - head;
    let mut out = take_width(s, head);
    out.push('…');
    out.push_str(&take_width_end(s, tail));
    out
}

/// `…` + the `w - 2` characters of `s` from `start` + `…` (a window where ids differ).
fn window(s: &str, w: usize, start: usize) -> String {
    let body: String = s.chars().skip(start).collect();
    let inner = take_width(&body, w.saturating_sub(2));
    format!("…{inner}…")
}

fn take_width(s: &str, w: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > w {
            break;
        }
        used += cw;
        out.push(c);
    }
    out
}

fn take_width_end(s: &str, w: usize) -> String {
    let mut rev: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > w {
            break;
        }
        used += cw;
        rev.push(c);
    }
    rev.into_iter().rev().collect()
}

/// Natural order: case-insensitive, digit runs compared as numbers.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let mut n: Vec<char> = Vec::new();
                while let Some(c) = x.next_if(char::is_ascii_digit) {
                    n.push(c);
                }
                let mut m: Vec<char> = Vec::new();
                while let Some(d) = y.next_if(char::is_ascii_digit) {
                    m.push(d);
                }
                let strip = |v: &[char]| v.iter().skip_while(|c| **c == '0').collect::<String>();
                let (n, m) = (strip(&n), strip(&m));
                let o = n.len().cmp(&m.len()).then_with(|| n.cmp(&m));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                let o = c.to_lowercase().cmp(d.to_lowercase());
                if o != Ordering::Equal {
                    return o;
                }
                x.next();
                y.next();
            }
        }
    }
}
