//! The invariants ARCHITECTURE.md states, checked against the workspace as it is: what each
//! crate may depend on (from `cargo metadata`, transitively), which code may name the AWS
//! SDK or clap, and that the console's message type is a leaf.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The workspace's resolved graph: package name → names of its normal (not dev, not
/// build) dependencies.
fn normal_graph() -> (BTreeMap<String, BTreeSet<String>>, BTreeSet<String>) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--manifest-path"])
        .arg(root().join("Cargo.toml"))
        .output()
        .expect("run cargo metadata");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let name_of: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("id"), p["name"].as_str().expect("name")))
        .collect();
    let members: BTreeSet<String> = meta["workspace_members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|id| name_of[id.as_str().expect("id")].to_string())
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().expect("resolve") {
        let from = name_of[node["id"].as_str().expect("id")].to_string();
        let deps = graph.entry(from).or_default();
        for dep in node["deps"].as_array().expect("deps") {
            let normal = dep["dep_kinds"].as_array().expect("kinds").iter().any(|k| k["kind"].is_null());
            if normal {
                deps.insert(name_of[dep["pkg"].as_str().expect("pkg")].to_string());
            }
        }
    }
    (graph, members)
}

/// Every package `name` depends on at run time, directly or not.
fn closure(graph: &BTreeMap<String, BTreeSet<String>>, name: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_string()];
    while let Some(n) = todo.pop() {
        for d in graph.get(&n).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

fn forbidden(dep: &str) -> bool {
    dep.starts_with("aws-sdk-")
        || dep.starts_with("aws-smithy-")
        || ["aws-config", "tokio", "ratatui", "crossterm", "clap"].contains(&dep)
}

#[test]
fn the_engine_and_the_model_are_pure() {
    let (graph, members) = normal_graph();
    for pure in ["driftdeck-model", "driftdeck-engine"] {
        assert!(members.contains(pure), "{pure} is not a workspace member: {members:?}");
        let bad: Vec<String> = closure(&graph, pure).into_iter().filter(|d| forbidden(d)).collect();
        assert!(bad.is_empty(), "{pure} depends (at run time, perhaps through another crate) on {bad:?}");
    }
    // The model is below the engine, and neither reaches up to the adapter or the binary.
    let model = closure(&graph, "driftdeck-model");
    assert!(!model.iter().any(|d| d.starts_with("driftdeck")), "the model depends on {model:?}");
    let engine = closure(&graph, "driftdeck-engine");
    let ours: Vec<&String> = engine.iter().filter(|d| d.starts_with("driftdeck")).collect();
    assert_eq!(ours, vec!["driftdeck-model"], "the engine may depend on the model only");
}

#[test]
fn only_the_adapter_depends_on_the_sdk() {
    let (graph, members) = normal_graph();
    for m in &members {
        let direct: Vec<&String> =
            graph[m].iter().filter(|d| d.starts_with("aws-sdk-") || *d == "aws-config").collect();
        if m == "driftdeck-aws" {
            assert!(!direct.is_empty(), "the adapter no longer depends on the SDK: is it still the adapter?");
        } else {
            assert!(direct.is_empty(), "{m} depends on {direct:?} directly; only driftdeck-aws may");
        }
    }
}

#[test]
fn only_the_adapter_names_the_sdk() {
    let mut files = Vec::new();
    for dir in ["src", "benches", "crates/model", "crates/engine", "crates/testkit"] {
        rust_files(&root().join(dir), &mut files);
    }
    let offenders: Vec<String> = files
        .into_iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("aws_sdk_") || t.contains("aws_config")))
        .map(|p| p.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "aws_sdk_* named outside crates/aws: {offenders:?}");
}

#[test]
fn clap_stops_at_the_cli() {
    let mut files = Vec::new();
    for dir in ["src", "crates"] {
        rust_files(&root().join(dir), &mut files);
    }
    let cli = root().join("src/cli");
    let derives = ["Parser", "Args", "Subcommand", "ValueEnum"];
    let offenders: Vec<String> = files
        .into_iter()
        .filter(|p| !p.starts_with(&cli))
        .filter(|p| {
            std::fs::read_to_string(p).is_ok_and(|t| {
                t.lines().any(|l| {
                    let l = l.trim_start();
                    (l.starts_with("#[derive(") && derives.iter().any(|d| l.contains(d)) && l.contains("clap"))
                        || l.starts_with("#[arg(")
                        || l.starts_with("#[command(")
                        || l.starts_with("use clap::{")
                        || l.starts_with("use clap::Args")
                        || l.starts_with("use clap::ValueEnum")
                        || l.starts_with("use clap::Subcommand")
                })
            })
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "clap types outside src/cli: {offenders:?}");
}

#[test]
fn the_console_message_is_a_leaf() {
    let text = std::fs::read_to_string(root().join("src/console/action.rs")).expect("read");
    let imports: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("crate::") || l.contains("super::") || l.contains("driftdeck::"))
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    assert!(imports.is_empty(), "src/console/action.rs imports the console: {imports:?}");
}

#[test]
fn each_subcommand_has_one_file() {
    let dir = root().join("src/commands");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/commands")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let expected = [
        "check.rs",
        "completions.rs",
        "console.rs",
        "history.rs",
        "init.rs",
        "man.rs",
        "mod.rs",
        "plan.rs",
        "reach.rs",
        "snapshot.rs",
        "validate.rs",
        "watch.rs",
    ];
    assert_eq!(files, expected, "src/commands holds one file per subcommand and the dispatch (mod.rs)");
}
