//! Reading the audit log for people: each entry told in French (who, what,
//! which values changed), the administrators' filter resolved against the
//! database, and the CSV export (written whole or not at all).

use std::path::Path;

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use portee_domain::{
    Site,
    family::FieldError,
    journal::{
        EntityRef, JournalFilter, action_label, action_prefix_label, actor_kind_label, field_label,
    },
    labels,
};
use portee_store::{Actor, ActorKind, AuditFilter, AuditRow, Database, StoreError};

use crate::export::CsvExport;
use serde_json::Value;

/// One value that changed, with its French name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// An entry as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Told {
    /// JJ/MM/AAAA HH:MM, local time.
    pub when: String,
    pub actor_label: String,
    pub action_label: String,
    pub entity_label: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}", .0.message)]
    Field(FieldError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("Le fichier d'export n'a pas pu être écrit ({0}).")]
    Write(String),
}

fn local(t: DateTime<Utc>) -> DateTime<Local> {
    t.with_timezone(&Local)
}

pub fn when(t: DateTime<Utc>) -> String {
    local(t).format("%d/%m/%Y %H:%M").to_string()
}

/// Who acted, in French.
pub fn actor_label(row: &AuditRow) -> String {
    match (row.actor_kind.as_str(), &row.staff_name, &row.staff_login) {
        ("staff", Some(name), Some(login)) => format!("Personnel : {name} ({login})"),
        (kind, _, _) => actor_kind_label(kind).to_owned(),
    }
}

/// The French word for a kind of record (`entity_type`).
fn entity_kind(entity_type: &str) -> &str {
    match entity_type {
        "family" => "Famille",
        "guardian" => "Responsable légal",
        "student" => "Élève",
        "reinscription" | "dossier" => "Dossier",
        "document" => "Document",
        "staff" => "Compte",
        "slot" => "Créneau",
        "enrolment" => "Inscription",
        "sign_in" => "Connexion",
        "journal" => "Export du journal",
        "database" => "Base",
        // Row entries of the PostgreSQL triggers name their table.
        "families" => "Famille",
        "guardians" => "Responsable légal",
        "students" => "Élève",
        "enrolments" => "Inscription",
        "waiting_list" => "Liste d'attente",
        "reinscriptions" => "Dossier",
        "reinscription_courses" => "Cours d'un dossier",
        "documents" => "Document",
        "outbox" => "Courriel à envoyer",
        "courses" => "Cours",
        "slots" => "Créneau",
        "campaigns" => "Campagne",
        "staff_sites" => "Sites d'un compte",
        "sites" => "Site",
        other => other,
    }
}

fn entity_label(row: &AuditRow) -> String {
    format!("{} {}", entity_kind(&row.entity_type), row.entity_id)
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => "oui".to_owned(),
        Value::Bool(false) => "non".to_owned(),
        Value::String(s) if s.is_empty() => "—".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Value::Object(_) => v.to_string(),
    }
}

/// A value of key `key` as people read it: site ids become site names,
/// codes their French words, instants JJ/MM/AAAA HH:MM, record ids « n° 12 »,
/// booleans oui/non.
fn told_value(key: &str, v: &Value) -> String {
    let number = v.as_i64();
    match (key, v) {
        (_, Value::Null) => "—".to_owned(),
        ("site_id", _) if number.is_some() => {
            Site::name_of(i16::try_from(number.unwrap_or(0)).unwrap_or(0)).to_owned()
        }
        ("sites", Value::Array(items)) if items.is_empty() => "aucun".to_owned(),
        ("sites", Value::Array(items)) => items
            .iter()
            .map(|i| told_value("site_id", i))
            .collect::<Vec<_>>()
            .join(", "),
        ("day_of_week", _) if number.is_some() => {
            labels::day(i16::try_from(number.unwrap_or(0)).unwrap_or(0)).to_owned()
        }
        (
            "id" | "student_id" | "family_id" | "staff_id" | "slot_id" | "course_id"
            | "campaign_id" | "school_year_id",
            _,
        ) if number.is_some() => format!("n° {}", number.unwrap_or(0)),
        ("actor_kind", Value::String(k)) => actor_kind_label(k).to_owned(),
        ("action_prefix", Value::String(p)) => action_prefix_label(p).to_owned(),
        ("entity_type", Value::String(t)) => entity_kind(t).to_owned(),
        ("from" | "until" | "locked_until" | "created_at" | "updated_at", Value::String(t)) => {
            DateTime::parse_from_rfc3339(t)
                .map(|t| when(t.with_timezone(&Utc)))
                .unwrap_or_else(|_| t.clone())
        }
        (_, Value::String(code)) => labels::value(key, code)
            .map(str::to_owned)
            .unwrap_or_else(|| scalar(v)),
        _ => scalar(v),
    }
}

/// Flattens an entry's JSON into (label, value) pairs; guardians become
/// « Nom Prénom — Téléphone portable ».
fn flatten(v: &Value, out: &mut Vec<(String, String)>) {
    let Value::Object(map) = v else {
        return;
    };
    for (key, value) in map {
        match (key.as_str(), value) {
            ("guardians", Value::Array(items)) => {
                for g in items {
                    let Value::Object(gm) = g else { continue };
                    let who = gm.get("name").map(scalar).unwrap_or_default();
                    for (k, gv) in gm {
                        if k == "id" || k == "name" {
                            continue;
                        }
                        out.push((format!("{who} — {}", field_label(k)), told_value(k, gv)));
                    }
                }
            }
            _ => out.push((field_label(key).to_owned(), told_value(key, value))),
        }
    }
}

/// The values that differ between `before` and `after` (every value of
/// `after` when there is no `before`).
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<Change> {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<Value>(s).ok());
    let (mut b, mut a) = (Vec::new(), Vec::new());
    if let Some(v) = parse(before) {
        flatten(&v, &mut b);
    }
    if let Some(v) = parse(after) {
        flatten(&v, &mut a);
    }
    let mut out = Vec::new();
    for (field, after) in &a {
        let before = b
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "—".to_owned());
        if &before != after {
            out.push(Change {
                field: field.clone(),
                before,
                after: after.clone(),
            });
        }
    }
    out
}

/// What a masked entry says (a change about a child of the family followed
/// on a site the reader does not cover): no name, no detail.
pub const OTHER_SITE_CHILD_LABEL: &str = "Un autre enfant de la famille, suivi sur un autre site";

pub fn tell(row: &AuditRow) -> Told {
    if row.masked {
        return Told {
            when: when(row.occurred_at),
            actor_label: actor_kind_label(&row.actor_kind).to_owned(),
            action_label: OTHER_SITE_CHILD_LABEL.to_owned(),
            entity_label: String::new(),
            changes: Vec::new(),
        };
    }
    Told {
        when: when(row.occurred_at),
        actor_label: actor_label(row),
        action_label: action_label(&row.action).to_owned(),
        entity_label: entity_label(row),
        changes: changes(row.before_json.as_deref(), row.after_json.as_deref()),
    }
}

/// The start of `day` in local time, as UTC.
fn day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Local
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// Resolves `filter` against the database: a staff identifier becomes its
/// account, a family number its family.
pub async fn resolve(db: &Database, filter: &JournalFilter) -> Result<AuditFilter, JournalError> {
    let mut out = AuditFilter {
        from: filter.from.map(day_start),
        until: filter.to.and_then(|d| d.succ_opt()).map(day_start),
        actor_kind: filter.actor_kind.and_then(ActorKind::from_code),
        action_prefix: filter.action_prefix.map(str::to_owned),
        ..Default::default()
    };
    if let Some(login) = &filter.staff_login {
        let staff = db.staff_by_login(login).await?.ok_or_else(|| {
            JournalError::Field(FieldError {
                field: "staff_login".into(),
                message: "Aucun compte ne porte cet identifiant.".into(),
            })
        })?;
        out.staff_id = Some(staff.id);
    }
    match &filter.entity {
        None => {}
        Some(EntityRef::Family(id)) => out.family_id = Some(*id),
        Some(EntityRef::FamilyNumber(number)) => {
            let id = db.family_by_number(number).await?.ok_or_else(|| {
                JournalError::Field(FieldError {
                    field: "entity".into(),
                    message: "Aucune famille ne porte ce numéro.".into(),
                })
            })?;
            out.family_id = Some(id);
        }
        Some(EntityRef::Student(id)) => out.student_id = Some(*id),
        Some(EntityRef::Document(id)) => {
            out.entity_type = Some("document".into());
            out.entity_id = Some(id.to_string());
        }
        Some(EntityRef::Staff(id)) => {
            out.entity_type = Some("staff".into());
            out.entity_id = Some(id.to_string());
        }
        Some(EntityRef::Dossier(id)) => {
            out.entity_type = Some("reinscription".into());
            out.entity_id = Some(id.to_string());
        }
    }
    Ok(out)
}

const EXPORT_PAGE: u32 = 2000;

/// Writes every entry matching `filter` to `path` as CSV (semicolons and a
/// UTF-8 byte-order mark, as French spreadsheets expect; cells that a
/// spreadsheet would run as formulas neutralised), newest first. The file
/// (0600 on Unix) is written beside `path` and renamed at the end, once the
/// export is recorded in the audit log as `journal.export` by `actor`: an
/// interrupted or unaudited export leaves no file. Returns the number of
/// entries.
pub async fn export_csv(
    db: &Database,
    filter: &AuditFilter,
    path: &Path,
    actor: &Actor,
) -> Result<u64, JournalError> {
    let write_err = |e: &dyn std::fmt::Display| JournalError::Write(e.to_string());
    let partial = path.with_extension("csv.partiel");
    let file = crate::export::create_private(&partial).map_err(|e| write_err(&e))?;
    let result = async {
        let rows = write_entries(db, filter, std::io::BufWriter::new(file)).await?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        db.record_journal_export(filter, rows, &file_name, actor)
            .await?;
        Ok::<u64, JournalError>(rows)
    }
    .await;
    match result {
        Ok(rows) => {
            std::fs::rename(&partial, path).map_err(|e| write_err(&e))?;
            Ok(rows)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Writes every entry matching `filter` to `out` as the journal's CSV
/// (the export's and the right-of-access archive's); returns how many.
pub async fn write_entries<W: std::io::Write>(
    db: &Database,
    filter: &AuditFilter,
    out: W,
) -> Result<u64, JournalError> {
    let write_err = |e: &dyn std::fmt::Display| JournalError::Write(e.to_string());
    let mut csv = CsvExport::new(out).map_err(|e| write_err(&e))?;
    csv.write_record([
        "n°",
        "date",
        "auteur",
        "identifiant",
        "poste",
        "action",
        "libellé",
        "entité",
        "famille",
        "élève",
        "avant",
        "après",
    ])
    .map_err(|e| write_err(&e))?;
    let mut page = filter.clone();
    let mut rows = 0u64;
    loop {
        let entries = db.audit_entries(&page, EXPORT_PAGE).await?;
        for row in &entries {
            csv.write_record([
                row.id.to_string(),
                local(row.occurred_at)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                actor_label(row),
                row.staff_login.clone().unwrap_or_default(),
                row.workstation.clone(),
                row.action.clone(),
                action_label(&row.action).to_owned(),
                entity_label(row),
                row.family_id.map(|i| i.to_string()).unwrap_or_default(),
                row.student_id.map(|i| i.to_string()).unwrap_or_default(),
                row.before_json.clone().unwrap_or_default(),
                row.after_json.clone().unwrap_or_default(),
            ])
            .map_err(|e| write_err(&e))?;
        }
        rows += entries.len() as u64;
        match entries.last() {
            Some(last) if entries.len() == EXPORT_PAGE as usize => page.before_id = Some(last.id),
            _ => break,
        }
    }
    csv.flush().map_err(|e| write_err(&e))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_list_only_what_differs_with_french_names() {
        let before = r#"{"postcode":"92190","town":"Meudon","guardians":[{"id":1,"name":"Anne Martin","phone_mobile":"06 12 34 56 78","email":null}]}"#;
        let after = r#"{"postcode":"92190","town":"Sèvres","guardians":[{"id":1,"name":"Anne Martin","phone_mobile":"07 00 00 00 01","email":null}]}"#;
        let c = changes(Some(before), Some(after));
        assert_eq!(
            c,
            vec![
                Change {
                    field: "Anne Martin — Téléphone portable".into(),
                    before: "06 12 34 56 78".into(),
                    after: "07 00 00 00 01".into()
                },
                Change {
                    field: "Commune".into(),
                    before: "Meudon".into(),
                    after: "Sèvres".into()
                },
            ]
        );
        // Keys come in alphabetical order. A creation lists what was set;
        // broken JSON lists nothing.
        let created = changes(None, Some(r#"{"active":true,"sites":[5,6]}"#));
        assert_eq!(created[0].after, "oui");
        assert_eq!(created[1].after, "Meudon, Sèvres");
        assert!(changes(Some("{"), Some("pas du json")).is_empty());
    }

    /// A plausible value for `key`, as the store writes it.
    fn sample(key: &str) -> Value {
        match key {
            "site_id" => serde_json::json!(5),
            "sites" => serde_json::json!([5, 6]),
            "day_of_week" => serde_json::json!(3),
            "role" => serde_json::json!("agent"),
            "status" => serde_json::json!("validated"),
            "intent" => serde_json::json!("ne_pas_reinscrire"),
            "doc_type" => serde_json::json!("attestation_caf"),
            "actor_kind" => serde_json::json!("staff"),
            "action_prefix" => serde_json::json!("document."),
            "entity_type" => serde_json::json!("reinscription"),
            "from" | "until" | "locked_until" | "created_at" | "updated_at" => {
                serde_json::json!("2026-12-02T09:30:00Z")
            }
            "active" | "image_rights" | "may_leave_alone" | "must_change_password" | "is_demo" => {
                serde_json::json!(true)
            }
            "guardians" => serde_json::json!([{
                "id": 1, "name": "Anne Martin", "phone_mobile": "06 12 34 56 78",
                "phone_home": null, "phone_work": null, "email": "anne@exemple.fr"
            }]),
            k if k == "id" || k.ends_with("_id") => serde_json::json!(12),
            "failed_attempts" | "capacity" | "seats_taken" | "version" | "rows" | "students"
            | "families" | "slots" => serde_json::json!(3),
            _ => serde_json::json!("Texte saisi"),
        }
    }

    fn snake_case_word(text: &str) -> Option<&str> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .find(|w| w.contains('_') && w.chars().any(|c| c.is_ascii_lowercase()))
    }

    #[test]
    fn every_field_of_every_action_reads_in_french() {
        for action in portee_domain::journal::ACTIONS {
            let mut values = serde_json::Map::new();
            for key in action.fields {
                values.insert((*key).to_owned(), sample(key));
            }
            let after = Value::Object(values).to_string();
            let row = AuditRow {
                id: 1,
                occurred_at: Utc::now(),
                actor_kind: "staff".into(),
                staff_id: Some(3),
                staff_login: Some("agent.meudon".into()),
                staff_name: Some("Claire Dubois".into()),
                workstation: "poste-1".into(),
                action: action.code.into(),
                entity_type: "staff".into(),
                entity_id: "3".into(),
                before_json: None,
                after_json: Some(after),
                family_id: None,
                student_id: None,
                masked: false,
            };
            let told = tell(&row);
            assert_eq!(told.action_label, action.label);
            let text: Vec<String> = told
                .changes
                .iter()
                .flat_map(|c| [c.field.clone(), c.after.clone()])
                .chain([told.entity_label.clone(), told.action_label.clone()])
                .collect();
            let text = text.join(" | ");
            assert!(!told.changes.is_empty(), "{}: nothing told", action.code);
            assert_eq!(snake_case_word(&text), None, "{}: {text}", action.code);
            for key in action.fields {
                if *key == "name" || *key == "id" {
                    continue;
                }
                assert!(
                    told.changes
                        .iter()
                        .all(|c| !c.field.split(" — ").any(|f| f == *key)),
                    "{}: raw key {key} in {text}",
                    action.code
                );
            }
            for raw in [
                "validated",
                "document.",
                "reinscription",
                "agent |",
                "attestation_caf",
            ] {
                assert!(
                    !text.contains(raw),
                    "{}: raw code {raw} in {text}",
                    action.code
                );
            }
        }
        // The review's example: a sign-in's site reads « Site — Meudon ».
        let c = changes(None, Some(r#"{"site_id":5}"#));
        assert_eq!(
            c,
            vec![Change {
                field: "Site".into(),
                before: "—".into(),
                after: "Meudon".into()
            }]
        );
    }
}
