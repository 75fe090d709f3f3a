//! Queue messages (`--events`): one SQS message body holding a CloudTrail change, read into
//! the same `ChangeEvent` as LookupEvents gives, through the same record parser.
//!
//! Users wire queues in three ways, all accepted:
//! - an EventBridge rule targeting the queue: the body is the event itself, in the
//!   documented envelope (`version`, `id`, `detail-type`, `source`, `account`, `time`,
//!   `region`, `resources`, `detail`), `detail` being the CloudTrail record;
//! - the rule targeting an SNS topic the queue subscribes to, without raw delivery: the
//!   body is an SNS notification (`Type: Notification`) whose `Message` string is the event;
//! - something forwarding bare CloudTrail records: the body is the record.

use super::{ChangeEvent, parse_record};
use serde_json::Value;
use std::fmt;

/// The `detail-type`s whose `detail` is a CloudTrail record. Sign-ins and service events
/// carry no change driftdeck judges, but they are records all the same: read, then found
/// to touch nothing, rather than counted as malformed. The sign-in's type is spelt both
/// ways in AWS's own pages (`Sign In`, `Signin`); both are taken.
pub const CLOUDTRAIL_DETAIL_TYPES: &[&str] = &[
    "AWS API Call via CloudTrail",
    "AWS Console Sign In via CloudTrail",
    "AWS Console Signin via CloudTrail",
    "AWS Console Action via CloudTrail",
    "AWS Service Event via CloudTrail",
];

/// One message read: the change, and where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEvent {
    /// The dedup key: the CloudTrail `eventID`, the same however the record travelled (a
    /// bus forwarding to another bus gives the EventBridge event a new `id`, never the
    /// record); the envelope's `id` only when the record has none.
    pub key: String,
    /// The account the change was made in: the envelope's `account`, else the record's
    /// `recipientAccountId`. `None` when neither says: the caller cannot route it.
    pub account: Option<String>,
    /// The region: the envelope's `region`, else the record's `awsRegion`.
    pub region: Option<String>,
    pub change: ChangeEvent,
}

/// Why a message was not read. Every one is counted and logged by the caller and the
/// message deleted: it would never read better on a second delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageError {
    /// The body (or an SNS notification's `Message`) is not a JSON object.
    NotJson(String),
    /// An EventBridge event of another `detail-type` (an EC2 state change, a health
    /// event): the rule is wider than needed, not a broken message.
    NotCloudTrail(String),
    /// A field the shape requires is absent or of the wrong type.
    Missing(&'static str),
    /// The CloudTrail record inside did not parse (the record parser's reason).
    Record(String),
}

impl MessageError {
    /// A message nobody could read, as against one that is well formed but not for us.
    pub fn malformed(&self) -> bool {
        !matches!(self, MessageError::NotCloudTrail(_))
    }
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageError::NotJson(e) => write!(f, "queue message is not JSON: {e}"),
            MessageError::NotCloudTrail(t) => {
                write!(f, "queue message is an EventBridge event of detail-type {t:?}, not a CloudTrail record")
            }
            MessageError::Missing(field) => write!(f, "queue message without {field}"),
            MessageError::Record(e) => write!(f, "queue message: {e}"),
        }
    }
}

impl std::error::Error for MessageError {}

/// Longest body read: SQS caps a message at 256 KiB (1 MiB since 2025); anything larger
/// did not come from SQS.
pub const BODY_MAX: usize = 1024 * 1024;

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).filter(|x| !x.is_empty()).map(str::to_string)
}

/// Read one SQS message body. Never panics; every failure is a `MessageError`.
pub fn parse_message(body: &str) -> Result<QueueEvent, MessageError> {
    if body.len() > BODY_MAX {
        return Err(MessageError::NotJson(format!("{} bytes, more than SQS carries", body.len())));
    }
    let v: Value = serde_json::from_str(body).map_err(|e| MessageError::NotJson(e.to_string()))?;
    if !v.is_object() {
        return Err(MessageError::NotJson("not an object".into()));
    }
    // SNS without raw delivery wraps the event in a notification, as a string.
    let v = if v.get("Type").and_then(Value::as_str) == Some("Notification") {
        let inner = v.get("Message").and_then(Value::as_str).ok_or(MessageError::Missing("SNS Message"))?;
        let inner: Value =
            serde_json::from_str(inner).map_err(|e| MessageError::NotJson(format!("SNS Message: {e}")))?;
        if !inner.is_object() {
            return Err(MessageError::NotJson("SNS Message: not an object".into()));
        }
        inner
    } else {
        v
    };
    match v.get("detail-type") {
        Some(detail_type) => envelope(&v, detail_type),
        // A bare CloudTrail record names its own event.
        None if v.get("eventName").is_some() || v.get("eventVersion").is_some() => record(&v, None, None, None),
        None => Err(MessageError::Missing("detail-type (EventBridge) or eventName (CloudTrail)")),
    }
}

fn envelope(v: &Value, detail_type: &Value) -> Result<QueueEvent, MessageError> {
    let detail_type = detail_type.as_str().ok_or(MessageError::Missing("detail-type"))?;
    if !CLOUDTRAIL_DETAIL_TYPES.contains(&detail_type) {
        return Err(MessageError::NotCloudTrail(detail_type.to_string()));
    }
    let detail = v.get("detail").filter(|d| d.is_object()).ok_or(MessageError::Missing("detail"))?;
    record(detail, text(v, "id"), text(v, "account"), text(v, "region"))
}

/// The record through the LookupEvents parser, so a change reads the same whichever way
/// it came; the envelope's fields, when there is one, say where it happened.
fn record(
    r: &Value,
    envelope_id: Option<String>,
    account: Option<String>,
    region: Option<String>,
) -> Result<QueueEvent, MessageError> {
    let mut change = parse_record(&r.to_string(), &[]).map_err(MessageError::Record)?;
    let key = text(r, "eventID").or(envelope_id).ok_or(MessageError::Missing("eventID"))?;
    if change.id.is_empty() {
        change.id = key.clone();
    }
    Ok(QueueEvent {
        key,
        account: account.or_else(|| text(r, "recipientAccountId")),
        region: region.or_else(|| text(r, "awsRegion")),
        change,
    })
}
