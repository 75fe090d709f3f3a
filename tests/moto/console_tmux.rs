//! The real binary in a real terminal (tmux): it starts, shows seeded drift highlighted,
//! moves between panes, filters, and quits with the terminal restored. Against the
//! built-in demo and against moto.

use crate::harness as common;

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, cmd: &str, env: &[(&str, &str)]) -> Tmux {
        Tmux::start_sized(name, cmd, env, (120, 35))
    }

    fn start_sized(name: &str, cmd: &str, env: &[(&str, &str)], (w, h): (u16, u16)) -> Tmux {
        let socket = format!("driftdeck-{name}-{}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_driftdeck");
        let home = std::env::temp_dir().join(&socket);
        std::fs::create_dir_all(&home).expect("home");
        let mut exports = format!(
            "export HOME='{h}' XDG_STATE_HOME='{h}/state' XDG_CONFIG_HOME='{h}/config' TERM=xterm-256color; ",
            h = home.display()
        );
        for (k, v) in env {
            exports.push_str(&format!("export {k}='{v}'; "));
        }
        // After the console exits, print a marker so the test can see the shell again.
        let script =
            format!("{exports} cd '{}'; {bin} {cmd}; echo DRIFTDECK_EXIT=$?; sleep 60", env!("CARGO_MANIFEST_DIR"));
        // A clean environment: the pane sees only what is exported above.
        let ok = Command::new("tmux")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
                "sh",
                "-c",
                &script,
            ])
            .status()
            .expect("tmux installed (scripts/test.sh / .ci/run install it)");
        assert!(ok.success());
        Tmux { socket }
    }

    fn capture(&self, escapes: bool) -> String {
        let mut args = vec!["-L", &self.socket, "capture-pane", "-p"];
        if escapes {
            args.push("-e");
        }
        String::from_utf8_lossy(&Command::new("tmux").args(&args).output().expect("capture").stdout).to_string()
    }

    fn keys(&self, keys: &str) {
        Command::new("tmux").args(["-L", &self.socket, "send-keys", keys]).status().expect("send-keys");
        // Separate keys, or Esc followed by a key reads as Alt-key.
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Signal the driftdeck process running in the pane.
    fn signal(&self, sig: &str) {
        let out =
            Command::new("tmux").args(["-L", &self.socket, "list-panes", "-F", "#{pane_pid}"]).output().expect("panes");
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let status =
            Command::new("pkill").args([&format!("-{sig}"), "-P", &shell, "driftdeck"]).status().expect("pkill");
        assert!(status.success(), "no driftdeck child of {shell}");
    }

    fn literal(&self, text: &str) {
        Command::new("tmux").args(["-L", &self.socket, "send-keys", "-l", text]).status().expect("send-keys");
        std::thread::sleep(Duration::from_millis(150));
    }

    fn wait_for(&self, what: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let screen = self.capture(false);
            if screen.contains(what) {
                return screen;
            }
            assert!(Instant::now() < deadline, "`{what}` did not appear within {secs} s; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}

/// The line of a screen (captured with escapes) that contains `text`.
fn line_with<'a>(screen: &'a str, text: &str) -> &'a str {
    screen.lines().find(|l| l.contains(text)).unwrap_or_else(|| panic!("no line with {text}:\n{screen}"))
}

#[test]
fn demo_starts_moves_filters_and_quits_cleanly() {
    let t = Tmux::start("demo", "demo", &[]);
    let first = t.wait_for("client-a-prod", 30);
    assert!(first.contains("1 Overview"), "{first}");
    t.wait_for("DRIFT:", 30);
    t.keys("6");
    let findings = t.wait_for("rds.multi-az", 10);
    assert!(findings.contains("Findings ("), "{findings}");
    // Drift is shown in colour: a HIGH finding's severity is red.
    let coloured = t.capture(true);
    let line = line_with(&coloured, "rds.multi-az");
    assert!(line.contains("38;5;1m") || line.contains("[31m"), "no red on the HIGH row: {line:?}");

    t.keys("/");
    t.literal("cache.");
    t.keys("Enter");
    let filtered = t.wait_for("filter: cache.", 5);
    assert!(filtered.contains("cache.multi-az") && !filtered.contains("rds.multi-az"), "{filtered}");
    t.keys("3");
    t.wait_for("Security groups", 5);
    t.keys("Escape");
    t.keys("?");
    t.wait_for("Keys 1-", 5);
    t.keys("Escape");
    t.keys("q");
    let after = t.wait_for("DRIFTDECK_EXIT=0", 10);
    assert!(!after.contains("1 Overview"), "the alternate screen is gone: {after}");
}

#[test]
fn live_console_against_moto_shows_the_seeded_drift() {
    let (moto, _g) = common::Moto::shared();
    let ids = moto.seed("client-a", true);
    let rt_data = ids["rt_data"].as_str().expect("rt_data").to_string();
    let t = Tmux::start(
        "live",
        "--design config/designs/client-a-prod.toml",
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_ENDPOINT_URL", &moto.endpoint),
        ],
    );
    t.wait_for("123456789012", 30);
    t.wait_for("DRIFT:", 30);
    t.keys("2");
    t.keys("C-z");
    let network = t.wait_for("✗ route.peering-forbidden", 10);
    assert!(network.contains(&rt_data), "{network}");
    let coloured = t.capture(true);
    let line = line_with(&coloured, "✗ route.peering-forbidden");
    assert!(line.contains("48;5;1m") || line.contains("[41m"), "critical drift has a red background: {line:?}");
    t.keys("6");
    t.wait_for("alarm.firing", 10);
    t.keys("Enter");
    t.wait_for("evidence", 5);
    t.keys("Escape");
    t.keys("q");
    t.wait_for("DRIFTDECK_EXIT=0", 10);
}

#[test]
fn sigterm_restores_the_terminal() {
    let t = Tmux::start("term", "demo", &[]);
    t.wait_for("1 Overview", 30);
    t.signal("TERM");
    let after = t.wait_for("DRIFTDECK_EXIT=0", 10);
    assert!(!after.contains("1 Overview"), "the alternate screen is gone: {after}");
}

#[test]
fn estate_of_two_accounts_stays_live_and_switches_instantly() {
    let (moto, _g) = common::Moto::shared();
    moto.seed("pair-accounts", true);
    let estate = common::Estate::new();
    let wrong = estate.pci_with_wrong_account();
    let designs = format!(
        "--design {} --design {} --design {}",
        estate.production.display(),
        estate.pci.display(),
        wrong.display()
    );
    // The third design is production-pci again under its own name, with a wrong account guard.
    let text = std::fs::read_to_string(&wrong).expect("design").replacen(
        "name = \"production-pci\"",
        "name = \"pci-wrong\"",
        1,
    );
    std::fs::write(&wrong, text).expect("write");
    let config = estate.config.display().to_string();
    let t = Tmux::start(
        "estate",
        &designs,
        &[
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", &config),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_ENDPOINT_URL", &moto.endpoint),
        ],
    );
    let screen = t.wait_for("Estate (3 environments)", 30);
    assert!(screen.contains("0 Estate"), "{screen}");
    // Both good environments poll and answer with their own accounts; the wrong one fails alone.
    t.wait_for(common::PCI_ACCOUNT, 30);
    let screen = t.wait_for("FAILED: credentials belong", 30);
    let prod = line_with(&screen, "production ");
    assert!(prod.contains("123456789012"), "{screen}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !line_with(&t.capture(false), "production-pci").contains(" ok") {
        assert!(Instant::now() < deadline, "production-pci never became ok:\n{}", t.capture(false));
        std::thread::sleep(Duration::from_millis(200));
    }
    // `:env` switches the view at once: the data is already there.
    t.keys(":");
    t.literal("env production-pci");
    t.keys("Enter");
    t.keys("2");
    // Drift only: the data tier's route table is below the tiers' ACL rows.
    t.keys("C-z");
    let network = t.wait_for("✗ route.peering-forbidden", 3);
    assert!(network.contains("production-pci"), "{network}");
    t.keys("0");
    t.wait_for("Estate (3 environments)", 3);
    t.keys("q");
    t.wait_for("DRIFTDECK_EXIT=0", 10);
}

/// `y` and `o` in a real terminal: the console writes OSC 52, and tmux with
/// `set-clipboard on` takes it into its paste buffer, as it does for a user over SSH.
#[test]
fn demo_copies_the_selected_id_and_its_console_address_to_the_clipboard() {
    let t = Tmux::start("copy", "demo", &[]);
    let ok = Command::new("tmux").args(["-L", &t.socket, "set-option", "-s", "set-clipboard", "on"]).status();
    assert!(ok.is_ok_and(|s| s.success()), "tmux set-clipboard");
    t.wait_for("client-a-prod", 30);
    t.keys("2");
    t.wait_for("vpc-", 10);
    t.keys("g");
    t.keys("y");
    let screen = t.wait_for("copied vpc-", 10);
    let buffer = || {
        let out = Command::new("tmux").args(["-L", &t.socket, "show-buffer"]).output().expect("show-buffer");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let id = buffer();
    assert!(id.starts_with("vpc-") && screen.contains(&format!("copied {id}")), "buffer {id:?}, screen:\n{screen}");
    t.keys("o");
    t.wait_for("copied https://", 10);
    let url = buffer();
    assert_eq!(
        url,
        format!("https://eu-west-2.console.aws.amazon.com/vpcconsole/home?region=eu-west-2#VpcDetails:VpcId={id}")
    );
    t.keys("q");
    t.wait_for("DRIFTDECK_EXIT=0", 10);
}

/// A laptop terminal (80×24): every pane on the tab bar, `s`/`S` sort the Findings and the
/// header marks it, `w` widens the columns, and the preview shows the selected row.
#[test]
fn demo_at_80x24_sorts_widens_and_keeps_every_pane_reachable() {
    let t = Tmux::start_sized("small", "demo", &[], (80, 24));
    let screen = t.wait_for("client-a-prod", 30);
    let tabs = screen.lines().nth(1).unwrap_or_default().to_string();
    for k in ["1", "2", "3", "4", "5", "6", "7", "8"] {
        assert!(tabs.contains(k), "pane {k} missing from the tab bar: {tabs}");
    }
    t.keys("6");
    t.wait_for("Severity", 10);
    t.keys("s");
    t.keys("s");
    let sorted = t.wait_for("Rule▲", 10);
    assert!(sorted.contains("sorted by Rule"), "{sorted}");
    t.keys("S");
    t.wait_for("Rule▼", 10);
    // The sort is kept across a pane switch.
    t.keys("2");
    t.wait_for("Network", 10);
    t.keys("6");
    let back = t.wait_for("Rule▼", 10);
    assert!(back.contains("Message:") || back.contains("Resource:"), "preview of the selected row:\n{back}");
    t.keys("w");
    t.wait_for("wide: from column 1", 10);
    t.keys("Right");
    t.wait_for("wide: from column 2", 10);
    t.keys("q");
    t.wait_for("DRIFTDECK_EXIT=0", 10);
}

/// No design: `driftdeck --region R` reads the live account (moto), infers a design as
/// `init` does, says so in the banner, and `:write FILE` saves it once (`:write!` again).
#[test]
fn live_console_without_a_design_infers_one_and_writes_it() {
    let (moto, _g) = common::Moto::shared();
    moto.seed("client-a", true);
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("inferred.toml");
    let t = Tmux::start(
        "nodesign",
        "--region eu-west-2",
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_ENDPOINT_URL", &moto.endpoint),
        ],
    );
    let screen = t.wait_for("INFERRED DESIGN", 60);
    assert!(screen.contains("review it, then :write FILE"), "{screen}");
    t.wait_for("123456789012", 30);
    t.keys(":");
    t.literal(&format!("write {}", out.display()));
    t.keys("Enter");
    t.wait_for("review every `# review:` line", 10);
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.contains("[environment]") && text.contains("region = \"eu-west-2\""), "{text}");
    engine::design::Design::load(&out).expect("the written design loads");
    // Never over an existing file without `!`.
    t.keys(":");
    t.literal(&format!("write {}", out.display()));
    t.keys("Enter");
    t.wait_for(":write! ", 10);
    t.keys(":");
    t.literal(&format!("write! {}", out.display()));
    t.keys("Enter");
    t.wait_for("wrote ", 10);
    t.keys("q");
    t.wait_for("DRIFTDECK_EXIT=0", 10);
}

/// `--events` in the console: with every interval at 600 s, a change made through the
/// API reaches the Findings pane within seconds (the harness puts each recorded write on
/// the queue as an EventBridge event, built from the real calls), with its actor.
#[test]
fn live_console_with_events_shows_a_change_within_seconds() {
    let (moto, _g) = common::Moto::shared();
    moto.reset();
    let ids = moto.seed("client-a", false);
    let sg_app = ids["sg_app"].as_str().expect("sg_app").to_string();
    let out = Command::new(common::python())
        .arg("-c")
        .arg("import boto3,sys; print(boto3.client('sqs', endpoint_url=sys.argv[1], region_name='eu-west-2', aws_access_key_id='testing', aws_secret_access_key='testing').create_queue(QueueName='console-events')['QueueUrl'])")
        .arg(&moto.endpoint)
        .output()
        .expect("python");
    let queue = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let body = serde_json::json!({"queue_url": queue, "region": "eu-west-2"}).to_string();
    moto.http("POST", "/_driftdeck/events", &body).expect("events on");
    let cmd = format!(
        "--design config/designs/client-a-prod.toml --events {queue} --intervals alarms=600,network=600,security=600,databases=600"
    );
    let t = Tmux::start(
        "events",
        &cmd,
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_ENDPOINT_URL", &moto.endpoint),
        ],
    );
    t.wait_for("AS DESIGNED", 60);
    t.keys("6");
    let seed = Command::new(common::python())
        .arg(format!("{}/tests/moto/seed.py", env!("CARGO_MANIFEST_DIR")))
        .arg(&moto.endpoint)
        .arg("ssh-open")
        .env("DRIFTDECK_GROUP", &sg_app)
        .status()
        .expect("seed");
    assert!(seed.success());
    let opened = std::time::Instant::now();
    t.wait_for("sg.admin-port-open", 15);
    assert!(opened.elapsed() < Duration::from_secs(10), "seen in {:?} with 600 s intervals", opened.elapsed());
    moto.http("DELETE", "/_driftdeck/events", "").expect("events off");
    t.keys("q");
    t.wait_for("DRIFTDECK_EXIT=0", 10);
}

/// `--snapshots s3://...` in the console: the environment's snapshot written by a
/// per-account job (`snapshot --out s3://`) is polled from the bucket like an account.
#[test]
fn console_reads_an_environment_from_its_snapshot_in_s3() {
    let (moto, _g) = common::Moto::shared();
    moto.reset();
    moto.seed("client-a", true);
    let mk = Command::new(common::python())
        .arg("-c")
        .arg("import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1], region_name='eu-west-2', aws_access_key_id='testing', aws_secret_access_key='testing').create_bucket(Bucket='jobs', CreateBucketConfiguration={'LocationConstraint': 'eu-west-2'})")
        .arg(&moto.endpoint)
        .status()
        .expect("python");
    assert!(mk.success());
    let out = moto
        .driftdeck()
        .args(["snapshot", "--design", "config/designs/client-a-prod.toml", "--out", "s3://jobs/prod/"])
        .output()
        .expect("snapshot");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let t = Tmux::start(
        "bucket",
        "--design config/designs/client-a-prod.toml --snapshots s3://jobs/prod/ --no-history",
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_ENDPOINT_URL", &moto.endpoint),
        ],
    );
    t.wait_for("DRIFT:", 60);
    t.keys("6");
    t.wait_for("route.peering-forbidden", 10);
    t.keys("q");
    t.wait_for("DRIFTDECK_EXIT=0", 10);
}
