//! `driftdeck watch`: the live engine without the screen. Each environment is fetched and
//! evaluated on its own schedule (jittered so an estate does not refresh in one second);
//! what changed is printed as one JSON object per line (`engine::watch`).
//! SIGTERM or Ctrl-C ends it cleanly, after the line being written.

use crate::cli::{AwsArgs, HistoryArgs, WatchArgs};
use crate::collect::events::{Nudge, Route};
use crate::collect::{Budget, aws_options, fetch_all_within, guard};
use crate::exit::{EXIT_OK, fail};
use engine::design::Design;
use engine::drift::Report;
use engine::watch::{Event, Origin, Watch, to_json};
use model::Kind;
use model::source::Source;
use serde_json::Value;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::mpsc;

pub fn run(args: &WatchArgs, aws: &AwsArgs, hist: &HistoryArgs) -> ExitCode {
    let designs = match crate::inputs::load_estate(&args.designs, args.org.as_deref(), aws) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let rt = match crate::collect::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let interval = Duration::from_secs(args.interval);
    rt.block_on(async {
        // Bounded: a stalled stdout slows the environments down instead of growing memory.
        let (tx, mut rx) = mpsc::channel::<Value>(1024);
        let budget = Budget::default();
        let mut routes = Vec::new();
        let queue_opts = designs.first().map(|d| {
            let mut o = crate::collect::aws_options(d, aws);
            // The queue is read with the caller's own credentials, not a member's role.
            o.assume = None;
            o
        });
        for (i, design) in designs.into_iter().enumerate() {
            let (nudge_tx, nudges) = mpsc::channel::<Nudge>(64);
            routes.push(Route {
                region: design.environment.region.clone(),
                account: design.environment.account_id.clone(),
                tx: nudge_tx,
            });
            let job = Job {
                design,
                aws: aws.clone(),
                hist: hist.clone(),
                interval,
                budget: budget.clone(),
                snapshots: args.snapshots.clone(),
            };
            tokio::spawn(job.run(i, tx.clone(), nudges));
        }
        drop(tx);
        if let (Some(url), Some(opts)) = (&args.events, queue_opts) {
            let (queue, _) = aws::sqs::Queue::connect(&opts, url).await.map_err(|e| format!("--events: {e}"))?;
            tokio::spawn(crate::collect::events::listen(queue, routes));
        }
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => return Err(format!("cannot listen for SIGTERM: {e}")),
        };
        loop {
            tokio::select! {
                line = rx.recv() => match line {
                    Some(v) => {
                        let mut out = std::io::stdout().lock();
                        // A closed pipe (the reader went away) ends the watch.
                        if writeln!(out, "{v}").and_then(|()| out.flush()).is_err() {
                            return Ok(());
                        }
                    }
                    None => return Ok(()),
                },
                _ = term.recv() => return Ok(()),
                _ = tokio::signal::ctrl_c() => return Ok(()),
            }
        }
    })
    .map_or_else(fail, |()| ExitCode::from(EXIT_OK))
}

/// One environment's watch.
struct Job {
    design: Design,
    aws: AwsArgs,
    hist: HistoryArgs,
    interval: Duration,
    budget: Budget,
    /// `--snapshots s3://...`: read the environment's snapshot there instead of AWS.
    snapshots: Option<String>,
}

impl Job {
    /// Evaluate at once (the global limit of calls in flight paces a large estate), then
    /// every interval, jittered per environment so an estate does not refresh in step.
    async fn run(self, i: usize, tx: mpsc::Sender<Value>, mut nudges: mpsc::Receiver<Nudge>) {
        let mut last: Option<model::Snapshot> = None;
        let kinds: Vec<Kind> = engine::needed_kinds(&self.design).into_iter().collect();
        let mut watch = Watch::default();
        // The source polled, and the live connection behind it when there is one (history
        // is read only from a live account).
        let mut conn: Option<std::sync::Arc<dyn Source>> = None;
        let mut live: Option<std::sync::Arc<aws::Aws>> = None;
        loop {
            let bound = Duration::from_secs(self.aws.timeout.max(1));
            let deadline = tokio::time::Instant::now() + bound;
            if conn.is_none() {
                let connected = match &self.snapshots {
                    Some(url) => crate::collect::bucket::BucketSource::connect(&self.design, url, &self.aws)
                        .await
                        .map(|b| (std::sync::Arc::new(b) as std::sync::Arc<dyn Source>, None)),
                    None => aws::connect_checked(
                        &aws_options(&self.design, &self.aws),
                        &guard(&self.design),
                        Some((deadline, bound)),
                    )
                    .await
                    .map(|c| {
                        let c = std::sync::Arc::new(c);
                        (std::sync::Arc::clone(&c) as std::sync::Arc<dyn Source>, Some(c))
                    }),
                };
                match connected {
                    Ok((c, l)) => {
                        conn = Some(c);
                        live = l;
                    }
                    Err(e) => {
                        if let Some(line) = watch.failed(&e) {
                            let v = to_json(&line, &self.origin(None), None);
                            if tx.send(v).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
            if let Some(c) = &conn {
                let key = c.account().unwrap_or_else(|| self.design.environment.name.clone());
                let snap =
                    fetch_all_within(c.as_ref(), &kinds, deadline, bound, Some(self.budget.for_account(&key))).await;
                let mut report = engine::drift::evaluate(&self.design, &snap);
                last = Some(snap.clone());
                // This environment's own reach assertions.
                let _ = engine::reach::assert::add_to_check(&[(&self.design, &snap)], &mut [&mut report]);
                let started = watch.started();
                let lines = watch.observe(&report, &snap);
                if !started {
                    // Said once on stderr, so a reader knows the baseline is complete even
                    // when it has no findings (stdout then stays quiet until a change).
                    eprintln!(
                        "driftdeck: watching {}: baseline of {} finding(s); from now on, changes only",
                        self.design.environment.name,
                        report.findings.len()
                    );
                }
                let changed = match (&live, started) {
                    (Some(l), true) => self.attribute(l, &report, &lines).await,
                    _ => Vec::new(),
                };
                let account = snap.account.clone();
                for line in &lines {
                    let by = line.finding.as_ref().filter(|_| line.event == Event::FindingAppeared).and_then(|f| {
                        changed.iter().find(|(g, _)| std::sync::Arc::ptr_eq(f, g)).map(|(_, v)| v.clone())
                    });
                    if tx.send(to_json(line, &self.origin(account.as_deref()), by)).await.is_err() {
                        return;
                    }
                }
            }
            // Until the next full evaluation, apply what the events queue says changed.
            let next = tokio::time::sleep(crate::collect::jittered(self.interval, i, 0));
            tokio::pin!(next);
            loop {
                tokio::select! {
                    _ = &mut next => break,
                    Some(n) = nudges.recv() => {
                        if let (Some(c), Some(snap)) = (&conn, last.as_mut())
                            && watch.started()
                            && !self.apply(c.as_ref(), snap, &mut watch, &n, &tx).await
                        {
                            return;
                        }
                        let _ = n.applied.send(());
                    }
                }
            }
        }
    }

    /// One change from the events queue: re-poll only the kinds it touched, evaluate, and
    /// print what changed with the event's actor as `changed_by` (no LookupEvents call).
    /// False when the output is gone.
    async fn apply(
        &self,
        c: &dyn Source,
        snap: &mut model::Snapshot,
        watch: &mut Watch,
        n: &Nudge,
        tx: &mpsc::Sender<Value>,
    ) -> bool {
        if c.account().is_some_and(|a| a != n.account) {
            return true; // another account of the same region
        }
        let kinds: Vec<Kind> = n.kinds.iter().copied().filter(|k| snap.inventory.contains_key(k)).collect();
        if kinds.is_empty() {
            return true;
        }
        let bound = Duration::from_secs(self.aws.timeout.max(1));
        let deadline = tokio::time::Instant::now() + bound;
        let key = c.account().unwrap_or_else(|| self.design.environment.name.clone());
        let mut part = fetch_all_within(c, &kinds, deadline, bound, Some(self.budget.for_account(&key))).await;
        for k in &kinds {
            snap.take_kind_from(*k, &mut part);
            if let Some(st) = part.inventory.get(k) {
                snap.inventory.insert(*k, st.clone());
            }
        }
        // The evaluation is of now: a finding the change made is first seen after it (the
        // attribution only blames changes made before a finding was seen).
        snap.taken_at = part.taken_at.or(snap.taken_at);
        let mut report = engine::drift::evaluate(&self.design, snap);
        let _ = engine::reach::assert::add_to_check(&[(&self.design, &*snap)], &mut [&mut report]);
        let lines = watch.observe(&report, snap);
        let first_seen = report.generated_at.unwrap_or_else(jiff::Timestamp::now);
        let window = n.change.time - jiff::SignedDuration::from_secs(60);
        let account = snap.account.clone();
        for line in &lines {
            let by = line.finding.as_ref().filter(|_| line.event == Event::FindingAppeared).map(|f| {
                let a = engine::history::attribute(f, std::slice::from_ref(&n.change), first_seen, window);
                engine::formats::history::changed_by_json(&a)
            });
            if tx.send(to_json(line, &self.origin(account.as_deref()), by)).await.is_err() {
                return false;
            }
        }
        true
    }

    fn origin<'a>(&'a self, account: Option<&'a str>) -> Origin<'a> {
        Origin {
            environment: &self.design.environment.name,
            account: account.or(self.design.environment.account_id.as_deref()),
            region: &self.design.environment.region,
            time: jiff::Timestamp::now(),
        }
    }

    /// Who changed what appeared after the baseline: the history of those resources only,
    /// within the history budget, attributed as `check` attributes (the same shape).
    async fn attribute(
        &self,
        conn: &aws::Aws,
        report: &Report,
        lines: &[engine::watch::Line],
    ) -> Vec<(std::sync::Arc<engine::drift::Finding>, Value)> {
        if self.hist.no_history {
            return Vec::new();
        }
        let appeared: Vec<_> =
            lines.iter().filter(|l| l.event == Event::FindingAppeared).filter_map(|l| l.finding.clone()).collect();
        if appeared.is_empty() {
            return Vec::new();
        }
        let only = Report { findings: appeared.clone(), muted: Vec::new(), ..report.clone() };
        let budget = tokio::time::Instant::now() + Duration::from_secs(self.hist.history_budget);
        // Back to the previous evaluation and a margin: CloudTrail delivers within minutes.
        let start = jiff::Timestamp::now() - self.interval.max(Duration::from_secs(900));
        let h = crate::collect::history::of_report(conn, &self.design, &only, start, budget).await;
        let first_seen = report.generated_at.unwrap_or_else(jiff::Timestamp::now);
        appeared
            .into_iter()
            .map(|f| {
                let v = engine::formats::history::changed_by_json(&engine::formats::history::attribution(
                    &f, &h, first_seen,
                ));
                (f, v)
            })
            .collect()
    }
}
