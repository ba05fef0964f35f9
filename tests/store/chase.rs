//! Who still owes what, on both databases: the pièces manquantes list
//! follows the document rule and each document's state, and moves when a
//! document is accepted or attached; reminders are queued in the outbox,
//! recorded on the family and audited, a second one within the delay only
//! once confirmed; replacing a document keeps the old one in the history;
//! the right-of-access archive holds the facts, the history and the PDFs.
//! On PostgreSQL: a member of another site can neither read nor write the
//! reminders, and two workstations reminding a family at once send one.

use std::io::Read;

use portee_domain::review::Decision;
use portee_store::{Actor, Database, NewDocument, REPLACED_REASON, ReplacementFile, StoreError};
use portee_tests::db::{Kind, TestDb};

use crate::{demo_dbs, each_backend_as_member, execute, scalar};

/// The site with the most families re-enrolling a child, and the campaign.
async fn busiest_site(setup: &Database) -> anyhow::Result<(i16, i64)> {
    let campaign = setup.current_campaign_id().await?;
    let site = scalar(
        setup,
        &format!(
            "SELECT CAST(s.site_id AS BIGINT) FROM students s JOIN reinscriptions r ON r.student_id = s.id \
             WHERE r.campaign_id = {campaign} AND r.intent = 'reinscrire' AND r.status <> 'cancelled' \
             GROUP BY s.site_id ORDER BY COUNT(DISTINCT s.family_id) DESC, s.site_id LIMIT 1"
        ),
    )
    .await?;
    Ok((i16::try_from(site)?, campaign))
}

/// The statuses of a family's current documents of a type.
async fn statuses(
    setup: &Database,
    family: i64,
    campaign: i64,
    doc_type: &str,
) -> anyhow::Result<Vec<String>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT status FROM documents WHERE family_id = {family} AND campaign_id = {campaign} \
         AND doc_type = '{doc_type}' AND replaced_by IS NULL"
    ));
    Ok(match setup {
        Database::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await?,
        Database::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await?,
    })
}

#[tokio::test]
async fn the_missing_list_follows_the_rule_and_each_documents_state() {
    each_backend_as_member(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let (site, campaign) = busiest_site(&setup).await?;
        let list = db.missing_documents(site, campaign).await?;
        let in_scope = scalar(
            &setup,
            &format!(
                "SELECT COUNT(DISTINCT s.family_id) FROM students s JOIN reinscriptions r ON r.student_id = s.id \
                 WHERE s.site_id = {site} AND r.campaign_id = {campaign} AND r.intent = 'reinscrire' \
                 AND r.status <> 'cancelled'"
            ),
        )
        .await?;
        anyhow::ensure!(list.families as i64 == in_scope && in_scope > 0, "{} / {in_scope}", list.families);
        anyhow::ensure!(!list.rows.is_empty(), "the demo has families owing documents");
        anyhow::ensure!(list.rows.len() <= list.families);
        for row in &list.rows {
            let hosted = scalar(&setup, &format!("SELECT CAST(CASE WHEN hosted THEN 1 ELSE 0 END AS BIGINT) FROM families WHERE id = {}", row.family_id)).await? == 1;
            anyhow::ensure!(!row.owed.is_empty());
            anyhow::ensure!(!row.children.is_empty(), "children named");
            for owed in &row.owed {
                let code = owed.kind.code();
                anyhow::ensure!(
                    if hosted { code != "justificatif_domicile" } else { !code.ends_with("hebergeant") },
                    "{code} asked of a family hosted={hosted}"
                );
                let held = statuses(&setup, row.family_id, campaign, code).await?;
                anyhow::ensure!(!held.iter().any(|s| s == "accepted"), "{code} accepted yet owed");
                use portee_domain::chase::OwedState;
                match &owed.state {
                    OwedState::Missing => anyhow::ensure!(
                        held.iter().all(|s| s == "missing"),
                        "{code}: {held:?} said missing"
                    ),
                    OwedState::Received => anyhow::ensure!(held.iter().any(|s| s == "received")),
                    OwedState::Refused { reason, .. } => anyhow::ensure!(
                        held.iter().any(|s| s == "rejected") && !held.iter().any(|s| s == "received")
                            && !reason.is_empty()
                    ),
                }
            }
        }
        // Accepting what a family had sent takes it off its list.
        let (row, kind) = list
            .rows
            .iter()
            .find_map(|r| {
                r.owed
                    .iter()
                    .find(|o| o.state == portee_domain::chase::OwedState::Received && !o.kind.must_be_recent())
                    .map(|o| (r, o.kind))
            })
            .expect("a family with a document awaiting review");
        let doc = scalar(
            &setup,
            &format!(
                "SELECT MIN(id) FROM documents WHERE family_id = {} AND campaign_id = {campaign} \
                 AND doc_type = '{}' AND status = 'received'",
                row.family_id,
                kind.code()
            ),
        )
        .await?;
        let admin = scalar(&setup, "SELECT id FROM staff WHERE login = 'admin.demo'").await?;
        let me = Actor::staff(admin, "poste-test");
        let version = db.review_document(doc).await?.version;
        let tax = kind == portee_domain::reinscription::DocumentKind::TaxNotice;
        db.decide_document(
            doc,
            version,
            &Decision::Accept {
                document_date: None,
                quotient_familial: None,
                revenu_fiscal: tax.then_some(21_000),
                tax_parts: tax.then_some(2.5),
                review_note: None,
            },
            &me,
        )
        .await?
        .map_err(|c| anyhow::anyhow!(c.message))?;
        let after = db.missing_documents(site, campaign).await?;
        let still = after.rows.iter().find(|r| r.family_id == row.family_id);
        anyhow::ensure!(
            still.is_none_or(|r| !r.owed.iter().any(|o| o.kind == kind)),
            "accepted, no longer owed"
        );
        // Attaching a missing one makes it « à examiner ».
        if let Some((row, kind)) = after.rows.iter().find_map(|r| {
            r.owed
                .iter()
                .find(|o| o.state == portee_domain::chase::OwedState::Missing)
                .map(|o| (r, o.kind))
        }) {
            let pdf = std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pdf-corpus/valid/minimal-handwritten-1.4.pdf"),
            )?;
            db.attach_document(
                &NewDocument {
                    family_id: row.family_id,
                    campaign_id: campaign,
                    doc_type: kind.code(),
                    file_name: "recu.pdf",
                    content: &pdf,
                    sha256: "0",
                    page_count: 1,
                    document_date: None,
                },
                &me,
            )
            .await?;
            let again = db.missing_documents(site, campaign).await?;
            let r = again.rows.iter().find(|r| r.family_id == row.family_id).expect("still owing");
            anyhow::ensure!(r.owed.iter().any(|o| o.kind == kind && o.state == portee_domain::chase::OwedState::Received));
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn reminders_are_queued_recorded_audited_and_a_second_one_needs_confirmation() {
    each_backend_as_member(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let (site, campaign) = busiest_site(&setup).await?;
        let admin = scalar(&setup, "SELECT id FROM staff WHERE login = 'admin.demo'").await?;
        let me = Actor::staff(admin, "poste-test");
        let list = db.missing_documents(site, campaign).await?;
        let asked: Vec<_> = list
            .rows
            .iter()
            .filter(|r| r.email.is_some() && r.owed.iter().any(|o| o.asked_of_family()))
            .take(2)
            .collect();
        anyhow::ensure!(asked.len() == 2, "two families to remind");
        let ids: Vec<i64> = asked.iter().map(|r| r.family_id).collect();
        let outbox = |setup: Database| async move {
            scalar(&setup, "SELECT COUNT(*) FROM outbox WHERE kind = 'documents_reminder'").await
        };
        let sent = db.send_document_reminders(site, campaign, &ids, false, &me).await?;
        anyhow::ensure!(sent.sent.len() == 2 && sent.needs_confirmation.is_empty(), "{sent:?}");
        anyhow::ensure!(outbox(setup.clone()).await? == 2);
        for row in &asked {
            let payload: String = match &setup {
                Database::Postgres(p) => sqlx::query_scalar(
                    "SELECT o.payload FROM outbox o JOIN students s ON s.id = o.student_id \
                     WHERE o.kind = 'documents_reminder' AND s.family_id = $1",
                ).bind(row.family_id).fetch_one(p).await?,
                Database::Sqlite(p) => sqlx::query_scalar(
                    "SELECT o.payload FROM outbox o JOIN students s ON s.id = o.student_id \
                     WHERE o.kind = 'documents_reminder' AND s.family_id = $1",
                ).bind(row.family_id).fetch_one(p).await?,
            };
            let mail: serde_json::Value = serde_json::from_str(&payload)?;
            let body = mail["body"].as_str().unwrap_or_default();
            for owed in row.owed.iter().filter(|o| o.asked_of_family()) {
                anyhow::ensure!(body.contains(owed.kind.label()), "{body}");
            }
            anyhow::ensure!(body.contains(&row.family_number));
            anyhow::ensure!(mail["subject"].as_str().unwrap_or_default().contains("pièces à fournir"));
            let recorded = scalar(
                &setup,
                &format!(
                    "SELECT COUNT(*) FROM document_reminders WHERE family_id = {} AND campaign_id = {campaign} \
                     AND sent_by_staff_id = {admin} AND site_id = {site} AND outbox_id IS NOT NULL",
                    row.family_id
                ),
            )
            .await?;
            anyhow::ensure!(recorded == 1);
            let audited = scalar(
                &setup,
                &format!(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'document.reminder' AND family_id = {}",
                    row.family_id
                ),
            )
            .await?;
            anyhow::ensure!(audited == 1, "{audited} audit entries");
        }
        // The list says it.
        let listed = db.missing_documents(site, campaign).await?;
        for id in &ids {
            let r = listed.rows.iter().find(|r| r.family_id == *id).expect("listed");
            anyhow::ensure!(r.reminders == 1 && r.last_reminder.is_some());
        }
        // Again within the delay: confirmation asked, nothing sent.
        let again = db.send_document_reminders(site, campaign, &ids, false, &me).await?;
        anyhow::ensure!(again.needs_confirmation.len() == 2 && again.sent.is_empty(), "{again:?}");
        anyhow::ensure!(outbox(setup.clone()).await? == 2);
        // Confirmed: sent.
        let confirmed = db.send_document_reminders(site, campaign, &ids, true, &me).await?;
        anyhow::ensure!(confirmed.sent.len() == 2, "{confirmed:?}");
        anyhow::ensure!(outbox(setup.clone()).await? == 4);
        // Past the campaign's delay, no confirmation is needed.
        execute(&setup, &format!("UPDATE campaigns SET reminder_days = 1 WHERE id = {campaign}")).await?;
        execute(&setup, "UPDATE document_reminders SET sent_at = '2020-01-01T00:00:00Z'").await.ok();
        // A family without e-mail is listed as such, nothing recorded.
        let third = listed
            .rows
            .iter()
            .find(|r| !ids.contains(&r.family_id) && r.owed.iter().any(|o| o.asked_of_family()))
            .expect("a third family");
        execute(&setup, &format!("UPDATE guardians SET email = NULL WHERE family_id = {}", third.family_id)).await?;
        let none = db.send_document_reminders(site, campaign, &[third.family_id], false, &me).await?;
        anyhow::ensure!(none.without_email.len() == 1 && none.sent.is_empty(), "{none:?}");
        anyhow::ensure!(
            scalar(&setup, &format!("SELECT COUNT(*) FROM document_reminders WHERE family_id = {}", third.family_id)).await? == 0
        );
        // A family that is not on the list: nothing to ask.
        let unknown = db.send_document_reminders(site, campaign, &[i64::MAX], false, &me).await?;
        anyhow::ensure!(unknown.nothing_to_ask == vec![i64::MAX] && unknown.sent.is_empty());
        anyhow::ensure!(matches!(
            db.send_document_reminders(site, campaign, &[], false, &me).await,
            Err(StoreError::Invalid { .. })
        ));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn replacing_a_document_keeps_the_old_one_in_the_history() {
    each_backend_as_member(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let admin = scalar(&setup, "SELECT id FROM staff WHERE login = 'admin.demo'").await?;
        let me = Actor::staff(admin, "poste-test");
        let old = scalar(&setup, "SELECT MIN(id) FROM documents WHERE status = 'received' AND content IS NOT NULL").await?;
        let version = db.review_document(old).await?.version;
        let pdf = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pdf-corpus/valid/minimal-handwritten-1.4.pdf"),
        )?;
        let file = ReplacementFile { file_name: "nouveau.pdf", content: &pdf, sha256: "0", page_count: 1 };
        let new = db
            .replace_document(old, version, &file, &me)
            .await?
            .map_err(|c| anyhow::anyhow!(c.message))?;
        let replaced = db.review_document(old).await?;
        anyhow::ensure!(replaced.replaced_by == Some(new) && replaced.status == "rejected");
        anyhow::ensure!(replaced.rejection_reason.as_deref() == Some(REPLACED_REASON));
        anyhow::ensure!(replaced.has_content, "the old file stays until retention");
        let fresh = db.review_document(new).await?;
        anyhow::ensure!(fresh.status == "received" && fresh.doc_type == replaced.doc_type);
        anyhow::ensure!(fresh.family_id == replaced.family_id && fresh.file_name.as_deref() == Some("nouveau.pdf"));
        // Out of the queue; a decision or a replacement on the old one is refused.
        let queue = db
            .document_queue(None, &portee_store::QueueFilter { status: Some("received".into()), ..Default::default() }, 10_000)
            .await?;
        anyhow::ensure!(queue.rows.iter().any(|r| r.id == new) && !queue.rows.iter().any(|r| r.id == old));
        let refuse = Decision::Refuse {
            reason: portee_domain::review::RefusalReason::Unreadable,
            note_for_family: None,
            document_date: None,
            review_note: None,
        };
        let decided = db.decide_document(old, version, &refuse, &me).await?;
        anyhow::ensure!(decided.as_ref().is_err_and(|c| c.message.contains("remplacé")), "{decided:?}");
        let twice = db.replace_document(old, replaced.version, &file, &me).await?;
        anyhow::ensure!(twice.is_err());
        let audited = scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'document.replace' AND entity_id = '{old}'"),
        )
        .await?;
        anyhow::ensure!(audited == 1);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_right_of_access_archive_holds_the_facts_the_history_and_the_pdfs() {
    each_backend_as_member(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let admin = scalar(&setup, "SELECT id FROM staff WHERE login = 'admin.demo'").await?;
        let me = Actor::staff(admin, "poste-test");
        let family = scalar(
            &setup,
            "SELECT family_id FROM documents WHERE content IS NOT NULL GROUP BY family_id \
             ORDER BY COUNT(*) DESC, family_id LIMIT 1",
        )
        .await?;
        let held = scalar(&setup, &format!("SELECT COUNT(*) FROM documents WHERE family_id = {family} AND content IS NOT NULL")).await?;
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("accès famille.zip");
        let summary = portee_services::archive::write_family_archive(&db, family, None, &path, &me).await?;
        anyhow::ensure!(summary.documents as i64 == held && held > 0, "{summary:?} / {held}");
        anyhow::ensure!(!dir.path().join("accès famille.zip.partiel").exists());
        let mut zip = zip_reader(&path)?;
        let names: Vec<String> = zip.file_names().map(|n| n.map(|n| n.into_owned())).collect::<Result<_, _>>()?;
        for needed in ["LISEZMOI.txt", "donnees.json", "historique.csv"] {
            anyhow::ensure!(names.iter().any(|n| n == needed), "{needed} in {names:?}");
        }
        let pdfs: Vec<&String> = names.iter().filter(|n| n.starts_with("documents/") && n.ends_with(".pdf")).collect();
        anyhow::ensure!(pdfs.len() as i64 == held);
        let mut json = String::new();
        zip.by_name("donnees.json")?.read_to_string(&mut json)?;
        let facts: serde_json::Value = serde_json::from_str(&json)?;
        let number = scalar(&setup, &format!("SELECT CAST(SUBSTR(family_number, 3) AS INTEGER) FROM families WHERE id = {family}")).await;
        anyhow::ensure!(facts["family"]["id"] == family, "{}", facts["family"]);
        anyhow::ensure!(facts["documents"].as_array().is_some_and(|d| d.len() as i64 >= held));
        anyhow::ensure!(facts["students"].as_array().is_some_and(|s| !s.is_empty()));
        let _ = number;
        let mut history = Vec::new();
        zip.by_name("historique.csv")?.read_to_end(&mut history)?;
        anyhow::ensure!(history.starts_with("\u{feff}".as_bytes()));
        for pdf in pdfs {
            let mut bytes = Vec::new();
            zip.by_name(pdf)?.read_to_end(&mut bytes)?;
            anyhow::ensure!(portee_pdfcheck_ok(&bytes), "{pdf} is a PDF");
        }
        let audited = scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'family.archive' AND family_id = {family}"),
        )
        .await?;
        anyhow::ensure!(audited == 1);
        // A family that does not exist: nothing written.
        let missing = dir.path().join("rien.zip");
        let refused = portee_services::archive::write_family_archive(&db, i64::MAX, None, &missing, &me).await;
        anyhow::ensure!(refused.is_err() && !missing.exists());
        Ok(())
    })
    .await;
}

fn zip_reader(path: &std::path::Path) -> anyhow::Result<zip::ZipArchive<std::fs::File>> {
    Ok(zip::ZipArchive::new(std::fs::File::open(path)?)?)
}

fn portee_pdfcheck_ok(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

#[tokio::test]
async fn on_postgres_a_member_of_another_site_can_neither_read_nor_write_the_reminders() {
    let mut t = TestDb::new(Kind::Postgres).await.unwrap();
    t.member = Some(("admin.demo".into(), "demo-admin.demo".into()));
    let (setup, admin_db) = demo_dbs(&t).await.unwrap();
    let (site, campaign) = busiest_site(&setup).await.unwrap();
    assert_ne!(site, 6, "the demo's busiest site is not Sèvres");
    let admin = scalar(&setup, "SELECT id FROM staff WHERE login = 'admin.demo'")
        .await
        .unwrap();
    let list = admin_db.missing_documents(site, campaign).await.unwrap();
    // A family of that site with nobody at Sèvres.
    let mut foreign = None;
    for r in list.rows.iter().filter(|r| r.email.is_some()) {
        let at_sevres = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM students WHERE family_id = {} AND site_id = 6",
                r.family_id
            ),
        )
        .await
        .unwrap();
        if at_sevres == 0 && r.owed.iter().any(|o| o.asked_of_family()) {
            foreign = Some(r.family_id);
            break;
        }
    }
    let foreign = foreign.expect("a family without Sèvres");
    admin_db
        .send_document_reminders(
            site,
            campaign,
            &[foreign],
            false,
            &Actor::staff(admin, "poste-1"),
        )
        .await
        .unwrap();
    let sevres =
        Database::connect_member(&t.url, "agent.sevres", "demo-agent.sevres", "poste-test")
            .await
            .unwrap();
    let agent = scalar(&setup, "SELECT id FROM staff WHERE login = 'agent.sevres'")
        .await
        .unwrap();
    let me = Actor::staff(agent, "poste-test");
    // The list of a site they do not cover holds nothing, even asked.
    let seen = sevres.missing_documents(site, campaign).await.unwrap();
    assert!(
        seen.rows.iter().all(|r| r.family_id != foreign) && seen.families == 0,
        "{seen:?}"
    );
    // Reminding it through Portée sends nothing.
    let sent = sevres
        .send_document_reminders(site, campaign, &[foreign], true, &me)
        .await
        .unwrap();
    assert!(sent.sent.is_empty() && sent.nothing_to_ask == vec![foreign]);
    let Database::Postgres(pool) = &sevres else {
        unreachable!()
    };
    // Directly with their own role: the reminder is invisible, and can be
    // neither written, changed nor deleted.
    let visible: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM document_reminders WHERE family_id = $1")
            .bind(foreign)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(visible, 0);
    let inserted = sqlx::query(
        "INSERT INTO document_reminders (family_id, campaign_id, site_id, asked, recipient, sent_by_staff_id, sent_at) \
         VALUES ($1, $2, 6, 'x', 'x@example.org', $3, now())",
    )
    .bind(foreign)
    .bind(campaign)
    .bind(agent)
    .execute(pool)
    .await;
    assert!(inserted.is_err(), "another site's family: refused");
    for sql in [
        "UPDATE document_reminders SET asked = 'effacé'",
        "DELETE FROM document_reminders",
    ] {
        assert!(
            sqlx::query(sql).execute(pool).await.is_err(),
            "{sql}: no such privilege"
        );
    }
    // Even for a family of their own, nobody writes in another's name.
    let own = scalar(
        &setup,
        "SELECT MIN(family_id) FROM students WHERE site_id = 6",
    )
    .await
    .unwrap();
    let spoofed = sqlx::query(
        "INSERT INTO document_reminders (family_id, campaign_id, site_id, asked, recipient, sent_by_staff_id, sent_at) \
         VALUES ($1, $2, 6, 'x', 'x@example.org', $3, now())",
    )
    .bind(own)
    .bind(campaign)
    .bind(admin)
    .execute(pool)
    .await;
    assert!(
        spoofed.is_err(),
        "written in the administrator's name: refused"
    );
    let still = scalar(
        &setup,
        &format!("SELECT COUNT(*) FROM document_reminders WHERE family_id = {foreign}"),
    )
    .await
    .unwrap();
    assert_eq!(still, 1);
    // The row's audit entry was written by the database.
    let by_trigger = scalar(
        &setup,
        &format!("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'document_reminders' AND family_id = {foreign}"),
    )
    .await
    .unwrap();
    assert_eq!(by_trigger, 1);
    sevres.close().await;
    // The site's own agent, through their own role, reminds a family of
    // their site: the outbox message, the record and its entries land.
    let Database::Postgres(setup_pool) = &setup else {
        unreachable!()
    };
    let login: String = sqlx::query_scalar(
        "SELECT s.login FROM staff s JOIN staff_sites x ON x.staff_id = s.id \
         WHERE s.role = 'agent' AND x.site_id = $1 ORDER BY s.login LIMIT 1",
    )
    .bind(site)
    .fetch_one(setup_pool)
    .await
    .unwrap();
    let own_id = scalar(
        &setup,
        &format!("SELECT id FROM staff WHERE login = '{login}'"),
    )
    .await
    .unwrap();
    let own = Database::connect_member(&t.url, &login, &format!("demo-{login}"), "poste-3")
        .await
        .unwrap();
    let next = list
        .rows
        .iter()
        .find(|r| {
            r.family_id != foreign
                && r.email.is_some()
                && r.owed.iter().any(|o| o.asked_of_family())
        })
        .map(|r| r.family_id)
        .expect("a second family to remind");
    let sent = own
        .send_document_reminders(
            site,
            campaign,
            &[next],
            false,
            &Actor::staff(own_id, "poste-3"),
        )
        .await
        .unwrap();
    assert_eq!(sent.sent.len(), 1, "{sent:?}");
    let recorded = scalar(
        &setup,
        &format!("SELECT COUNT(*) FROM document_reminders WHERE family_id = {next} AND sent_by_staff_id = {own_id}"),
    )
    .await
    .unwrap();
    assert_eq!(recorded, 1);
    own.close().await;
}

#[tokio::test]
async fn on_postgres_two_workstations_reminding_a_family_at_once_send_one_reminder() {
    let mut t = TestDb::new(Kind::Postgres).await.unwrap();
    t.member = Some(("admin.demo".into(), "demo-admin.demo".into()));
    let (setup, first) = demo_dbs(&t).await.unwrap();
    let second = Database::connect_member(&t.url, "admin.demo", "demo-admin.demo", "poste-2")
        .await
        .unwrap();
    let (site, campaign) = busiest_site(&setup).await.unwrap();
    let admin = scalar(&setup, "SELECT id FROM staff WHERE login = 'admin.demo'")
        .await
        .unwrap();
    let list = first.missing_documents(site, campaign).await.unwrap();
    let families: Vec<i64> = list
        .rows
        .iter()
        .filter(|r| r.email.is_some() && r.owed.iter().any(|o| o.asked_of_family()))
        .map(|r| r.family_id)
        .take(5)
        .collect();
    assert!(families.len() >= 3);
    for family in families {
        let (one, two) = (
            Actor::staff(admin, "poste-1"),
            Actor::staff(admin, "poste-2"),
        );
        let only = [family];
        let (a, b) = tokio::join!(
            first.send_document_reminders(site, campaign, &only, false, &one),
            second.send_document_reminders(site, campaign, &only, false, &two),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.sent.len() + b.sent.len(), 1, "{a:?} / {b:?}");
        assert_eq!(a.needs_confirmation.len() + b.needs_confirmation.len(), 1);
        let recorded = scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM document_reminders WHERE family_id = {family}"),
        )
        .await
        .unwrap();
        assert_eq!(recorded, 1);
    }
    second.close().await;
}
