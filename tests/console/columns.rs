//! The one column-fitting function every pane uses (`view::columns`): priorities, hiding
//! order, middle cuts that keep ids apart, and the natural sort order.

use driftdeck::console::view::columns::{Column, cut_end, fit, natural_cmp, shorten};
use proptest::prelude::*;

fn findings_cols() -> Vec<Column> {
    vec![
        Column::keep("Severity", 8, 8),
        Column::id("Rule", 12, 40),
        Column::id("Resource", 12, 60),
        Column::gives("Tier/role", 1, 4, 12),
        Column::fill("Message", 3, 12),
    ]
}

fn used(f: &[Option<u16>]) -> u32 {
    let shown: Vec<u32> = f.iter().flatten().map(|w| u32::from(*w)).collect();
    shown.iter().sum::<u32>() + shown.len().saturating_sub(1) as u32
}

#[test]
fn wide_enough_gives_ids_their_full_width_and_the_rest_to_the_message() {
    let natural = [8, 26, 30, 8, 90];
    let f = fit(&findings_cols(), &natural, 160, 1);
    assert_eq!(f[1], Some(26));
    assert_eq!(f[2], Some(30));
    assert_eq!(f[3], Some(9));
    assert_eq!(used(&f), 160, "the message takes what is left: {f:?}");
}

#[test]
fn at_80_columns_the_tier_hides_before_an_id_is_cut() {
    // 78 inside the borders: 8 + 26 + 30 + 12 + gaps = 79 with Tier hidden.
    let natural = [8, 26, 30, 8, 90];
    let f = fit(&findings_cols(), &natural, 78, 1);
    assert_eq!(f[3], None, "Tier gives way first: {f:?}");
    assert_eq!(f[1], Some(26));
    assert!(used(&f) <= 78, "{f:?}");
    assert_eq!(f[2].map(|w| w >= 24), Some(true), "{f:?}");
}

#[test]
fn ids_are_cut_last_and_never_hidden() {
    let natural = [8, 40, 60, 8, 90];
    let f = fit(&findings_cols(), &natural, 60, 1);
    assert!(f[1].is_some() && f[2].is_some(), "{f:?}");
    assert!(used(&f) <= 60, "{f:?}");
    assert_eq!(f[3], None);
}

#[test]
fn columns_give_way_in_their_stated_order() {
    let cols = vec![
        Column::id("Resource", 10, 40),
        Column::gives("A", 3, 4, 10),
        Column::gives("B", 1, 4, 10),
        Column::gives("C", 2, 4, 10),
    ];
    let natural = [20, 10, 10, 10];
    // B goes first (shrunk, then hidden), then C shrinks; A is untouched.
    let f = fit(&cols, &natural, 20 + 1 + 10 + 1 + 4, 1);
    assert_eq!(f, vec![Some(20), Some(10), None, Some(4)]);
    // Narrower: C goes too.
    let f = fit(&cols, &natural, 20 + 1 + 10, 1);
    assert_eq!(f, vec![Some(20), Some(10), None, None]);
}

#[test]
fn a_middle_cut_keeps_the_distinguishing_end() {
    let ids = ["client-a-prod-redis", "client-a-prod-reporting"];
    let out = shorten(&ids, 16);
    assert_ne!(out[0], out[1], "{out:?}");
    assert!(out.iter().all(|s| s.contains('…') && s.chars().count() == 16), "{out:?}");
    assert!(out[0].ends_with("dis") && out[1].ends_with("ing"), "{out:?}");
    // Ids that fit are left alone.
    assert_eq!(shorten(&["sg-1"], 16), vec!["sg-1".to_string()]);
}

#[test]
fn ids_differing_only_in_the_middle_still_read_apart() {
    let ids = ["alpha-0000000001-omega", "alpha-0000000002-omega", "alpha-0000000001-omega"];
    let out = shorten(&ids, 12);
    assert_ne!(out[0], out[1], "{out:?}");
    assert_eq!(out[0], out[2], "the same id reads the same: {out:?}");
}

#[test]
fn cut_end_marks_the_cut() {
    assert_eq!(cut_end("automatic failover disabled", 10), "automatic…");
    assert_eq!(cut_end("ok", 10), "ok");
}

#[test]
fn natural_order_reads_numbers_as_numbers() {
    let mut v = vec!["sg-10", "sg-2", "SG-1", "sg-2a"];
    v.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(v, ["SG-1", "sg-2", "sg-2a", "sg-10"]);
}

proptest! {
    /// Over random widths and ids: two different ids never render equal, every column that
    /// never gives way is present, and the columns fit the width when their minimums do.
    #[test]
    fn fitted_ids_never_collide(
        width in 80u16..300,
        ids in proptest::collection::vec("[a-z]{1,3}(-[a-z0-9]{1,12}){1,4}", 2..40),
        natural in proptest::collection::vec(1usize..80, 5),
    ) {
        let cols = findings_cols();
        let f = fit(&cols, &natural, width - 2, 1);
        for (c, w) in cols.iter().zip(&f) {
            if c.gives.is_none() {
                prop_assert!(w.is_some(), "essential column {} hidden: {:?}", c.title, f);
            }
        }
        let mins: u32 = cols.iter().filter(|c| c.gives.is_none()).map(|c| u32::from(c.min) + 1).sum();
        if mins <= u32::from(width - 2) {
            prop_assert!(used(&f) <= u32::from(width - 2), "{:?} over {}", f, width - 2);
        }
        let w = usize::from(f[2].unwrap_or(12));
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let out = shorten(&refs, w);
        for i in 0..ids.len() {
            prop_assert!(unicode_width::UnicodeWidthStr::width(out[i].as_str()) <= w.max(ids[i].len().min(w)));
            for j in 0..ids.len() {
                if ids[i] != ids[j] {
                    prop_assert_ne!(&out[i], &out[j], "{} and {} both read {}", ids[i], ids[j], out[i]);
                }
            }
        }
    }

    /// Narrow id columns too: the disambiguation holds down to a few cells.
    #[test]
    fn short_widths_never_collide(
        w in 4usize..20,
        ids in proptest::collection::vec("[ab]{1,3}-[0-9a-c]{1,10}", 2..30),
    ) {
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let out = shorten(&refs, w);
        for i in 0..ids.len() {
            for j in 0..ids.len() {
                if ids[i] != ids[j] {
                    prop_assert_ne!(&out[i], &out[j], "{} and {} both read {}", ids[i], ids[j], out[i]);
                }
            }
        }
    }
}
