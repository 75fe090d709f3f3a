//! `--events QUEUE_URL`: the organisation's CloudTrail write events, delivered by
//! EventBridge to an SQS queue, long-polled here. Each new event (deduplicated by its
//! CloudTrail event id) goes to the environments of its account and region as a
//! `Nudge`: re-poll only the kinds it touched, and attribute with its actor. A message is
//! deleted only once every environment it went to has applied it; a malformed one is
//! counted, logged and deleted so it never blocks the queue.

use engine::history::{ChangeEvent, Seen, parse_message, repoll};
use model::Kind;
use tokio::sync::{mpsc, oneshot};

/// What a change asks of one environment.
pub struct Nudge {
    /// The account the change was made in.
    pub account: String,
    pub kinds: Vec<Kind>,
    pub change: ChangeEvent,
    /// Answered once applied (the message may then be deleted).
    pub applied: oneshot::Sender<()>,
}

/// Where an environment listens: its region and account (when the design names it).
pub struct Route {
    pub region: String,
    pub account: Option<String>,
    pub tx: mpsc::Sender<Nudge>,
}

/// Long-poll the queue until every environment is gone.
pub async fn listen(queue: aws::sqs::Queue, routes: Vec<Route>) {
    let mut seen = Seen::default();
    let mut malformed: u64 = 0;
    loop {
        let messages = match queue.receive().await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e.message, "events queue: receive failed; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                continue;
            }
        };
        for m in messages {
            match parse_message(&m.body) {
                Err(e) => {
                    malformed += 1;
                    tracing::warn!(id = %m.id, error = %e, malformed, "events queue: a message that is not a CloudTrail event");
                }
                Ok(ev) if seen.first(&ev.key) => {
                    if let Some(r) = repoll(&ev) {
                        let mut waits = Vec::new();
                        for route in routes
                            .iter()
                            .filter(|x| x.region == r.region && x.account.as_deref().is_none_or(|a| a == r.account))
                        {
                            let (applied, done) = oneshot::channel();
                            let nudge = Nudge {
                                account: r.account.clone(),
                                kinds: r.kinds.clone(),
                                change: ev.change.clone(),
                                applied,
                            };
                            if route.tx.send(nudge).await.is_ok() {
                                waits.push(done);
                            }
                        }
                        // Applied (or the environment went away) before the message goes.
                        for w in waits {
                            let _ = w.await;
                        }
                    }
                }
                Ok(_) => {} // a duplicate: already applied
            }
            if let Err(e) = queue.delete(&m).await {
                tracing::warn!(id = %m.id, error = %e.message, "events queue: delete failed (it will come back, harmlessly)");
            }
        }
        if routes.iter().all(|r| r.tx.is_closed()) {
            return;
        }
    }
}
