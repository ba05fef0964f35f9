//! The draft of a family's réinscription on both databases (on PostgreSQL
//! as the demo administrator's own role): saved and read back with who
//! saved it, a second workstation's save over an old version refused with
//! the first one's draft, nothing written; the validation that uses it
//! deletes it; and on PostgreSQL a member of another site can neither read
//! nor change it, not even with SQL of their own.

use portee_store::{Actor, Database, DraftSave, StoreError};
use portee_tests::db::{Kind, TestDb};

use crate::each_backend_as_member as each_backend;
use crate::reinscription::{case, validation};
use crate::{demo_dbs, scalar};

async fn family_and_campaign(db: &Database, student: i64) -> anyhow::Result<(i64, i64)> {
    let family = scalar(
        db,
        &format!("SELECT family_id FROM students WHERE id = {student}"),
    )
    .await?;
    Ok((family, db.current_campaign_id().await?))
}

fn actor() -> Actor {
    Actor::staff(1, "poste-test")
}

#[tokio::test]
async fn a_draft_is_saved_read_back_and_a_stale_save_gets_the_newer_draft() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let c = case(&setup).await?;
        let (family, campaign) = family_and_campaign(&setup, c.student).await?;
        anyhow::ensure!(db.family_draft(family, campaign).await?.is_none());
        let audit_before = scalar(
            &setup,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'reinscription.draft'",
        )
        .await?;

        let first = db
            .save_family_draft(family, campaign, None, "cours", r#"{"n":1}"#, &actor())
            .await?;
        anyhow::ensure!(first == DraftSave::Saved(1), "{first:?}");
        let row = db
            .family_draft(family, campaign)
            .await?
            .ok_or_else(|| anyhow::anyhow!("brouillon introuvable"))?;
        anyhow::ensure!(row.payload == r#"{"n":1}"# && row.step == "cours" && row.version == 1);
        anyhow::ensure!(
            row.saved_by.as_deref().is_some_and(|n| n.contains(' ')),
            "{:?}",
            row.saved_by
        );

        // Workstation A saves over version 1; workstation B, still on
        // version 1, is refused and gets A's draft; nothing of B is written.
        let a = db
            .save_family_draft(
                family,
                campaign,
                Some(1),
                "recapitulatif",
                r#"{"n":2}"#,
                &actor(),
            )
            .await?;
        anyhow::ensure!(a == DraftSave::Saved(2), "{a:?}");
        let b = db
            .save_family_draft(family, campaign, Some(1), "choix", r#"{"n":3}"#, &actor())
            .await?;
        match b {
            DraftSave::Conflict(Some(theirs)) => {
                anyhow::ensure!(theirs.version == 2 && theirs.payload == r#"{"n":2}"#)
            }
            other => anyhow::bail!("{other:?}"),
        }
        // A second creation is refused the same way.
        let again = db
            .save_family_draft(family, campaign, None, "choix", r#"{"n":4}"#, &actor())
            .await?;
        anyhow::ensure!(matches!(again, DraftSave::Conflict(Some(_))), "{again:?}");
        let kept = db.family_draft(family, campaign).await?.unwrap();
        anyhow::ensure!(kept.version == 2 && kept.payload == r#"{"n":2}"#);
        // B keeps its own input by saving over the version it was shown.
        let b2 = db
            .save_family_draft(family, campaign, Some(2), "choix", r#"{"n":3}"#, &actor())
            .await?;
        anyhow::ensure!(b2 == DraftSave::Saved(3), "{b2:?}");
        // One audit entry per save written, none for the refused ones.
        let audit_after = scalar(
            &setup,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'reinscription.draft'",
        )
        .await?;
        anyhow::ensure!(
            audit_after == audit_before + 3,
            "{audit_before} → {audit_after}"
        );

        // Oversized or unnamed: refused, nothing written.
        let big = "x".repeat(portee_store::MAX_DRAFT_BYTES + 1);
        let err = db
            .save_family_draft(family, campaign, Some(3), "choix", &big, &actor())
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
        let err = db
            .save_family_draft(family, campaign, Some(3), "", "{}", &actor())
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
        anyhow::ensure!(db.family_draft(family, campaign).await?.unwrap().version == 3);

        // The validation that uses it deletes it, in its transaction; a
        // save standing on it afterwards learns that it is gone.
        db.validate_reinscription(&validation(&c, c.version, c.slot), &actor())
            .await?;
        anyhow::ensure!(db.family_draft(family, campaign).await?.is_none());
        let late = db
            .save_family_draft(family, campaign, Some(3), "cours", "{}", &actor())
            .await?;
        anyhow::ensure!(late == DraftSave::Conflict(None), "{late:?}");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn on_postgres_a_member_of_another_site_can_neither_read_nor_change_a_draft() {
    let t = TestDb::new(Kind::Postgres).await.unwrap();
    let (setup, db) = demo_dbs(&t).await.unwrap();
    let c = case(&setup).await.unwrap();
    let (family, campaign) = family_and_campaign(&setup, c.student).await.unwrap();
    db.save_family_draft(family, campaign, None, "cours", r#"{"n":1}"#, &actor())
        .await
        .unwrap();
    let other = Database::connect_member(&t.url, "agent.sevres", "demo-agent.sevres", "poste-test")
        .await
        .unwrap();
    // Through the store: nothing seen, a save writes nothing.
    assert!(
        other
            .family_draft(family, campaign)
            .await
            .unwrap()
            .is_none()
    );
    let tried = other
        .save_family_draft(
            family,
            campaign,
            Some(1),
            "choix",
            r#"{"n":9}"#,
            &Actor::staff(2, "x"),
        )
        .await;
    assert!(
        matches!(tried, Ok(DraftSave::Conflict(None)) | Err(_)),
        "{tried:?}"
    );
    // With SQL of their own: no row read, updated, deleted, nor inserted.
    let Database::Postgres(pool) = &other else {
        unreachable!()
    };
    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reinscription_drafts")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(seen, 0);
    let updated = sqlx::query("UPDATE reinscription_drafts SET payload = '{}'")
        .execute(pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(updated, 0);
    let deleted = sqlx::query("DELETE FROM reinscription_drafts")
        .execute(pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(deleted, 0);
    let inserted = sqlx::query(
        "INSERT INTO reinscription_drafts (family_id, campaign_id, payload, step, updated_at) \
         VALUES ($1, $2, '{}', 'choix', now()) ON CONFLICT DO NOTHING",
    )
    .bind(family)
    .bind(campaign)
    .execute(pool)
    .await;
    assert!(
        inserted.is_err(),
        "a member inserted a draft of another site"
    );
    let row = db.family_draft(family, campaign).await.unwrap().unwrap();
    assert_eq!((row.version, row.payload.as_str()), (1, r#"{"n":1}"#));
    // The database itself audited the save, under the member's name.
    let row_entries = scalar(
        &setup,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'reinscription_drafts' \
             AND family_id = {family}"
        ),
    )
    .await
    .unwrap();
    assert!(row_entries >= 1, "no row entry for the draft");
    other.close().await;
}
