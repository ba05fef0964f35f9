//! School years such as `2026-2027`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A school year, named by its two calendar years: `2026-2027`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchoolYear {
    start: i32,
}

impl SchoolYear {
    pub fn starting(start: i32) -> Result<Self, DomainError> {
        if !(2000..=2100).contains(&start) {
            return Err(DomainError::new(
                "L'année scolaire doit commencer entre 2000 et 2100.",
            ));
        }
        Ok(Self { start })
    }

    /// Parses `AAAA-AAAA` where the second year follows the first.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let err = || DomainError::new("L'année scolaire s'écrit AAAA-AAAA, par exemple 2026-2027.");
        let (a, b) = raw.trim().split_once('-').ok_or_else(err)?;
        let digits = |s: &str| s.len() == 4 && s.bytes().all(|c| c.is_ascii_digit());
        if !digits(a) || !digits(b) {
            return Err(err());
        }
        let (a, b): (i32, i32) = (a.parse().map_err(|_| err())?, b.parse().map_err(|_| err())?);
        if b != a + 1 {
            return Err(DomainError::new(
                "La seconde année doit suivre la première, par exemple 2026-2027.",
            ));
        }
        Self::starting(a)
    }

    /// The school year `date` falls in: it starts on 1 September.
    pub fn containing(date: chrono::NaiveDate) -> Self {
        use chrono::Datelike;
        let start = if date.month() >= 9 {
            date.year()
        } else {
            date.year() - 1
        };
        Self::starting(start)
            .unwrap_or_else(|_| Self::starting(2000).expect("2000 is a valid start"))
    }

    pub fn start(self) -> i32 {
        self.start
    }

    pub fn next(self) -> Self {
        Self {
            start: self.start + 1,
        }
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.start + 1)
    }
}

impl TryFrom<String> for SchoolYear {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SchoolYear> for String {
    fn from(value: SchoolYear) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_school_year_starts_on_the_first_of_september() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(SchoolYear::containing(d(2026, 12, 1)).start(), 2026);
        assert_eq!(SchoolYear::containing(d(2027, 8, 31)).start(), 2026);
        assert_eq!(SchoolYear::containing(d(2027, 9, 1)).start(), 2027);
    }

    #[test]
    fn parses_round_trips_and_refuses() {
        let y = SchoolYear::parse("2026-2027").unwrap();
        assert_eq!(y.to_string(), "2026-2027");
        assert_eq!(y.next().to_string(), "2027-2028");
        assert!(
            SchoolYear::parse("2026-2028")
                .unwrap_err()
                .message()
                .contains("suivre")
        );
        assert!(SchoolYear::parse("26-27").is_err());
        assert!(SchoolYear::parse("1850-1851").is_err());
        let json = serde_json_like(&y);
        assert_eq!(json, "2026-2027");
    }

    fn serde_json_like(y: &SchoolYear) -> String {
        String::from(*y)
    }
}
