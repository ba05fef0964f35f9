//! The review of a document a family provided: the reasons a reviewer may
//! refuse it for, and what a decision must hold to be recorded — the
//! document's date for the types that must be less than 3 months old at
//! upload (`reinscription::is_recent_enough`), the quotient familial of an
//! attestation CAF, the revenu fiscal de référence and the number of parts
//! of an avis d'imposition. Those facts outlive the document: the fees use
//! them once retention removed the PDF.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::reinscription::{DocumentKind, is_recent_enough};

/// Why a document is refused (the list the reviewer chooses from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefusalReason {
    Unreadable,
    OutOfDate,
    WrongDocument,
    Incomplete,
    OtherName,
    Other,
}

impl RefusalReason {
    pub const ALL: [RefusalReason; 6] = [
        RefusalReason::Unreadable,
        RefusalReason::OutOfDate,
        RefusalReason::WrongDocument,
        RefusalReason::Incomplete,
        RefusalReason::OtherName,
        RefusalReason::Other,
    ];

    /// The code sent by the screen.
    pub fn code(self) -> &'static str {
        match self {
            RefusalReason::Unreadable => "illisible",
            RefusalReason::OutOfDate => "perime",
            RefusalReason::WrongDocument => "mauvais_document",
            RefusalReason::Incomplete => "incomplet",
            RefusalReason::OtherName => "nom_different",
            RefusalReason::Other => "autre",
        }
    }

    pub fn from_code(code: &str) -> Option<RefusalReason> {
        RefusalReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The words stored (`documents.rejection_reason`) and shown to the
    /// family.
    pub fn label(self) -> &'static str {
        match self {
            RefusalReason::Unreadable => "Document illisible",
            RefusalReason::OutOfDate => "Document périmé",
            RefusalReason::WrongDocument => "Mauvais document",
            RefusalReason::Incomplete => "Document incomplet",
            RefusalReason::OtherName => "Nom différent de celui de la famille",
            RefusalReason::Other => "Autre motif",
        }
    }
}

/// The longest note (to the family, or on the file).
pub const MAX_NOTE_CHARS: usize = 2000;
/// The highest quotient familial recorded (CAF's are a few thousand).
pub const MAX_QUOTIENT: i32 = 100_000;
/// The highest revenu fiscal de référence recorded, in euros.
pub const MAX_REVENU_FISCAL: i64 = 100_000_000;

/// What the reviewer entered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionInput {
    pub accept: bool,
    /// `RefusalReason::code`, for a refusal.
    pub reason: Option<String>,
    /// For the family, with a refusal.
    pub note_for_family: String,
    /// The date the document bears.
    pub document_date: Option<NaiveDate>,
    pub quotient_familial: Option<i32>,
    pub revenu_fiscal: Option<i64>,
    pub tax_parts: Option<f64>,
    /// Why the reviewer accepts a document the 3-month rule would refuse.
    pub review_note: String,
}

/// A decision that may be recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Decision {
    Accept {
        document_date: Option<NaiveDate>,
        quotient_familial: Option<i32>,
        revenu_fiscal: Option<i64>,
        tax_parts: Option<f64>,
        review_note: Option<String>,
    },
    Refuse {
        reason: RefusalReason,
        note_for_family: Option<String>,
        document_date: Option<NaiveDate>,
        review_note: Option<String>,
    },
}

fn note(raw: &str, what: &str) -> Result<Option<String>, DomainError> {
    let text = raw.trim();
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(DomainError::new(format!(
            "{what} : {MAX_NOTE_CHARS} caractères au plus."
        )));
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

/// What the 3-month rule says of a document of this type dated `date` and
/// uploaded on `uploaded_on`: None when it holds (or does not apply), the
/// French reason otherwise. The review screen turns the decision into a
/// refusal (`RefusalReason::OutOfDate`) when this is Some.
pub fn date_rule(kind: DocumentKind, date: NaiveDate, uploaded_on: NaiveDate) -> Option<String> {
    if !kind.must_be_recent() {
        return None;
    }
    is_recent_enough(date, uploaded_on)
        .err()
        .map(|e| e.message().to_string())
}

/// Checks a decision on a document of `kind` uploaded on `uploaded_on`.
pub fn decide(
    kind: DocumentKind,
    uploaded_on: NaiveDate,
    input: &DecisionInput,
) -> Result<Decision, DomainError> {
    let review_note = note(&input.review_note, "La note de l'examen")?;
    if let Some(date) = input.document_date
        && date > uploaded_on
    {
        return Err(DomainError::new(
            "La date du document est postérieure à son dépôt : vérifiez-la.",
        ));
    }
    if !input.accept {
        let reason = input
            .reason
            .as_deref()
            .and_then(RefusalReason::from_code)
            .ok_or_else(|| DomainError::new("Choisissez le motif du refus."))?;
        let note_for_family = note(&input.note_for_family, "Le message à la famille")?;
        if reason == RefusalReason::Other && note_for_family.is_none() {
            return Err(DomainError::new(
                "Motif « autre » : écrivez à la famille ce qui ne va pas.",
            ));
        }
        return Ok(Decision::Refuse {
            reason,
            note_for_family,
            document_date: input.document_date,
            review_note,
        });
    }
    if kind.must_be_recent() {
        let date = input.document_date.ok_or_else(|| {
            DomainError::new("Saisissez la date du document (JJ/MM/AAAA) : il doit avoir moins de 3 mois au dépôt.")
        })?;
        if let Some(broken) = date_rule(kind, date, uploaded_on)
            && review_note.is_none()
        {
            return Err(DomainError::new(format!(
                "{broken} Refusez-le, ou écrivez dans la note pourquoi vous l'acceptez malgré tout."
            )));
        }
    }
    let mut quotient_familial = None;
    let (mut revenu_fiscal, mut tax_parts) = (None, None);
    match kind {
        DocumentKind::CafCertificate => {
            let qf = input.quotient_familial.ok_or_else(|| {
                DomainError::new("Saisissez le quotient familial indiqué sur l'attestation CAF.")
            })?;
            if !(0..=MAX_QUOTIENT).contains(&qf) {
                return Err(DomainError::new(format!(
                    "Le quotient familial doit être compris entre 0 et {MAX_QUOTIENT}."
                )));
            }
            quotient_familial = Some(qf);
        }
        DocumentKind::TaxNotice => {
            let rfr = input.revenu_fiscal.ok_or_else(|| {
                DomainError::new("Saisissez le revenu fiscal de référence de l'avis d'imposition.")
            })?;
            if !(0..=MAX_REVENU_FISCAL).contains(&rfr) {
                return Err(DomainError::new(
                    "Le revenu fiscal de référence doit être un montant en euros, positif.",
                ));
            }
            let parts = input.tax_parts.ok_or_else(|| {
                DomainError::new("Saisissez le nombre de parts de l'avis d'imposition.")
            })?;
            // Parts come by quarters (1, 1.25, 1.5 …), 20 at most.
            if !(1.0..=20.0).contains(&parts) || (parts * 4.0).fract() != 0.0 {
                return Err(DomainError::new(
                    "Le nombre de parts va de 1 à 20, par quarts de part (1 ; 1,5 ; 2,25 …).",
                ));
            }
            revenu_fiscal = Some(rfr);
            tax_parts = Some(parts);
        }
        _ => {}
    }
    Ok(Decision::Accept {
        document_date: input.document_date,
        quotient_familial,
        revenu_fiscal,
        tax_parts,
        review_note,
    })
}

/// The words of the months, as French documents write them (folded:
/// lower case, no accents).
const MONTHS: [&str; 12] = [
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
];

/// The dates written in `text`: « 12/03/2026 », « 12.03.2026 »,
/// « 12-03-2026 », « 12 mars 2026 », « 1er mars 2026 » (accents and case
/// folded), in the order they appear. At most `limit` are read.
pub fn dates_in_text(text: &str, limit: usize) -> Vec<NaiveDate> {
    let folded = crate::search::fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() && found.len() < limit {
        let w = words[i].trim_end_matches('.');
        if let Some(date) = numeric_date(w) {
            found.push(date);
        } else if i + 2 < words.len() {
            let day = w.strip_suffix("er").unwrap_or(w);
            let month = MONTHS
                .iter()
                .position(|m| *m == words[i + 1].trim_end_matches('.'))
                .and_then(|m| u32::try_from(m + 1).ok());
            let year = words[i + 2].trim_end_matches('.');
            if let (Some(m), Ok(d), Some(y)) = (month, day.parse::<u32>(), four_digits(year))
                && day.len() <= 2
                && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
            {
                found.push(date);
                i += 2;
            }
        }
        i += 1;
    }
    found
}

fn four_digits(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// « 12/03/2026 », « 12.03.2026 », « 12-03-2026 » (day and month of one or
/// two digits), possibly inside a longer word (« le:12/03/2026 »).
fn numeric_date(word: &str) -> Option<NaiveDate> {
    let b = word.as_bytes();
    for start in 0..b.len() {
        if !b[start].is_ascii_digit() || (start > 0 && b[start - 1].is_ascii_digit()) {
            continue;
        }
        let rest = &word[start..];
        let mut parts = rest.splitn(3, ['/', '.', '-']);
        let (Some(d), Some(m), Some(y)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let y: String = y.chars().take_while(char::is_ascii_digit).collect();
        let digits = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit());
        if digits(d)
            && digits(m)
            && let Some(year) = four_digits(&y)
            && let (Ok(d), Ok(m)) = (d.parse(), m.parse())
            && let Some(date) = NaiveDate::from_ymd_opt(year, m, d)
        {
            return Some(date);
        }
    }
    None
}

/// The date Portée suggests for a document uploaded on `uploaded_on` whose
/// text layer reads `text`: the latest date written in it that is not after
/// the upload and less than two years before it (a bill's issue date, not
/// its due date nor the birth date of a guardian). None when none fits.
pub fn suggest_document_date(text: &str, uploaded_on: NaiveDate) -> Option<NaiveDate> {
    let earliest = uploaded_on.checked_sub_months(chrono::Months::new(24))?;
    dates_in_text(text, 500)
        .into_iter()
        .filter(|d| *d <= uploaded_on && *d >= earliest)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn accept() -> DecisionInput {
        DecisionInput {
            accept: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_recent_proof_of_address_is_accepted_with_its_date() {
        let input = DecisionInput {
            document_date: Some(day(2026, 3, 1)),
            ..accept()
        };
        let decision = decide(DocumentKind::ProofOfAddress, day(2026, 4, 15), &input).unwrap();
        assert!(
            matches!(decision, Decision::Accept { document_date: Some(d), .. } if d == day(2026, 3, 1))
        );
    }

    #[test]
    fn a_proof_of_address_needs_its_date_and_an_old_one_needs_a_note() {
        let upload = day(2026, 4, 15);
        let err = decide(DocumentKind::ProofOfAddress, upload, &accept()).unwrap_err();
        assert!(err.message().contains("date du document"), "{err}");
        let old = DecisionInput {
            document_date: Some(day(2025, 12, 1)),
            ..accept()
        };
        let err = decide(DocumentKind::ProofOfAddress, upload, &old).unwrap_err();
        assert!(err.message().contains("plus de 3 mois"), "{err}");
        assert!(date_rule(DocumentKind::ProofOfAddress, day(2025, 12, 1), upload).is_some());
        let overridden = DecisionInput {
            review_note: "Quittance annuelle, valable.".into(),
            ..old
        };
        assert!(decide(DocumentKind::ProofOfAddress, upload, &overridden).is_ok());
    }

    #[test]
    fn the_rule_does_not_apply_to_a_tax_notice_or_an_identity_document() {
        let upload = day(2026, 4, 15);
        assert_eq!(
            date_rule(DocumentKind::TaxNotice, day(2025, 8, 1), upload),
            None
        );
        assert_eq!(
            date_rule(DocumentKind::HostIdentity, day(2020, 8, 1), upload),
            None
        );
        assert!(decide(DocumentKind::HostIdentity, upload, &accept()).is_ok());
    }

    #[test]
    fn a_date_after_the_upload_is_refused_whatever_the_decision() {
        let input = DecisionInput {
            document_date: Some(day(2026, 5, 1)),
            reason: Some("illisible".into()),
            ..Default::default()
        };
        assert!(decide(DocumentKind::TaxNotice, day(2026, 4, 15), &input).is_err());
    }

    #[test]
    fn a_caf_certificate_records_its_quotient_familial() {
        let upload = day(2026, 4, 15);
        let base = DecisionInput {
            document_date: Some(day(2026, 4, 1)),
            ..accept()
        };
        assert!(decide(DocumentKind::CafCertificate, upload, &base).is_err());
        let negative = DecisionInput {
            quotient_familial: Some(-1),
            ..base.clone()
        };
        assert!(decide(DocumentKind::CafCertificate, upload, &negative).is_err());
        let good = DecisionInput {
            quotient_familial: Some(742),
            ..base
        };
        assert!(matches!(
            decide(DocumentKind::CafCertificate, upload, &good).unwrap(),
            Decision::Accept {
                quotient_familial: Some(742),
                ..
            }
        ));
    }

    #[test]
    fn a_tax_notice_records_its_income_and_parts_by_quarters() {
        let upload = day(2026, 4, 15);
        let with = |rfr: Option<i64>, parts: Option<f64>| DecisionInput {
            revenu_fiscal: rfr,
            tax_parts: parts,
            ..accept()
        };
        assert!(decide(DocumentKind::TaxNotice, upload, &with(None, Some(2.0))).is_err());
        assert!(decide(DocumentKind::TaxNotice, upload, &with(Some(31_250), None)).is_err());
        assert!(
            decide(
                DocumentKind::TaxNotice,
                upload,
                &with(Some(31_250), Some(2.3))
            )
            .is_err()
        );
        assert!(
            decide(
                DocumentKind::TaxNotice,
                upload,
                &with(Some(31_250), Some(0.5))
            )
            .is_err()
        );
        assert!(decide(DocumentKind::TaxNotice, upload, &with(Some(-5), Some(2.0))).is_err());
        assert!(
            decide(
                DocumentKind::TaxNotice,
                upload,
                &with(Some(31_250), Some(f64::NAN))
            )
            .is_err()
        );
        assert!(matches!(
            decide(DocumentKind::TaxNotice, upload, &with(Some(31_250), Some(2.5))).unwrap(),
            Decision::Accept { revenu_fiscal: Some(31_250), tax_parts: Some(p), .. } if p == 2.5
        ));
    }

    #[test]
    fn a_refusal_needs_a_reason_and_other_needs_words_for_the_family() {
        let upload = day(2026, 4, 15);
        assert!(decide(DocumentKind::TaxNotice, upload, &DecisionInput::default()).is_err());
        let other = DecisionInput {
            reason: Some("autre".into()),
            note_for_family: "   ".into(),
            ..Default::default()
        };
        assert!(decide(DocumentKind::TaxNotice, upload, &other).is_err());
        let unknown = DecisionInput {
            reason: Some("nope".into()),
            ..Default::default()
        };
        assert!(decide(DocumentKind::TaxNotice, upload, &unknown).is_err());
        let long = DecisionInput {
            reason: Some("illisible".into()),
            note_for_family: "x".repeat(MAX_NOTE_CHARS + 1),
            ..Default::default()
        };
        assert!(decide(DocumentKind::TaxNotice, upload, &long).is_err());
        let fine = DecisionInput {
            reason: Some("incomplet".into()),
            note_for_family: " Il manque la page 2. ".into(),
            ..Default::default()
        };
        assert_eq!(
            decide(DocumentKind::TaxNotice, upload, &fine).unwrap(),
            Decision::Refuse {
                reason: RefusalReason::Incomplete,
                note_for_family: Some("Il manque la page 2.".into()),
                document_date: None,
                review_note: None,
            }
        );
    }

    #[test]
    fn reason_codes_read_back() {
        for r in RefusalReason::ALL {
            assert_eq!(RefusalReason::from_code(r.code()), Some(r));
        }
    }

    #[test]
    fn dates_are_read_in_every_way_french_documents_write_them() {
        let text = "Facture n° 2026-0412 du 12/03/2026\nÉchéance : 02.04.2026\n\
                    Période du 1er février 2026 au 28 FÉVRIER 2026 (le:05-01-2026)";
        assert_eq!(
            dates_in_text(text, 10),
            [
                day(2026, 3, 12),
                day(2026, 4, 2),
                day(2026, 2, 1),
                day(2026, 2, 28),
                day(2026, 1, 5)
            ]
        );
        assert!(dates_in_text("31/02/2026 99/99/9999 12/3/26 2026-04-12", 10).is_empty());
    }

    #[test]
    fn the_suggested_date_is_the_latest_not_after_the_upload() {
        let text = "Né le 04/07/1981. Facture du 12/03/2026, à payer avant le 20/04/2026.";
        assert_eq!(
            suggest_document_date(text, day(2026, 4, 2)),
            Some(day(2026, 3, 12))
        );
        assert_eq!(suggest_document_date("aucune date", day(2026, 4, 2)), None);
        assert_eq!(suggest_document_date("04/07/1981", day(2026, 4, 2)), None);
    }
}
