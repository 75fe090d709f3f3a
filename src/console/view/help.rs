//! The key help's text: a line per command (from the live keymap, so remapped keys show),
//! long descriptions continued on an indented line, then two notes. `panes::help` draws it;
//! `App` reads its length to bound scrolling, so both count the same lines.

use crate::console::keymap::{Command, Keymap};

/// Width of the key column (a space and 16 columns of keys).
pub const KEY_COLUMN: usize = 17;
/// The help box's width on a wide screen.
const BOX_WIDTH: u16 = 90;
/// Rows the console's frame takes around a pane (header, tabs, status).
const FRAME_ROWS: u16 = 3;

pub const NOTES: [&str; 2] = [
    " In the filter or command line: Enter applies, Esc cancels.",
    " Mouse wheel scrolls. Keys are remappable in config.toml [keys].",
];

/// One line of the help: the key column (blank on a continuation) and the text.
pub struct HelpLine {
    pub keys: String,
    pub text: String,
}

pub fn box_width(screen_width: u16) -> u16 {
    screen_width.min(BOX_WIDTH)
}

/// The command lines for a box `width` columns wide (borders included).
pub fn lines(keymap: &Keymap, width: u16) -> Vec<HelpLine> {
    let room = usize::from(width.saturating_sub(2)).saturating_sub(KEY_COLUMN).max(20);
    let mut out = Vec::new();
    for c in Command::ALL {
        let keys = keymap.keys_for(c).join(" ");
        for (i, part) in wrap(c.describe(), room).into_iter().enumerate() {
            let keys = if i == 0 { format!(" {keys:<16}") } else { " ".repeat(KEY_COLUMN) };
            out.push(HelpLine { keys, text: part });
        }
    }
    out
}

/// All lines of the help (commands, a blank line, the notes).
pub fn total_lines(keymap: &Keymap, width: u16) -> u16 {
    u16::try_from(lines(keymap, width).len() + 1 + NOTES.len()).unwrap_or(u16::MAX)
}

/// How many lines of the help a box in a `screen` fits (rows inside the borders).
pub fn shown(total: u16, screen_height: u16) -> u16 {
    (total + 2).min(screen_height.saturating_sub(FRAME_ROWS)).saturating_sub(2)
}

/// The furthest the help can scroll on a screen of this size (0 when it all fits).
pub fn max_scroll(keymap: &Keymap, screen: (u16, u16)) -> u16 {
    let total = total_lines(keymap, box_width(screen.0));
    total.saturating_sub(shown(total, screen.1))
}

/// Split `text` at spaces into pieces of at most `room` characters (a longer word is cut).
fn wrap(text: &str, room: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let len = cur.chars().count();
        let needed = if cur.is_empty() { word.chars().count() } else { len + 1 + word.chars().count() };
        if needed > room && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        while cur.chars().count() > room {
            let cut: String = cur.chars().take(room).collect();
            cur = cur.chars().skip(room).collect();
            out.push(cut);
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_within_the_room() {
        assert_eq!(wrap("what changed in the hour", 10), ["what", "changed in", "the hour"]);
        assert_eq!(wrap("short", 10), ["short"]);
        assert_eq!(wrap("abcdefghijkl", 5), ["abcde", "fghij", "kl"]);
        assert_eq!(wrap("", 5), [""]);
    }

    #[test]
    fn scrolls_only_as_far_as_the_last_line() {
        let k = Keymap::default();
        let total = total_lines(&k, 90);
        assert!(total > 30, "30 commands and the notes: {total}");
        // 100x30: 27 body rows, 25 inside the box.
        assert_eq!(max_scroll(&k, (100, 30)), total - 25);
        assert_eq!(max_scroll(&k, (200, 80)), 0, "all of it fits");
        // A narrow screen wraps more lines, so it scrolls further.
        assert!(total_lines(&k, 60) > total);
    }
}
