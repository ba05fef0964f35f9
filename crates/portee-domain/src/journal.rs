//! The words of the audit log: what each recorded action means, in French,
//! and who did it (a family on the extranet, a staff member, the system);
//! and the administrators' filter of the log, parsed from what they type.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{FrenchDate, family::FieldError};

/// The administrators' filter, as typed (empty means any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JournalFilterInput {
    /// JJ/MM/AAAA, from the start of that day.
    pub from: String,
    /// JJ/MM/AAAA, to the end of that day.
    pub to: String,
    /// A staff member's identifier.
    pub staff_login: String,
    /// `family`, `staff` or `system`.
    pub actor_kind: Option<String>,
    /// One of [`ACTION_GROUPS`]' prefixes (`staff.`, `document.`…).
    pub action_group: Option<String>,
    /// `famille 12`, `élève 34`, `document 56`, `compte 7`, or a family
    /// number such as `F-000012`.
    pub entity: String,
}

/// What an entry is about, as an administrator names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityRef {
    Family(i64),
    FamilyNumber(String),
    Student(i64),
    Document(i64),
    Staff(i64),
    Dossier(i64),
}

/// A valid filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalFilter {
    pub from: Option<NaiveDate>,
    /// Inclusive: the whole day.
    pub to: Option<NaiveDate>,
    pub staff_login: Option<String>,
    pub actor_kind: Option<&'static str>,
    pub action_prefix: Option<&'static str>,
    pub entity: Option<EntityRef>,
}

impl EntityRef {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let err = || {
            FieldError {
            field: "entity".into(),
            message: "Indiquez par exemple « famille 12 », « élève 34 », « document 56 », « compte 7 » ou un n° de famille F-000012.".into(),
        }
        };
        let folded = crate::search::fold(raw.trim());
        let compact: String = folded.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if let Some(rest) = compact.strip_prefix('f')
            && !rest.is_empty()
            && rest.bytes().all(|b| b.is_ascii_digit())
        {
            return Ok(EntityRef::FamilyNumber(format!("F-{rest}")));
        }
        let mut words = folded.split_whitespace();
        let (Some(kind), Some(number), None) = (words.next(), words.next(), words.next()) else {
            return Err(err());
        };
        let id: i64 = number.parse().ok().filter(|n| *n > 0).ok_or_else(err)?;
        Ok(match kind {
            "famille" => EntityRef::Family(id),
            "eleve" => EntityRef::Student(id),
            "document" => EntityRef::Document(id),
            "compte" => EntityRef::Staff(id),
            "dossier" => EntityRef::Dossier(id),
            _ => return Err(err()),
        })
    }
}

impl JournalFilter {
    pub fn parse(input: &JournalFilterInput) -> Result<Self, FieldError> {
        let date = |field: &str, raw: &str| -> Result<Option<NaiveDate>, FieldError> {
            if raw.trim().is_empty() {
                return Ok(None);
            }
            FrenchDate::parse(raw)
                .map(|d| Some(d.naive()))
                .map_err(|e| FieldError {
                    field: field.into(),
                    message: e.message().to_owned(),
                })
        };
        let from = date("from", &input.from)?;
        let to = date("to", &input.to)?;
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(FieldError {
                field: "to".into(),
                message: "La date de fin précède la date de début.".into(),
            });
        }
        let login = input.staff_login.trim().to_lowercase();
        let actor_kind = match input.actor_kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some("family") => Some("family"),
            Some("staff") => Some("staff"),
            Some("system") => Some("system"),
            Some(_) => {
                return Err(FieldError {
                    field: "actor_kind".into(),
                    message: "Auteur inconnu.".into(),
                });
            }
        };
        let action_prefix = match input.action_group.as_deref().filter(|g| !g.is_empty()) {
            None => None,
            Some(g) => Some(
                ACTION_GROUPS
                    .iter()
                    .find(|(p, _)| *p == g)
                    .map(|(p, _)| *p)
                    .ok_or_else(|| FieldError {
                        field: "action_group".into(),
                        message: "Type d'action inconnu.".into(),
                    })?,
            ),
        };
        let entity = if input.entity.trim().is_empty() {
            None
        } else {
            Some(EntityRef::parse(&input.entity)?)
        };
        Ok(Self {
            from,
            to,
            staff_login: (!login.is_empty()).then_some(login),
            actor_kind,
            action_prefix,
            entity,
        })
    }
}

/// The French label of an audit action (`staff.create` → « Création d'un
/// compte »). An action unknown to this build shows its code.
pub fn action_label(action: &str) -> &str {
    match action {
        "auth.sign_in" => "Connexion",
        "auth.unlock" => "Déverrouillage de la session",
        "auth.failure" => "Échec de connexion",
        "auth.lock" => "Compte verrouillé après des échecs de connexion",
        "staff.create_first_admin" => "Création du premier administrateur",
        "staff.create" => "Création d'un compte",
        "staff.enable" => "Réactivation d'un compte",
        "staff.disable" => "Désactivation d'un compte",
        "staff.reset_password" => "Nouveau mot de passe provisoire",
        "staff.role_and_sites" => "Changement de rôle ou de sites",
        "staff.change_password" => "Changement de son mot de passe",
        "family.contact" => "Modification des coordonnées",
        "dossier.create" => "Création du dossier de réinscription",
        "dossier.update" => "Modification du dossier de réinscription",
        "reinscription.validate" => "Validation de la réinscription",
        "document.upload" => "Dépôt d'un document",
        "document.accept" => "Document accepté",
        "document.reject" => "Document refusé",
        "document.open" => "Consultation d'un document",
        "seat.take" => "Place attribuée dans un créneau",
        "slot.capacity" => "Changement de capacité d'un créneau",
        "demo.seed" => "Données de démonstration",
        other => other,
    }
}

/// The families of actions an administrator filters the log by.
pub const ACTION_GROUPS: [(&str, &str); 8] = [
    ("auth.", "Connexions"),
    ("staff.", "Comptes du personnel"),
    ("family.", "Familles et coordonnées"),
    ("dossier.", "Dossiers de réinscription"),
    ("reinscription.", "Validations de réinscription"),
    ("document.", "Documents"),
    ("seat.", "Places dans les créneaux"),
    ("slot.", "Capacités des créneaux"),
];

/// The French label of who acted: `family`, `staff` or `system`.
pub fn actor_kind_label(kind: &str) -> &'static str {
    match kind {
        "family" => "Famille (extranet)",
        "staff" => "Personnel",
        "system" => "Système",
        _ => "?",
    }
}

/// The French name of a field recorded in an entry's before/after values.
pub fn field_label(field: &str) -> &str {
    match field {
        "address_line" => "Adresse",
        "address_extra" => "Complément d'adresse",
        "postcode" => "Code postal",
        "town" => "Commune",
        "phone_mobile" => "Téléphone portable",
        "phone_home" => "Téléphone domicile",
        "phone_work" => "Téléphone professionnel",
        "email" => "Courriel",
        "status" => "Statut",
        "intent" => "Choix",
        "image_rights" => "Droit à l'image",
        "may_leave_alone" => "Autorisation de sortie",
        "doc_type" => "Type de document",
        "file_name" => "Fichier",
        "rejection_reason" => "Motif du refus",
        "acknowledgement_number" => "N° d'accusé de réception",
        "role" => "Rôle",
        "sites" => "Sites",
        "active" => "Actif",
        "login" => "Identifiant",
        "display_name" => "Nom",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_prefix_names_known_actions() {
        for (prefix, label) in ACTION_GROUPS {
            assert!(prefix.ends_with('.'), "{prefix}");
            assert!(!label.is_empty());
        }
        assert_eq!(
            action_label("family.contact"),
            "Modification des coordonnées"
        );
        assert_eq!(action_label("inconnu.x"), "inconnu.x");
        assert_eq!(actor_kind_label("family"), "Famille (extranet)");
        assert_eq!(field_label("postcode"), "Code postal");
    }

    #[test]
    fn the_administrators_filter_is_parsed_or_refused_by_field() {
        let f = JournalFilter::parse(&JournalFilterInput {
            from: "01/09/2026".into(),
            to: "30/09/2026".into(),
            staff_login: " Agent.Meudon ".into(),
            actor_kind: Some("staff".into()),
            action_group: Some("document.".into()),
            entity: "Famille 12".into(),
        })
        .unwrap();
        assert_eq!(f.from, NaiveDate::from_ymd_opt(2026, 9, 1));
        assert_eq!(f.staff_login.as_deref(), Some("agent.meudon"));
        assert_eq!(f.action_prefix, Some("document."));
        assert_eq!(f.entity, Some(EntityRef::Family(12)));
        assert_eq!(
            JournalFilter::parse(&JournalFilterInput::default()).unwrap(),
            JournalFilter::default()
        );
        assert_eq!(EntityRef::parse("élève 7").unwrap(), EntityRef::Student(7));
        assert_eq!(
            EntityRef::parse("F-000123").unwrap(),
            EntityRef::FamilyNumber("F-000123".into())
        );
        let refused = |i: JournalFilterInput| JournalFilter::parse(&i).unwrap_err().field;
        assert_eq!(
            refused(JournalFilterInput {
                from: "31/02/2026".into(),
                ..Default::default()
            }),
            "from"
        );
        assert_eq!(
            refused(JournalFilterInput {
                from: "02/09/2026".into(),
                to: "01/09/2026".into(),
                ..Default::default()
            }),
            "to"
        );
        assert_eq!(
            refused(JournalFilterInput {
                action_group: Some("drop.".into()),
                ..Default::default()
            }),
            "action_group"
        );
        assert_eq!(
            refused(JournalFilterInput {
                actor_kind: Some("robot".into()),
                ..Default::default()
            }),
            "actor_kind"
        );
        assert_eq!(
            refused(JournalFilterInput {
                entity: "famille".into(),
                ..Default::default()
            }),
            "entity"
        );
        assert_eq!(
            refused(JournalFilterInput {
                entity: "famille -3".into(),
                ..Default::default()
            }),
            "entity"
        );
    }
}
