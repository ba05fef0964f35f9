//! Names of people, as typed by staff.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A last or first name: trimmed, 1–80 characters, letters with the
/// hyphens, apostrophes, spaces and dots French names use.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(DomainError::new("Le nom est vide."));
        }
        if collapsed.chars().count() > Self::MAX_CHARS {
            return Err(DomainError::new(format!(
                "Le nom dépasse {} caractères.",
                Self::MAX_CHARS
            )));
        }
        if let Some(c) = collapsed
            .chars()
            .find(|c| !(c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.')))
        {
            return Err(DomainError::new(format!(
                "Le nom contient un caractère non admis : « {c} »."
            )));
        }
        if !collapsed.chars().any(char::is_alphabetic) {
            return Err(DomainError::new(
                "Le nom doit contenir au moins une lettre.",
            ));
        }
        Ok(Self(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PersonName {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PersonName> for String {
    fn from(value: PersonName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_french_names_and_tidies_spaces() {
        for raw in [
            "Lefèvre",
            "N'Diaye",
            "Jean-Baptiste",
            "Le  Gall ",
            "Müller",
            "D’Artagnan",
            "St. Pierre",
        ] {
            assert!(PersonName::parse(raw).is_ok(), "{raw}");
        }
        assert_eq!(
            PersonName::parse("  Le   Gall ").unwrap().as_str(),
            "Le Gall"
        );
    }

    #[test]
    fn refuses_empty_absurd_or_too_long_names() {
        assert_eq!(
            PersonName::parse("   ").unwrap_err().message(),
            "Le nom est vide."
        );
        assert!(
            PersonName::parse("R2D2")
                .unwrap_err()
                .message()
                .contains("« 2 »")
        );
        assert!(
            PersonName::parse("<script>")
                .unwrap_err()
                .message()
                .contains("non admis")
        );
        assert!(
            PersonName::parse("--")
                .unwrap_err()
                .message()
                .contains("au moins une lettre")
        );
        assert!(
            PersonName::parse(&"a".repeat(81))
                .unwrap_err()
                .message()
                .contains("80")
        );
    }
}
