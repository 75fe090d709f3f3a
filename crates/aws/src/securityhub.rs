//! Security Hub collector: whether the hub is enabled in the region
//! (securityhub:DescribeHub). "Not subscribed" (`InvalidAccessException`) is the answer
//! "disabled", not an error. Also the `detectors` kind's assembly with GuardDuty.

use super::Aws;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use model::source::FetchError;
use model::*;

impl Aws {
    pub(super) async fn security_hub(&self) -> Result<Detector, FetchError> {
        self.count_call();
        let (id, status) = match self.securityhub.describe_hub().send().await {
            Ok(hub) => (hub.hub_arn().unwrap_or_default().to_string(), "ENABLED"),
            Err(e) if e.code() == Some("InvalidAccessException") => (String::new(), "DISABLED"),
            Err(e) => return Err(self.fail("securityhub:DescribeHub", &e)),
        };
        Ok(Detector { service: DetectorService::SecurityHub, id, status: status.into(), error: None })
    }

    /// GuardDuty's detectors and Security Hub. One service failing leaves an entry with
    /// its error, so only that service's rule is unknown; both failing fail the kind.
    pub(super) async fn detectors(&self) -> Result<Vec<Detector>, FetchError> {
        let (guardduty, hub) = futures::join!(self.guardduty_detectors(), self.security_hub());
        let failed = |service: DetectorService, e: FetchError| Detector {
            service,
            id: String::new(),
            status: "UNKNOWN".into(),
            error: Some(e.message),
        };
        match (guardduty, hub) {
            (Err(g), Err(h)) => Err(FetchError {
                message: format!("{}; {}", g.message, h.message),
                throttled: g.throttled || h.throttled,
            }),
            (Ok(mut g), Ok(h)) => {
                g.push(h);
                Ok(g)
            }
            (Ok(mut g), Err(h)) => {
                g.push(failed(DetectorService::SecurityHub, h));
                Ok(g)
            }
            (Err(g), Ok(h)) => Ok(vec![failed(DetectorService::GuardDuty, g), h]),
        }
    }
}
