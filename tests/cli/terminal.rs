//! Terminal conventions of the binary: shell completion scripts that their shells accept,
//! and a manual page that renders.

use assert_cmd::Command;
use std::process::Stdio;

fn bin() -> Command {
    let mut c = Command::cargo_bin("driftdeck").expect("binary");
    c.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    c
}

fn stdout_of(args: &[&str]) -> String {
    let out = bin().args(args).output().expect("run driftdeck");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_bash_completion_parses_and_knows_every_subcommand() {
    let script = stdout_of(&["completions", "bash"]);
    for sub in ["check", "snapshot", "plan", "init", "validate", "demo", "history", "reach", "completions", "man"] {
        assert!(script.contains(sub), "no {sub} in the bash completion");
    }
    assert!(script.contains("--design") && script.contains("--history-budget"), "flags are completed too");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("driftdeck.bash");
    std::fs::write(&path, &script).expect("write");
    // `bash -n`: the script parses (it is sourced by users' shells).
    let status = std::process::Command::new("bash").arg("-n").arg(&path).status().expect("bash");
    assert!(status.success(), "bash -n rejected the completion script");
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_shell_is_one_line() {
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("driftdeck") && script.contains("check"), "{shell}: {script:.200}");
    }
    let out = bin().args(["completions", "tcsh"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values"), "clap names the shells");
}

#[test]
fn the_man_page_renders() {
    let page = stdout_of(&["man"]);
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "roff: {:.80}", page);
    assert!(page.contains(".TH driftdeck"), "a title header");
    for sub in ["check", "plan", "reach", "history"] {
        assert!(page.contains(sub), "the page lists {sub}");
    }
    // Rendered with groff where it is installed (CI installs it with man-db).
    if std::process::Command::new("groff").arg("--version").stdout(Stdio::null()).status().is_ok() {
        let mut child = std::process::Command::new("groff")
            .args(["-man", "-Tutf8", "-ww"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("groff");
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(page.as_bytes()).expect("write");
        let out = child.wait_with_output().expect("groff output");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "groff failed: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "groff warned: {}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("SUBCOMMANDS") || text.contains("driftdeck-check"), "{text:.400}");
    }
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = stdout_of(&["--version"]);
    let root = env!("CARGO_MANIFEST_DIR");
    let head = std::process::Command::new("git").args(["-C", root, "rev-parse", "--short=12", "HEAD"]).output();
    match head.ok().filter(|o| o.status.success()) {
        // Built from a checkout (as here and in CI): the commit is in the version.
        Some(o) => {
            let commit = String::from_utf8_lossy(&o.stdout).trim().to_string();
            assert_eq!(out.trim(), format!("driftdeck {} (commit {commit})", env!("CARGO_PKG_VERSION")));
        }
        None => assert_eq!(out.trim(), format!("driftdeck {}", env!("CARGO_PKG_VERSION"))),
    }
}
