//! Dates as French staff type them: JJ/MM/AAAA.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A calendar date typed or shown as `JJ/MM/AAAA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FrenchDate(NaiveDate);

impl FrenchDate {
    /// Parses `JJ/MM/AAAA` (one-digit day and month accepted, spaces around
    /// ignored). Refuses impossible dates such as 31/02/2026 and years outside
    /// 1900–2100, which are always typing mistakes here.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DomainError::new("La date est vide."));
        }
        let format_error =
            || DomainError::new("La date doit être au format JJ/MM/AAAA, par exemple 05/09/2026.");
        let parts: Vec<&str> = raw.split('/').collect();
        let [day, month, year] = parts.as_slice() else {
            return Err(format_error());
        };
        let number = |s: &str, max_len: usize| -> Result<u32, DomainError> {
            if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format_error());
            }
            s.parse().map_err(|_| format_error())
        };
        let (day, month) = (number(day, 2)?, number(month, 2)?);
        if year.len() != 4 {
            return Err(format_error());
        }
        let year = number(year, 4)? as i32;
        if !(1900..=2100).contains(&year) {
            return Err(DomainError::new(
                "L'année doit être comprise entre 1900 et 2100.",
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(DomainError::new(
                "Le mois doit être compris entre 01 et 12.",
            ));
        }
        NaiveDate::from_ymd_opt(year, month, day)
            .map(FrenchDate)
            .ok_or_else(|| {
                DomainError::new(format!(
                    "Le {day:02}/{month:02}/{year} n'existe pas dans le calendrier."
                ))
            })
    }

    pub fn from_naive(date: NaiveDate) -> Self {
        Self(date)
    }

    pub fn naive(self) -> NaiveDate {
        self.0
    }
}

impl fmt::Display for FrenchDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}/{:02}/{:04}",
            self.0.day(),
            self.0.month(),
            self.0.year()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_french_dates() {
        let d = FrenchDate::parse(" 5/9/2026 ").unwrap();
        assert_eq!(d.naive(), NaiveDate::from_ymd_opt(2026, 9, 5).unwrap());
        assert_eq!(d.to_string(), "05/09/2026");
        assert_eq!(
            FrenchDate::parse("29/02/2024").unwrap().to_string(),
            "29/02/2024"
        );
    }

    #[test]
    fn refuses_impossible_or_malformed_dates_with_french_messages() {
        for (raw, expected) in [
            ("", "La date est vide."),
            (
                "31/02/2026",
                "Le 31/02/2026 n'existe pas dans le calendrier.",
            ),
            (
                "29/02/2025",
                "Le 29/02/2025 n'existe pas dans le calendrier.",
            ),
            ("12/13/2026", "Le mois doit être compris entre 01 et 12."),
            (
                "01/01/1850",
                "L'année doit être comprise entre 1900 et 2100.",
            ),
        ] {
            assert_eq!(
                FrenchDate::parse(raw).unwrap_err().message(),
                expected,
                "{raw}"
            );
        }
        for raw in [
            "2026-09-05",
            "05/09/26",
            "05-09-2026",
            "a/b/cdef",
            "05/09/2026/1",
            "+5/09/2026",
            "005/09/2026",
        ] {
            assert!(
                FrenchDate::parse(raw)
                    .unwrap_err()
                    .message()
                    .contains("JJ/MM/AAAA"),
                "{raw}"
            );
        }
    }
}
