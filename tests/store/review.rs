//! The documents' review queue on both databases: the queue lists what
//! awaits review oldest first with its counts and filters; opening marks
//! the document for the others and is audited; a decision is recorded once
//! with its facts and audit entry, a second one is refused naming who
//! decided what; two decisions racing leave exactly one; on PostgreSQL a
//! member of another site can neither list, read nor decide a document.

use portee_domain::review::{Decision, RefusalReason};
use portee_store::{Actor, Database, QueueFilter, StoreError};
use portee_tests::db::{Kind, TestDb};

use crate::{demo_dbs, each_backend_as_member, scalar};

/// A document awaiting review, with content, of `doc_type` when given,
/// of a family with nobody at Sèvres (site 6: the site whose agent must
/// not see it).
async fn received(setup: &Database, doc_type: Option<&str>) -> anyhow::Result<i64> {
    scalar(
        setup,
        &format!(
            "SELECT MIN(d.id) FROM documents d WHERE d.status = 'received' AND d.content IS NOT NULL \
             {} AND NOT EXISTS (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND s.site_id = 6)",
            doc_type.map(|t| format!("AND d.doc_type = '{t}'")).unwrap_or_default()
        ),
    )
    .await
}

#[tokio::test]
async fn the_queue_lists_what_awaits_review_oldest_first_counted_and_filtered() {
    each_backend_as_member(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let campaign = db.current_campaign_id().await?;
        let waiting = QueueFilter {
            status: Some("received".into()),
            campaign_id: Some(campaign),
            ..Default::default()
        };
        let queue = db.document_queue(None, &waiting, 5000).await?;
        let expected = scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM documents WHERE status = 'received' AND campaign_id = {campaign}"),
        )
        .await?;
        anyhow::ensure!(queue.total == expected && expected > 0, "{} / {expected}", queue.total);
        anyhow::ensure!(queue.rows.len() as i64 == expected);
        anyhow::ensure!(queue.rows.iter().all(|r| r.status == "received"));
        // Oldest upload first.
        anyhow::ensure!(queue.rows.windows(2).all(|w| w[0].uploaded_at <= w[1].uploaded_at));
        // Each row names the family and its children.
        anyhow::ensure!(queue.rows.iter().all(|r| r.family_name.is_some() && r.children.is_some()));
        // The counts are over every status; each status filter gives its count.
        for (status, n) in &queue.counts {
            let only = db
                .document_queue(
                    None,
                    &QueueFilter { status: Some(status.clone()), ..waiting.clone() },
                    5000,
                )
                .await?;
            anyhow::ensure!(only.total == *n && only.rows.iter().all(|r| &r.status == status), "{status}");
        }
        // Type, site and upload dates narrow it.
        let kind = queue.rows[0].doc_type.clone();
        let typed = db
            .document_queue(None, &QueueFilter { doc_type: Some(kind.clone()), ..waiting.clone() }, 5000)
            .await?;
        anyhow::ensure!(typed.total > 0 && typed.rows.iter().all(|r| r.doc_type == kind));
        let meudon = db
            .document_queue(Some(&[5]), &waiting, 5000)
            .await?;
        let in_meudon = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM documents d WHERE d.status = 'received' AND d.campaign_id = {campaign} \
                 AND EXISTS (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND s.site_id = 5)"
            ),
        )
        .await?;
        anyhow::ensure!(meudon.total == in_meudon && in_meudon < expected, "{} / {in_meudon}", meudon.total);
        let none = db.document_queue(Some(&[]), &waiting, 5000).await?;
        anyhow::ensure!(none.total == 0 && none.rows.is_empty());
        let first_day = queue.rows[0]
            .uploaded_at
            .map(|t| t.date_naive())
            .expect("an upload date");
        let that_day = db
            .document_queue(
                None,
                &QueueFilter { uploaded_from: Some(first_day), uploaded_to: Some(first_day), ..waiting.clone() },
                5000,
            )
            .await?;
        anyhow::ensure!(that_day.total >= 1 && that_day.total < expected, "{}", that_day.total);
        anyhow::ensure!(that_day
            .rows
            .iter()
            .all(|r| r.uploaded_at.map(|t| t.date_naive()) == Some(first_day)));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_decision_is_recorded_once_with_its_facts_and_its_audit_entries() {
    each_backend_as_member(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let admin = scalar(&setup, "SELECT id FROM staff WHERE login = 'admin.demo'").await?;
        let other = scalar(&setup, "SELECT MIN(id) FROM staff WHERE login <> 'admin.demo'").await?;
        let me = Actor::staff(admin, "poste-test");
        let doc = received(&setup, None).await?;
        // Opening marks it for the others and is audited.
        let opened = db.open_for_review(doc, &me).await?;
        anyhow::ensure!(opened.reviewing_staff_id == Some(admin) && opened.status == "received");
        anyhow::ensure!(opened.has_content && opened.family_name.is_some());
        let seen_by_other = db.open_for_review(doc, &Actor::staff(other, "poste-2")).await?;
        anyhow::ensure!(
            seen_by_other.reviewing_staff_id == Some(admin) && seen_by_other.reviewing_by.is_some(),
            "the other reviewer sees who has it open"
        );
        let opens = scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'document.open' AND entity_id = '{doc}'"),
        )
        .await?;
        anyhow::ensure!(opens == 2, "{opens} openings audited");
        // Refused with its reason and a word for the family.
        let decision = Decision::Refuse {
            reason: RefusalReason::Unreadable,
            note_for_family: Some("Le scan est flou.".into()),
            document_date: None,
            review_note: None,
        };
        let done = db.decide_document(doc, opened.version, &decision, &me).await?;
        let done = done.map_err(|c| anyhow::anyhow!(c.message))?;
        anyhow::ensure!(done.status == "rejected" && done.rejection_reason.as_deref() == Some("Document illisible"));
        anyhow::ensure!(done.rejection_note.as_deref() == Some("Le scan est flou."));
        anyhow::ensure!(done.reviewing_staff_id.is_none() && done.reviewed_at.is_some());
        // Decided again, at the version read before: refused, naming who.
        let again = Decision::Accept {
            document_date: None,
            quotient_familial: None,
            revenu_fiscal: None,
            tax_parts: None,
            review_note: None,
        };
        let refused = db
            .decide_document(doc, opened.version, &again, &Actor::staff(other, "poste-2"))
            .await?;
        let conflict = refused.err().ok_or_else(|| anyhow::anyhow!("decided twice"))?;
        anyhow::ensure!(conflict.message.contains("déjà été refusé"), "{}", conflict.message);
        anyhow::ensure!(conflict.message.contains("illisible"), "{}", conflict.message);
        let status: i64 = scalar(
            &setup,
            &format!("SELECT COUNT(*) FROM documents WHERE id = {doc} AND status = 'rejected'"),
        )
        .await?;
        anyhow::ensure!(status == 1);
        let decisions = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action IN ('document.accept', 'document.reject') \
                 AND entity_id = '{doc}'"
            ),
        )
        .await?;
        anyhow::ensure!(decisions == 1, "{decisions} decisions audited");

        // A CAF attestation accepted keeps its quotient familial.
        if let Ok(caf) = received(&setup, Some("attestation_caf")).await
            && caf > 0
        {
            let v = db.open_for_review(caf, &me).await?.version;
            let accept = Decision::Accept {
                document_date: Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
                quotient_familial: Some(742),
                revenu_fiscal: None,
                tax_parts: None,
                review_note: None,
            };
            let done = db.decide_document(caf, v, &accept, &me).await?.map_err(|c| anyhow::anyhow!(c.message))?;
            anyhow::ensure!(done.status == "accepted" && done.quotient_familial == Some(742));
            let facts = scalar(
                &setup,
                &format!(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'document.accept' AND entity_id = '{caf}' \
                     AND after_json LIKE '%\"quotient_familial\":742%'"
                ),
            )
            .await?;
            anyhow::ensure!(facts == 1, "the quotient is in the audit entry");
        }
        // Released: no longer marked.
        let next = received(&setup, None).await?;
        db.open_for_review(next, &me).await?;
        db.release_review(next, &me).await?;
        anyhow::ensure!(db.review_document(next).await?.reviewing_staff_id.is_none());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn two_decisions_racing_on_postgres_leave_exactly_one() {
    let mut t = TestDb::new(Kind::Postgres).await.unwrap();
    t.member = Some(("admin.demo".into(), "demo-admin.demo".into()));
    let (setup, first) = demo_dbs(&t).await.unwrap();
    // A second workstation of the same administrator (their own role).
    let second = Database::connect_member(&t.url, "admin.demo", "demo-admin.demo", "poste-2")
        .await
        .unwrap();
    let admin = scalar(&setup, "SELECT id FROM staff WHERE login = 'admin.demo'")
        .await
        .unwrap();
    for _ in 0..3 {
        let doc = received(&setup, None).await.unwrap();
        let version = first.review_document(doc).await.unwrap().version;
        let refuse = Decision::Refuse {
            reason: RefusalReason::Incomplete,
            note_for_family: None,
            document_date: None,
            review_note: None,
        };
        let accept = Decision::Accept {
            document_date: None,
            quotient_familial: None,
            revenu_fiscal: None,
            tax_parts: None,
            review_note: Some("accepté".into()),
        };
        let (one, two) = (
            Actor::staff(admin, "poste-1"),
            Actor::staff(admin, "poste-2"),
        );
        let (a, b) = tokio::join!(
            first.decide_document(doc, version, &refuse, &one),
            second.decide_document(doc, version, &accept, &two),
        );
        let (a, b) = (a.unwrap(), b);
        let landed = [a.is_ok(), matches!(b, Ok(Ok(_)))];
        assert_eq!(landed.iter().filter(|l| **l).count(), 1, "{a:?} / {b:?}");
        let decided = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action IN ('document.accept', 'document.reject') \
                 AND entity_id = '{doc}'"
            ),
        )
        .await
        .unwrap();
        assert_eq!(decided, 1);
    }
    second.close().await;
}

#[tokio::test]
async fn on_postgres_a_member_of_another_site_can_neither_list_read_nor_decide_a_document() {
    let t = TestDb::new(Kind::Postgres).await.unwrap();
    let (setup, _) = demo_dbs(&t).await.unwrap();
    let sevres =
        Database::connect_member(&t.url, "agent.sevres", "demo-agent.sevres", "poste-test")
            .await
            .unwrap();
    let agent = scalar(&setup, "SELECT id FROM staff WHERE login = 'agent.sevres'")
        .await
        .unwrap();
    let me = Actor::staff(agent, "poste-test");
    let elsewhere = received(&setup, None).await.unwrap();
    // Even asked for every site, the queue holds no document of a family without Sèvres.
    let queue = sevres
        .document_queue(None, &QueueFilter::default(), 10_000)
        .await
        .unwrap();
    assert!(queue.rows.iter().all(|r| r.id != elsewhere));
    assert!(matches!(
        sevres.open_for_review(elsewhere, &me).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        sevres.review_document(elsewhere).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        sevres.document_content(elsewhere).await,
        Err(StoreError::NotFound)
    ));
    let refuse = Decision::Refuse {
        reason: RefusalReason::Other,
        note_for_family: Some("x".into()),
        document_date: None,
        review_note: None,
    };
    assert!(matches!(
        sevres.decide_document(elsewhere, 1, &refuse, &me).await,
        Err(StoreError::NotFound)
    ));
    // Directly, with their own role: nothing changes either.
    let portee_store::Database::Postgres(pool) = &sevres else {
        unreachable!()
    };
    let changed = sqlx::query("UPDATE documents SET status = 'accepted' WHERE id = $1")
        .bind(elsewhere)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        .unwrap_or(0);
    assert_eq!(changed, 0);
    let still = scalar(
        &setup,
        &format!("SELECT COUNT(*) FROM documents WHERE id = {elsewhere} AND status = 'received'"),
    )
    .await
    .unwrap();
    assert_eq!(still, 1);
    sevres.close().await;
}
