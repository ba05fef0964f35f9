//! A réinscription campaign as administrators set it: its name, the day it
//! opens and the day it closes (agents re-enrol only between the two:
//! `reinscription::may_reinscribe`), and the day documents are due.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{FrenchDate, family::FieldError};

/// A campaign's fields as typed (dates JJ/MM/AAAA).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignInput {
    pub label: String,
    pub opens_on: String,
    pub closes_on: String,
    pub documents_deadline: String,
    /// The days a family has to confirm a seat offered from a waiting
    /// list (1 to 30).
    #[serde(default)]
    pub seat_offer_days: String,
    /// The days within which a new reminder to a family about its missing
    /// documents asks for confirmation (1 to 60; empty: 7).
    #[serde(default)]
    pub reminder_days: String,
}

/// A campaign's valid fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignFields {
    pub label: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub documents_deadline: NaiveDate,
    pub seat_offer_days: i32,
    pub reminder_days: i32,
}

/// The states a campaign goes through: prepared, open, closed.
pub const STATUSES: [(&str, &str); 3] = [
    ("draft", "En préparation"),
    ("open", "Ouverte"),
    ("closed", "Close"),
];

/// The French word of a campaign's state.
pub fn status_label(code: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("?", |(_, l)| l)
}

impl CampaignFields {
    pub const MAX_LABEL_CHARS: usize = 80;
    /// The longest delay to confirm a seat offered, in days.
    pub const MAX_OFFER_DAYS: i32 = 30;
    /// The delay before a new reminder asks for confirmation, by default.
    pub const DEFAULT_REMINDER_DAYS: i32 = 7;

    /// Checks every field; each refusal names its field (`libelle`,
    /// `ouverture`, `cloture`, `date-limite`) with a French sentence. The
    /// campaign must close after it opens, and documents be due after it
    /// opens.
    pub fn parse(input: &CampaignInput) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let label = input.label.split_whitespace().collect::<Vec<_>>().join(" ");
        if label.is_empty() {
            errors.push(FieldError {
                field: "libelle".into(),
                message: "Indiquez le nom de la campagne.".into(),
            });
        } else if label.chars().count() > Self::MAX_LABEL_CHARS {
            errors.push(FieldError {
                field: "libelle".into(),
                message: format!("Le nom dépasse {} caractères.", Self::MAX_LABEL_CHARS),
            });
        }
        let mut date = |raw: &str, field: &str| match FrenchDate::parse(raw) {
            Ok(d) => Some(d.naive()),
            Err(e) => {
                errors.push(FieldError {
                    field: field.into(),
                    message: e.message().to_owned(),
                });
                None
            }
        };
        let opens = date(&input.opens_on, "ouverture");
        let closes = date(&input.closes_on, "cloture");
        let deadline = date(&input.documents_deadline, "date-limite");
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            errors.push(FieldError {
                field: "cloture".into(),
                message: "La campagne doit se clore après son ouverture.".into(),
            });
        }
        if let (Some(o), Some(d)) = (opens, deadline)
            && d < o
        {
            errors.push(FieldError {
                field: "date-limite".into(),
                message: "La date limite des documents ne peut pas précéder l'ouverture.".into(),
            });
        }
        let days = match input.seat_offer_days.trim().parse::<i32>() {
            Ok(d) if (1..=Self::MAX_OFFER_DAYS).contains(&d) => Some(d),
            _ => {
                errors.push(FieldError {
                    field: "delai-place".into(),
                    message: format!(
                        "Le délai pour confirmer une place proposée est un nombre de jours entre 1 et {}.",
                        Self::MAX_OFFER_DAYS
                    ),
                });
                None
            }
        };
        let reminder_days = match input.reminder_days.trim() {
            "" => Some(Self::DEFAULT_REMINDER_DAYS),
            raw => match raw.parse::<i32>() {
                Ok(d) if (1..=crate::chase::MAX_REMINDER_DAYS).contains(&d) => Some(d),
                _ => {
                    errors.push(FieldError {
                        field: "delai-relance".into(),
                        message: format!(
                            "Le délai avant une nouvelle relance est un nombre de jours entre 1 et {}.",
                            crate::chase::MAX_REMINDER_DAYS
                        ),
                    });
                    None
                }
            },
        };
        match (opens, closes, deadline, days, reminder_days) {
            (
                Some(opens_on),
                Some(closes_on),
                Some(documents_deadline),
                Some(seat_offer_days),
                Some(reminder_days),
            ) if errors.is_empty() => Ok(Self {
                label,
                opens_on,
                closes_on,
                documents_deadline,
                seat_offer_days,
                reminder_days,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(opens: &str, closes: &str, deadline: &str) -> CampaignInput {
        CampaignInput {
            label: "  Réinscriptions   2028-2029 ".into(),
            opens_on: opens.into(),
            closes_on: closes.into(),
            documents_deadline: deadline.into(),
            seat_offer_days: "3".into(),
            reminder_days: String::new(),
        }
    }

    #[test]
    fn the_reminder_delay_defaults_to_a_week_and_is_bounded() {
        let base = input("01/03/2028", "30/04/2028", "15/05/2028");
        assert_eq!(CampaignFields::parse(&base).unwrap().reminder_days, 7);
        let ten = CampaignInput {
            reminder_days: " 10 ".into(),
            ..base.clone()
        };
        assert_eq!(CampaignFields::parse(&ten).unwrap().reminder_days, 10);
        for days in ["0", "61", "-3", "une semaine"] {
            let errors = CampaignFields::parse(&CampaignInput {
                reminder_days: days.into(),
                ..base.clone()
            })
            .unwrap_err();
            assert_eq!(errors[0].field, "delai-relance", "{days}");
        }
    }

    #[test]
    fn a_campaign_is_checked_field_by_field() {
        let ok = CampaignFields::parse(&input("01/03/2028", "30/04/2028", "15/05/2028")).unwrap();
        assert_eq!(ok.label, "Réinscriptions 2028-2029");
        assert_eq!(ok.closes_on, NaiveDate::from_ymd_opt(2028, 4, 30).unwrap());
        assert_eq!(ok.seat_offer_days, 3);
        for days in ["0", "31", "", "2,5", "trois"] {
            let errors = CampaignFields::parse(&CampaignInput {
                seat_offer_days: days.into(),
                ..input("01/03/2028", "30/04/2028", "15/05/2028")
            })
            .unwrap_err();
            assert_eq!(errors[0].field, "delai-place", "{days}");
        }
        let errors =
            CampaignFields::parse(&input("01/03/2028", "01/03/2028", "28/02/2028")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["cloture", "date-limite"]);
        let errors = CampaignFields::parse(&CampaignInput {
            label: " ".into(),
            seat_offer_days: " 45 ".into(),
            ..input("31/02/2028", "x", "")
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "libelle",
                "ouverture",
                "cloture",
                "date-limite",
                "delai-place"
            ]
        );
        assert_eq!(status_label("open"), "Ouverte");
    }
}
