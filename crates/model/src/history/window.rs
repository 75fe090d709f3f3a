//! The history window: `--since 24h`, `3d`, `90m`, or an RFC 3339 instant.

use jiff::{SignedDuration, Timestamp};

/// How far back history reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Ago(SignedDuration),
    At(Timestamp),
}

impl Default for Since {
    fn default() -> Self {
        Since::Ago(SignedDuration::from_hours(24))
    }
}

/// CloudTrail keeps management events 90 days; asking further back only wastes calls.
pub const MAX_DAYS: i64 = 90;

impl Since {
    /// `24h`, `3d`, `6h`, `30m`, `2w`, or `2026-11-23T08:00Z` / `2026-11-23T08:00:00+01:00`.
    pub fn parse(s: &str) -> Result<Since, String> {
        let s = s.trim();
        let bad = || {
            format!(
                "`{s}` is not a window; expected a duration like 30m, 6h, 3d, 2w or an RFC 3339 time like 2026-11-23T08:00Z"
            )
        };
        if let Some(unit) = s.chars().last().filter(|c| c.is_ascii_alphabetic())
            && s.len() > 1
            && s[..s.len() - 1].chars().all(|c| c.is_ascii_digit())
        {
            let n: i64 = s[..s.len() - 1].parse().map_err(|_| bad())?;
            let secs = match unit {
                'm' => n.checked_mul(60),
                'h' => n.checked_mul(3600),
                'd' => n.checked_mul(86_400),
                'w' => n.checked_mul(7 * 86_400),
                _ => None,
            }
            .ok_or_else(bad)?;
            if n == 0 {
                return Err(format!("`{s}`: the window must be longer than zero"));
            }
            return Ok(Since::Ago(SignedDuration::from_secs(secs)));
        }
        // RFC 3339 without seconds (`08:00Z`) is what people type: accept it.
        let with_secs = if s.len() == 17 && s.ends_with('Z') { format!("{}:00Z", &s[..16]) } else { s.to_string() };
        with_secs.parse::<Timestamp>().map(Since::At).map_err(|_| bad())
    }

    /// The oldest instant covered, as of `now`, clamped to what CloudTrail keeps.
    pub fn start(&self, now: Timestamp) -> Timestamp {
        let oldest = now.checked_sub(SignedDuration::from_hours(24 * MAX_DAYS)).unwrap_or(now);
        let start = match self {
            Since::Ago(d) => now.checked_sub(*d).unwrap_or(oldest),
            Since::At(t) => *t,
        };
        start.max(oldest).min(now)
    }

    pub fn label(&self) -> String {
        match self {
            Since::Ago(d) => {
                let s = d.as_secs();
                match s {
                    s if s % 86_400 == 0 => format!("{}d", s / 86_400),
                    s if s % 3600 == 0 => format!("{}h", s / 3600),
                    s => format!("{}m", s / 60),
                }
            }
            Since::At(t) => t.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-23T12:00:00Z".parse().expect("ts")
    }

    #[test]
    fn durations_and_instants() {
        assert_eq!(Since::parse("6h").map(|s| s.start(now()).to_string()), Ok("2026-11-23T06:00:00Z".into()));
        assert_eq!(Since::parse("3d").map(|s| s.start(now()).to_string()), Ok("2026-11-20T12:00:00Z".into()));
        assert_eq!(Since::parse("90m").map(|s| s.start(now()).to_string()), Ok("2026-11-23T10:30:00Z".into()));
        assert_eq!(
            Since::parse("2026-11-23T08:00Z").map(|s| s.start(now()).to_string()),
            Ok("2026-11-23T08:00:00Z".into())
        );
        assert_eq!(
            Since::parse("2026-11-23T08:00:00+01:00").map(|s| s.start(now()).to_string()),
            Ok("2026-11-23T07:00:00Z".into())
        );
        assert_eq!(Since::default().label(), "1d");
        assert_eq!(Since::parse("6h").map(|s| s.label()), Ok("6h".into()));
    }

    #[test]
    fn bad_windows_say_what_is_expected() {
        for bad in ["", "h", "6x", "-3d", "0h", "yesterday", "2026-13-01T00:00Z"] {
            let e = Since::parse(bad).expect_err(bad);
            assert!(e.contains("window") || e.contains("zero"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_window_is_clamped_to_cloudtrail_retention_and_now() {
        let s = Since::parse("200d").expect("parse");
        assert_eq!(s.start(now()).to_string(), "2026-08-25T12:00:00Z");
        let future = Since::parse("2027-01-01T00:00Z").expect("parse");
        assert_eq!(future.start(now()), now());
    }
}
