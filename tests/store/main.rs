//! The store against the real databases: every test runs on PostgreSQL (a
//! fresh database on the real server) and on SQLite (a real file).

use portee_store::{Database, DatabaseKind, StoreError, expected_schema_version};
use portee_tests::db::{Kind, TestDb};

mod busy;
mod chase;
mod demo;
mod drafts;
mod files;
mod guarantees;
mod lists;
mod offer;
mod races;
mod records;
mod reinscription;
mod review;
mod search;
mod security;
mod staff;
mod tls;
mod visibility;
mod waiting;

/// [`each_backend`], the PostgreSQL pass acting as the demo administrator
/// `admin.demo` connected with their own role and password (the test's
/// set-up seeds the demo network as a superuser, then calls
/// `TestDb::acting`): every call the test makes then goes through the
/// server's privileges, policies and audit triggers.
pub(crate) async fn each_backend_as_member<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    for kind in [Kind::Postgres, Kind::Sqlite] {
        let mut db = TestDb::new(kind).await.expect("test database");
        if kind == Kind::Postgres {
            db.member = Some(("admin.demo".into(), "demo-admin.demo".into()));
        }
        if let Err(e) = test(db).await {
            panic!("{kind:?}: {e:#}");
        }
    }
}

/// One integer read with ad-hoc SQL (test set-up and checks only).
pub(crate) async fn scalar(db: &Database, sql: &str) -> anyhow::Result<i64> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    Ok(match db {
        Database::Postgres(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await?,
        Database::Sqlite(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await?,
    })
}

/// A statement run with ad-hoc SQL (test set-up only).
pub(crate) async fn execute(db: &Database, sql: &str) -> anyhow::Result<u64> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    Ok(match db {
        Database::Postgres(p) => sqlx::query(sql).execute(p).await?.rows_affected(),
        Database::Sqlite(p) => sqlx::query(sql).execute(p).await?.rows_affected(),
    })
}

/// A migrated database holding a 60-student demo network, as set up (a
/// superuser on PostgreSQL) and as the test acts on it.
pub(crate) async fn demo_dbs(t: &TestDb) -> anyhow::Result<(Database, Database)> {
    let db = Database::connect(&t.url).await?;
    db.migrate().await?;
    // A fixed day in the past: the seed never writes a future, so a later
    // day would be cut to the day the test runs and the data would drift.
    portee_services::demo::seed(
        &db,
        60,
        7,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        &portee_store::Actor::system("test"),
    )
    .await?;
    // On PostgreSQL the test then acts as admin.demo's own role (staff id 1,
    // the `MIN(id)` the tests take as author).
    let acting = t.acting(&db).await?;
    Ok((db, acting))
}

/// The acting half of [`demo_dbs`].
pub(crate) async fn demo_db(t: &TestDb) -> anyhow::Result<Database> {
    Ok(demo_dbs(t).await?.1)
}

pub(crate) async fn each_backend<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    for kind in [Kind::Postgres, Kind::Sqlite] {
        let db = TestDb::new(kind).await.expect("test database");
        if let Err(e) = test(db).await {
            panic!("{kind:?}: {e:#}");
        }
    }
}

#[tokio::test]
async fn migrations_apply_on_both_databases_and_report_their_version() {
    each_backend(|t| async move {
        let db = Database::connect(&t.url).await?;
        assert_eq!(
            db.kind(),
            match t.kind {
                Kind::Postgres => DatabaseKind::Postgres,
                Kind::Sqlite => DatabaseKind::Sqlite,
            }
        );
        // Nothing applied yet: version 0.
        assert!(db.schema_version().await.is_err() || db.schema_version().await?.version == 0);
        db.migrate().await?;
        let v = db.schema_version().await?;
        assert_eq!(v.version, expected_schema_version());
        assert!(v.version >= 1);
        // Migrating again is harmless.
        db.migrate().await?;
        assert_eq!(db.schema_version().await?.version, v.version);

        // The eight sites are there, with their French names.
        let names: Vec<String> = match &db {
            Database::Postgres(p) => {
                sqlx::query_scalar("SELECT name FROM sites ORDER BY id")
                    .fetch_all(p)
                    .await?
            }
            Database::Sqlite(p) => {
                sqlx::query_scalar("SELECT name FROM sites ORDER BY id")
                    .fetch_all(p)
                    .await?
            }
        };
        assert_eq!(names.len(), 8);
        assert_eq!(names[5], "Sèvres");
        assert_eq!(names[7], "Ville-d'Avray");
        db.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_sqlite_file_and_its_folder_are_created_and_describe_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sous-dossier").join("portee.sqlite3");
    let db = Database::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    assert!(path.exists());
    let loc = db.location();
    assert_eq!(loc.place, path.display().to_string());
    assert_eq!(loc.database, None);
    // WAL is on: concurrent readers never block the writer.
    let Database::Sqlite(pool) = &db else {
        unreachable!()
    };
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn the_postgres_location_names_host_port_and_database() {
    let t = TestDb::postgres().await.unwrap();
    let db = Database::connect(&t.url).await.unwrap();
    let loc = db.location();
    assert_eq!(loc.kind, DatabaseKind::Postgres);
    assert_eq!(loc.place, "127.0.0.1:5432");
    assert!(loc.database.unwrap().starts_with("portee_t_"));
    db.close().await;
}

#[tokio::test]
async fn unreachable_or_wrong_databases_give_french_errors_not_panics() {
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = Database::connect(&format!("postgres://postgres@127.0.0.1:{port}/portee"))
        .await
        .unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("La base de données est injoignable"),
        "{err}"
    );

    // The server is up but the database does not exist.
    let admin = portee_tests::db::pg_admin_url();
    let base = admin.rsplit_once('/').unwrap().0;
    let err = Database::connect(&format!("{base}/portee_absente_{}", std::process::id()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("n'existe pas"), "{err}");

    // Not a database URL at all.
    let err = Database::connect("mysql://localhost/portee")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidUrl { .. }));
    assert!(err.to_string().contains("sqlite: ou postgres://"), "{err}");

    // A SQLite file that cannot be created.
    let err = Database::connect("sqlite:///proc/portee/portee.sqlite3?mode=rwc")
        .await
        .unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");
}

#[tokio::test]
async fn search_finds_students_by_name_number_date_phone_and_email_on_both_databases() {
    use portee_domain::search::SearchQuery;
    each_backend(|t| async move {
        let db = Database::connect(&t.url).await?;
        db.migrate().await?;
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        portee_services::demo::seed(&db, 500, 11, today, &portee_store::Actor::system("test")).await?;
        // Pick a student with an accented or compound name and a guardian.
        type Row = (i64, String, String, chrono::NaiveDate, String, Option<String>, Option<String>);
        let sql = "SELECT s.id, s.last_name, s.first_name, s.birth_date, f.family_number, g.phone_mobile, g.email \
                   FROM students s JOIN families f ON f.id = s.family_id JOIN guardians g ON g.family_id = f.id AND g.rank = 1 \
                   WHERE g.phone_mobile IS NOT NULL AND g.email IS NOT NULL ORDER BY s.id LIMIT 40";
        let rows: Vec<Row> = match &db {
            Database::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await?,
            Database::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await?,
        };
        anyhow::ensure!(rows.len() == 40);
        for (id, last, first, birth, family, phone, email) in rows {
            let upper_no_accents = portee_domain::search::fold(&last).to_uppercase();
            let queries = [
                // accents and case ignored, prefixes of each word, any order
                format!("{} {}", first.chars().take(3).collect::<String>(), upper_no_accents),
                format!("{first} {last}"),
                family.clone(),
                birth.format("%d/%m/%Y").to_string(),
                phone.clone().unwrap(),
                email.clone().unwrap().to_uppercase(),
            ];
            for q in &queries {
                let parsed = SearchQuery::parse(q).map_err(|e| anyhow::anyhow!("{q}: {e}"))?;
                let hits = db.search_students(&parsed, 200).await?;
                anyhow::ensure!(hits.iter().any(|h| h.student_id == id), "« {q} » ne trouve pas l'élève {id}");
                anyhow::ensure!(hits.windows(2).all(|w| w[0].score >= w[1].score), "résultats non classés");
            }
            // A full name ranks its student first (or tied first).
            let hits = db.search_students(&SearchQuery::parse(&format!("{first} {last}")).unwrap(), 5).await?;
            anyhow::ensure!(hits[0].score == hits.iter().find(|h| h.student_id == id).unwrap().score);
        }
        // The limit is honoured.
        let many = db.search_students(&SearchQuery::parse("ma").unwrap(), 7).await?;
        anyhow::ensure!(many.len() <= 7);
        // Nothing matches nonsense.
        anyhow::ensure!(db.search_students(&SearchQuery::parse("zzqxw").unwrap(), 10).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_malformed_row_gives_an_error_never_a_panic() {
    // SQLite stores whatever it is given: a date that is not one, a capacity
    // that is text. Reading them must fail cleanly.
    let t = TestDb::sqlite().unwrap();
    let db = Database::connect(&t.url).await.unwrap();
    db.migrate().await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    portee_services::demo::seed(&db, 50, 3, today, &portee_store::Actor::system("test"))
        .await
        .unwrap();
    let Database::Sqlite(pool) = &db else {
        unreachable!()
    };
    sqlx::query("UPDATE students SET birth_date = 'pas une date' WHERE id = 1")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE slots SET version = 'douze' WHERE id = 1")
        .execute(pool)
        .await
        .unwrap();
    let name: String = sqlx::query_scalar("SELECT last_name FROM students WHERE id = 1")
        .fetch_one(pool)
        .await
        .unwrap();
    let query = portee_domain::search::SearchQuery::parse(&name).unwrap();
    let result = db.search_students(&query, 50).await;
    assert!(matches!(result, Err(StoreError::Internal(_))), "{result:?}");
    assert_eq!(
        result.unwrap_err().to_string(),
        "Erreur de la base de données."
    );
    assert!(matches!(db.slot(1).await, Err(StoreError::Internal(_))));
}
