//! What a member of some sites reads about a family whose children are on
//! several sites: a sibling on another site is mentioned, never named nor
//! detailed, in the family's history and on the fiche élève. Both databases.

use portee_services::journal;
use portee_store::{Actor, AuditFilter, Database, OTHER_SITE_CHILD};

use crate::each_backend;

/// Runs one statement of test set-up.
async fn exec(db: &Database, sql: &str, binds: &[i64]) -> anyhow::Result<()> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        Database::Postgres(p) => {
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(*b);
            }
            q.execute(p).await?;
        }
        Database::Sqlite(p) => {
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(*b);
            }
            q.execute(p).await?;
        }
    }
    Ok(())
}

/// (family, first child, second child, first child's site) of a family of
/// at least two children.
async fn two_children(db: &Database) -> anyhow::Result<(i64, i64, i64, i16)> {
    let sql = "SELECT s.family_id, MIN(s.id), MAX(s.id) FROM students s \
               GROUP BY s.family_id HAVING COUNT(*) >= 2 ORDER BY s.family_id LIMIT 1";
    let (family, a, b): (i64, i64, i64) = match db {
        Database::Postgres(p) => sqlx::query_as(sql).fetch_one(p).await?,
        Database::Sqlite(p) => sqlx::query_as(sql).fetch_one(p).await?,
    };
    let site = db.student_site(a).await?.0;
    Ok((family, a, b, site))
}

/// One audit entry as the dossier code writes it (the log is append-only;
/// INSERT is what every write does).
async fn entry(
    db: &Database,
    action: &str,
    family: i64,
    student: Option<i64>,
    after: &str,
) -> anyhow::Result<()> {
    let sql = "INSERT INTO audit_log (occurred_at, actor_kind, staff_id, workstation, action, entity_type, \
               entity_id, before_json, after_json, family_id, student_id) \
               VALUES ($1, 'family', NULL, 'extranet-poste-17', $2, 'reinscription', '4242', \
               '{\"image_rights\":false}', $3, $4, $5)";
    let at = chrono::Utc::now();
    match db {
        Database::Postgres(p) => {
            sqlx::query(sql)
                .bind(at)
                .bind(action)
                .bind(after)
                .bind(family)
                .bind(student)
                .execute(p)
                .await?;
        }
        Database::Sqlite(p) => {
            sqlx::query(sql)
                .bind(at)
                .bind(action)
                .bind(after)
                .bind(family)
                .bind(student)
                .execute(p)
                .await?;
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_sibling_on_another_site_is_mentioned_without_name_or_details() {
    each_backend(|t| async move {
        let db = Database::connect(&t.url).await?;
        db.migrate().await?;
        portee_services::demo::seed(
            &db,
            60,
            7,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            &Actor::system("test"),
        )
        .await?;
        let (family, child, sibling, site) = two_children(&db).await?;
        let other_site: i16 = if site == 1 { 2 } else { 1 };
        exec(
            &db,
            "UPDATE students SET site_id = $1 WHERE id = $2",
            &[i64::from(other_site), sibling],
        )
        .await?;
        entry(
            &db,
            "dossier.update",
            family,
            Some(sibling),
            r#"{"image_rights":true,"extra_information":"Secret de la sœur"}"#,
        )
        .await?;
        entry(
            &db,
            "dossier.update",
            family,
            Some(child),
            r#"{"image_rights":true}"#,
        )
        .await?;
        entry(&db, "family.contact", family, None, r#"{"town":"Meudon"}"#).await?;

        // A member of the first child's site: the sibling's entry is there,
        // newest first, but says nothing of them.
        let member = AuditFilter {
            family_id: Some(family),
            visible_sites: Some(vec![site]),
            ..Default::default()
        };
        let rows = db.audit_entries(&member, 100).await?;
        let [family_wide, own, masked] = &rows[..3] else {
            anyhow::bail!("three entries expected, got {}", rows.len())
        };
        anyhow::ensure!(!family_wide.masked && family_wide.action == "family.contact");
        anyhow::ensure!(!own.masked && own.student_id == Some(child));
        anyhow::ensure!(own.after_json.as_deref() == Some(r#"{"image_rights":true}"#));
        anyhow::ensure!(masked.masked, "{masked:?}");
        anyhow::ensure!(masked.action == OTHER_SITE_CHILD);
        anyhow::ensure!(masked.before_json.is_none() && masked.after_json.is_none());
        anyhow::ensure!(masked.student_id.is_none() && masked.entity_id.is_empty());
        anyhow::ensure!(masked.workstation.is_empty() && masked.staff_login.is_none());
        anyhow::ensure!(!format!("{masked:?}").contains("Secret"));
        let told = journal::tell(masked);
        anyhow::ensure!(
            told.action_label == "Un autre enfant de la famille, suivi sur un autre site",
            "{told:?}"
        );
        anyhow::ensure!(told.changes.is_empty() && told.entity_label.is_empty());
        // Nothing else in the family's history is about the sibling unmasked.
        anyhow::ensure!(
            rows.iter()
                .all(|r| r.student_id != Some(sibling) && !format!("{r:?}").contains("Secret"))
        );

        // An administrator (every site) reads it whole.
        let admin = AuditFilter {
            visible_sites: None,
            ..member.clone()
        };
        let rows = db.audit_entries(&admin, 100).await?;
        anyhow::ensure!(rows.iter().all(|r| !r.masked));
        anyhow::ensure!(rows.iter().any(|r| {
            r.student_id == Some(sibling)
                && r.after_json
                    .as_deref()
                    .is_some_and(|a| a.contains("Secret"))
        }));
        // A member of the sibling's site only: the first child is masked.
        let theirs = AuditFilter {
            visible_sites: Some(vec![other_site]),
            ..member.clone()
        };
        let rows = db.audit_entries(&theirs, 3).await?;
        anyhow::ensure!(!rows[0].masked && rows[1].masked && !rows[2].masked);

        // The fiche: the sibling comes with their site, without their name.
        let record = db.student_record_for(child, Some(&[site])).await?;
        let s = record
            .siblings
            .iter()
            .find(|s| s.id == sibling)
            .ok_or_else(|| anyhow::anyhow!("sibling listed"))?;
        anyhow::ensure!(s.first_name.is_none() && s.last_name.is_none());
        anyhow::ensure!(s.site_id == other_site);
        let record = db.student_record_for(child, None).await?;
        let s = record.siblings.iter().find(|s| s.id == sibling).unwrap();
        anyhow::ensure!(s.first_name.is_some() && s.last_name.is_some());
        db.close().await;
        Ok(())
    })
    .await;
}
