//! Writing a generated demo network (`portee-demo`) into an empty database,
//! in one transaction: either all of it is there, or nothing.

use std::collections::HashMap;

use portee_demo::DemoNetwork;
use portee_domain::search::{GuardianKeys, StudentKeys, student_tokens};
use sqlx::QueryBuilder;

use crate::{
    Database, StoreError,
    audit::{Actor, AuditEntry, append_audit, now},
    pool::{WritePool, is_postgres, on_pool},
};

/// Rows per INSERT statement (well under both databases' bind limits).
const CHUNK: usize = 1000;

/// Inserts `rows` into `$table ($cols)` in chunks; `$push` binds one row.
macro_rules! bulk {
    ($tx:expr, $head:expr, $rows:expr, |$b:ident, $row:pat_param| $push:block) => {{
        let rows: Vec<_> = $rows.collect();
        for chunk in rows.chunks(CHUNK) {
            let mut qb = QueryBuilder::new($head);
            qb.push_values(chunk.iter().cloned(), |mut $b, $row| $push);
            qb.build().execute(&mut *$tx).await?;
        }
    }};
}

/// The search tokens of every student of `net` (ids are index + 1): token,
/// student, weight, the student's site.
fn search_tokens(net: &DemoNetwork) -> Vec<(String, i64, i16, i16)> {
    let mut by_family: HashMap<usize, Vec<GuardianKeys<'_>>> = HashMap::new();
    for g in &net.guardians {
        by_family.entry(g.family).or_default().push(GuardianKeys {
            last_name: &g.last_name,
            first_name: &g.first_name,
            phones: [
                g.phone_mobile.as_deref(),
                g.phone_home.as_deref(),
                g.phone_work.as_deref(),
            ],
            email: g.email.as_deref(),
        });
    }
    let mut out = Vec::new();
    for (s, student) in net.students.iter().enumerate() {
        let keys = StudentKeys {
            last_name: &student.last_name,
            first_name: &student.first_name,
            birth_date: student.birth_date,
            family_number: &net.families[student.family].family_number,
        };
        let guardians = by_family
            .get(&student.family)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let id = s as i64 + 1;
        out.extend(
            student_tokens(keys, guardians)
                .into_iter()
                .map(|(t, w)| (t, id, w, student.site_id)),
        );
    }
    out
}

/// One past event of the demo network, as an audit row.
#[derive(Clone)]
struct PastEvent {
    at: chrono::DateTime<chrono::Utc>,
    actor_kind: &'static str,
    staff_id: Option<i64>,
    workstation: &'static str,
    action: &'static str,
    entity_type: &'static str,
    entity_id: i64,
    after: Option<String>,
    family_id: i64,
    student_id: Option<i64>,
}

/// Validations and document uploads and reviews of `net`, oldest first.
fn demo_history(net: &DemoNetwork) -> Vec<PastEvent> {
    let id = |i: usize| i as i64 + 1;
    let by = |kind: Option<&'static str>, staff: Option<usize>| match (kind, staff) {
        (Some("staff"), Some(s)) => ("staff", Some(id(s)), "accueil"),
        _ => ("family", None, "extranet"),
    };
    let mut out = Vec::new();
    for (i, r) in net.reinscriptions.iter().enumerate() {
        let (Some(at), "validated") = (r.accepted_at, r.status) else {
            continue;
        };
        let (actor_kind, staff_id, workstation) = by(r.validated_by_kind, r.validated_by_staff);
        out.push(PastEvent {
            at,
            actor_kind,
            staff_id,
            workstation,
            action: "reinscription.validate",
            entity_type: "reinscription",
            entity_id: id(i),
            after: Some(
                serde_json::json!({
                    "intent": r.intent, "status": r.status,
                    "acknowledgement_number": r.acknowledgement_number,
                    "image_rights": r.image_rights, "may_leave_alone": r.may_leave_alone,
                })
                .to_string(),
            ),
            family_id: id(net.students[r.student].family),
            student_id: Some(id(r.student)),
        });
    }
    for (i, d) in net.documents.iter().enumerate() {
        if let Some(at) = d.uploaded_at {
            let (actor_kind, staff_id, workstation) = by(d.uploaded_by_kind, d.uploaded_by_staff);
            out.push(PastEvent {
                at,
                actor_kind,
                staff_id,
                workstation,
                action: "document.upload",
                entity_type: "document",
                entity_id: id(i),
                after: Some(
                    serde_json::json!({ "doc_type": d.doc_type, "file_name": d.file_name })
                        .to_string(),
                ),
                family_id: id(d.family),
                student_id: None,
            });
        }
        if let (Some(at), Some(staff)) = (d.reviewed_at, d.reviewed_by_staff) {
            out.push(PastEvent {
                at,
                actor_kind: "staff",
                staff_id: Some(id(staff)),
                workstation: "accueil",
                action: if d.status == "rejected" { "document.reject" } else { "document.accept" },
                entity_type: "document",
                entity_id: id(i),
                after: Some(
                    serde_json::json!({ "status": d.status, "rejection_reason": d.rejection_reason }).to_string(),
                ),
                family_id: id(d.family),
                student_id: None,
            });
        }
    }
    out.sort_by_key(|e| e.at);
    out
}

/// The tables whose ids the seed writes itself (their identity must move
/// past them on PostgreSQL): every table but those keyed otherwise or
/// filled by identity.
fn sequenced() -> impl Iterator<Item = &'static str> {
    crate::stats::TABLES.into_iter().filter(|t| {
        !matches!(
            *t,
            "sites" | "staff_sites" | "audit_log" | "outbox" | "search_tokens"
        )
    })
}

/// Why the demo seed refuses a database with real staff accounts.
const REAL_STAFF: &str = "La base contient des comptes du personnel réels : les données de démonstration \
     (dont les mots de passe sont publics) ne vont que dans une base neuve, jamais dans une base en service.";

impl Database {
    /// True when the database holds no family yet (a new database).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM families").fetch_one(pool).await?;
            Ok(n == 0)
        })
    }

    /// True when this database is marked as a demo (only the demo seed
    /// marks it) and holds demo accounts: only then may the sign-in screen
    /// show the demo accounts and their public passwords.
    pub async fn has_demo_accounts(&self) -> Result<bool, StoreError> {
        if let Database::Postgres(p) = self {
            // Readable before sign-in (portee_connexion), see migration 0007.
            return Ok(
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM portee_demo_accounts())")
                    .fetch_one(p)
                    .await?,
            );
        }
        on_pool!(self, pool => {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM staff WHERE is_demo \
                 AND EXISTS (SELECT 1 FROM database_settings WHERE id = 1 AND demo)",
            )
            .fetch_one(pool)
            .await?;
            Ok(n > 0)
        })
    }

    /// True when the demo seed marked this database as a demo.
    pub async fn is_demo_database(&self) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let demo: Option<bool> = sqlx::query_scalar("SELECT demo FROM database_settings WHERE id = 1")
                .fetch_optional(pool)
                .await?;
            Ok(demo.unwrap_or(false))
        })
    }

    /// True when the database holds staff accounts that are not demo ones
    /// (real people): the demo seed refuses such a database.
    pub async fn has_real_staff(&self) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff WHERE NOT is_demo").fetch_one(pool).await?;
            Ok(n > 0)
        })
    }

    /// Writes `net` into this empty, migrated database. `password_hashes`
    /// holds one Argon2id hash per `net.staff` entry, in order (SQLite's
    /// accounts), `scram_verifiers` one SCRAM verifier each (PostgreSQL's:
    /// each demo account becomes a login role, see
    /// `portee_staff_login_role`, migration 0007).
    ///
    /// On PostgreSQL this runs as a superuser or the owner (`portee-admin
    /// seed`): the rows are written with `portee.bulk` set, so the audit
    /// triggers leave the bulk to the one `demo.seed` entry and the
    /// network's past written here.
    #[tracing::instrument(skip_all, fields(students = net.students.len()), err)]
    pub async fn insert_demo(
        &self,
        net: &DemoNetwork,
        password_hashes: &[String],
        scram_verifiers: &[String],
        actor: &Actor,
    ) -> Result<(), StoreError> {
        if password_hashes.len() != net.staff.len() || scram_verifiers.len() != net.staff.len() {
            return Err(StoreError::Invalid {
                message: "Un mot de passe chiffré par compte est attendu.".into(),
            });
        }
        if !self.is_empty().await? {
            return Err(StoreError::Invalid {
                message: "La base contient déjà des familles : les données de démonstration ne vont que dans une base vide.".into(),
            });
        }
        if self.has_real_staff().await? {
            return Err(StoreError::Invalid {
                message: REAL_STAFF.into(),
            });
        }
        let id = |i: usize| i as i64 + 1;
        let tokens = search_tokens(net);
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if is_postgres(pool) {
                sqlx::query("SELECT set_config('portee.bulk', 'on', true)").execute(&mut *tx).await?;
            }
            bulk!(tx, "INSERT INTO school_years (id, label, start_year, starts_on, ends_on) ",
                net.school_years.iter().enumerate(), |b, (i, y)| {
                b.push_bind(id(i)).push_bind(&y.label).push_bind(y.start_year).push_bind(y.starts_on).push_bind(y.ends_on);
            });
            bulk!(tx, "INSERT INTO campaigns (id, school_year_id, label, opens_at, closes_at, documents_deadline, status, version) ",
                net.campaigns.iter().enumerate(), |b, (i, c)| {
                b.push_bind(id(i)).push_bind(id(c.school_year)).push_bind(&c.label).push_bind(c.opens_at)
                    .push_bind(c.closes_at).push_bind(c.documents_deadline).push_bind(c.status).push_bind(c.version);
            });
            bulk!(tx, "INSERT INTO families (id, family_number, address_line, address_extra, postcode, town, hosted, created_at, updated_at, version) ",
                net.families.iter().enumerate(), |b, (i, f)| {
                b.push_bind(id(i)).push_bind(&f.family_number).push_bind(&f.address_line).push_bind(&f.address_extra)
                    .push_bind(&f.postcode).push_bind(&f.town).push_bind(f.hosted).push_bind(f.created_at)
                    .push_bind(f.updated_at).push_bind(f.version);
            });
            bulk!(tx, "INSERT INTO guardians (id, family_id, rank, last_name, first_name, relationship, phone_mobile, phone_home, phone_work, email, version) ",
                net.guardians.iter().enumerate(), |b, (i, g)| {
                b.push_bind(id(i)).push_bind(id(g.family)).push_bind(g.rank).push_bind(&g.last_name).push_bind(&g.first_name)
                    .push_bind(g.relationship).push_bind(&g.phone_mobile).push_bind(&g.phone_home).push_bind(&g.phone_work)
                    .push_bind(&g.email).push_bind(g.version);
            });
            bulk!(tx, "INSERT INTO students (id, family_id, site_id, last_name, first_name, birth_date, sex, school_level, school_name, nationality, cham, created_at, updated_at, version) ",
                net.students.iter().enumerate(), |b, (i, s)| {
                b.push_bind(id(i)).push_bind(id(s.family)).push_bind(s.site_id).push_bind(&s.last_name).push_bind(&s.first_name)
                    .push_bind(s.birth_date).push_bind(s.sex).push_bind(&s.school_level).push_bind(&s.school_name)
                    .push_bind(&s.nationality).push_bind(s.cham).push_bind(s.created_at).push_bind(s.updated_at).push_bind(s.version);
            });
            bulk!(tx, "INSERT INTO disciplines (id, code, name, kind) ", net.disciplines.iter().enumerate(), |b, (i, d)| {
                b.push_bind(id(i)).push_bind(&d.code).push_bind(&d.name).push_bind(d.kind);
            });
            bulk!(tx, "INSERT INTO courses (id, discipline_id, site_id, school_year_id, name, cycle, level, seat_mode) ",
                net.courses.iter().enumerate(), |b, (i, c)| {
                b.push_bind(id(i)).push_bind(id(c.discipline)).push_bind(c.site_id).push_bind(id(c.school_year))
                    .push_bind(&c.name).push_bind(c.cycle).push_bind(&c.level).push_bind(c.seat_mode);
            });
            bulk!(tx, "INSERT INTO slots (id, course_id, day_of_week, starts_at, ends_at, teacher, room, capacity, seats_taken, version) ",
                net.slots.iter().enumerate(), |b, (i, s)| {
                b.push_bind(id(i)).push_bind(id(s.course)).push_bind(s.day_of_week).push_bind(&s.starts_at).push_bind(&s.ends_at)
                    .push_bind(&s.teacher).push_bind(&s.room).push_bind(s.capacity).push_bind(s.seats_taken).push_bind(s.version);
            });
            bulk!(tx, "INSERT INTO enrolments (id, student_id, course_id, slot_id, school_year_id, status, outcome, created_at) ",
                net.enrolments.iter().enumerate(), |b, (i, e)| {
                b.push_bind(id(i)).push_bind(id(e.student)).push_bind(id(e.course)).push_bind(e.slot.map(id))
                    .push_bind(id(e.school_year)).push_bind(e.status).push_bind(e.outcome).push_bind(e.created_at);
            });
            bulk!(tx, "INSERT INTO waiting_list (id, slot_id, student_id, rank, created_at) ",
                net.waiting_list.iter().enumerate(), |b, (i, w)| {
                b.push_bind(id(i)).push_bind(id(w.slot)).push_bind(id(w.student)).push_bind(w.rank).push_bind(w.created_at);
            });
            bulk!(tx, "INSERT INTO staff (id, login, display_name, role, password_hash, active, must_change_password, failed_attempts, locked_until, is_demo, created_at, updated_at, version) ",
                net.staff.iter().zip(password_hashes).enumerate(), |b, (i, (s, hash))| {
                b.push_bind(id(i)).push_bind(&s.login).push_bind(&s.display_name).push_bind(s.role).push_bind(hash)
                    .push_bind(s.active).push_bind(s.must_change_password).push_bind(s.failed_attempts).push_bind(s.locked_until)
                    .push_bind(s.is_demo).push_bind(s.created_at).push_bind(s.updated_at).push_bind(s.version);
            });
            bulk!(tx, "INSERT INTO staff_sites (staff_id, site_id) ",
                net.staff.iter().enumerate().flat_map(|(i, s)| s.sites.iter().map(move |site| (i, *site))), |b, (i, site)| {
                b.push_bind(id(i)).push_bind(site);
            });
            bulk!(tx, "INSERT INTO reinscriptions (id, student_id, campaign_id, client_id, intent, no_reason, status, image_rights, may_leave_alone, additional_info, accepted_at, validated_by_kind, validated_by_staff_id, validation_channel, acknowledgement_number, acknowledgement_version, validated_at, version, created_at, updated_at) ",
                net.reinscriptions.iter().enumerate(), |b, (i, r)| {
                // A numbered dossier is at its acknowledgement's first version.
                let numbered = r.acknowledgement_number.is_some();
                b.push_bind(id(i)).push_bind(id(r.student)).push_bind(id(r.campaign)).push_bind(r.client_id).push_bind(r.intent)
                    .push_bind(&r.no_reason).push_bind(r.status).push_bind(r.image_rights).push_bind(r.may_leave_alone)
                    .push_bind(&r.additional_info).push_bind(r.accepted_at).push_bind(r.validated_by_kind)
                    .push_bind(r.validated_by_staff.map(id)).push_bind(r.validation_channel).push_bind(&r.acknowledgement_number)
                    .push_bind(i32::from(numbered)).push_bind(if numbered { r.accepted_at } else { None })
                    .push_bind(r.version).push_bind(r.created_at).push_bind(r.updated_at);
            });
            bulk!(tx, "INSERT INTO reinscription_courses (id, reinscription_id, course_id, slot_id) ",
                net.reinscription_courses.iter().enumerate(), |b, (i, c)| {
                b.push_bind(id(i)).push_bind(id(c.reinscription)).push_bind(id(c.course)).push_bind(c.slot.map(id));
            });
            bulk!(tx, "INSERT INTO documents (id, family_id, campaign_id, doc_type, status, rejection_reason, file_name, content, sha256, size_bytes, page_count, document_date, uploaded_by_kind, uploaded_by_staff_id, uploaded_at, reviewed_by_staff_id, reviewed_at, version) ",
                net.documents.iter().enumerate(), |b, (i, d)| {
                b.push_bind(id(i)).push_bind(id(d.family)).push_bind(id(d.campaign)).push_bind(d.doc_type).push_bind(d.status)
                    .push_bind(&d.rejection_reason).push_bind(&d.file_name).push_bind(&d.content).push_bind(&d.sha256)
                    .push_bind(d.size_bytes).push_bind(d.page_count).push_bind(d.document_date).push_bind(d.uploaded_by_kind)
                    .push_bind(d.uploaded_by_staff.map(id)).push_bind(d.uploaded_at).push_bind(d.reviewed_by_staff.map(id))
                    .push_bind(d.reviewed_at).push_bind(d.version);
            });
            bulk!(tx, "INSERT INTO search_tokens (token, student_id, weight, site_id) ", tokens.iter(), |b, (t, s, w, site)| {
                b.push_bind(t).push_bind(s).push_bind(w).push_bind(site);
            });
            // The demo's past: who validated each dossier and who uploaded
            // and reviewed each document, as the audit log would hold it.
            let history = demo_history(net);
            bulk!(tx, "INSERT INTO audit_log (occurred_at, actor_kind, staff_id, workstation, action, entity_type, entity_id, before_json, after_json, family_id, student_id) ",
                history.iter(), |b, h| {
                b.push_bind(h.at).push_bind(h.actor_kind).push_bind(h.staff_id).push_bind(h.workstation)
                    .push_bind(h.action).push_bind(h.entity_type).push_bind(h.entity_id.to_string())
                    .push_bind(None::<String>).push_bind(&h.after).push_bind(h.family_id).push_bind(h.student_id);
            });
            if matches!(self, Database::Postgres(_)) {
                // Explicit ids were written: move each identity past them.
                for table in sequenced() {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    )))
                    .execute(&mut *tx)
                    .await?;
                }
            }
            if is_postgres(pool) {
                // Each demo account is a login role (the staff INSERT's
                // trigger made it; shared with every other demo database of
                // the server: same identifiers, same public passwords).
                for (i, verifier) in scram_verifiers.iter().enumerate() {
                    sqlx::query("SELECT portee_staff_password($1, $2, FALSE, NULL)")
                        .bind(id(i))
                        .bind(verifier)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("SELECT set_config('portee.bulk', 'off', true)").execute(&mut *tx).await?;
            }
            // Only now is this database a demo (its accounts' passwords are public).
            sqlx::query(
                "INSERT INTO database_settings (id, demo) VALUES (1, TRUE) \
                 ON CONFLICT (id) DO UPDATE SET demo = TRUE",
            )
            .execute(&mut *tx)
            .await?;
            append_audit!(&mut *tx, actor, now(), AuditEntry {
                action: "demo.seed",
                entity_type: "database",
                entity_id: "demo".into(),
                before: None,
                after: Some(format!(
                    "{{\"students\":{},\"families\":{},\"slots\":{}}}",
                    net.students.len(), net.families.len(), net.slots.len()
                )),
                ..Default::default()
            })?;
            tx.commit().await?;
            Ok(())
        })
    }
}
