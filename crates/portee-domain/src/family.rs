//! A family's coordonnées (address, guardians' phones and e-mails) as typed
//! at the desk, parsed once into values that can only be valid.
//!
//! Mandatory, as in the families' extranet: the address line, the postcode,
//! the town, and at least one phone number for the first guardian.

use serde::{Deserialize, Serialize};

use crate::{Email, FrenchPhone, Postcode};

/// A refusal that names the form field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name in the request: `postcode`, `guardians.0.email`…
    pub field: String,
    pub message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// One guardian's contact fields as typed (empty means none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardianContactInput {
    pub guardian_id: i64,
    pub phone_mobile: String,
    pub phone_home: String,
    pub phone_work: String,
    pub email: String,
}

/// A family's contact fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub address_line: String,
    pub address_extra: String,
    pub postcode: String,
    pub town: String,
    /// In the order of the guardians' rank (first guardian first).
    pub guardians: Vec<GuardianContactInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardianContact {
    pub guardian_id: i64,
    pub phone_mobile: Option<FrenchPhone>,
    pub phone_home: Option<FrenchPhone>,
    pub phone_work: Option<FrenchPhone>,
    pub email: Option<Email>,
}

/// Valid coordonnées, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyContact {
    pub address_line: String,
    pub address_extra: Option<String>,
    pub postcode: Postcode,
    pub town: String,
    pub guardians: Vec<GuardianContact>,
}

const MAX_ADDRESS: usize = 120;
const MAX_TOWN: usize = 80;
/// A family has one or two guardians on file (a few more are tolerated).
const MAX_GUARDIANS: usize = 4;

fn text(
    field: &str,
    raw: &str,
    max: usize,
    required: Option<&str>,
) -> Result<Option<String>, FieldError> {
    let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() {
        return match required {
            Some(message) => Err(FieldError::new(field, message)),
            None => Ok(None),
        };
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("Ce champ compte au plus {max} caractères."),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "Ce champ contient un caractère invalide.",
        ));
    }
    Ok(Some(value))
}

fn phone(field: String, raw: &str) -> Result<Option<FrenchPhone>, FieldError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    FrenchPhone::parse(raw)
        .map(Some)
        .map_err(|e| FieldError::new(field, e.message()))
}

impl FamilyContact {
    pub fn parse(input: &ContactInput) -> Result<Self, FieldError> {
        let address_line = text(
            "address_line",
            &input.address_line,
            MAX_ADDRESS,
            Some("Indiquez l'adresse (numéro et voie)."),
        )?
        .unwrap_or_default();
        let address_extra = text("address_extra", &input.address_extra, MAX_ADDRESS, None)?;
        let postcode = if input.postcode.trim().is_empty() {
            return Err(FieldError::new("postcode", "Indiquez le code postal."));
        } else {
            Postcode::parse(&input.postcode)
                .map_err(|e| FieldError::new("postcode", e.message()))?
        };
        let town =
            text("town", &input.town, MAX_TOWN, Some("Indiquez la commune."))?.unwrap_or_default();
        if input.guardians.is_empty() {
            return Err(FieldError::new(
                "guardians",
                "La famille doit compter au moins un responsable légal.",
            ));
        }
        if input.guardians.len() > MAX_GUARDIANS {
            return Err(FieldError::new(
                "guardians",
                format!("Au plus {MAX_GUARDIANS} responsables légaux."),
            ));
        }
        let mut guardians = Vec::with_capacity(input.guardians.len());
        for (i, g) in input.guardians.iter().enumerate() {
            if guardians
                .iter()
                .any(|x: &GuardianContact| x.guardian_id == g.guardian_id)
            {
                return Err(FieldError::new(
                    "guardians",
                    "Un responsable légal figure deux fois.",
                ));
            }
            let contact = GuardianContact {
                guardian_id: g.guardian_id,
                phone_mobile: phone(format!("guardians.{i}.phone_mobile"), &g.phone_mobile)?,
                phone_home: phone(format!("guardians.{i}.phone_home"), &g.phone_home)?,
                phone_work: phone(format!("guardians.{i}.phone_work"), &g.phone_work)?,
                email: if g.email.trim().is_empty() {
                    None
                } else {
                    Some(Email::parse(&g.email).map_err(|e| {
                        FieldError::new(format!("guardians.{i}.email"), e.message())
                    })?)
                },
            };
            if i == 0
                && contact.phone_mobile.is_none()
                && contact.phone_home.is_none()
                && contact.phone_work.is_none()
            {
                return Err(FieldError::new(
                    "guardians.0.phone_mobile",
                    "Indiquez au moins un numéro de téléphone du premier responsable légal.",
                ));
            }
            guardians.push(contact);
        }
        Ok(Self {
            address_line,
            address_extra,
            postcode,
            town,
            guardians,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ContactInput {
        ContactInput {
            address_line: "  12  rue de la  Paix ".into(),
            address_extra: String::new(),
            postcode: "92190".into(),
            town: "Meudon".into(),
            guardians: vec![
                GuardianContactInput {
                    guardian_id: 1,
                    phone_mobile: "0612345678".into(),
                    email: "Anne.Martin@Exemple.FR".into(),
                    ..Default::default()
                },
                GuardianContactInput {
                    guardian_id: 2,
                    ..Default::default()
                },
            ],
        }
    }

    #[test]
    fn valid_coordonnees_are_normalised() {
        let c = FamilyContact::parse(&input()).unwrap();
        assert_eq!(c.address_line, "12 rue de la Paix");
        assert_eq!(c.address_extra, None);
        assert_eq!(c.postcode.as_str(), "92190");
        let g = &c.guardians[0];
        assert_eq!(g.phone_mobile.as_ref().unwrap().as_str(), "06 12 34 56 78");
        assert_eq!(g.email.as_ref().unwrap().as_str(), "Anne.Martin@exemple.fr");
        // The second guardian may have no phone.
        assert_eq!(c.guardians[1].phone_mobile, None);
    }

    #[test]
    fn each_refusal_names_its_field_in_french() {
        let field = |f: &dyn Fn(&mut ContactInput)| {
            let mut i = input();
            f(&mut i);
            FamilyContact::parse(&i).unwrap_err()
        };
        assert_eq!(
            field(&|i| i.address_line = "  ".into()).field,
            "address_line"
        );
        assert_eq!(field(&|i| i.postcode = "9219".into()).field, "postcode");
        assert_eq!(field(&|i| i.postcode = String::new()).field, "postcode");
        assert_eq!(field(&|i| i.town = String::new()).field, "town");
        assert_eq!(field(&|i| i.town = "x".repeat(81)).field, "town");
        assert_eq!(
            field(&|i| i.address_line = "rue\u{0}".into()).field,
            "address_line"
        );
        let e = field(&|i| i.guardians[0].phone_mobile = String::new());
        assert_eq!(e.field, "guardians.0.phone_mobile");
        assert!(e.message.contains("premier responsable"));
        assert_eq!(
            field(&|i| i.guardians[1].phone_work = "12".into()).field,
            "guardians.1.phone_work"
        );
        assert_eq!(
            field(&|i| i.guardians[0].email = "pas-une-adresse".into()).field,
            "guardians.0.email"
        );
        assert_eq!(field(&|i| i.guardians.clear()).field, "guardians");
        assert_eq!(
            field(&|i| i.guardians[1].guardian_id = 1).field,
            "guardians"
        );
    }
}
