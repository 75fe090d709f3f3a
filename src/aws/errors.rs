//! Turning SDK and credential errors into one-line messages that say what to fix.

use crate::source::FetchError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::fmt;
use std::time::Duration;

/// Connecting failed (credentials, identity); one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectError(pub String);

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConnectError {}

const HOW_TO_PROVIDE: &str =
    "pass --profile, set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";

impl ConnectError {
    pub fn no_credentials() -> Self {
        ConnectError(format!("no AWS credentials found: {HOW_TO_PROVIDE}"))
    }

    pub fn from_credentials(
        e: &aws_credential_types::provider::error::CredentialsError,
        profile: Option<&str>,
    ) -> Self {
        use aws_credential_types::provider::error::CredentialsError as C;
        match e {
            C::CredentialsNotLoaded(_) => Self::no_credentials(),
            _ => {
                let cause = root_cause(e);
                match profile {
                    Some(p) => ConnectError(format!("cannot load AWS credentials for profile `{p}`: {cause}")),
                    None => ConnectError(format!("cannot load AWS credentials: {cause}; {HOW_TO_PROVIDE}")),
                }
            }
        }
    }
}

/// Service error codes that mean "slow down".
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "SlowDown",
    "EC2ThrottledException",
    "PriorRequestNotComplete",
    "BandwidthLimitExceeded",
];

/// The innermost error message, flattened to one line.
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    one_line(&cur.to_string())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One-line description of a failed operation, e.g.
/// `ec2:DescribeRouteTables: throttled (RequestLimitExceeded: Rate exceeded)`.
pub fn sdk_error<E, R>(op: &str, e: &SdkError<E, R>, limits: (Duration, Duration)) -> FetchError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug + 'static,
{
    match e {
        SdkError::TimeoutError(_) => FetchError::new(format!(
            "{op} timed out (each attempt may take {}s, the whole operation {}s; raise --timeout for a slow endpoint)",
            limits.1.as_secs(),
            limits.0.as_secs()
        )),
        SdkError::DispatchFailure(d) => {
            let cause = root_cause(e);
            if d.is_timeout() {
                FetchError::new(format!("{op} timed out: {cause}"))
            } else {
                FetchError::new(format!(
                    "{op}: cannot reach the endpoint ({cause}); check --region, --endpoint-url and the network"
                ))
            }
        }
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            let code = e.code().unwrap_or("");
            let msg = one_line(e.message().unwrap_or(""));
            let detail = match (code.is_empty(), msg.is_empty()) {
                (false, false) => format!("{code}: {msg}"),
                (false, true) => code.to_string(),
                (true, false) => msg,
                (true, true) => root_cause(e),
            };
            if THROTTLING.contains(&code) {
                FetchError { message: format!("{op}: throttled ({detail}) after retries"), throttled: true }
            } else {
                FetchError::new(format!("{op}: {detail}"))
            }
        }
        _ => FetchError::new(format!("{op}: {}", root_cause(e))),
    }
}
