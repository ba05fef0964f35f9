//! `portee-admin` as an administrator runs it, on both databases.

use std::process::Command;

use portee_tests::db::{Kind, TestDb};

fn admin(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_portee-admin"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("PORTEE_DATABASE_URL")
        .output()
        .expect("portee-admin runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn migrate_seed_and_stats_on_both_databases() {
    for kind in [Kind::Postgres, Kind::Sqlite] {
        let t = TestDb::new(kind).await.unwrap();
        let (ok, out, err) = admin(&t.url, &["migrate"]);
        assert!(ok, "{kind:?}: {err}");
        assert!(out.contains("Schéma à jour"), "{out}");

        let (ok, out, err) = admin(&t.url, &["seed", "--students", "400", "--seed", "7"]);
        assert!(ok, "{kind:?}: {err}");
        assert!(out.contains("400 élèves"), "{out}");

        let (ok, out, err) = admin(&t.url, &["stats"]);
        assert!(ok, "{kind:?}: {err}");
        let stats: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(stats["tables"]["students"], 400, "{kind:?}");
        assert_eq!(stats["tables"]["sites"], 8);
        let per_site: i64 = stats["sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["students"].as_i64().unwrap())
            .sum();
        assert_eq!(per_site, 400);
        assert!(stats["tables"]["documents"].as_i64().unwrap() > 0);

        // Seeding twice is refused, in French, with a non-zero exit.
        let (ok, _, err) = admin(&t.url, &["seed", "--students", "10"]);
        assert!(!ok);
        assert!(err.contains("déjà des familles"), "{err}");
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_network() {
    let a = TestDb::sqlite().unwrap();
    let b = TestDb::sqlite().unwrap();
    for t in [&a, &b] {
        let (ok, _, err) = admin(&t.url, &["seed", "--students", "200", "--seed", "99"]);
        assert!(ok, "{err}");
    }
    let (_, sa, _) = admin(&a.url, &["stats"]);
    let (_, sb, _) = admin(&b.url, &["stats"]);
    assert_eq!(sa, sb);
}

#[test]
fn errors_are_french_sentences_with_a_non_zero_exit() {
    let (ok, _, err) = admin("mysql://localhost/portee", &["stats"]);
    assert!(!ok);
    assert!(
        err.starts_with("portee-admin : L'adresse de la base de données est invalide"),
        "{err}"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (ok, _, err) = admin(
        &format!("postgres://postgres@127.0.0.1:{port}/x"),
        &["migrate"],
    );
    assert!(!ok);
    assert!(err.contains("injoignable"), "{err}");
    let (ok, _, err) = admin("sqlite::memory:", &["seed", "--students", "0"]);
    assert!(!ok);
    assert!(err.contains("entre 1 et 1 000 000"), "{err}");
}

#[tokio::test]
async fn seed_refuses_a_database_that_holds_real_staff_accounts() {
    for kind in [Kind::Postgres, Kind::Sqlite] {
        let t = TestDb::new(kind).await.unwrap();
        let (ok, _, err) = admin(&t.url, &["migrate"]);
        assert!(ok, "{kind:?}: {err}");
        let db = portee_store::Database::connect(&t.url).await.unwrap();
        portee_services::session::create_first_admin(
            &db,
            "c.martin",
            "Claire Martin",
            "Conservatoire-2026",
            "poste",
        )
        .await
        .unwrap();
        let (ok, out, err) = admin(&t.url, &["seed", "--students", "50"]);
        assert!(!ok, "{kind:?}: seeded anyway: {out}");
        assert!(
            err.starts_with(
                "portee-admin : refusé : la base contient des comptes du personnel réels"
            ),
            "{kind:?}: {err}"
        );
        assert!(db.is_empty().await.unwrap(), "{kind:?}");
        assert!(!db.is_demo_database().await.unwrap(), "{kind:?}");
        db.close().await;
    }
}

/// `expire-offers`, for a server's scheduled job: a seat offered whose
/// deadline passed goes to the next of the waiting list, once.
#[tokio::test]
async fn expire_offers_passes_a_lapsed_offer_to_the_next_once() {
    for kind in [Kind::Postgres, Kind::Sqlite] {
        let t = TestDb::new(kind).await.unwrap();
        let (ok, _, err) = admin(&t.url, &["seed", "--students", "200", "--seed", "3"]);
        assert!(ok, "{kind:?}: {err}");
        let db = portee_store::Database::connect(&t.url).await.unwrap();
        let actor = portee_store::Actor::system("test");
        // A slot with one seat free and two students of its site waiting.
        let sql = |q: &str| {
            let q = q.to_owned();
            let db = &db;
            async move {
                match db {
                    portee_store::Database::Postgres(p) => {
                        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(q))
                            .fetch_optional(p)
                            .await
                    }
                    portee_store::Database::Sqlite(p) => {
                        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(q))
                            .fetch_optional(p)
                            .await
                    }
                }
                .unwrap()
            }
        };
        let slot = sql(
            "SELECT MIN(sl.id) FROM slots sl JOIN courses c ON c.id = sl.course_id \
             WHERE c.seat_mode = 'slot'",
        )
        .await
        .unwrap();
        let site = sql(&format!(
            "SELECT CAST(c.site_id AS BIGINT) FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE sl.id = {slot}"
        ))
        .await
        .unwrap();
        let first = sql(&format!(
            "SELECT MIN(s.id) FROM students s WHERE s.site_id = {site} AND NOT EXISTS \
             (SELECT 1 FROM enrolments e WHERE e.student_id = s.id AND e.slot_id = {slot})"
        ))
        .await
        .unwrap();
        let second = sql(&format!(
            "SELECT MIN(s.id) FROM students s WHERE s.site_id = {site} AND s.id > {first} AND NOT EXISTS \
             (SELECT 1 FROM enrolments e WHERE e.student_id = s.id AND e.slot_id = {slot})"
        ))
        .await
        .unwrap();
        sql(&format!(
            "UPDATE slots SET capacity = seats_taken + 1 WHERE id = {slot} RETURNING id"
        ))
        .await;
        sql(&format!(
            "DELETE FROM waiting_list WHERE slot_id = {slot} RETURNING 0"
        ))
        .await;
        for s in [first, second] {
            db.join_waiting_list(slot, s, &actor).await.unwrap();
        }
        db.offer_freed_seat(slot, first, &actor).await.unwrap();

        // Before the deadline: nothing.
        let (ok, out, err) = admin(&t.url, &["expire-offers"]);
        assert!(ok, "{kind:?}: {err}");
        assert!(out.starts_with("0 place(s)"), "{out}");
        // The deadline passed: the second is offered the seat, once.
        sql(&format!(
            "UPDATE waiting_list SET offered_at = '2026-01-01T08:00:00+00:00', \
             offer_expires_at = '2026-01-04T08:00:00+00:00' WHERE student_id = {first} RETURNING id"
        ))
        .await;
        let (ok, out, err) = admin(&t.url, &["expire-offers"]);
        assert!(ok, "{kind:?}: {err}");
        assert!(out.starts_with("1 place(s)"), "{out}");
        let (ok, out, _) = admin(&t.url, &["expire-offers"]);
        assert!(ok && out.starts_with("0 place(s)"), "{out}");
        let lists = db.slot_lists(slot).await.unwrap();
        let order: Vec<(i64, bool)> = lists
            .waiting
            .iter()
            .map(|w| (w.student_id, w.offer_expires_at.is_some()))
            .collect();
        assert_eq!(order, vec![(second, true)], "{kind:?}");
        db.close().await;
    }
}

/// `purge-documents`: `--dry-run` lists and changes nothing; the purge
/// removes the content of accepted tax and CAF documents past the delay
/// and of every reviewed document of a campaign closed long ago, keeps
/// their facts, writes one audit entry each, never touches a document
/// awaiting review, and a second run finds nothing left.
#[tokio::test]
async fn purge_documents_removes_the_content_keeps_the_facts_and_never_a_document_awaiting_review()
{
    for kind in [Kind::Postgres, Kind::Sqlite] {
        let t = TestDb::new(kind).await.unwrap();
        let (ok, _, err) = admin(&t.url, &["seed", "--students", "200", "--seed", "3"]);
        assert!(ok, "{kind:?}: {err}");
        let db = portee_store::Database::connect(&t.url).await.unwrap();
        let sql = |q: &str| {
            let q = q.to_owned();
            let db = &db;
            async move {
                match db {
                    portee_store::Database::Postgres(p) => {
                        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(q))
                            .fetch_optional(p)
                            .await
                    }
                    portee_store::Database::Sqlite(p) => {
                        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(q))
                            .fetch_optional(p)
                            .await
                    }
                }
                .unwrap()
            }
        };
        // One accepted tax notice reviewed 40 days ago with its facts, one
        // received document; the rest as the demo made them.
        let tax = sql("SELECT MIN(id) FROM documents WHERE doc_type = 'avis_imposition' AND content IS NOT NULL")
            .await
            .unwrap();
        let waiting = sql(&format!(
            "SELECT MIN(id) FROM documents WHERE status = 'received' AND content IS NOT NULL AND id <> {tax}"
        ))
        .await
        .unwrap();
        let long_ago = (chrono::Utc::now() - chrono::Duration::days(40)).to_rfc3339();
        sql(&format!(
            "UPDATE documents SET status = 'accepted', rejection_reason = NULL, reviewed_at = '{long_ago}', \
             revenu_fiscal = 31250, tax_parts = 2.5 WHERE id = {tax} RETURNING id"
        ))
        .await;
        let held = "SELECT COUNT(*) FROM documents WHERE content IS NOT NULL";
        let before = sql(held).await.unwrap();

        let (ok, out, err) = admin(&t.url, &["purge-documents", "--dry-run"]);
        assert!(ok, "{kind:?}: {err}");
        assert!(out.contains("rien n'a été retiré"), "{out}");
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{tax}\t"))),
            "{kind:?}: {out}"
        );
        assert!(
            !out.lines().any(|l| l.starts_with(&format!("{waiting}\t"))),
            "{out}"
        );
        assert_eq!(
            sql(held).await.unwrap(),
            before,
            "{kind:?}: a dry run removed content"
        );

        let (ok, out, err) = admin(&t.url, &["purge-documents"]);
        assert!(ok, "{kind:?}: {err}");
        let purged: i64 = out
            .lines()
            .last()
            .and_then(|l| l.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(-1);
        assert!(purged >= 1, "{kind:?}: {out}");
        assert_eq!(sql(held).await.unwrap(), before - purged, "{kind:?}");
        // The tax notice: content gone, facts kept, audited once.
        let kept = sql(&format!(
            "SELECT COUNT(*) FROM documents WHERE id = {tax} AND content IS NULL AND purged_at IS NOT NULL \
             AND status = 'accepted' AND revenu_fiscal = 31250 AND tax_parts = 2.5 AND sha256 IS NOT NULL"
        ))
        .await
        .unwrap();
        assert_eq!(kept, 1, "{kind:?}");
        let audited = sql(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'document.purge' AND entity_id = '{tax}'"
        ))
        .await
        .unwrap();
        assert_eq!(audited, 1, "{kind:?}");
        let entries = sql("SELECT COUNT(*) FROM audit_log WHERE action = 'document.purge'")
            .await
            .unwrap();
        assert_eq!(entries, purged, "{kind:?}");
        // Never a document awaiting review, even with delays of 0 days.
        let (ok, _, err) = admin(
            &t.url,
            &["purge-documents", "--tax-days", "0", "--campaign-days", "0"],
        );
        assert!(ok, "{kind:?}: {err}");
        let still = sql(&format!(
            "SELECT COUNT(*) FROM documents WHERE id = {waiting} AND content IS NOT NULL"
        ))
        .await
        .unwrap();
        assert_eq!(still, 1, "{kind:?}");
        let unreviewed_gone = sql(
            "SELECT COUNT(*) FROM documents WHERE content IS NULL AND status IN ('received', 'missing') \
             AND purged_at IS NOT NULL",
        )
        .await
        .unwrap();
        assert_eq!(unreviewed_gone, 0, "{kind:?}");
        // Nothing left for a second run of the same rule.
        let (ok, out, _) = admin(
            &t.url,
            &["purge-documents", "--tax-days", "0", "--campaign-days", "0"],
        );
        assert!(ok && out.starts_with("0 pièce(s)"), "{kind:?}: {out}");
        // Absurd delays: a French refusal, nothing done.
        let (ok, _, err) = admin(&t.url, &["purge-documents", "--tax-days", "99999"]);
        assert!(!ok && err.contains("délai de conservation"), "{err}");
        db.close().await;
    }
}
