//! Turning SDK and credential errors into one-line messages that say what to fix.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use model::source::FetchError;
use std::error::Error;
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

    /// A named profile (flag, design or AWS_PROFILE) yielded nothing. `why` is what the
    /// profile provider said on its own, which is the only place the SDK tells "no such
    /// profile" apart from "nothing anywhere" (the default chain flattens both).
    pub fn profile_without_credentials(profile: &str, why: &str) -> Self {
        let lead = if why.contains("was not defined") || why.contains("No profiles were defined") {
            format!("AWS profile `{profile}` is not defined")
        } else if why.contains("not enabled") {
            // The SDK answers alike for "no profiles at all" and "profile without credentials".
            format!("AWS profile `{profile}` is not defined or holds no credentials")
        } else {
            format!("AWS profile `{profile}` gives no credentials ({why})")
        };
        ConnectError(format!(
            "{lead}: check the name against ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE), \
             run `aws sso login --profile {profile}` for an SSO profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        ))
    }

    pub fn from_credentials(
        e: &aws_credential_types::provider::error::CredentialsError,
        profile: Option<&str>,
    ) -> Self {
        use aws_credential_types::provider::error::CredentialsError as C;
        match e {
            C::CredentialsNotLoaded(_) => Self::no_credentials(),
            _ => {
                let cause = chain(e);
                match profile {
                    Some(p) if cause.to_ascii_lowercase().contains("sso") => ConnectError(format!(
                        "cannot load AWS credentials for profile `{p}`: {cause}; run `aws sso login --profile {p}`"
                    )),
                    Some(p) => ConnectError(format!("cannot load AWS credentials for profile `{p}`: {cause}")),
                    None => ConnectError(format!("cannot load AWS credentials: {cause}; {HOW_TO_PROVIDE}")),
                }
            }
        }
    }
}

/// What an error message needs to know about how we talk to AWS.
#[derive(Debug, Clone)]
pub(super) struct Context {
    pub operation_timeout: Duration,
    pub attempt_timeout: Duration,
    pub max_attempts: u32,
    pub region: String,
    /// Endpoint override in effect (flag, AWS_ENDPOINT_URL or the profile's `endpoint_url`).
    pub endpoint_url: Option<String>,
}

impl Context {
    /// The endpoint an operation went to. A dispatch failure carries no request, so this is
    /// reconstructed; per-service overrides (AWS_ENDPOINT_URL_EC2, …) are not reflected.
    fn endpoint(&self, op: &str) -> String {
        if let Some(url) = &self.endpoint_url {
            return url.clone();
        }
        let prefix = match op.split(':').next().unwrap_or_default() {
            "cloudwatch" => "monitoring",
            // A global service, served from us-east-1 whatever the region.
            "organizations" => return "organizations.us-east-1.amazonaws.com".to_string(),
            other => other,
        };
        let domain = if self.region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
        format!("{prefix}.{}.{domain}", self.region)
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
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
];

const DENIED: &[&str] =
    &["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError"];

/// Was the call refused for want of permission? (A denied call fails its kind.)
pub(super) fn is_denied(code: Option<&str>) -> bool {
    code.is_some_and(|c| DENIED.contains(&c))
}

const EXPIRED: &[&str] = &["ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId"];

/// Every level of an error's cause chain on one line, skipping repeats.
pub fn chain(e: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = one_line(&err.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

/// The innermost error message, flattened to one line.
pub fn root_cause(e: &(dyn Error + 'static)) -> String {
    let mut cur: &(dyn Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    one_line(&cur.to_string())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// EC2's UnauthorizedOperation carries a kilobyte-long encoded blob that helps nobody
/// reading a status line; point at the decoder instead.
fn shorten_denial(msg: &str) -> String {
    match msg.find("Encoded authorization failure message:") {
        Some(i) => format!("{} (decode details with `aws sts decode-authorization-message`)", msg[..i].trim_end()),
        None => msg.to_string(),
    }
}

/// Why a request never got an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unreachable {
    Refused,
    Dns,
    Timeout,
    Other(String),
}

/// Classify a connector failure by walking its cause chain: the io::Error kind where
/// there is one, else the resolver's wording (hyper reports DNS failures as text).
pub(super) fn unreachable(e: &(dyn Error + 'static)) -> Unreachable {
    let mut cur: Option<&(dyn Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Unreachable::Refused,
                std::io::ErrorKind::TimedOut => return Unreachable::Timeout,
                _ => {}
            }
        }
        let text = err.to_string();
        if ["dns error", "lookup address", "Name or service not known", "nodename nor servname", "No such host"]
            .iter()
            .any(|needle| text.contains(needle))
        {
            return Unreachable::Dns;
        }
        cur = err.source();
    }
    Unreachable::Other(root_cause(e))
}

/// One-line description of a failed operation, e.g.
/// `ec2:DescribeRouteTables: throttled (RequestLimitExceeded: Rate exceeded) after 3 attempts`.
pub(super) fn sdk_error<E, R>(op: &str, e: &SdkError<E, R>, ctx: &Context) -> FetchError
where
    E: ProvideErrorMetadata + Error + 'static,
    R: fmt::Debug + 'static,
{
    match e {
        SdkError::TimeoutError(_) => FetchError::new(format!(
            "{op} timed out (each attempt may take {}s, the whole operation {}s; raise --timeout for a slow endpoint)",
            ctx.attempt_timeout.as_secs(),
            ctx.operation_timeout.as_secs()
        )),
        SdkError::DispatchFailure(d) => {
            let endpoint = ctx.endpoint(op);
            let kind = if d.is_timeout() { Unreachable::Timeout } else { unreachable(e) };
            let (what, fix) = match kind {
                Unreachable::Refused => ("connection refused".to_string(), "check --endpoint-url and the network"),
                Unreachable::Dns if ctx.endpoint_url.is_some() => {
                    ("DNS lookup failed".to_string(), "check the host in --endpoint-url / AWS_ENDPOINT_URL")
                }
                Unreachable::Dns => ("DNS lookup failed".to_string(), "check that --region is a real AWS region"),
                Unreachable::Timeout => {
                    ("connection timed out".to_string(), "check the network, any proxy, and --region")
                }
                Unreachable::Other(cause) => (cause, "check --region, --endpoint-url and the network"),
            };
            let region =
                if ctx.endpoint_url.is_none() { format!(" for region `{}`", ctx.region) } else { String::new() };
            FetchError::new(format!("{op}: cannot reach the endpoint {endpoint}{region} ({what}); {fix}"))
        }
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            let code = e.code().unwrap_or("");
            let msg = one_line(e.message().unwrap_or(""));
            let msg = if DENIED.contains(&code) { shorten_denial(&msg) } else { msg };
            let detail = match (code.is_empty(), msg.is_empty()) {
                (false, false) => format!("{code}: {msg}"),
                (false, true) => code.to_string(),
                (true, false) => msg,
                (true, true) => root_cause(e),
            };
            if THROTTLING.contains(&code) {
                FetchError {
                    message: format!("{op}: throttled ({detail}) after {} attempts", ctx.max_attempts),
                    throttled: true,
                }
            } else if DENIED.contains(&code) {
                FetchError::new(format!("{op}: {detail}; grant the actions in assets/iam-policy.json"))
            } else if EXPIRED.contains(&code) {
                FetchError::new(format!("{op}: {detail}; refresh the credentials (e.g. `aws sso login`)"))
            } else {
                FetchError::new(format!("{op}: {detail}"))
            }
        }
        _ => FetchError::new(format!("{op}: {}", root_cause(e))),
    }
}

/// Why the STS AssumeRole behind a credentials provider failed, worded as any failed
/// call is (`sdk_error`); the provider's own chain when no STS answer is inside.
pub(super) fn role_refusal(e: &aws_credential_types::provider::error::CredentialsError, ctx: &Context) -> String {
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    let mut cur: Option<&(dyn Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(sdk) = err.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>() {
            return sdk_error("sts:AssumeRole", sdk, ctx).message;
        }
        cur = err.source();
    }
    chain(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    type E = SdkError<DescribeRouteTablesError, HttpResponse>;

    fn ctx(endpoint_url: Option<&str>) -> Context {
        Context {
            operation_timeout: Duration::from_secs(30),
            attempt_timeout: Duration::from_secs(10),
            max_attempts: 3,
            region: "eu-west-2".into(),
            endpoint_url: endpoint_url.map(str::to_string),
        }
    }

    fn service(code: &str, message: &str) -> E {
        let meta = ErrorMetadata::builder().code(code).message(message).build();
        let raw = HttpResponse::new(400u16.try_into().unwrap(), SdkBody::empty());
        SdkError::service_error(DescribeRouteTablesError::generic(meta), raw)
    }

    const OP: &str = "ec2:DescribeRouteTables";

    #[test]
    fn throttling_codes_are_flagged_with_attempts() {
        for code in ["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"] {
            let f = sdk_error(OP, &service(code, "Rate exceeded"), &ctx(None));
            assert!(f.throttled, "{code}");
            assert_eq!(f.message, format!("{OP}: throttled ({code}: Rate exceeded) after 3 attempts"));
        }
    }

    #[test]
    fn other_service_errors_are_code_and_message_on_one_line() {
        let f = sdk_error(OP, &service("InternalError", "boom\n  at line 2"), &ctx(None));
        assert!(!f.throttled);
        assert_eq!(f.message, "ec2:DescribeRouteTables: InternalError: boom at line 2");
    }

    #[test]
    fn access_denied_drops_the_encoded_blob_and_points_at_the_policy() {
        let f = sdk_error(
            OP,
            &service(
                "UnauthorizedOperation",
                "You are not authorized to perform this operation. Encoded authorization failure message: AAAA",
            ),
            &ctx(None),
        );
        assert!(f.message.starts_with(
            "ec2:DescribeRouteTables: UnauthorizedOperation: You are not authorized to perform this operation. (decode"
        ));
        assert!(!f.message.contains("AAAA") && f.message.contains("iam-policy.json"), "{}", f.message);
    }

    #[test]
    fn timeouts_name_both_limits() {
        let e: E = SdkError::timeout_error("slow");
        let f = sdk_error(OP, &e, &ctx(None));
        assert!(f.message.starts_with("ec2:DescribeRouteTables timed out"), "{}", f.message);
        assert!(f.message.contains("10s") && f.message.contains("30s"), "{}", f.message);
    }

    #[test]
    fn refused_connection_names_the_endpoint() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused (os error 111)");
        let e: E = SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        let f = sdk_error(OP, &e, &ctx(Some("http://127.0.0.1:9")));
        assert_eq!(
            f.message,
            "ec2:DescribeRouteTables: cannot reach the endpoint http://127.0.0.1:9 (connection refused); \
             check --endpoint-url and the network"
        );
    }

    #[test]
    fn dns_failure_without_override_blames_the_region() {
        #[derive(Debug)]
        struct Dns;
        impl fmt::Display for Dns {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("dns error")
            }
        }
        impl Error for Dns {}
        let e: SdkError<DescribeRouteTablesError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::other(Box::new(Dns), None));
        let mut c = ctx(None);
        c.region = "eu-wset-9".into();
        let f = sdk_error("cloudwatch:DescribeAlarms", &e, &c);
        assert!(
            f.message.contains("monitoring.eu-wset-9.amazonaws.com for region `eu-wset-9` (DNS lookup failed)"),
            "{}",
            f.message
        );
        assert!(f.message.contains("--region"), "{}", f.message);
    }

    #[test]
    fn unknown_profile_says_so() {
        let e = ConnectError::profile_without_credentials("nope", "profile `nope` was not defined: x");
        assert!(e.0.starts_with("AWS profile `nope` is not defined:"), "{e}");
        let e = ConnectError::profile_without_credentials("p", "the credential provider was not enabled");
        assert!(e.0.starts_with("AWS profile `p` is not defined or holds no credentials:"), "{e}");
        let e = ConnectError::profile_without_credentials("p", "the SSO token expired");
        assert!(e.0.contains("gives no credentials (the SSO token expired)"), "{e}");
    }
}
