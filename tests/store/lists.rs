//! The Réinscriptions menu's list on both databases: counts per state agree
//! with the rows, every filter narrows as it says, and on PostgreSQL a
//! member of one site lists that site only, whatever filter they send.

use portee_store::{Database, ListFilter, ListStatus};
use portee_tests::db::{Kind, TestDb};

use crate::each_backend_as_member as each_backend;
use crate::{demo_dbs, scalar};

#[tokio::test]
async fn the_list_counts_and_filters_the_campaigns_dossiers() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let campaign = db.current_campaign_id().await?;
        let all = db
            .campaign_list(campaign, None, &ListFilter::default(), 2000)
            .await?;
        let students = scalar(&setup, "SELECT COUNT(*) FROM students").await?;
        anyhow::ensure!(all.total > 0 && all.total <= students, "{} / {students}", all.total);
        anyhow::ensure!(all.rows.len() as i64 == all.total);
        // Sorted by name.
        anyhow::ensure!(all.rows.windows(2).all(|w| (&w[0].last_name, &w[0].first_name) <= (&w[1].last_name, &w[1].first_name)));
        // The validated count is the database's.
        let validated = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM reinscriptions WHERE campaign_id = {campaign} AND status = 'validated' \
                 AND intent = 'reinscrire'"
            ),
        )
        .await?;
        let count = |l: &portee_store::CampaignList, s: ListStatus| {
            l.counts.iter().find(|c| c.0 == s.code()).map_or(0, |c| c.1)
        };
        anyhow::ensure!(count(&all, ListStatus::Validated) == validated, "{:?}", all.counts);
        // Each state filter gives exactly its count's rows, in that state.
        for s in ListStatus::ALL {
            let only = db
                .campaign_list(campaign, None, &ListFilter { status: Some(s), ..Default::default() }, 2000)
                .await?;
            anyhow::ensure!(only.total == count(&all, s) && only.rows.len() as i64 == only.total, "{s:?}");
            anyhow::ensure!(only.rows.iter().all(|r| r.status == s.code()), "{s:?}");
            // The counts stay those of every state.
            anyhow::ensure!(only.counts == all.counts);
        }
        // Site, discipline and documents owed narrow the list.
        let meudon = db
            .campaign_list(campaign, None, &ListFilter { site: Some(5), ..Default::default() }, 2000)
            .await?;
        anyhow::ensure!(meudon.total > 0 && meudon.total < all.total);
        anyhow::ensure!(meudon.rows.iter().all(|r| r.site_id == 5));
        let fm = scalar(&setup, "SELECT id FROM disciplines WHERE kind = 'formation_musicale' ORDER BY id LIMIT 1").await?;
        let in_fm = db
            .campaign_list(campaign, None, &ListFilter { discipline_id: Some(fm), ..Default::default() }, 2000)
            .await?;
        anyhow::ensure!(in_fm.total > 0 && in_fm.total < all.total, "{}", in_fm.total);
        let owing = db
            .campaign_list(campaign, None, &ListFilter { missing_documents: true, ..Default::default() }, 2000)
            .await?;
        anyhow::ensure!(owing.total > 0 && owing.total < all.total, "{}", owing.total);
        anyhow::ensure!(owing.rows.iter().all(|r| r.documents_owed > 0));
        // A site list given by the app (the member's sites) bounds it too.
        let sites = db
            .campaign_list(campaign, Some(&[5, 6]), &ListFilter::default(), 2000)
            .await?;
        anyhow::ensure!(sites.rows.iter().all(|r| r.site_id == 5 || r.site_id == 6));
        // The limit keeps the total.
        let few = db.campaign_list(campaign, None, &ListFilter::default(), 3).await?;
        anyhow::ensure!(few.rows.len() == 3 && few.total == all.total);
        Ok(())
    })
    .await;
}

/// agent.sevres's own connection (PostgreSQL: their role, Sèvres only).
async fn agent_sevres(t: &TestDb) -> Database {
    Database::connect_member(&t.url, "agent.sevres", "demo-agent.sevres", "poste-test")
        .await
        .unwrap()
}

#[tokio::test]
async fn on_postgres_a_member_lists_their_own_site_only() {
    let t = TestDb::new(Kind::Postgres).await.unwrap();
    let (setup, _) = demo_dbs(&t).await.unwrap();
    let sevres = agent_sevres(&t).await;
    let campaign = sevres.current_campaign_id().await.unwrap();
    // Even asked for every site and for Meudon, the database answers Sèvres.
    let everything = sevres
        .campaign_list(campaign, None, &ListFilter::default(), 2000)
        .await
        .unwrap();
    assert!(everything.total > 0);
    assert!(
        everything.rows.iter().all(|r| r.site_id == 6),
        "another site's row"
    );
    let in_sevres = scalar(
        &setup,
        "SELECT COUNT(*) FROM students s WHERE s.site_id = 6",
    )
    .await
    .unwrap();
    assert!(everything.total <= in_sevres);
    let meudon = sevres
        .campaign_list(
            campaign,
            None,
            &ListFilter {
                site: Some(5),
                ..Default::default()
            },
            2000,
        )
        .await
        .unwrap();
    assert_eq!(meudon.total, 0);
    assert!(meudon.rows.is_empty());
    sevres.close().await;
}

#[tokio::test]
async fn on_postgres_an_agent_records_the_export_of_their_list_in_the_audit_log() {
    let t = TestDb::new(Kind::Postgres).await.unwrap();
    let (setup, _) = demo_dbs(&t).await.unwrap();
    let sevres = agent_sevres(&t).await;
    let me = scalar(&setup, "SELECT id FROM staff WHERE login = 'agent.sevres'")
        .await
        .unwrap();
    sevres
        .record_list_export(
            "reinscription.export",
            serde_json::json!({ "status": "valide" }),
            42,
            "reinscriptions-20261203-090000.csv",
            &portee_store::Actor::staff(me, "poste-test"),
        )
        .await
        .unwrap();
    let recorded = scalar(
        &setup,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'reinscription.export' AND staff_id = {me} \
             AND entity_id = 'reinscriptions-20261203-090000.csv' AND after_json LIKE '%\"rows\":42%'"
        ),
    )
    .await
    .unwrap();
    assert_eq!(recorded, 1);
}

#[tokio::test]
async fn the_dashboard_counts_documents_to_review_and_slots_of_the_sites_only() {
    crate::each_backend_as_member(|t: portee_tests::db::TestDb| async move {
        let (setup, db) = crate::demo_dbs(&t).await?;
        let figures = db.dashboard_figures(Some(&[5])).await?;
        let campaign = figures.campaign.id;
        let documents = crate::scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM documents d WHERE d.campaign_id = {campaign} AND d.status = 'received' \
                 AND EXISTS (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND s.site_id = 5)"
            ),
        )
        .await?;
        anyhow::ensure!(figures.documents_to_review == documents, "{} ≠ {documents}", figures.documents_to_review);
        let slots = crate::scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM slots sl JOIN courses c ON c.id = sl.course_id \
                 WHERE c.site_id = 5 AND c.school_year_id = {}",
                figures.campaign.school_year_id
            ),
        )
        .await?;
        anyhow::ensure!(figures.slots.len() as i64 == slots, "{} ≠ {slots}", figures.slots.len());
        // Every site: at least as much; no site: nothing.
        let all = db.dashboard_figures(None).await?;
        anyhow::ensure!(all.slots.len() >= figures.slots.len() && all.documents_to_review >= documents);
        let none = db.dashboard_figures(Some(&[])).await?;
        anyhow::ensure!(none.slots.is_empty() && none.documents_to_review == 0);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn reminders_go_once_per_family_to_those_with_an_email_and_never_across_sites() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let campaign = db.current_campaign_id().await?;
        let site = scalar(&setup, "SELECT CAST(site_id AS BIGINT) FROM students GROUP BY site_id ORDER BY COUNT(*) DESC, site_id LIMIT 1").await?;
        let mut families = Vec::new();
        let mut after = 0;
        for _ in 0..3 {
            let f = scalar(
                &setup,
                &format!("SELECT MIN(family_id) FROM students WHERE site_id = {site} AND family_id > {after}"),
            )
            .await?;
            families.push(f);
            after = f;
        }
        // The third family has no e-mail at all.
        execute_sql(&setup, &format!("UPDATE guardians SET email = NULL WHERE family_id = {}", families[2])).await?;
        execute_sql(&setup, &format!("UPDATE guardians SET email = 'parent{}@exemple.fr' WHERE family_id IN ({}, {})", site, families[0], families[1])).await?;
        let actor = portee_store::Actor::staff(1, "poste-test");
        let first = db.queue_reminders(campaign, &families, &actor).await?;
        anyhow::ensure!(first.queued == vec![families[0], families[1]], "{first:?}");
        anyhow::ensure!(first.without_email.len() == 1 && first.without_email[0].0 == families[2], "{first:?}");
        let again = db.queue_reminders(campaign, &families, &actor).await?;
        anyhow::ensure!(again.queued.is_empty() && again.already_pending == vec![families[0], families[1]], "{again:?}");
        let rows = scalar(&setup, "SELECT COUNT(*) FROM outbox WHERE kind = 'reminder' AND status = 'pending' AND student_id IS NOT NULL").await?;
        anyhow::ensure!(rows == 2, "{rows}");
        let audited = scalar(&setup, "SELECT COUNT(*) FROM audit_log WHERE action = 'reminder.queue'").await?;
        anyhow::ensure!(audited == 2, "{audited}");
        // Nothing or too much: refused.
        anyhow::ensure!(db.queue_reminders(campaign, &[], &actor).await.is_err());
        if t.kind == Kind::Postgres {
            // A member of another site sees none of these families:
            // nothing queued for them.
            let outsider: String = match &setup {
                Database::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT s.login FROM staff s WHERE s.role = 'agent' AND s.login LIKE 'agent.%' \
                     AND NOT EXISTS (SELECT 1 FROM staff_sites x WHERE x.staff_id = s.id AND x.site_id = {site}) \
                     ORDER BY s.login LIMIT 1"
                )))
                .fetch_one(p)
                .await?,
                Database::Sqlite(_) => unreachable!(),
            };
            let other = Database::connect_member(&t.url, &outsider, &format!("demo-{outsider}"), "poste-test").await?;
            let err = other.queue_reminders(campaign, &[families[2]], &actor).await.unwrap_err();
            anyhow::ensure!(matches!(err, portee_store::StoreError::NotFound | portee_store::StoreError::Forbidden), "{err:?}");
            // Nor read the outbox rows of that site.
            let seen = match &other {
                Database::Postgres(p) => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE kind = 'reminder'").fetch_one(p).await?,
                Database::Sqlite(_) => unreachable!(),
            };
            anyhow::ensure!(seen == 0, "{seen}");
            other.close().await;
        }
        Ok(())
    })
    .await;
}

async fn execute_sql(db: &Database, sql: &str) -> anyhow::Result<()> {
    crate::execute(db, sql).await?;
    Ok(())
}

#[tokio::test]
async fn administrators_create_and_change_campaigns_one_open_at_a_time() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let actor = portee_store::Actor::staff(1, "poste-test");
        let before = db.campaigns().await?;
        anyhow::ensure!(
            before.iter().filter(|c| c.status == "open").count() == 1,
            "{before:?}"
        );
        let year = db.school_years().await?[0].id;
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2028, 3, d).unwrap();
        let at = |d: u32| day(d).and_hms_opt(8, 0, 0).unwrap().and_utc();
        let values = |status: &str| portee_store::CampaignValues {
            label: "Réinscriptions d'essai".into(),
            opens_at: at(1),
            closes_at: at(30),
            documents_deadline: day(31),
            status: status.into(),
            seat_offer_days: 5,
            reminder_days: 10,
        };
        let id = db.create_campaign(year, &values("draft"), &actor).await?;
        let err = db
            .create_campaign(year, &values("draft"), &actor)
            .await
            .unwrap_err();
        anyhow::ensure!(err.to_string().contains("existe déjà"), "{err}");
        // Opening it while the demo's campaign is open: refused.
        let err = db
            .update_campaign(id, 1, &values("open"), &actor)
            .await
            .unwrap_err();
        anyhow::ensure!(err.to_string().contains("déjà ouverte"), "{err}");
        let err = db
            .update_campaign(id, 0, &values("closed"), &actor)
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(err, portee_store::StoreError::Conflict), "{err:?}");
        let after = db.update_campaign(id, 1, &values("closed"), &actor).await?;
        anyhow::ensure!(
            after.status == "closed" && after.version == 2 && after.seat_offer_days == 5
        );
        let audited = scalar(
            &setup,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('campaign.create', 'campaign.update')",
        )
        .await?;
        anyhow::ensure!(audited == 2, "{audited}");
        if t.kind == Kind::Postgres {
            let agent =
                Database::connect_member(&t.url, "agent.meudon", "demo-agent.meudon", "poste-test")
                    .await?;
            let err = agent
                .create_campaign(
                    year,
                    &portee_store::CampaignValues {
                        label: "Pirate".into(),
                        ..values("draft")
                    },
                    &actor,
                )
                .await
                .unwrap_err();
            anyhow::ensure!(
                matches!(err, portee_store::StoreError::Forbidden),
                "{err:?}"
            );
            agent.close().await;
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_lists_say_next_years_courses_the_reason_given_and_whom_to_call() {
    each_backend(|t: TestDb| async move {
        let (setup, db) = demo_dbs(&t).await?;
        let campaign = db.current_campaign_id().await?;
        let list = db.campaign_list(campaign, None, &ListFilter::default(), 100_000).await?;
        // A child who does not re-enrol: the reason as the dossier holds it.
        for r in list.rows.iter().filter(|r| r.status == "ne_se_reinscrit_pas") {
            let stored: Option<String> = match &setup {
                Database::Postgres(p) => sqlx::query_scalar("SELECT no_reason FROM reinscriptions WHERE student_id = $1 AND campaign_id = $2")
                    .bind(r.student_id).bind(campaign).fetch_one(p).await?,
                Database::Sqlite(p) => sqlx::query_scalar("SELECT no_reason FROM reinscriptions WHERE student_id = $1 AND campaign_id = $2")
                    .bind(r.student_id).bind(campaign).fetch_one(p).await?,
            };
            anyhow::ensure!(r.no_reason == stored, "{:?} ≠ {stored:?}", r.no_reason);
        }
        // Whom to call: the first guardian's phone when there is one.
        let with_phone = list.rows.iter().filter(|r| r.phone.is_some()).count();
        anyhow::ensure!(with_phone * 2 > list.rows.len(), "{with_phone} / {}", list.rows.len());
        // Next year's courses: exactly the active enrolments of that year.
        let ids: Vec<i64> = list.rows.iter().filter(|r| r.status == "valide").map(|r| r.student_id).collect();
        anyhow::ensure!(!ids.is_empty());
        let courses = db.next_year_courses(campaign, &ids).await?;
        let expected = scalar(
            &setup,
            &format!(
                "SELECT COUNT(*) FROM enrolments e WHERE e.status = 'active' AND e.student_id IN ({}) \
                 AND e.school_year_id = (SELECT school_year_id FROM campaigns WHERE id = {campaign})",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
            ),
        )
        .await?;
        anyhow::ensure!(courses.len() as i64 == expected && expected > 0, "{} ≠ {expected}", courses.len());
        anyhow::ensure!(courses.iter().any(|c| c.day_of_week.is_some() && c.teacher.is_some()));
        anyhow::ensure!(db.next_year_courses(campaign, &[]).await?.is_empty());
        Ok(())
    })
    .await;
}
