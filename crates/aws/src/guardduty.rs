//! GuardDuty collector: the region's detectors (guardduty:ListDetectors) and each one's
//! status (GetDetector). Filled into the `detectors` kind beside Security Hub (see
//! `securityhub.rs`); a refused call is recorded on a GuardDuty entry so only the
//! GuardDuty rule is unknown, and fails the kind when Security Hub failed too.

use super::Aws;
use model::source::FetchError;
use model::*;

/// ListDetectors pages hold at most 50 ids.
const PAGE: i32 = 50;

impl Aws {
    pub(super) async fn guardduty_detectors(&self) -> Result<Vec<Detector>, FetchError> {
        let stream = self.guardduty.list_detectors().max_results(PAGE).into_paginator().send();
        let ids = pages!(self, "guardduty:ListDetectors", stream, |p| p.detector_ids().to_vec());
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            self.count_call();
            let d = self
                .guardduty
                .get_detector()
                .detector_id(&id)
                .send()
                .await
                .map_err(|e| self.fail("guardduty:GetDetector", &e))?;
            let status = d.status().map_or("UNKNOWN", |s| s.as_str()).to_string();
            out.push(Detector { service: DetectorService::GuardDuty, id, status, error: None });
        }
        Ok(out)
    }
}
