//! Exit codes and the one-line error every command ends with.

use std::process::ExitCode;

/// Exit codes: 0 clean, 1 drift, 2 error or unknown inventory.
pub const EXIT_OK: u8 = 0;
pub const EXIT_DRIFT: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Print `driftdeck: MESSAGE` on stderr; exit 2.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("driftdeck: {message}");
    ExitCode::from(EXIT_ERROR)
}

/// The worst of several exit codes: error (2) over drift (1) over clean (0).
pub fn worst(codes: impl IntoIterator<Item = u8>) -> u8 {
    codes.into_iter().max().unwrap_or(0)
}

/// Write a whole text to stdout; false when stdout is gone (a closed pipe).
pub fn print(text: &str) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_code_wins() {
        assert_eq!(worst([0, 1, 0]), 1);
        assert_eq!(worst([1, 2, 0]), 2);
        assert_eq!(worst([]), 0);
    }
}
