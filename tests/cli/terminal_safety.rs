//! Terminal safety proven in a real terminal (tmux): after a panic, SIGTERM or SIGHUP
//! the console leaves the alternate screen, shows the cursor, turns raw mode off
//! (`stty -a` in the same pane shows `icanon` and `echo`) and releases the mouse; after
//! a panic its message is printed once the terminal is back.

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    /// Run `driftdeck demo` in a fresh tmux server; afterwards print the exit code and
    /// the terminal modes, then keep the pane open.
    fn start(name: &str, env: &[(&str, &str)]) -> Tmux {
        let socket = format!("driftdeck-safety-{name}-{}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_driftdeck");
        let home = std::env::temp_dir().join(&socket);
        std::fs::create_dir_all(&home).expect("home");
        let mut exports = format!(
            "export HOME='{h}' XDG_STATE_HOME='{h}/state' XDG_CONFIG_HOME='{h}/config' TERM=xterm-256color RUST_BACKTRACE=0; ",
            h = home.display()
        );
        for (k, v) in env {
            exports.push_str(&format!("export {k}='{v}'; "));
        }
        let script = format!(
            "{exports} cd '{}'; {bin} demo; echo DRIFTDECK_EXIT=$?; stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo STTY_DONE; sleep 60",
            env!("CARGO_MANIFEST_DIR")
        );
        let ok = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "35", "sh", "-c", &script])
            .status()
            .expect("tmux installed (scripts/test.sh / .ci/run install it)");
        assert!(ok.success());
        Tmux { socket }
    }

    fn capture(&self) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket, "capture-pane", "-p"]).output().expect("capture");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// A tmux format variable of the pane, e.g. `alternate_on`, `cursor_flag`.
    fn flag(&self, name: &str) -> String {
        let fmt = format!("#{{{name}}}");
        let out = Command::new("tmux").args(["-L", &self.socket, "display", "-p", &fmt]).output().expect("display");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn signal(&self, sig: &str) {
        let out =
            Command::new("tmux").args(["-L", &self.socket, "list-panes", "-F", "#{pane_pid}"]).output().expect("panes");
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let status =
            Command::new("pkill").args([&format!("-{sig}"), "-P", &shell, "driftdeck"]).status().expect("pkill");
        assert!(status.success(), "no driftdeck child of {shell}");
    }

    fn wait_for(&self, what: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let screen = self.capture();
            if screen.contains(what) {
                return screen;
            }
            assert!(Instant::now() < deadline, "`{what}` did not appear within {secs} s; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The console is on screen: alternate screen, hidden cursor, mouse captured.
    fn assert_console_mode(&self) {
        assert_eq!(self.flag("alternate_on"), "1", "console runs in the alternate screen");
        assert_eq!(self.flag("cursor_flag"), "0", "console hides the cursor");
    }

    /// The shell's terminal is back: main screen, cursor shown, cooked mode, no mouse.
    fn assert_restored(&self) -> String {
        let after = self.wait_for("STTY_DONE", 15);
        assert_eq!(self.flag("alternate_on"), "0", "alternate screen left:\n{after}");
        assert_eq!(self.flag("cursor_flag"), "1", "cursor visible:\n{after}");
        assert_eq!(self.flag("mouse_any_flag"), "0", "mouse released:\n{after}");
        let modes = after.lines().find(|l| l.contains("STTY_DONE")).unwrap_or_default();
        assert!(modes.contains("icanon") && !modes.contains("-icanon"), "raw mode off (icanon): {modes}");
        assert!(modes.split_whitespace().any(|w| w == "echo"), "raw mode off (echo): {modes}");
        assert!(!after.contains("1 Overview"), "the console's frame is gone:\n{after}");
        after
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}

#[test]
fn panic_restores_the_terminal_then_prints_its_message() {
    let t = Tmux::start("panic", &[("DRIFTDECK_TEST_PANIC", "1")]);
    let after = t.assert_restored();
    assert!(after.contains("test panic requested by DRIFTDECK_TEST_PANIC"), "panic message printed:\n{after}");
    let code = after.lines().find_map(|l| l.trim().strip_prefix("DRIFTDECK_EXIT=")).unwrap_or_default();
    assert_ne!(code, "0", "a panic is not a clean exit:\n{after}");
}

#[test]
fn sigterm_restores_the_terminal_modes() {
    let t = Tmux::start("term", &[]);
    t.wait_for("1 Overview", 30);
    t.assert_console_mode();
    t.signal("TERM");
    let after = t.assert_restored();
    assert!(after.contains("DRIFTDECK_EXIT=0"), "{after}");
}

#[test]
fn sighup_restores_the_terminal_modes() {
    let t = Tmux::start("hup", &[]);
    t.wait_for("1 Overview", 30);
    t.assert_console_mode();
    t.signal("HUP");
    let after = t.assert_restored();
    assert!(after.contains("DRIFTDECK_EXIT=0"), "{after}");
}
