//! Contact details: French phone numbers, postcodes, e-mail addresses.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A French phone number, stored and shown as `06 12 34 56 78`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FrenchPhone(String);

impl FrenchPhone {
    /// Accepts `0612345678`, `06 12 34 56 78`, `06.12.34.56.78`,
    /// `+33 6 12 34 56 78` and `0033612345678`.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DomainError::new("Le numéro de téléphone est vide."));
        }
        if raw
            .chars()
            .any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')')))
        {
            return Err(DomainError::new(
                "Le numéro de téléphone ne doit contenir que des chiffres, par exemple 06 12 34 56 78.",
            ));
        }
        let plus = raw.starts_with('+');
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let national = if let Some(rest) = digits.strip_prefix("33").filter(|_| plus) {
            format!("0{rest}")
        } else if let Some(rest) = digits.strip_prefix("0033") {
            format!("0{rest}")
        } else if plus {
            return Err(DomainError::new(
                "Seuls les numéros français (+33) sont acceptés.",
            ));
        } else {
            digits
        };
        let bytes = national.as_bytes();
        if bytes.len() != 10 || bytes[0] != b'0' || bytes[1] == b'0' {
            return Err(DomainError::new(
                "Le numéro de téléphone doit compter 10 chiffres et commencer par 01 à 09, par exemple 06 12 34 56 78.",
            ));
        }
        let spaced = national
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Self(spaced))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ten digits, for search keys.
    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }
}

/// A French postcode: five digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim().replace(' ', "");
        if raw.is_empty() {
            return Err(DomainError::new("Le code postal est vide."));
        }
        if raw.len() != 5 || !raw.bytes().all(|b| b.is_ascii_digit()) || raw.starts_with("00") {
            return Err(DomainError::new(
                "Le code postal doit compter 5 chiffres, par exemple 92190.",
            ));
        }
        Ok(Self(raw))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address (syntax checked; the domain is lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        let err = || {
            DomainError::new(
                "L'adresse électronique n'est pas valide, par exemple prenom.nom@exemple.fr.",
            )
        };
        if raw.is_empty() {
            return Err(DomainError::new("L'adresse électronique est vide."));
        }
        if raw.len() > 254 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(err());
        }
        let (local, domain) = raw.rsplit_once('@').ok_or_else(err)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic));
        if !local_ok || !domain_ok {
            return Err(err());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype_impls {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $t {
            type Error = DomainError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> Self {
                value.0
            }
        }
    };
}
string_newtype_impls!(FrenchPhone);
string_newtype_impls!(Postcode);
string_newtype_impls!(Email);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_or_refused() {
        for raw in [
            "0612345678",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "+33 (0)6",
        ] {
            let r = FrenchPhone::parse(raw);
            if raw == "+33 (0)6" {
                assert!(r.is_err());
            } else {
                assert_eq!(r.unwrap().as_str(), "06 12 34 56 78", "{raw}");
            }
        }
        assert_eq!(
            FrenchPhone::parse("01 46 01 02 03").unwrap().digits(),
            "0146010203"
        );
        assert!(
            FrenchPhone::parse("")
                .unwrap_err()
                .message()
                .contains("vide")
        );
        assert!(
            FrenchPhone::parse("06 12 34")
                .unwrap_err()
                .message()
                .contains("10 chiffres")
        );
        assert!(FrenchPhone::parse("0012345678").is_err());
        assert!(
            FrenchPhone::parse("+44 20 7946 0958")
                .unwrap_err()
                .message()
                .contains("+33")
        );
        assert!(
            FrenchPhone::parse("06 12 AB 56 78")
                .unwrap_err()
                .message()
                .contains("chiffres")
        );
    }

    #[test]
    fn postcodes_have_five_digits() {
        assert_eq!(Postcode::parse(" 92 190 ").unwrap().as_str(), "92190");
        for raw in ["", "9219", "921900", "9219A", "00100"] {
            assert!(Postcode::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn emails_are_checked_and_domains_lowercased() {
        assert_eq!(
            Email::parse(" Chloe.Lefevre@Exemple.FR ").unwrap().as_str(),
            "Chloe.Lefevre@exemple.fr"
        );
        for raw in [
            "",
            "chloe",
            "chloe@",
            "@exemple.fr",
            "chloe@exemple",
            "chloe@@exemple.fr",
            "chlo e@exemple.fr",
            "chloe@exemple.f",
            "chloe..l@exemple.fr",
            "chloe@-exemple.fr",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw}");
        }
    }
}
