//! Who still owes what: the documents a family's required set lacks (the
//! rule of [`crate::reinscription::required_documents`]: only the
//! compulsory ones), each with its state — missing, received and awaiting
//! review, or refused with the reason given to the family — the days left
//! before the campaign's documents deadline, the e-mail of a reminder, and
//! when a second reminder needs confirmation.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::reinscription::{DocumentKind, Requirement};

/// The family's current document of a type (the newest not replaced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentDocument<'a> {
    pub doc_type: &'a str,
    /// `documents.status`: missing, received, accepted, rejected.
    pub status: &'a str,
    pub rejection_reason: Option<&'a str>,
    pub rejection_note: Option<&'a str>,
}

/// Where a required document stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OwedState {
    /// Never provided.
    Missing,
    /// Provided, not reviewed yet: the family has nothing to do.
    Received,
    /// Refused, with the reason and the note given to the family.
    Refused {
        reason: String,
        note: Option<String>,
    },
}

/// One compulsory document the family's set lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owed {
    pub kind: DocumentKind,
    pub state: OwedState,
}

impl Owed {
    /// The list's words: « Avis d'imposition : refusé (Document périmé) ».
    pub fn summary(&self) -> String {
        match &self.state {
            OwedState::Missing => format!("{} : manquant", self.kind.label()),
            OwedState::Received => format!("{} : reçu, à examiner", self.kind.label()),
            OwedState::Refused { reason, .. } => {
                format!("{} : refusé ({reason})", self.kind.label())
            }
        }
    }

    /// Whether a reminder asks the family for it (a document awaiting
    /// review is not asked again).
    pub fn asked_of_family(&self) -> bool {
        !matches!(self.state, OwedState::Received)
    }
}

/// The compulsory documents of `requirements` whose current document is
/// not accepted, in the requirements' order.
pub fn owed(requirements: &[Requirement], current: &[CurrentDocument<'_>]) -> Vec<Owed> {
    requirements
        .iter()
        .filter(|r| r.mandatory)
        .filter_map(|r| {
            let doc = current.iter().find(|d| d.doc_type == r.kind.code());
            let state = match doc.map(|d| d.status) {
                Some("accepted") => return None,
                Some("received") => OwedState::Received,
                Some("rejected") => OwedState::Refused {
                    reason: doc
                        .and_then(|d| d.rejection_reason)
                        .unwrap_or("Document refusé")
                        .to_string(),
                    note: doc
                        .and_then(|d| d.rejection_note)
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(str::to_string),
                },
                _ => OwedState::Missing,
            };
            Some(Owed {
                kind: r.kind,
                state,
            })
        })
        .collect()
}

/// Days from `today` to the deadline (0 on the day, negative once past).
pub fn days_left(deadline: NaiveDate, today: NaiveDate) -> i64 {
    (deadline - today).num_days()
}

/// The French words of the days left: « 12 jours », « dernier jour »,
/// « dépassée de 3 jours ».
pub fn days_left_label(days: i64) -> String {
    match days {
        0 => "dernier jour".into(),
        1 => "1 jour".into(),
        d if d > 1 => format!("{d} jours"),
        -1 => "dépassée de 1 jour".into(),
        d => format!("dépassée de {} jours", -d),
    }
}

/// A reminder's e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderMail {
    pub subject: String,
    pub body: String,
    /// What was asked, one line per document (recorded on the family).
    pub asked: Vec<String>,
}

/// The reminder of a family that owes `owed`, or None when nothing is
/// asked of it (every document it lacks awaits review).
pub fn reminder_mail(
    family_number: &str,
    site_name: &str,
    owed: &[Owed],
    deadline: NaiveDate,
) -> Option<ReminderMail> {
    let asked: Vec<String> = owed
        .iter()
        .filter(|o| o.asked_of_family())
        .map(|o| match &o.state {
            OwedState::Refused { reason, note } => match note {
                Some(n) => format!("{} : refusé ({reason}) — {n}", o.kind.label()),
                None => format!("{} : refusé ({reason})", o.kind.label()),
            },
            _ => format!("{} : manquant", o.kind.label()),
        })
        .collect();
    if asked.is_empty() {
        return None;
    }
    let date = deadline.format("%d/%m/%Y");
    let lines: String = asked.iter().map(|l| format!("- {l}\n")).collect();
    let body = format!(
        "Madame, Monsieur,\n\n\
         Pour compléter la réinscription de votre famille (dossier {family_number}), \
         le conservatoire — site de {site_name} — a encore besoin des pièces suivantes :\n\n\
         {lines}\n\
         Merci de les déposer sur l'extranet, ou de les apporter au secrétariat, \
         avant le {date}.\n\n\
         Le secrétariat du conservatoire\n"
    );
    Some(ReminderMail {
        subject: format!("Réinscription : pièces à fournir avant le {date}"),
        body,
        asked,
    })
}

/// The longest delay a campaign may set between two reminders, in days.
pub const MAX_REMINDER_DAYS: i32 = 60;

/// When a new reminder to a family needs confirmation: the last one was
/// sent less than `delay_days` ago. Returns that last reminder's instant.
pub fn second_reminder_within(
    last_sent: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    delay_days: i32,
) -> Option<DateTime<Utc>> {
    let last = last_sent?;
    (now - last < Duration::days(i64::from(delay_days.clamp(1, MAX_REMINDER_DAYS)))).then_some(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reinscription::{DocumentFacts, required_documents};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn requirements(hosted: bool, children: usize) -> Vec<Requirement> {
        required_documents(&DocumentFacts {
            hosted,
            children_birth_dates: vec![day(2014, 5, 1); children],
            campaign_opens_on: day(2026, 4, 1),
        })
    }

    fn doc<'a>(doc_type: &'a str, status: &'a str) -> CurrentDocument<'a> {
        CurrentDocument {
            doc_type,
            status,
            rejection_reason: None,
            rejection_note: None,
        }
    }

    fn kinds(owed: &[Owed]) -> Vec<&'static str> {
        owed.iter().map(|o| o.kind.code()).collect()
    }

    #[test]
    fn a_family_of_one_child_owes_its_address_and_tax_notice_not_the_caf() {
        let owed = owed(&requirements(false, 1), &[]);
        assert_eq!(kinds(&owed), ["justificatif_domicile", "avis_imposition"]);
        assert!(owed.iter().all(|o| o.state == OwedState::Missing));
    }

    #[test]
    fn two_children_under_20_owe_the_caf_too() {
        let owed = owed(&requirements(false, 2), &[]);
        assert_eq!(
            kinds(&owed),
            [
                "justificatif_domicile",
                "avis_imposition",
                "attestation_caf"
            ]
        );
    }

    #[test]
    fn a_hosted_family_owes_the_three_pieces_of_hosting() {
        let owed = owed(&requirements(true, 1), &[]);
        assert_eq!(
            kinds(&owed),
            [
                "attestation_hebergement",
                "piece_identite_hebergeant",
                "justificatif_domicile_hebergeant",
                "avis_imposition"
            ]
        );
    }

    #[test]
    fn accepted_documents_are_not_owed_received_and_refused_ones_are() {
        let refused = CurrentDocument {
            rejection_reason: Some("Document périmé"),
            rejection_note: Some("  Facture de 2025  "),
            ..doc("avis_imposition", "rejected")
        };
        let owed = owed(
            &requirements(false, 2),
            &[
                doc("justificatif_domicile", "accepted"),
                refused,
                doc("attestation_caf", "received"),
            ],
        );
        assert_eq!(kinds(&owed), ["avis_imposition", "attestation_caf"]);
        assert_eq!(
            owed[0].state,
            OwedState::Refused {
                reason: "Document périmé".into(),
                note: Some("Facture de 2025".into())
            }
        );
        assert_eq!(owed[1].state, OwedState::Received);
        assert_eq!(
            owed[0].summary(),
            "Avis d'imposition : refusé (Document périmé)"
        );
        assert_eq!(
            owed[1].summary(),
            "Attestation CAF (quotient familial) : reçu, à examiner"
        );
    }

    #[test]
    fn a_complete_set_owes_nothing() {
        let all = [
            doc("justificatif_domicile", "accepted"),
            doc("avis_imposition", "accepted"),
        ];
        assert!(owed(&requirements(false, 1), &all).is_empty());
    }

    #[test]
    fn the_reminder_asks_for_what_is_missing_or_refused_and_why() {
        let owed = vec![
            Owed {
                kind: DocumentKind::ProofOfAddress,
                state: OwedState::Missing,
            },
            Owed {
                kind: DocumentKind::TaxNotice,
                state: OwedState::Refused {
                    reason: "Document illisible".into(),
                    note: Some("Page 2 manquante".into()),
                },
            },
            Owed {
                kind: DocumentKind::CafCertificate,
                state: OwedState::Received,
            },
        ];
        let mail = reminder_mail("F-00042", "Meudon", &owed, day(2026, 6, 30)).unwrap();
        assert_eq!(
            mail.asked,
            [
                "Justificatif de domicile : manquant",
                "Avis d'imposition : refusé (Document illisible) — Page 2 manquante"
            ]
        );
        assert!(mail.subject.contains("30/06/2026"), "{}", mail.subject);
        assert!(mail.body.contains("F-00042") && mail.body.contains("Meudon"));
        assert!(
            mail.body
                .contains("- Avis d'imposition : refusé (Document illisible)")
        );
        assert!(!mail.body.contains("Attestation CAF"), "{}", mail.body);
    }

    #[test]
    fn nothing_is_asked_of_a_family_whose_documents_await_review() {
        let owed = vec![Owed {
            kind: DocumentKind::TaxNotice,
            state: OwedState::Received,
        }];
        assert!(reminder_mail("F-1", "Meudon", &owed, day(2026, 6, 30)).is_none());
    }

    #[test]
    fn days_left_read_in_french() {
        assert_eq!(days_left(day(2026, 6, 30), day(2026, 6, 18)), 12);
        assert_eq!(days_left_label(12), "12 jours");
        assert_eq!(days_left_label(1), "1 jour");
        assert_eq!(days_left_label(0), "dernier jour");
        assert_eq!(days_left_label(-1), "dépassée de 1 jour");
        assert_eq!(days_left_label(-4), "dépassée de 4 jours");
    }

    #[test]
    fn a_second_reminder_within_the_delay_needs_confirmation() {
        let now = day(2026, 6, 10).and_hms_opt(10, 0, 0).unwrap().and_utc();
        assert_eq!(second_reminder_within(None, now, 7), None);
        let recent = now - Duration::days(6);
        assert_eq!(second_reminder_within(Some(recent), now, 7), Some(recent));
        let old = now - Duration::days(7);
        assert_eq!(second_reminder_within(Some(old), now, 7), None);
        // An absurd delay is bounded.
        assert_eq!(
            second_reminder_within(Some(now - Duration::days(61)), now, 10_000),
            None
        );
    }
}
