//! Retention of the families' proof documents (RGPD minimisation): a PDF
//! is needed only until it is reviewed. Tax notices and CAF attestations
//! go a set number of days after their acceptance; every reviewed document
//! of a campaign goes a set number of days after the campaign closed. A
//! document awaiting review (or missing) is never removed. What is removed
//! is the content; the facts stay (type, status, dates, reviewer, quotient
//! familial, revenu fiscal de référence).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The rule's two delays, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRules {
    /// Tax notices and CAF attestations, after their acceptance.
    pub tax_days: u32,
    /// Every reviewed document of a campaign, after the campaign closed.
    pub campaign_days: u32,
}

impl Default for RetentionRules {
    fn default() -> Self {
        RetentionRules {
            tax_days: 30,
            campaign_days: 365,
        }
    }
}

/// The longest delay accepted (ten years).
pub const MAX_DAYS: u32 = 3650;

impl RetentionRules {
    pub fn new(tax_days: u32, campaign_days: u32) -> Result<Self, DomainError> {
        if tax_days > MAX_DAYS || campaign_days > MAX_DAYS {
            return Err(DomainError::new(format!(
                "Un délai de conservation va de 0 à {MAX_DAYS} jours."
            )));
        }
        Ok(RetentionRules {
            tax_days,
            campaign_days,
        })
    }

    /// Accepted tax and CAF documents reviewed at or before this instant go.
    pub fn tax_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(i64::from(self.tax_days))
    }

    /// Reviewed documents of campaigns closed at or before this instant go.
    pub fn campaign_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(i64::from(self.campaign_days))
    }
}

/// What is known of a document to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldDocument<'a> {
    pub doc_type: &'a str,
    pub status: &'a str,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub campaign_closes_at: DateTime<Utc>,
}

/// Why a document's content goes now, in French; None when it stays.
pub fn purge_reason(
    rules: &RetentionRules,
    doc: &HeldDocument<'_>,
    now: DateTime<Utc>,
) -> Option<String> {
    if !matches!(doc.status, "accepted" | "rejected") {
        return None;
    }
    if doc.campaign_closes_at <= rules.campaign_cutoff(now) {
        return Some(format!(
            "campagne close depuis plus de {} jours",
            rules.campaign_days
        ));
    }
    let sensitive = matches!(doc.doc_type, "avis_imposition" | "attestation_caf");
    match doc.reviewed_at {
        Some(at) if sensitive && doc.status == "accepted" && at <= rules.tax_cutoff(now) => {
            Some(format!(
                "pièce fiscale ou CAF acceptée depuis plus de {} jours",
                rules.tax_days
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    fn doc<'a>(
        doc_type: &'a str,
        status: &'a str,
        reviewed: Option<DateTime<Utc>>,
    ) -> HeldDocument<'a> {
        HeldDocument {
            doc_type,
            status,
            reviewed_at: reviewed,
            campaign_closes_at: at(2027, 6, 30),
        }
    }

    #[test]
    fn an_accepted_tax_notice_goes_30_days_after_its_acceptance() {
        let rules = RetentionRules::default();
        let now = at(2027, 5, 1);
        assert!(
            purge_reason(
                &rules,
                &doc("avis_imposition", "accepted", Some(at(2027, 3, 31))),
                now
            )
            .is_some()
        );
        assert!(
            purge_reason(
                &rules,
                &doc("attestation_caf", "accepted", Some(at(2027, 3, 31))),
                now
            )
            .is_some()
        );
        assert!(
            purge_reason(
                &rules,
                &doc("avis_imposition", "accepted", Some(at(2027, 4, 15))),
                now
            )
            .is_none()
        );
        // Other types wait for the campaign's rule.
        assert!(
            purge_reason(
                &rules,
                &doc("justificatif_domicile", "accepted", Some(at(2027, 1, 1))),
                now
            )
            .is_none()
        );
    }

    #[test]
    fn nothing_awaiting_review_or_missing_ever_goes() {
        let rules = RetentionRules::new(0, 0).unwrap();
        let now = at(2030, 1, 1);
        assert!(purge_reason(&rules, &doc("avis_imposition", "received", None), now).is_none());
        assert!(purge_reason(&rules, &doc("avis_imposition", "missing", None), now).is_none());
        assert!(
            purge_reason(
                &rules,
                &doc("avis_imposition", "rejected", Some(at(2027, 1, 1))),
                now
            )
            .is_some()
        );
    }

    #[test]
    fn every_reviewed_document_goes_a_year_after_its_campaign_closed() {
        let rules = RetentionRules::default();
        let d = doc("justificatif_domicile", "rejected", Some(at(2027, 2, 1)));
        assert!(purge_reason(&rules, &d, at(2028, 6, 28)).is_none());
        assert!(purge_reason(&rules, &d, at(2028, 7, 1)).is_some());
    }

    #[test]
    fn absurd_delays_are_refused() {
        assert!(RetentionRules::new(MAX_DAYS + 1, 10).is_err());
        assert!(RetentionRules::new(10, u32::MAX).is_err());
    }
}
