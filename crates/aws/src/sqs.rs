//! The events queue (`--events QUEUE_URL`): an SQS queue that EventBridge fills with the
//! organisation's "AWS API Call via CloudTrail" events (`assets/events/`). Long-polled;
//! a message is deleted only once the caller has applied it, so a crash between the two
//! redelivers it (and `engine::history::Seen` drops the duplicate).
//!
//! Reading the bodies is the model's (`model::history::parse_message`): this file only
//! moves them.

use crate::{AwsOptions, ConnectError, errors, load};
use aws_config::timeout::TimeoutConfig;
use aws_sdk_sqs::types::QueueAttributeName;
use model::source::FetchError;
use std::time::Duration;

/// How long one ReceiveMessage waits for a message: SQS's longest long poll. An empty
/// queue then costs three calls a minute, and a message arrives as soon as it is sent.
pub const WAIT_SECONDS: i32 = 20;

/// Messages per ReceiveMessage: SQS's most.
pub const BATCH: i32 = 10;

/// One message received. Its receipt is kept for `Queue::delete` and never shown: it is
/// a capability to delete, valid until the visibility timeout ends.
#[derive(Debug, Clone)]
pub struct Message {
    /// SQS's `MessageId`, for logs.
    pub id: String,
    pub body: String,
    receipt: String,
}

/// What `GetQueueAttributes` says of the queue at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueInfo {
    pub arn: Option<String>,
    /// Messages waiting now (approximate, as SQS counts them).
    pub waiting: Option<u64>,
    /// How long a received message stays hidden before it is delivered again.
    pub visibility_timeout: Option<Duration>,
}

/// A connected queue. The client never leaves this file.
pub struct Queue {
    sqs: aws_sdk_sqs::Client,
    url: String,
    ctx: errors::Context,
    /// A long poll waits `WAIT_SECONDS` before answering empty: the user's timeouts are
    /// for answers that come at once, so this call's are theirs plus the wait.
    receive_timeouts: TimeoutConfig,
}

/// The region in a queue URL: `https://sqs.eu-west-2.amazonaws.com/…`, the legacy
/// `https://eu-west-2.queue.amazonaws.com/…`, FIPS `sqs-fips.us-east-1…`. `None` for any
/// other host (a local endpoint), where the region given is used.
pub fn queue_region(url: &str) -> Option<String> {
    let host = url.split("://").nth(1)?.split(['/', ':']).next()?;
    let labels: Vec<&str> = host.split('.').collect();
    match labels.as_slice() {
        [service, region, "amazonaws", ..] if service.starts_with("sqs") => Some((*region).to_string()),
        [region, "queue", "amazonaws", ..] => Some((*region).to_string()),
        _ => None,
    }
}

/// A queue URL as SQS spells it: `http(s)://host/ACCOUNT/NAME`. One line on failure.
pub fn check_queue_url(url: &str) -> Result<(), String> {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Err(format!("--events {url:?}: not a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"));
    };
    match rest.split('/').collect::<Vec<_>>().as_slice() {
        [host, account, name] if !host.is_empty() && !account.is_empty() && !name.is_empty() => Ok(()),
        _ => Err(format!("--events {url:?}: a queue URL ends in /ACCOUNT/NAME")),
    }
}

impl Queue {
    /// Connect to the queue at `url` and check it answers (`GetQueueAttributes`): a wrong
    /// URL or a missing permission is a one-line error at start, not a silent empty feed.
    /// The region comes from the URL when it names one, else from `opts`.
    pub async fn connect(opts: &AwsOptions, url: &str) -> Result<(Queue, QueueInfo), ConnectError> {
        check_queue_url(url).map_err(ConnectError)?;
        let mut opts = opts.clone();
        if let Some(region) = queue_region(url) {
            opts.region = region;
        }
        let (config, ctx) = load(&opts).await?;
        let wait = Duration::from_secs(WAIT_SECONDS.unsigned_abs().into());
        let receive_timeouts = TimeoutConfig::builder()
            .operation_timeout(ctx.operation_timeout + wait)
            .operation_attempt_timeout(ctx.attempt_timeout + wait)
            .build();
        let queue = Queue { sqs: aws_sdk_sqs::Client::new(&config), url: url.to_string(), ctx, receive_timeouts };
        let info = queue.info().await.map_err(|e| ConnectError(e.message))?;
        Ok((queue, info))
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// `GetQueueAttributes` for the arn, the messages waiting and the visibility timeout.
    pub async fn info(&self) -> Result<QueueInfo, FetchError> {
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(&self.url)
            .attribute_names(QueueAttributeName::QueueArn)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::VisibilityTimeout)
            .send()
            .await
            .map_err(|e| errors::sdk_error("sqs:GetQueueAttributes", &e, &self.ctx))?;
        let attr = |name: QueueAttributeName| out.attributes().and_then(|a| a.get(&name)).cloned();
        Ok(QueueInfo {
            arn: attr(QueueAttributeName::QueueArn),
            waiting: attr(QueueAttributeName::ApproximateNumberOfMessages).and_then(|n| n.parse().ok()),
            visibility_timeout: attr(QueueAttributeName::VisibilityTimeout)
                .and_then(|n| n.parse().ok())
                .map(Duration::from_secs),
        })
    }

    /// One long poll: up to `BATCH` messages, waiting up to `WAIT_SECONDS` for the first.
    /// Empty when none came. A message without a body or a receipt cannot be applied nor
    /// deleted, and SQS never sends one; it is skipped with a warning.
    pub async fn receive(&self) -> Result<Vec<Message>, FetchError> {
        let out = self
            .sqs
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(BATCH)
            .wait_time_seconds(WAIT_SECONDS)
            .customize()
            .config_override(aws_sdk_sqs::config::Builder::default().timeout_config(self.receive_timeouts.clone()))
            .send()
            .await
            .map_err(|e| errors::sdk_error("sqs:ReceiveMessage", &e, &self.ctx))?;
        Ok(out
            .messages()
            .iter()
            .filter_map(|m| match (m.body(), m.receipt_handle()) {
                (Some(body), Some(receipt)) => Some(Message {
                    id: m.message_id().unwrap_or_default().to_string(),
                    body: body.to_string(),
                    receipt: receipt.to_string(),
                }),
                _ => {
                    tracing::warn!(id = ?m.message_id(), "SQS message without a body or receipt handle");
                    None
                }
            })
            .collect())
    }

    /// Delete one message: call only once it was applied (or found unreadable, which no
    /// redelivery would mend). A receipt past its visibility timeout fails here; the
    /// message then comes again and is dropped as a duplicate.
    pub async fn delete(&self, message: &Message) -> Result<(), FetchError> {
        self.sqs
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(&message.receipt)
            .send()
            .await
            .map_err(|e| errors::sdk_error("sqs:DeleteMessage", &e, &self.ctx))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_come_from_aws_queue_urls_only() {
        assert_eq!(
            queue_region("https://sqs.eu-west-2.amazonaws.com/111122223333/driftdeck").as_deref(),
            Some("eu-west-2")
        );
        assert_eq!(queue_region("https://eu-west-1.queue.amazonaws.com/111122223333/q").as_deref(), Some("eu-west-1"));
        assert_eq!(
            queue_region("https://sqs-fips.us-east-1.amazonaws.com/111122223333/q").as_deref(),
            Some("us-east-1")
        );
        assert_eq!(
            queue_region("https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q").as_deref(),
            Some("cn-north-1")
        );
        assert_eq!(queue_region("http://localhost:5000/123456789012/q"), None);
        assert_eq!(queue_region("not a url"), None);
    }

    #[test]
    fn queue_urls_are_checked_in_one_line() {
        assert!(check_queue_url("https://sqs.eu-west-2.amazonaws.com/111122223333/driftdeck").is_ok());
        assert!(check_queue_url("http://localhost:5000/123456789012/q").is_ok());
        let e = check_queue_url("driftdeck-events").expect_err("a name");
        assert!(e.contains("not a queue URL") && !e.contains('\n'), "{e}");
        assert!(check_queue_url("https://sqs.eu-west-2.amazonaws.com/driftdeck").is_err());
        assert!(check_queue_url("https://sqs.eu-west-2.amazonaws.com/1/q/extra").is_err());
    }
}
