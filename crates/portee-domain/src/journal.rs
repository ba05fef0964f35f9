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

/// One kind of audit entry: its code, its French label and the keys its
/// before/after values may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionKind {
    pub code: &'static str,
    pub label: &'static str,
    pub fields: &'static [&'static str],
}

const SLOT_FIELDS: &[&str] = &[
    "id",
    "course_id",
    "day_of_week",
    "starts_at",
    "ends_at",
    "teacher",
    "room",
    "capacity",
    "seats_taken",
    "version",
    "open",
];
const CAMPAIGN_FIELDS: &[&str] = &[
    "label",
    "school_year_id",
    "opens_at",
    "closes_at",
    "documents_deadline",
    "seat_offer_days",
    "reminder_days",
    "status",
    "version",
];
const DOSSIER_FIELDS: &[&str] = &[
    "id",
    "student_id",
    "campaign_id",
    "client_id",
    "intent",
    "no_reason",
    "status",
    "image_rights",
    "may_leave_alone",
    "additional_info",
    "version",
    "updated_at",
];
const STAFF_FIELDS: &[&str] = &[
    "id",
    "login",
    "display_name",
    "role",
    "active",
    "must_change_password",
    "failed_attempts",
    "locked_until",
    "is_demo",
    "sites",
    "version",
    "created_at",
    "updated_at",
];
const CONTACT_FIELDS: &[&str] = &[
    "address_line",
    "address_extra",
    "postcode",
    "town",
    "guardians",
    "name",
    "phone_mobile",
    "phone_home",
    "phone_work",
    "email",
];

/// The columns a row entry may hold (PostgreSQL's audit triggers,
/// migration 0007, write the columns of the row changed: every column of
/// the audited tables, but a password hash or a document's bytes).
const ROW_FIELDS: &[&str] = &[
    "id",
    "family_number",
    "address_line",
    "address_extra",
    "postcode",
    "town",
    "hosted",
    "created_at",
    "updated_at",
    "version",
    "family_id",
    "rank",
    "last_name",
    "first_name",
    "relationship",
    "phone_mobile",
    "phone_home",
    "phone_work",
    "email",
    "site_id",
    "birth_date",
    "sex",
    "school_level",
    "school_name",
    "nationality",
    "cham",
    "student_id",
    "course_id",
    "slot_id",
    "offered_at",
    "offer_expires_at",
    "seat_offer_days",
    "school_year_id",
    "status",
    "outcome",
    "campaign_id",
    "client_id",
    "intent",
    "no_reason",
    "image_rights",
    "may_leave_alone",
    "additional_info",
    "accepted_at",
    "validated_by_kind",
    "validated_by_staff_id",
    "validation_channel",
    "acknowledgement_number",
    "reinscription_id",
    "doc_type",
    "rejection_reason",
    "file_name",
    "sha256",
    "size_bytes",
    "page_count",
    "document_date",
    "uploaded_by_kind",
    "uploaded_by_staff_id",
    "uploaded_at",
    "reviewed_by_staff_id",
    "reviewed_at",
    "reviewing_staff_id",
    "reviewing_since",
    "rejection_note",
    "review_note",
    "quotient_familial",
    "revenu_fiscal",
    "tax_parts",
    "purged_at",
    "replaced_by",
    "replaced_at",
    "asked",
    "outbox_id",
    "sent_by_staff_id",
    "kind",
    "recipient",
    "payload",
    "attempts",
    "last_error",
    "sent_at",
    "discipline_id",
    "name",
    "cycle",
    "level",
    "seat_mode",
    "day_of_week",
    "starts_at",
    "ends_at",
    "teacher",
    "room",
    "capacity",
    "seats_taken",
    "label",
    "opens_at",
    "closes_at",
    "documents_deadline",
    "login",
    "display_name",
    "role",
    "active",
    "must_change_password",
    "failed_attempts",
    "locked_until",
    "is_demo",
    "staff_id",
    "code",
];

/// Every action the code writes to the audit log, in one place: the store
/// writes these codes, [`action_label`] reads them, and the tests walk
/// this list so that a new action without French words fails.
pub const ACTIONS: &[ActionKind] = &[
    ActionKind {
        code: "auth.sign_in",
        label: "Connexion",
        fields: &["site_id"],
    },
    ActionKind {
        code: "auth.unlock",
        label: "Déverrouillage de la session",
        fields: &["site_id"],
    },
    ActionKind {
        code: "auth.failure",
        label: "Échec de connexion",
        fields: &["failed_attempts", "locked_until"],
    },
    ActionKind {
        code: "auth.lock",
        label: "Compte verrouillé après des échecs de connexion",
        fields: &["failed_attempts", "locked_until"],
    },
    ActionKind {
        code: "staff.create_first_admin",
        label: "Création du premier administrateur",
        fields: STAFF_FIELDS,
    },
    ActionKind {
        code: "staff.create",
        label: "Création d'un compte",
        fields: STAFF_FIELDS,
    },
    ActionKind {
        code: "staff.enable",
        label: "Réactivation d'un compte",
        fields: STAFF_FIELDS,
    },
    ActionKind {
        code: "staff.disable",
        label: "Désactivation d'un compte",
        fields: STAFF_FIELDS,
    },
    ActionKind {
        code: "staff.reset_password",
        label: "Nouveau mot de passe provisoire",
        fields: STAFF_FIELDS,
    },
    ActionKind {
        code: "staff.role_and_sites",
        label: "Changement de rôle ou de sites",
        fields: STAFF_FIELDS,
    },
    ActionKind {
        code: "staff.change_password",
        label: "Changement de son mot de passe",
        fields: STAFF_FIELDS,
    },
    ActionKind {
        code: "family.contact",
        label: "Modification des coordonnées",
        fields: CONTACT_FIELDS,
    },
    ActionKind {
        code: "dossier.create",
        label: "Création du dossier de réinscription",
        fields: DOSSIER_FIELDS,
    },
    ActionKind {
        code: "dossier.update",
        label: "Modification du dossier de réinscription",
        fields: DOSSIER_FIELDS,
    },
    ActionKind {
        code: "reinscription.validate",
        label: "Validation de la réinscription",
        fields: &[
            "intent",
            "status",
            "acknowledgement_number",
            "image_rights",
            "may_leave_alone",
        ],
    },
    ActionKind {
        code: "reinscription.correct",
        label: "Correction de la réinscription validée",
        fields: &[
            "status",
            "acknowledgement_number",
            "acknowledgement_version",
            "correction_reason",
            "image_rights",
            "may_leave_alone",
        ],
    },
    ActionKind {
        code: "reinscription.draft",
        label: "Brouillon de réinscription enregistré",
        fields: &["step", "version"],
    },
    ActionKind {
        code: "reinscription.decline",
        label: "Non-réinscription",
        fields: &["intent", "reason", "text"],
    },
    ActionKind {
        code: "document.upload",
        label: "Dépôt d'un document",
        fields: &["doc_type", "file_name"],
    },
    ActionKind {
        code: "document.accept",
        label: "Document accepté",
        fields: &[
            "status",
            "rejection_reason",
            "rejection_note",
            "document_date",
            "quotient_familial",
            "revenu_fiscal",
            "tax_parts",
            "review_note",
        ],
    },
    ActionKind {
        code: "document.reject",
        label: "Document refusé",
        fields: &[
            "status",
            "rejection_reason",
            "rejection_note",
            "document_date",
            "quotient_familial",
            "revenu_fiscal",
            "tax_parts",
            "review_note",
        ],
    },
    ActionKind {
        code: "document.purge",
        label: "Document retiré (durée de conservation)",
        fields: &["doc_type", "reason", "size_bytes"],
    },
    ActionKind {
        code: "document.replace",
        label: "Document remplacé par le secrétariat",
        fields: &["status", "replaced_by", "doc_type", "file_name"],
    },
    ActionKind {
        code: "document.reminder",
        label: "Relance pour des pièces manquantes",
        fields: &["asked", "recipient", "site_id", "campaign_id"],
    },
    ActionKind {
        code: "document.missing_export",
        label: "Export de la liste des pièces manquantes (CSV)",
        fields: &["rows", "file_name"],
    },
    ActionKind {
        code: "family.archive",
        label: "Archive des données d'une famille (droit d'accès)",
        fields: &["file_name", "documents", "entries"],
    },
    ActionKind {
        code: "document.open",
        label: "Consultation d'un document",
        fields: &["doc_type", "file_name"],
    },
    ActionKind {
        code: "seat.take",
        label: "Place attribuée dans un créneau",
        fields: &["slot_id", "student_id", "course_id", "school_year_id"],
    },
    ActionKind {
        code: "slot.capacity",
        label: "Changement de capacité d'un créneau",
        fields: SLOT_FIELDS,
    },
    ActionKind {
        code: "slot.update",
        label: "Modification d'un créneau (jour, horaire, professeur, salle, ouverture)",
        fields: SLOT_FIELDS,
    },
    ActionKind {
        code: "course.create",
        label: "Ajout d'un cours à l'offre",
        fields: &[
            "site_id",
            "school_year_id",
            "discipline_id",
            "name",
            "cycle",
            "level",
            "seat_mode",
        ],
    },
    ActionKind {
        code: "slot.create",
        label: "Ajout d'un créneau",
        fields: SLOT_FIELDS,
    },
    ActionKind {
        code: "offer.rollover",
        label: "Offre de l'année suivante préparée (copie des cours et créneaux)",
        fields: &[
            "school_year_id",
            "to_year_id",
            "to_label",
            "year_created",
            "courses_created",
            "courses_kept",
            "slots_created",
        ],
    },
    ActionKind {
        code: "reminder.queue",
        label: "Relance des familles sans réponse (courriels placés dans la file d'envoi)",
        fields: &["families", "without_email", "already_pending"],
    },
    ActionKind {
        code: "campaign.create",
        label: "Création d'une campagne",
        fields: CAMPAIGN_FIELDS,
    },
    ActionKind {
        code: "campaign.update",
        label: "Modification d'une campagne (dates, ouverture, clôture)",
        fields: CAMPAIGN_FIELDS,
    },
    ActionKind {
        code: "waiting.join",
        label: "Inscription sur une liste d'attente",
        fields: &["slot_id", "student_id", "rank", "course"],
    },
    ActionKind {
        code: "waiting.reorder",
        label: "Liste d'attente réordonnée",
        fields: &["order", "rank", "reason"],
    },
    ActionKind {
        code: "waiting.offer",
        label: "Place libérée proposée au premier de la liste d'attente",
        fields: &[
            "rank",
            "slot_id",
            "course",
            "offer_expires_at",
            "notified",
            "passed_from",
        ],
    },
    ActionKind {
        code: "waiting.give",
        label: "Place proposée confirmée : l'élève prend la place",
        fields: &["waiting_rank", "slot_id", "course", "when", "notified"],
    },
    ActionKind {
        code: "waiting.offer_declined",
        label: "Place proposée refusée par la famille",
        fields: &["slot_id", "course", "offer_expires_at"],
    },
    ActionKind {
        code: "waiting.offer_lapsed",
        label: "Place proposée non confirmée dans le délai",
        fields: &["slot_id", "course", "offer_expires_at", "notified"],
    },
    ActionKind {
        code: "enrolment.move",
        label: "Changement de créneau d'un élève",
        fields: &["slot_id"],
    },
    ActionKind {
        code: "enrolment.withdraw",
        label: "Retrait d'un élève de son créneau",
        fields: &["status", "slot_id", "reason"],
    },
    ActionKind {
        code: "reinscription.export",
        label: "Export de la liste des réinscriptions (CSV)",
        fields: &["rows", "file_name"],
    },
    ActionKind {
        code: "journal.export",
        label: "Export du journal (CSV)",
        fields: &[
            "from",
            "until",
            "staff_id",
            "actor_kind",
            "action_prefix",
            "entity_type",
            "entity_id",
            "family_id",
            "student_id",
            "rows",
            "file_name",
        ],
    },
    ActionKind {
        code: "row.insert",
        label: "Ajout fait directement dans la base",
        fields: ROW_FIELDS,
    },
    ActionKind {
        code: "row.update",
        label: "Modification faite directement dans la base",
        fields: ROW_FIELDS,
    },
    ActionKind {
        code: "row.delete",
        label: "Suppression faite directement dans la base",
        fields: ROW_FIELDS,
    },
    ActionKind {
        code: "demo.seed",
        label: "Données de démonstration",
        fields: &["students", "families", "slots"],
    },
];

/// The French label of an audit action (`staff.create` → « Création d'un
/// compte »). An action unknown to this build shows its code.
pub fn action_label(action: &str) -> &str {
    ACTIONS
        .iter()
        .find(|a| a.code == action)
        .map_or(action, |a| a.label)
}

/// The families of actions an administrator filters the log by.
pub const ACTION_GROUPS: [(&str, &str); 16] = [
    ("auth.", "Connexions"),
    ("staff.", "Comptes du personnel"),
    ("family.", "Familles et coordonnées"),
    ("dossier.", "Dossiers de réinscription"),
    ("reinscription.", "Validations de réinscription"),
    ("document.", "Documents"),
    ("seat.", "Places dans les créneaux"),
    ("slot.", "Capacités des créneaux"),
    ("waiting.", "Listes d'attente"),
    ("offer.", "Offre de cours de l'année suivante"),
    ("reminder.", "Relances des familles"),
    ("campaign.", "Campagnes"),
    ("course.", "Cours ajoutés à l'offre"),
    ("enrolment.", "Changements et retraits de créneau"),
    ("journal.", "Exports du journal"),
    ("row.", "Modifications faites directement dans la base"),
];

/// The French words for an action filter (`document.` → « Documents »,
/// `staff.create` → « Création d'un compte »).
pub fn action_prefix_label(prefix: &str) -> &str {
    ACTION_GROUPS
        .iter()
        .find(|(p, _)| *p == prefix)
        .map_or_else(|| action_label(prefix), |(_, l)| l)
}

/// The French label of who acted: `family`, `staff` or `system`.
pub fn actor_kind_label(kind: &str) -> &'static str {
    match kind {
        "family" => "Famille (extranet)",
        "staff" => "Personnel",
        "system" => "Système",
        _ => "?",
    }
}

/// The French name of every key an entry's before/after values hold
/// (the `fields` of [`ACTIONS`]).
pub const FIELD_LABELS: &[(&str, &str)] = &[
    ("replaced_by", "Remplacé par le document n°"),
    ("replaced_at", "Remplacé le"),
    ("asked", "Pièces demandées"),
    ("outbox_id", "Message n°"),
    ("sent_by_staff_id", "Envoyée par"),
    ("reminder_days", "Délai avant une nouvelle relance (jours)"),
    ("documents", "Documents PDF"),
    ("entries", "Entrées d'historique"),
    ("address_line", "Adresse"),
    ("address_extra", "Complément d'adresse"),
    ("postcode", "Code postal"),
    ("town", "Commune"),
    ("guardians", "Responsables légaux"),
    ("name", "Nom"),
    ("phone_mobile", "Téléphone portable"),
    ("phone_home", "Téléphone domicile"),
    ("phone_work", "Téléphone professionnel"),
    ("email", "Courriel"),
    ("status", "Statut"),
    ("intent", "Choix"),
    ("no_reason", "Motif de non-réinscription"),
    ("additional_info", "Information complémentaire"),
    ("image_rights", "Droit à l'image"),
    ("may_leave_alone", "Autorisation de sortie"),
    ("client_id", "N° de saisie"),
    ("campaign_id", "Campagne de réinscription"),
    ("doc_type", "Type de document"),
    ("file_name", "Fichier"),
    ("rejection_reason", "Motif du refus"),
    ("rejection_note", "Message à la famille"),
    ("review_note", "Note de l'examen"),
    ("quotient_familial", "Quotient familial"),
    ("revenu_fiscal", "Revenu fiscal de référence"),
    ("tax_parts", "Nombre de parts"),
    ("purged_at", "Retiré le"),
    ("reviewing_staff_id", "En cours d'examen par"),
    ("reviewing_since", "En cours d'examen depuis"),
    ("acknowledgement_number", "N° d'accusé de réception"),
    (
        "acknowledgement_version",
        "Version de l'accusé de réception",
    ),
    ("correction_reason", "Motif de la correction"),
    ("reason", "Motif"),
    ("text", "Précision"),
    ("role", "Rôle"),
    ("sites", "Sites"),
    ("site_id", "Site"),
    ("active", "Actif"),
    ("login", "Identifiant"),
    ("display_name", "Nom"),
    ("must_change_password", "Mot de passe provisoire à changer"),
    ("failed_attempts", "Échecs de connexion successifs"),
    ("locked_until", "Verrouillé jusqu'au"),
    ("is_demo", "Compte de démonstration"),
    ("id", "Numéro"),
    ("version", "Version"),
    ("step", "Étape"),
    ("created_at", "Créé le"),
    ("updated_at", "Modifié le"),
    ("slot_id", "Créneau"),
    ("student_id", "Élève"),
    ("family_id", "Famille"),
    ("staff_id", "Compte"),
    ("course_id", "Cours"),
    ("school_year_id", "Année scolaire"),
    ("day_of_week", "Jour"),
    ("starts_at", "Début"),
    ("ends_at", "Fin"),
    ("teacher", "Professeur"),
    ("room", "Salle"),
    ("capacity", "Capacité"),
    ("seats_taken", "Places prises"),
    ("from", "Depuis le"),
    ("until", "Avant le"),
    ("actor_kind", "Auteur"),
    ("action_prefix", "Type d'action"),
    ("entity_type", "Type de fiche"),
    ("entity_id", "Fiche"),
    ("rows", "Lignes exportées"),
    ("students", "Élèves"),
    ("families", "Familles"),
    ("slots", "Créneaux"),
    ("family_number", "N° de famille"),
    ("hosted", "Hébergée"),
    ("rank", "Rang"),
    ("order", "Ordre de la liste"),
    ("waiting_rank", "Rang sur la liste d'attente"),
    ("course", "Cours"),
    ("when", "Horaire"),
    ("notified", "Famille prévenue par courriel"),
    ("open", "Ouvert aux inscriptions"),
    ("to_year_id", "Année scolaire préparée"),
    ("to_label", "Année préparée"),
    ("year_created", "Année scolaire créée"),
    ("courses_created", "Cours créés"),
    ("courses_kept", "Cours déjà présents"),
    ("slots_created", "Créneaux créés"),
    ("without_email", "Familles sans adresse électronique"),
    (
        "already_pending",
        "Familles déjà relancées (en attente d'envoi)",
    ),
    ("last_name", "Nom de famille"),
    ("first_name", "Prénom"),
    ("relationship", "Lien"),
    ("birth_date", "Date de naissance"),
    ("sex", "Sexe"),
    ("school_level", "Niveau scolaire"),
    ("school_name", "Établissement scolaire"),
    ("nationality", "Nationalité"),
    ("cham", "Classe à horaires aménagés"),
    ("outcome", "Résultat"),
    ("accepted_at", "Accepté le"),
    ("validated_by_kind", "Validé par"),
    ("validated_by_staff_id", "Validé par le compte"),
    ("validation_channel", "Canal de validation"),
    ("reinscription_id", "Dossier"),
    ("sha256", "Empreinte SHA-256"),
    ("size_bytes", "Taille (octets)"),
    ("page_count", "Pages"),
    ("document_date", "Date du document"),
    ("uploaded_by_kind", "Déposé par"),
    ("uploaded_by_staff_id", "Déposé par le compte"),
    ("uploaded_at", "Déposé le"),
    ("reviewed_by_staff_id", "Vérifié par le compte"),
    ("reviewed_at", "Vérifié le"),
    ("kind", "Nature"),
    ("recipient", "Destinataire"),
    ("payload", "Contenu"),
    ("attempts", "Tentatives"),
    ("last_error", "Dernière erreur"),
    ("sent_at", "Envoyé le"),
    ("discipline_id", "Discipline"),
    ("cycle", "Cycle"),
    ("level", "Niveau"),
    ("seat_mode", "Attribution des places"),
    ("label", "Libellé"),
    ("opens_at", "Ouverture"),
    ("closes_at", "Clôture"),
    ("documents_deadline", "Date limite des documents"),
    (
        "seat_offer_days",
        "Délai de confirmation d'une place proposée (jours)",
    ),
    ("offered_at", "Place proposée le"),
    ("offer_expires_at", "Place proposée jusqu'au"),
    ("passed_from", "Place laissée par l'élève"),
    ("code", "Code"),
];

/// The French name of a field recorded in an entry's before/after values;
/// a key unknown to this build shows as itself.
pub fn field_label(field: &str) -> &str {
    FIELD_LABELS
        .iter()
        .find(|(k, _)| *k == field)
        .map_or(field, |(_, l)| l)
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
    fn every_action_and_every_key_it_writes_has_french_words() {
        for action in ACTIONS {
            assert_ne!(action_label(action.code), action.code);
            assert!(
                ACTION_GROUPS
                    .iter()
                    .any(|(p, _)| action.code.starts_with(p))
                    || action.code == "demo.seed",
                "{} belongs to no group",
                action.code
            );
            for key in action.fields {
                assert_ne!(field_label(key), *key, "{}: {key}", action.code);
            }
        }
        let mut codes: Vec<_> = ACTIONS.iter().map(|a| a.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ACTIONS.len(), "an action is listed twice");
        assert_eq!(action_prefix_label("document."), "Documents");
        assert_eq!(action_prefix_label("staff.create"), "Création d'un compte");
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
