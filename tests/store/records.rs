//! The fiche élève, coordonnées changes, document openings and the audit
//! log read back (history and filters), on both databases, over a small
//! demo network.

use portee_domain::{
    family::{ContactInput, FamilyContact, GuardianContactInput},
    search::SearchQuery,
};
use portee_services::journal;
use portee_store::{Actor, ActorKind, AuditFilter, Database, StoreError};
use portee_tests::db::TestDb;

use crate::each_backend_as_member as each_backend;
use crate::{demo_db, scalar};

/// A student of a family with a first guardian, and that guardian's id.
async fn some_student(db: &Database) -> anyhow::Result<(i64, i64)> {
    let id = scalar(
        db,
        "SELECT MIN(s.id) FROM students s JOIN guardians g ON g.family_id = s.family_id AND g.rank = 1",
    )
    .await?;
    let record = db.student_record(id).await?;
    Ok((id, record.guardians[0].id))
}

fn contact_for(record: &portee_store::StudentRecord, mobile: &str) -> ContactInput {
    ContactInput {
        address_line: "3 allée des Tilleuls".into(),
        address_extra: "Bâtiment B".into(),
        postcode: "92190".into(),
        town: "Meudon".into(),
        guardians: record
            .guardians
            .iter()
            .enumerate()
            .map(|(i, g)| GuardianContactInput {
                guardian_id: g.id,
                phone_mobile: if i == 0 {
                    mobile.to_owned()
                } else {
                    g.phone_mobile.clone().unwrap_or_default()
                },
                phone_home: g.phone_home.clone().unwrap_or_default(),
                phone_work: g.phone_work.clone().unwrap_or_default(),
                email: g.email.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

#[tokio::test]
async fn the_fiche_eleve_reads_identity_family_courses_and_documents() {
    each_backend(|t: TestDb| async move {
        let db = demo_db(&t).await?;
        let (id, _) = some_student(&db).await?;
        let r = db.student_record(id).await?;
        anyhow::ensure!(r.student.id == id && r.family.id == r.student.family_id);
        anyhow::ensure!(!r.guardians.is_empty() && r.guardians[0].rank == 1);
        anyhow::ensure!(r.siblings.iter().all(|s| s.id != id));
        let enrolled = scalar(
            &db,
            &format!("SELECT COUNT(*) FROM enrolments WHERE student_id = {id}"),
        )
        .await?;
        anyhow::ensure!(
            r.enrolments.len() as i64 == enrolled,
            "{} ≠ {enrolled}",
            r.enrolments.len()
        );
        let docs = scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM documents WHERE family_id = {}",
                r.family.id
            ),
        )
        .await?;
        anyhow::ensure!(r.documents.len() as i64 == docs);
        anyhow::ensure!(matches!(
            db.student_record(999_999).await,
            Err(StoreError::NotFound)
        ));
        db.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_contact_change_is_versioned_audited_and_rewrites_the_search_keys() {
    each_backend(|t: TestDb| async move {
        let db = demo_db(&t).await?;
        let (id, _) = some_student(&db).await?;
        let before = db.student_record(id).await?;
        let family = before.family.id;
        let old_phone = before.guardians[0].phone_mobile.clone();
        let staff = scalar(&db, "SELECT MIN(id) FROM staff").await?;
        let actor = Actor::staff(staff, "poste-test");
        let audit_before =
            scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE origin = 'app'").await?;

        let contact = FamilyContact::parse(&contact_for(&before, "07 98 76 54 32"))
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let after = db
            .update_family_contact(family, before.family.version, &contact, &actor)
            .await?;
        anyhow::ensure!(after.version == before.family.version + 1);
        anyhow::ensure!(
            after.address_line == "3 allée des Tilleuls"
                && after.address_extra.as_deref() == Some("Bâtiment B")
        );

        // The new number finds the student; the old one no longer does.
        let hits = db
            .search_students(&SearchQuery::parse("07 98 76 54 32")?, 10)
            .await?;
        anyhow::ensure!(
            hits.iter().any(|h| h.student_id == id),
            "new phone not found"
        );
        if let Some(old) = old_phone {
            let hits = db.search_students(&SearchQuery::parse(&old)?, 10).await?;
            anyhow::ensure!(
                hits.iter().all(|h| h.family_id != family),
                "old phone still found"
            );
        }
        // The student's name still finds them (tokens rewritten, not lost).
        let hits = db
            .search_students(
                &SearchQuery::parse(&format!(
                    "{} {}",
                    before.student.first_name, before.student.last_name
                ))?,
                50,
            )
            .await?;
        anyhow::ensure!(hits.iter().any(|h| h.student_id == id));

        // One audit entry, with before and after, on the family.
        anyhow::ensure!(
            scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE origin = 'app'").await?
                == audit_before + 1
        );
        let rows = db
            .audit_entries(
                &AuditFilter {
                    family_id: Some(family),
                    action_prefix: Some("family.".into()),
                    ..Default::default()
                },
                10,
            )
            .await?;
        anyhow::ensure!(rows.len() == 1);
        let row = &rows[0];
        anyhow::ensure!(
            row.actor_kind == "staff"
                && row.staff_id == Some(staff)
                && row.workstation == "poste-test"
        );
        let changes = journal::changes(row.before_json.as_deref(), row.after_json.as_deref());
        anyhow::ensure!(
            changes
                .iter()
                .any(|c| c.field.ends_with("Téléphone portable") && c.after == "07 98 76 54 32"),
            "{changes:?}"
        );
        anyhow::ensure!(
            changes
                .iter()
                .any(|c| c.field == "Adresse" && c.after == "3 allée des Tilleuls")
        );

        // A second save from the version read before: refused, nothing changed.
        let stale = FamilyContact::parse(&contact_for(&before, "06 00 00 00 01"))
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let refused = db
            .update_family_contact(family, before.family.version, &stale, &actor)
            .await;
        anyhow::ensure!(matches!(refused, Err(StoreError::Conflict)), "{refused:?}");
        let now = db.student_record(id).await?;
        anyhow::ensure!(now.guardians[0].phone_mobile.as_deref() == Some("07 98 76 54 32"));
        anyhow::ensure!(
            scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE origin = 'app'").await?
                == audit_before + 1
        );

        // A guardian of another family: refused inside the transaction.
        let stranger = scalar(
            &db,
            &format!("SELECT MIN(id) FROM guardians WHERE family_id <> {family}"),
        )
        .await?;
        let mut input = contact_for(&now, "06 11 11 11 11");
        input.guardians[0].guardian_id = stranger;
        let wrong = FamilyContact::parse(&input).map_err(|e| anyhow::anyhow!(e.message))?;
        let refused = db
            .update_family_contact(family, now.family.version, &wrong, &actor)
            .await;
        anyhow::ensure!(
            matches!(refused, Err(StoreError::Invalid { .. })),
            "{refused:?}"
        );
        anyhow::ensure!(db.student_record(id).await?.family.version == now.family.version);
        anyhow::ensure!(
            scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE origin = 'app'").await?
                == audit_before + 1
        );
        db.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_student_history_tells_family_edits_from_staff_edits_newest_first() {
    each_backend(|t: TestDb| async move {
        let db = demo_db(&t).await?;
        // A student whose dossier the family validated on the extranet.
        let id = scalar(
            &db,
            "SELECT MIN(r.student_id) FROM reinscriptions r WHERE r.status = 'validated' AND r.validated_by_kind = 'family'",
        )
        .await?;
        let record = db.student_record(id).await?;
        let history = AuditFilter { student: Some((id, record.family.id)), ..Default::default() };
        let rows = db.audit_entries(&history, 100).await?;
        anyhow::ensure!(
            rows.iter().any(|r| r.actor_kind == "family" && r.action == "reinscription.validate" && r.workstation == "extranet"),
            "no family validation in {rows:?}"
        );
        // Another student's entries never show up.
        anyhow::ensure!(rows.iter().all(|r| r.student_id.is_none_or(|s| s == id)));
        anyhow::ensure!(rows.iter().all(|r| r.family_id == Some(record.family.id)));

        // A staff edit comes first, told as staff.
        let staff = scalar(&db, "SELECT MIN(id) FROM staff WHERE role = 'agent'").await?;
        let contact = FamilyContact::parse(&contact_for(&record, "07 12 12 12 12")).map_err(|e| anyhow::anyhow!(e.message))?;
        db.update_family_contact(record.family.id, record.family.version, &contact, &Actor::staff(staff, "accueil-meudon"))
            .await?;
        let rows = db.audit_entries(&history, 100).await?;
        anyhow::ensure!(rows[0].action == "family.contact" && rows[0].actor_kind == "staff");
        anyhow::ensure!(rows[0].staff_name.is_some() && rows[0].staff_login.is_some());
        anyhow::ensure!(journal::actor_label(&rows[0]).starts_with("Personnel : "));
        anyhow::ensure!(rows.windows(2).all(|w| w[0].id > w[1].id), "not newest first");

        // Paging: two pages of one entry each are the two newest entries.
        let first = db.audit_entries(&history, 1).await?;
        let second = db
            .audit_entries(&AuditFilter { before_id: Some(first[0].id), ..history.clone() }, 1)
            .await?;
        anyhow::ensure!(first[0].id == rows[0].id && second[0].id == rows[1].id);
        db.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn opening_a_document_is_audited_before_it_is_handed_out() {
    each_backend(|t: TestDb| async move {
        let db = demo_db(&t).await?;
        let doc = scalar(&db, "SELECT MIN(id) FROM documents WHERE doc_type = 'avis_imposition' AND content IS NOT NULL").await?;
        let staff = scalar(&db, "SELECT MIN(id) FROM staff").await?;
        let opened = db.open_document(doc, &Actor::staff(staff, "poste")).await?;
        anyhow::ensure!(opened.content.starts_with(b"%PDF-"));
        anyhow::ensure!(opened.doc_type == "avis_imposition");
        let rows = db
            .audit_entries(&AuditFilter { entity_type: Some("document".into()), entity_id: Some(doc.to_string()), action_prefix: Some("document.open".into()), ..Default::default() }, 10)
            .await?;
        anyhow::ensure!(rows.len() == 1 && rows[0].staff_id == Some(staff) && rows[0].family_id == Some(opened.family_id));
        // A missing document (no file) or an unknown id: nothing handed out, nothing recorded.
        let count = scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE origin = 'app'").await?;
        let missing = scalar(&db, "SELECT COALESCE(MIN(id), 0) FROM documents WHERE content IS NULL").await?;
        if missing > 0 {
            anyhow::ensure!(matches!(db.open_document(missing, &Actor::staff(staff, "poste")).await, Err(StoreError::NotFound)));
        }
        anyhow::ensure!(matches!(db.open_document(987_654, &Actor::staff(staff, "poste")).await, Err(StoreError::NotFound)));
        anyhow::ensure!(scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE origin = 'app'").await? == count);
        db.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_whole_log_filters_by_author_action_and_dates_and_exports_as_csv() {
    each_backend(|t: TestDb| async move {
        let db = demo_db(&t).await?;
        let all = db.audit_entries(&AuditFilter::default(), 5000).await?;
        anyhow::ensure!(all.len() > 10, "{} entries", all.len());
        let family_only = db
            .audit_entries(
                &AuditFilter {
                    actor_kind: Some(ActorKind::Family),
                    ..Default::default()
                },
                5000,
            )
            .await?;
        anyhow::ensure!(
            !family_only.is_empty() && family_only.iter().all(|r| r.actor_kind == "family")
        );
        let docs = db
            .audit_entries(
                &AuditFilter {
                    action_prefix: Some("document.".into()),
                    ..Default::default()
                },
                5000,
            )
            .await?;
        anyhow::ensure!(!docs.is_empty() && docs.iter().all(|r| r.action.starts_with("document.")));
        let staff_id = docs
            .iter()
            .find_map(|r| r.staff_id)
            .expect("a staff review");
        let by_staff = db
            .audit_entries(
                &AuditFilter {
                    staff_id: Some(staff_id),
                    ..Default::default()
                },
                5000,
            )
            .await?;
        anyhow::ensure!(
            !by_staff.is_empty() && by_staff.iter().all(|r| r.staff_id == Some(staff_id))
        );
        // Dates: a window around one entry holds it, and nothing outside.
        let pick = &all[all.len() / 2];
        let window = AuditFilter {
            from: Some(pick.occurred_at - chrono::Duration::hours(1)),
            until: Some(pick.occurred_at + chrono::Duration::hours(1)),
            ..Default::default()
        };
        let around = db.audit_entries(&window, 5000).await?;
        anyhow::ensure!(around.iter().any(|r| r.id == pick.id));
        anyhow::ensure!(around.iter().all(
            |r| r.occurred_at >= window.from.unwrap() && r.occurred_at < window.until.unwrap()
        ));

        // The exports below are the acting member's own (on PostgreSQL the
        // database writes them in the session's name, whatever is claimed):
        // admin.demo, the first account.
        let me = scalar(&db, "SELECT MIN(id) FROM staff").await?;
        // A workstation named like a spreadsheet formula (any text cell could be).
        let formula = "=HYPERLINK(\"http://exemple.invalid\";\"x\")";
        db.record_journal_export(
            &AuditFilter::default(),
            0,
            "avant.csv",
            &Actor::staff(me, formula),
        )
        .await?;
        let all = db.audit_entries(&AuditFilter::default(), 5000).await?;

        // CSV: a header, then one line per entry; quotes and semicolons survive.
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("journal.csv");
        let exporter = Actor::staff(me, "poste-export");
        let rows = journal::export_csv(&db, &AuditFilter::default(), &path, &exporter).await?;
        anyhow::ensure!(rows == all.len() as u64, "{rows} ≠ {}", all.len());
        let bytes = std::fs::read(&path)?;
        anyhow::ensure!(bytes.starts_with("\u{feff}".as_bytes()));
        // Every line ends with CRLF (RFC 4180, Excel on Windows).
        let text = String::from_utf8_lossy(&bytes);
        anyhow::ensure!(
            text.ends_with("\r\n") && text.matches('\n').count() == text.matches("\r\n").count(),
            "fins de ligne sans CR"
        );
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&bytes[3..]);
        anyhow::ensure!(reader.headers()?.get(1) == Some("date"));
        let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
        anyhow::ensure!(records.len() == all.len());
        anyhow::ensure!(records[0].get(0) == Some(all[0].id.to_string().as_str()));
        anyhow::ensure!(records[0].get(11) == all[0].after_json.as_deref().or(Some("")));
        anyhow::ensure!(!dir.path().join("journal.csv.partiel").exists());
        // The formula is text in the spreadsheet.
        let poste = records
            .iter()
            .find(|r| r.get(0) == Some(all[0].id.to_string().as_str()))
            .and_then(|r| r.get(4));
        anyhow::ensure!(poste == Some(format!("'{formula}").as_str()), "{poste:?}");
        // The export itself is in the log: who, which filter, how many lines.
        let exports = db
            .audit_entries(
                &AuditFilter {
                    action_prefix: Some("journal.export".into()),
                    staff_id: Some(me),
                    ..Default::default()
                },
                10,
            )
            .await?;
        let entry = &exports[0];
        anyhow::ensure!(entry.workstation == "poste-export", "{entry:?}");
        let after: serde_json::Value =
            serde_json::from_str(entry.after_json.as_deref().unwrap_or("null"))?;
        anyhow::ensure!(after["rows"] == serde_json::json!(rows), "{after}");
        anyhow::ensure!(after["file_name"] == "journal.csv", "{after}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
            anyhow::ensure!(mode == 0o600, "{mode:o}");
        }
        db.close().await;
        Ok(())
    })
    .await;
}
