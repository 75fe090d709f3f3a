//! The account guard: connect, resolve the caller's account, and refuse credentials of
//! another account than the design names, all within the user's one bound (`--timeout`).

use crate::Aws;
use crate::AwsOptions;
use model::source::deadline_message;
use std::time::Duration;

/// The account a design is written for, and how to name that design in an error.
#[derive(Debug, Clone, Default)]
pub struct AccountGuard {
    /// The account the credentials must belong to; `None` accepts any.
    pub expected: Option<String>,
    /// The design's file, as the user gave it.
    pub design: String,
    /// The design's environment name.
    pub environment: String,
}

/// Connect and check the account. With `limit` (`deadline`, `bound` = `--timeout`), an
/// identity lookup cut off there is fatal only when the guard names an account.
pub async fn connect_checked(
    opts: &AwsOptions,
    guard: &AccountGuard,
    limit: Option<(tokio::time::Instant, Duration)>,
) -> Result<Aws, String> {
    let cut_off = |what: &str| match limit {
        Some((_, bound)) => deadline_message(what, bound),
        None => what.to_string(),
    };
    let connect = Aws::connect(opts);
    let aws = match limit {
        None => connect.await,
        Some((deadline, _)) => match tokio::time::timeout_at(deadline, connect).await {
            Ok(r) => r,
            Err(_) => return Err(cut_off("connecting")),
        },
    }
    .map_err(|e| e.to_string())?;
    let identity = match limit {
        None => aws.caller_account().await.map_err(|e| e.to_string()),
        Some((deadline, _)) => match tokio::time::timeout_at(deadline, aws.caller_account()).await {
            Ok(r) => r.map_err(|e| e.to_string()),
            Err(_) => Err(cut_off("sts:GetCallerIdentity")),
        },
    };
    match (identity, &guard.expected) {
        (Ok(actual), Some(expected)) if actual != *expected => Err(format!(
            "credentials belong to account {actual}, but {} is the design of account {expected} ({}); use the right --profile",
            guard.design, guard.environment
        )),
        (Ok(_), _) => Ok(aws),
        (Err(e), Some(expected)) => Err(format!("cannot confirm the account (the design requires {expected}): {e}")),
        (Err(e), None) => {
            tracing::warn!("caller identity unknown: {e}");
            Ok(aws)
        }
    }
}
