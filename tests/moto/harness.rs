//! Integration harness: a real moto server (tests/moto/server.py) on 127.0.0.1, seeded
//! through the AWS APIs, and the driftdeck binary pointed at it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

const READY_WITHIN: Duration = Duration::from_secs(20);

pub struct Moto {
    pub endpoint: String,
    port: u16,
    child: Mutex<Child>,
    // Held open: the server exits when its stdin closes, so it never outlives us.
    _stdin: Mutex<ChildStdin>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn python() -> PathBuf {
    let p = std::env::var_os("DRIFTDECK_PYTHON").map(PathBuf::from).unwrap_or_else(|| root().join(".venv/bin/python"));
    assert!(
        p.exists(),
        "no Python with moto at {}: run `bash scripts/test.sh` (it creates .venv) or set DRIFTDECK_PYTHON",
        p.display()
    );
    p
}

impl Moto {
    /// A fresh server of our own (tests that share one use [`Moto::shared`]).
    pub fn start() -> Moto {
        // moto's own log goes to a file, shown if the server does not come up.
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log_path = std::env::temp_dir().join(format!("driftdeck-moto-{}-{n}.log", std::process::id()));
        let log = std::fs::File::create(&log_path).expect("moto log file");
        let mut child = Command::new(python())
            .arg(root().join("tests/moto/server.py"))
            .arg("0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start moto server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let fail = |what: &str| -> ! {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!("moto server (tests/moto/server.py) {what}; its log:\n{log}")
        };
        let line = rx.recv_timeout(READY_WITHIN).unwrap_or_else(|_| fail("printed no PORT= line"));
        let Some(port) = line.trim().strip_prefix("PORT=").and_then(|p| p.parse::<u16>().ok()) else {
            fail(&format!("printed {line:?} instead of PORT=<n>"))
        };
        let moto = Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            child: Mutex::new(child),
            _stdin: Mutex::new(stdin),
        };
        let deadline = Instant::now() + READY_WITHIN;
        while moto.http("GET", "/moto-api/", "").is_err() {
            if Instant::now() > deadline {
                fail(&format!("did not answer within {READY_WITHIN:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = std::fs::remove_file(&log_path);
        moto
    }

    /// One server per test binary, reset for each caller; the guard serialises tests
    /// because moto's state is global. (A static is never dropped: the server exits
    /// when this process ends and its stdin closes.)
    pub fn shared() -> (&'static Moto, MutexGuard<'static, ()>) {
        static MOTO: OnceLock<Moto> = OnceLock::new();
        static LOCK: Mutex<()> = Mutex::new(());
        let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let moto = MOTO.get_or_init(Moto::start);
        moto.reset();
        (moto, guard)
    }

    /// Minimal HTTP/1.0 client for moto's control endpoints.
    pub fn http(&self, method: &str, path: &str, body: &str) -> std::io::Result<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        Ok(out)
    }

    pub fn reset(&self) {
        self.http("POST", "/moto-api/reset", "").expect("reset moto");
        self.http("DELETE", "/_driftdeck/faults", "").expect("clear faults");
    }

    pub fn faults(&self, rules: serde_json::Value) {
        self.http("POST", "/_driftdeck/faults", &serde_json::json!({ "rules": rules }).to_string()).expect("faults");
    }

    /// Seed a scenario through the AWS APIs; returns logical name -> AWS id.
    pub fn seed(&self, scenario: &str, drift: bool) -> serde_json::Value {
        let mut cmd = Command::new(python());
        cmd.arg(root().join("tests/moto/seed.py")).arg(&self.endpoint).arg(scenario);
        if drift {
            cmd.arg("--drift");
        }
        let out = cmd.output().expect("run seed.py");
        assert!(out.status.success(), "seed.py failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("seed.py prints JSON")
    }

    /// The driftdeck binary with credentials and endpoint for this server, and nothing
    /// of the developer's own AWS setup.
    pub fn driftdeck(&self) -> assert_cmd::Command {
        let mut c = driftdeck_isolated();
        c.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_ENDPOINT_URL", &self.endpoint);
        c
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Ok(mut c) = self.child.lock() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The binary with no AWS configuration at all: empty config files, no metadata service.
pub fn driftdeck_isolated() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("driftdeck").expect("binary");
    let home = std::env::temp_dir().join(format!("driftdeck-it-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&home);
    let empty = home.join("empty");
    let _ = std::fs::write(&empty, "");
    c.current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        // A watchdog for a hung binary, not a speed bound: a `check` against moto took
        // over 120 s once at load 8 (moto_reach), so leave room for an overloaded machine.
        .timeout(Duration::from_secs(300));
    c
}

/// (rule, resource) pairs of a `check --format json` document.
pub fn finding_pairs(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["rule"].as_str().unwrap_or("").to_string(), f["resource"].as_str().unwrap_or("").to_string()))
        .collect();
    v.sort();
    v.dedup();
    v
}

pub fn check_json(cmd: &mut assert_cmd::Command) -> (Option<i32>, serde_json::Value, String) {
    let out = cmd.output().expect("run driftdeck");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("not JSON: {}\nstderr: {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code(), v, String::from_utf8_lossy(&out.stderr).to_string())
}

/// The second account of the `pair-accounts` seed (production-pci).
pub const PCI_ACCOUNT: &str = "111111111111";

/// An estate of two accounts on this moto server: an AWS config file with a `prod` profile
/// (static keys, account 123456789012) and a `pci` profile that assumes a role in
/// [`PCI_ACCOUNT`] (moto maps the assumed role's keys to that account), and copies of the
/// shipped production / production-pci designs naming those profiles.
pub struct Estate {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub production: PathBuf,
    pub pci: PathBuf,
}

impl Estate {
    pub fn new() -> Estate {
        let dir = tempfile::tempdir().expect("tmp");
        let config = dir.path().join("aws-config");
        std::fs::write(
            &config,
            format!(
                "[profile prod]\naws_access_key_id = testing\naws_secret_access_key = testing\nregion = us-east-1\n\n\
                 [profile pci]\nrole_arn = arn:aws:iam::{PCI_ACCOUNT}:role/driftdeck-readonly\n\
                 source_profile = prod\nregion = us-east-1\n"
            ),
        )
        .expect("aws config");
        let copy = |name: &str, profile: &str, extra: &str| {
            let text = std::fs::read_to_string(root().join(format!("config/designs/{name}.toml"))).expect("design");
            let text = text.replacen(
                "criticality = \"prod\"",
                &format!("criticality = \"prod\"\nprofile = \"{profile}\"{extra}"),
                1,
            );
            let path = dir.path().join(format!("{name}.toml"));
            std::fs::write(&path, text).expect("write design");
            path
        };
        let production = copy("production", "prod", "");
        let pci = copy("production-pci", "pci", "");
        Estate { dir, config, production, pci }
    }

    /// A copy of production-pci whose account guard names another account, so that
    /// environment fails while the other one stays live.
    pub fn pci_with_wrong_account(&self) -> PathBuf {
        let text = std::fs::read_to_string(&self.pci).expect("design").replacen(
            "profile = \"pci\"",
            "profile = \"pci\"\naccount_id = \"999999999999\"",
            1,
        );
        let path = self.dir.path().join("production-pci-wrong.toml");
        std::fs::write(&path, text).expect("write design");
        path
    }

    /// The binary pointed at `moto` with only this estate's AWS config.
    pub fn driftdeck(&self, moto: &Moto) -> assert_cmd::Command {
        let mut c = driftdeck_isolated();
        c.env("AWS_CONFIG_FILE", &self.config).env("AWS_ENDPOINT_URL", &moto.endpoint);
        c
    }
}

/// A long-running `driftdeck ARGS` against `moto` (isolated like `driftdeck_isolated`),
/// its stdout read as JSON lines and its stderr as text lines, as they come.
pub struct Running {
    pub child: std::process::Child,
    pub lines: std::sync::mpsc::Receiver<serde_json::Value>,
    pub said: std::sync::mpsc::Receiver<String>,
}

impl Moto {
    pub fn spawn(&self, args: &[&str]) -> Running {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_driftdeck"))
            .args(args)
            .current_dir(root())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", std::env::temp_dir())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("driftdeck starts");
        let (stdout, stderr) = (child.stdout.take().expect("stdout"), child.stderr.take().expect("stderr"));
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let v: serde_json::Value =
                    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let (etx, said) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = etx.send(line);
            }
        });
        Running { child, lines, said }
    }

    /// A queue on this server that receives every recorded write call as an EventBridge
    /// event (tests/moto/events.py, built from the real calls); its URL.
    pub fn events_queue(&self, name: &str) -> String {
        let out = Command::new(python())
            .arg("-c")
            .arg("import boto3,sys; print(boto3.client('sqs', endpoint_url=sys.argv[1], region_name='eu-west-2', aws_access_key_id='testing', aws_secret_access_key='testing').create_queue(QueueName=sys.argv[2])['QueueUrl'])")
            .arg(&self.endpoint)
            .arg(name)
            .output()
            .expect("python");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let queue = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let body = serde_json::json!({"queue_url": queue, "region": "eu-west-2"}).to_string();
        self.http("POST", "/_driftdeck/events", &body).expect("events on");
        queue
    }
}
