//! Logging to a file under the XDG state directory; never to the terminal, which the
//! console owns while it runs.

use std::path::PathBuf;
use tracing_appender::non_blocking::WorkerGuard;

/// `$XDG_STATE_HOME/driftdeck/driftdeck.log` (or the platform's equivalent).
pub fn log_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok()?;
    let dir = base.state_dir().unwrap_or_else(|| base.data_dir()).join("driftdeck");
    Some(dir.join("driftdeck.log"))
}

/// Start file logging; the level comes from `DRIFTDECK_LOG` (default `info`). Logging is
/// best effort: an unwritable state dir must not stop a CI check.
pub fn init() -> Option<WorkerGuard> {
    let path = log_path()?;
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("DRIFTDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}
