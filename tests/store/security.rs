//! PostgreSQL is the security boundary (issue 9): staff connect as their
//! own login roles, with their own passwords, and the server decides what
//! they see and change. Everything here connects as a staff role (with
//! `psql` itself or with the store), never as a superuser except to set up
//! and to look behind the member's back.

use std::process::Command;

use portee_services::auth::password_secret;
use portee_store::{Actor, Database, NewStaff, StaffChange};
use portee_tests::db::TestDb;
use sqlx::{Connection, PgConnection, postgres::PgConnectOptions};

/// A fresh PostgreSQL database with a small demo network (as a superuser,
/// the way `portee-admin seed` writes it).
async fn demo() -> anyhow::Result<(TestDb, Database)> {
    let t = TestDb::postgres().await?;
    let db = Database::connect(&t.url).await?;
    db.migrate().await?;
    portee_services::demo::seed(
        &db,
        400,
        9,
        chrono::Utc::now().date_naive(),
        &Actor::system("test"),
    )
    .await?;
    Ok((t, db))
}

/// The test database's name.
fn db_name(t: &TestDb) -> String {
    t.url.rsplit('/').next().unwrap_or_default().to_owned()
}

/// The URL of the test database for `login` with `password`.
fn url_as(t: &TestDb, login: &str, password: &str) -> String {
    let opts: PgConnectOptions = t.url.parse().expect("test URL");
    format!(
        "postgres://{}:{}@{}:{}/{}",
        urlencode(login),
        urlencode(password),
        opts.get_host(),
        opts.get_port(),
        db_name(t)
    )
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs `sql` with the real `psql` as `login` (password `password`, sent
/// by psql through PGPASSWORD), one statement, unaligned tuples only.
/// Returns (success, stdout, stderr).
fn psql(t: &TestDb, login: &str, password: &str, sql: &str) -> (bool, String, String) {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", login, "-d", &db_name(t)])
        .args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .env("PGPASSWORD", password)
        .env("PGCONNECT_TIMEOUT", "5")
        .output()
        .expect("psql is installed (scripts/setup.sh)");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).trim().to_owned(),
    )
}

/// `psql` as the demo agent of Meudon, with their own (public demo) password.
fn as_agent(t: &TestDb, sql: &str) -> (bool, String, String) {
    psql(t, "agent.meudon", "demo-agent.meudon", sql)
}

/// One number read as the superuser (behind the member's back).
async fn count(db: &Database, sql: &str) -> anyhow::Result<i64> {
    let Database::Postgres(p) = db else {
        anyhow::bail!("PostgreSQL only")
    };
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(p)
        .await?)
}

fn number(out: &(bool, String, String)) -> i64 {
    assert!(out.0, "psql failed: {}", out.2);
    out.1
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {:?}", out.1))
}

#[tokio::test]
async fn the_meudon_agent_with_psql_reads_meudon_rows_only() -> anyhow::Result<()> {
    let (t, db) = demo().await?;
    // A wrong password is refused by the server itself.
    let (ok, _, err) = psql(&t, "agent.meudon", "demo-agent.meudoN", "SELECT 1");
    assert!(
        !ok && err.contains("password authentication failed"),
        "{err}"
    );

    let meudon_students = count(&db, "SELECT COUNT(*) FROM students WHERE site_id = 5").await?;
    assert!(
        meudon_students > 0
            && meudon_students < count(&db, "SELECT COUNT(*) FROM students").await?
    );
    assert_eq!(
        number(&as_agent(&t, "SELECT COUNT(*) FROM students")),
        meudon_students
    );
    assert_eq!(
        number(&as_agent(
            &t,
            "SELECT COUNT(*) FROM students WHERE site_id <> 5"
        )),
        0
    );
    assert_eq!(
        number(&as_agent(
            &t,
            "SELECT COUNT(*) FROM search_tokens WHERE site_id <> 5"
        )),
        0
    );
    // A family belongs to the sites of its students.
    let meudon_families = count(
        &db,
        "SELECT COUNT(*) FROM families f WHERE EXISTS \
         (SELECT 1 FROM students s WHERE s.family_id = f.id AND s.site_id = 5)",
    )
    .await?;
    assert_eq!(
        number(&as_agent(&t, "SELECT COUNT(*) FROM families")),
        meudon_families
    );
    let visible_documents = count(
        &db,
        "SELECT COUNT(*) FROM documents d WHERE EXISTS \
         (SELECT 1 FROM students s WHERE s.family_id = d.family_id AND s.site_id = 5)",
    )
    .await?;
    assert!(visible_documents > 0);
    assert_eq!(
        number(&as_agent(&t, "SELECT COUNT(*) FROM documents")),
        visible_documents
    );
    assert_eq!(
        number(&as_agent(&t, "SELECT COUNT(*) FROM guardians")),
        count(
            &db,
            "SELECT COUNT(*) FROM guardians g WHERE EXISTS \
             (SELECT 1 FROM students s WHERE s.family_id = g.family_id AND s.site_id = 5)"
        )
        .await?
    );
    // Another site's family, asked for by its id: nothing.
    let elsewhere = count(
        &db,
        "SELECT MIN(f.id) FROM families f WHERE NOT EXISTS \
         (SELECT 1 FROM students s WHERE s.family_id = f.id AND s.site_id = 5)",
    )
    .await?;
    let (ok, rows, err) = as_agent(
        &t,
        &format!("SELECT family_number FROM families WHERE id = {elsewhere}"),
    );
    assert!(ok, "{err}");
    assert_eq!(rows, "");
    let (ok, rows, _) = as_agent(
        &t,
        &format!("SELECT COUNT(*) FROM audit_log WHERE family_id = {elsewhere}"),
    );
    assert!(ok);
    assert_eq!(rows, "0");
    // Everyone reads the offer; staff accounts: one's own row only.
    assert_eq!(
        number(&as_agent(&t, "SELECT COUNT(*) FROM slots")),
        count(&db, "SELECT COUNT(*) FROM slots").await?
    );
    assert_eq!(number(&as_agent(&t, "SELECT COUNT(*) FROM staff")), 1);
    Ok(())
}

#[tokio::test]
async fn every_escalation_the_meudon_agent_tries_with_psql_is_refused() -> anyhow::Result<()> {
    let (t, db) = demo().await?;
    let agent_id = count(&db, "SELECT id FROM staff WHERE login = 'agent.meudon'").await?;
    let admin_id = count(&db, "SELECT id FROM staff WHERE login = 'admin.demo'").await?;
    let entries = count(&db, "SELECT COUNT(*) FROM audit_log").await?;
    let verifier = password_secret("Pirate-2026-x")?.scram.unwrap_or_default();
    let attempts = [
        "UPDATE staff SET role = 'admin' WHERE login = 'agent.meudon'".to_owned(),
        format!("INSERT INTO staff_sites (staff_id, site_id) VALUES ({agent_id}, 1)"),
        "UPDATE audit_log SET action = 'rien' WHERE id = 1".to_owned(),
        "DELETE FROM audit_log".to_owned(),
        "TRUNCATE audit_log".to_owned(),
        "INSERT INTO audit_log (occurred_at, actor_kind, workstation, action, entity_type, entity_id) \
         VALUES (now(), 'system', 'x', 'faux', 'x', '1')"
            .to_owned(),
        "ALTER TABLE audit_log DISABLE TRIGGER ALL".to_owned(),
        "DROP TRIGGER families_audit ON families".to_owned(),
        "ALTER TABLE families DISABLE ROW LEVEL SECURITY".to_owned(),
        "DROP POLICY families_sites ON families".to_owned(),
        "SET ROLE portee_administrateur".to_owned(),
        "SET ROLE portee_owner".to_owned(),
        "GRANT portee_administrateur TO \"agent.meudon\"".to_owned(),
        "ALTER ROLE \"agent.meudon\" SUPERUSER".to_owned(),
        "CREATE TABLE public.pirate (x int)".to_owned(),
        format!("SELECT portee_staff_password({admin_id}, '{verifier}', FALSE, NULL)"),
        "UPDATE slots SET capacity = capacity + 10".to_owned(),
        "UPDATE sign_in_throttle SET failed_attempts = 0".to_owned(),
    ];
    for sql in &attempts {
        let (ok, out, err) = as_agent(&t, sql);
        assert!(!ok, "accepted: {sql} → {out}");
        let refusals = [
            "permission denied",
            "must be owner",
            "must have admin option",
            "must be superuser",
            "not allowed",
        ];
        assert!(refusals.iter().any(|r| err.contains(r)), "{sql}: {err}");
    }
    // Nothing changed behind the refusals.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM staff WHERE login = 'agent.meudon' AND role = 'agent'"
        )
        .await?,
        1
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM staff_sites WHERE staff_id = {agent_id}")
        )
        .await?,
        1
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log").await?, entries);
    // The admin's password is still the demo one.
    let (ok, _, err) = psql(&t, "admin.demo", "demo-admin.demo", "SELECT 1");
    assert!(ok, "{err}");
    Ok(())
}

#[tokio::test]
async fn a_change_made_with_psql_is_audited_under_the_member_with_before_and_after()
-> anyhow::Result<()> {
    let (t, db) = demo().await?;
    let agent_id = count(&db, "SELECT id FROM staff WHERE login = 'agent.meudon'").await?;
    let family = count(
        &db,
        "SELECT MIN(s.family_id) FROM students s WHERE s.site_id = 5",
    )
    .await?;
    let elsewhere = count(
        &db,
        "SELECT MIN(f.id) FROM families f WHERE NOT EXISTS \
         (SELECT 1 FROM students s WHERE s.family_id = f.id AND s.site_id = 5)",
    )
    .await?;
    let (ok, out, err) = as_agent(
        &t,
        &format!(
            "UPDATE families SET address_line = '12 rue de la Pirouette' WHERE id = {family} RETURNING id"
        ),
    );
    assert!(ok, "{err}");
    assert_eq!(out, family.to_string());
    // Another site's family: no row to change.
    let (ok, out, _) = as_agent(
        &t,
        &format!("UPDATE families SET town = 'Ailleurs' WHERE id = {elsewhere} RETURNING id"),
    );
    assert!(ok);
    assert_eq!(out, "");

    let Database::Postgres(p) = &db else {
        unreachable!()
    };
    let (actor_kind, staff_id, action, entity, before, after, workstation): (
        String,
        Option<i64>,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
    ) = sqlx::query_as(
        "SELECT actor_kind, staff_id, action, entity_type, before_json, after_json, workstation \
         FROM audit_log WHERE family_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(family)
    .fetch_one(p)
    .await?;
    assert_eq!((actor_kind.as_str(), staff_id), ("staff", Some(agent_id)));
    assert_eq!(
        (action.as_str(), entity.as_str()),
        ("row.update", "families")
    );
    let before: serde_json::Value = serde_json::from_str(&before.unwrap_or_default())?;
    let after: serde_json::Value = serde_json::from_str(&after.unwrap_or_default())?;
    assert_eq!(after["address_line"], "12 rue de la Pirouette");
    assert!(before["address_line"].is_string());
    assert_ne!(before["address_line"], after["address_line"]);
    assert!(workstation.starts_with("psql"), "{workstation}");
    // The journal shows it (a row entry alone is not hidden).
    let shown = db
        .audit_entries(
            &portee_store::AuditFilter {
                family_id: Some(family),
                ..Default::default()
            },
            5,
        )
        .await?;
    assert_eq!(shown[0].action, "row.update");
    assert_eq!(shown[0].staff_login.as_deref(), Some("agent.meudon"));
    // A colleague's change, read back by the agent through the store: the
    // history names the colleague (though the agent reads no other staff row).
    let (ok, _, err) = psql(
        &t,
        "agent2.meudon",
        "demo-agent2.meudon",
        &format!("UPDATE families SET town = 'Meudon-la-Forêt' WHERE id = {family}"),
    );
    assert!(ok, "{err}");
    let agent = Database::connect(&url_as(&t, "agent.meudon", "demo-agent.meudon")).await?;
    let read = agent
        .audit_entries(
            &portee_store::AuditFilter {
                family_id: Some(family),
                ..Default::default()
            },
            5,
        )
        .await?;
    agent.close().await;
    assert_eq!(read[0].staff_login.as_deref(), Some("agent2.meudon"));
    assert_eq!(
        read[0].staff_name.as_deref().map(str::is_empty),
        Some(false)
    );
    assert_eq!(read[1].staff_login.as_deref(), Some("agent.meudon"));
    // Nothing written about the other family.
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) FROM audit_log WHERE family_id = {elsewhere} AND action LIKE 'row.%'")).await?,
        0
    );
    Ok(())
}

#[tokio::test]
async fn an_entry_appended_by_a_member_is_always_in_their_own_name() -> anyhow::Result<()> {
    let (t, db) = demo().await?;
    let agent_id = count(&db, "SELECT id FROM staff WHERE login = 'agent.meudon'").await?;
    let admin_id = count(&db, "SELECT id FROM staff WHERE login = 'admin.demo'").await?;
    let (ok, id, err) = as_agent(
        &t,
        &format!(
            "SELECT portee_audit_append(now() - interval '2 years', 'system', {admin_id}, 'poste', \
             'document.open', 'document', '1', NULL, NULL, NULL, NULL)"
        ),
    );
    assert!(ok, "{err}");
    let (kind, staff_id, recent): (String, Option<i64>, bool) = match &db {
        Database::Postgres(p) => {
            sqlx::query_as(
                "SELECT actor_kind, staff_id, occurred_at > now() - interval '1 minute' \
                 FROM audit_log WHERE id = $1",
            )
            .bind(id.parse::<i64>()?)
            .fetch_one(p)
            .await?
        }
        Database::Sqlite(_) => unreachable!(),
    };
    assert_eq!(
        (kind.as_str(), staff_id, recent),
        ("staff", Some(agent_id), true)
    );
    Ok(())
}

#[tokio::test]
async fn a_responsable_changes_the_capacities_of_their_site_only() -> anyhow::Result<()> {
    let (t, db) = demo().await?;
    let here = count(
        &db,
        "SELECT MIN(sl.id) FROM slots sl JOIN courses c ON c.id = sl.course_id \
         WHERE c.site_id = 5 AND sl.seats_taken < sl.capacity",
    )
    .await?;
    let there = count(
        &db,
        "SELECT MIN(sl.id) FROM slots sl JOIN courses c ON c.id = sl.course_id WHERE c.site_id = 1",
    )
    .await?;
    let resp = |sql: &str| psql(&t, "resp.meudon", "demo-resp.meudon", sql);
    let (ok, out, err) = resp(&format!(
        "UPDATE slots SET capacity = capacity + 2, version = version + 1 WHERE id = {here} RETURNING id"
    ));
    assert!(ok, "{err}");
    assert_eq!(out, here.to_string());
    let (ok, out, _) = resp(&format!(
        "UPDATE slots SET capacity = capacity + 2 WHERE id = {there} RETURNING id"
    ));
    assert!(ok);
    assert_eq!(out, "", "another site's slot must not change");
    // An agent changes no capacity, but takes a seat on their site.
    let (ok, _, err) = as_agent(
        &t,
        &format!("UPDATE slots SET capacity = 99 WHERE id = {here}"),
    );
    assert!(!ok && err.contains("permission denied"), "{err}");
    let (ok, out, err) = as_agent(
        &t,
        &format!("UPDATE slots SET seats_taken = seats_taken + 1 WHERE id = {here} RETURNING id"),
    );
    assert!(ok, "{err}");
    assert_eq!(out, here.to_string());
    let (ok, out, _) = as_agent(
        &t,
        &format!("UPDATE slots SET seats_taken = seats_taken + 1 WHERE id = {there} RETURNING id"),
    );
    assert!(ok);
    assert_eq!(out, "");
    Ok(())
}

/// A login that no other test (nor another run) uses: roles are the
/// server's, shared by every database.
fn fresh_login(prefix: &str) -> String {
    format!(
        "{prefix}.{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    )
}

/// A new agent of Meudon, `login` with `password`, created through the
/// store by `actor` on `db` (its login role follows, migration 0007).
async fn create_agent(
    db: &Database,
    login: &str,
    password: &str,
    actor: &Actor,
) -> anyhow::Result<portee_store::StaffRow> {
    let secret = password_secret(password)?;
    Ok(db
        .create_staff(
            &NewStaff {
                login: login.to_owned(),
                display_name: "Nouvel Agent".into(),
                role: "agent".into(),
                password_hash: secret.hash,
                scram_verifier: secret.scram,
                must_change_password: false,
                sites: vec![5],
            },
            actor,
        )
        .await?)
}

async fn drop_role(login: &str) {
    if let Ok(mut c) = PgConnection::connect(&portee_tests::db::pg_admin_url()).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP ROLE IF EXISTS \"{login}\""
        )))
        .execute(&mut c)
        .await;
    }
}

#[tokio::test]
async fn an_administrator_creates_an_account_that_signs_in_with_psql_and_disabling_it_ends_its_connections()
-> anyhow::Result<()> {
    let (t, _db) = demo().await?;
    // The administrator works through the store, connected as themselves.
    let admin = Database::connect(&url_as(&t, "admin.demo", "demo-admin.demo")).await?;
    let admin_id = admin
        .staff_by_login("admin.demo")
        .await?
        .map(|s| s.id)
        .ok_or_else(|| anyhow::anyhow!("admin.demo"))?;
    let login = fresh_login("agent");
    let created = create_agent(
        &admin,
        &login,
        "Bienvenue-2026-x",
        &Actor::staff(admin_id, "poste-admin"),
    )
    .await?;
    let result = async {
        let (ok, who, err) = psql(&t, &login, "Bienvenue-2026-x", "SELECT current_user");
        assert!(ok, "{err}");
        assert_eq!(who, login);
        let (ok, _, err) = psql(&t, &login, "Bienvenue-2026-X", "SELECT 1");
        assert!(
            !ok && err.contains("password authentication failed"),
            "{err}"
        );
        // A connection left open on another workstation.
        let mut open = PgConnection::connect(&url_as(&t, &login, "Bienvenue-2026-x")).await?;
        sqlx::query("SELECT 1").execute(&mut open).await?;
        admin
            .change_staff(
                created.id,
                created.version,
                &StaffChange::Active(false),
                &Actor::staff(admin_id, "poste-admin"),
            )
            .await?;
        let (ok, _, err) = psql(&t, &login, "Bienvenue-2026-x", "SELECT 1");
        assert!(!ok && err.contains("not permitted to log in"), "{err}");
        assert!(
            sqlx::query("SELECT 1").execute(&mut open).await.is_err(),
            "the open connection must be ended"
        );
        // A member cannot create accounts.
        let (ok, _, err) = as_agent(
            &t,
            "INSERT INTO staff (login, display_name, role, password_hash, created_at, updated_at) \
             VALUES ('pirate.x', 'P', 'admin', 'x', now(), now())",
        );
        assert!(!ok && err.contains("permission denied"), "{err}");
        Ok::<_, anyhow::Error>(())
    }
    .await;
    admin.close().await;
    drop_role(&login).await;
    result
}

#[tokio::test]
async fn five_refused_passwords_lock_the_role_even_against_psql() -> anyhow::Result<()> {
    let (t, db) = demo().await?;
    let login = fresh_login("verrou");
    let Database::Postgres(p) = &db else {
        unreachable!()
    };
    create_agent(&db, &login, "Verrou-2026-xx", &Actor::system("test")).await?;
    let result = async {
        // The app counts refusals as portee_connexion (no password, no data).
        let mut guest = PgConnection::connect(&url_as(&t, "portee_connexion", "")).await?;
        let (ok, _, err) = psql(&t, "portee_connexion", "", "SELECT COUNT(*) FROM students");
        assert!(!ok && err.contains("permission denied"), "{err}");
        for n in 1..=5 {
            let allowed: bool = sqlx::query_scalar("SELECT portee_sign_in_allowed($1, 'b')")
                .bind(&login)
                .fetch_one(&mut guest)
                .await?;
            assert!(allowed, "attempt {n}");
            let failures: i32 =
                sqlx::query_scalar("SELECT portee_sign_in_failed($1, 'b', 'poste', 5, 15)")
                    .bind(&login)
                    .fetch_one(&mut guest)
                    .await?;
            assert_eq!(failures, n);
        }
        // Locked: the right password no longer opens a connection.
        let (ok, _, err) = psql(&t, &login, "Verrou-2026-xx", "SELECT 1");
        assert!(
            !ok && err.contains("password authentication failed"),
            "{err}"
        );
        let allowed: bool = sqlx::query_scalar("SELECT portee_sign_in_allowed($1, 'b')")
            .bind(&login)
            .fetch_one(&mut guest)
            .await?;
        assert!(!allowed);
        // Fifteen minutes later (the lock moved back in time here), the
        // next attempt lifts it.
        sqlx::query("UPDATE staff SET locked_until = now() - interval '1 second' WHERE login = $1")
            .bind(&login)
            .execute(p)
            .await?;
        let allowed: bool = sqlx::query_scalar("SELECT portee_sign_in_allowed($1, 'b')")
            .bind(&login)
            .fetch_one(&mut guest)
            .await?;
        assert!(allowed);
        let (ok, _, err) = psql(&t, &login, "Verrou-2026-xx", "SELECT 1");
        assert!(ok, "{err}");
        Ok::<_, anyhow::Error>(())
    }
    .await;
    db.close().await;
    drop_role(&login).await;
    result
}

#[tokio::test]
async fn the_store_connected_as_the_meudon_agent_searches_and_reads_meudon_only()
-> anyhow::Result<()> {
    let (t, db) = demo().await?;
    let agent = Database::connect(&url_as(&t, "agent.meudon", "demo-agent.meudon")).await?;
    // Search: the most common surname prefixes, every site asked for.
    for q in ["ma", "le", "d", "be"] {
        let Ok(query) = portee_domain::search::SearchQuery::parse(&format!("{q}{q}")) else {
            continue;
        };
        for hit in agent.search_students(&query, 200).await? {
            assert_eq!(hit.site_id, 5, "{q}: {hit:?}");
        }
    }
    let query = portee_domain::search::SearchQuery::parse("ma")?;
    let all = db.search_students(&query, 200).await?;
    let mine = agent.search_students(&query, 200).await?;
    assert!(!mine.is_empty() && mine.iter().all(|h| h.site_id == 5));
    assert!(all.iter().any(|h| h.site_id != 5));
    // The fiche of another site's student does not exist for the agent.
    let elsewhere = count(&db, "SELECT MIN(id) FROM students WHERE site_id <> 5").await?;
    assert!(matches!(
        agent.student_record(elsewhere).await,
        Err(portee_store::StoreError::NotFound)
    ));
    let here = count(&db, "SELECT MIN(id) FROM students WHERE site_id = 5").await?;
    assert_eq!(agent.student_record(here).await?.student.id, here);
    // A Meudon child with a sibling on another site: the fiche mentions the
    // sibling with its site only.
    let with_sibling = count(
        &db,
        "SELECT COALESCE(MIN(a.id), 0) FROM students a JOIN students b \
         ON b.family_id = a.family_id AND b.site_id <> 5 WHERE a.site_id = 5",
    )
    .await?;
    if with_sibling > 0 {
        let record = agent.student_record_for(with_sibling, Some(&[5])).await?;
        let hidden: Vec<_> = record.siblings.iter().filter(|s| s.site_id != 5).collect();
        assert!(!hidden.is_empty());
        assert!(
            hidden
                .iter()
                .all(|s| s.last_name.is_none() && s.first_name.is_none())
        );
    }
    agent.close().await;
    Ok(())
}

#[tokio::test]
async fn two_demo_databases_seeded_at_once_share_the_demo_roles() -> anyhow::Result<()> {
    let (a, b) = tokio::join!(demo(), demo());
    let ((ta, _), (tb, _)) = (a?, b?);
    for t in [&ta, &tb] {
        let (ok, n, err) = as_agent(t, "SELECT COUNT(*) FROM students WHERE site_id <> 5");
        assert!(ok, "{err}");
        assert_eq!(n, "0");
    }
    Ok(())
}

#[tokio::test]
async fn a_demo_role_is_nobody_in_a_database_that_is_not_a_demo() -> anyhow::Result<()> {
    // The demo roles exist on the server (a demo database beside the real one).
    let (_demo_db, _demo) = demo().await?;
    let t = TestDb::postgres().await?;
    let db = Database::connect(&t.url).await?;
    db.migrate().await?;
    let login = fresh_login("reel");
    let result = async {
        portee_services::session::create_first_admin(
            &db,
            &login,
            "Claire Martin",
            "Conservatoire-2026",
            "poste",
        )
        .await?;
        // The demo agent's public password opens a connection to the server,
        // but in this database the role is nobody.
        for (sql, expected) in [
            ("SELECT COUNT(*) FROM portee_staff_directory()", "0"),
            ("SELECT COUNT(*) FROM staff", "0"),
            ("SELECT COUNT(*) FROM audit_log", "0"),
            ("SELECT cardinality(portee_visible_sites())", "0"),
            ("SELECT portee_is_admin()", "f"),
        ] {
            let (ok, out, err) = as_agent(&t, sql);
            assert!(ok, "{sql}: {err}");
            assert_eq!(out, expected, "{sql}");
        }
        let (ok, _, err) = as_agent(
            &t,
            "SELECT portee_replace_contact_tokens(1, '{}', '{t0600000000}', '{15}')",
        );
        assert!(!ok && err.contains("not visible"), "{err}");
        Ok::<_, anyhow::Error>(())
    }
    .await;
    db.close().await;
    drop_role(&login).await;
    result
}

#[tokio::test]
async fn the_policies_read_the_members_sites_once_per_query() -> anyhow::Result<()> {
    let (t, db) = demo().await?;
    let students = count(&db, "SELECT COUNT(*) FROM students WHERE site_id = 5").await?;
    for sql in [
        "SELECT COUNT(*) FROM students",
        "SELECT COUNT(*) FROM families",
        "SELECT COUNT(*) FROM search_tokens WHERE token >= 'ma' AND token < 'mb'",
    ] {
        let (ok, plan, err) = as_agent(
            &t,
            &format!("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}"),
        );
        assert!(ok, "{err}");
        // Each of the member's functions is an InitPlan run once (loops=1),
        // never a filter evaluated for every row.
        let lines: Vec<&str> = plan.lines().collect();
        let initplans: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains("InitPlan"))
            .map(|(i, _)| i)
            .collect();
        assert!(!initplans.is_empty(), "{sql}:\n{plan}");
        for i in initplans {
            let next = lines.get(i + 1).copied().unwrap_or_default();
            assert!(next.contains("loops=1"), "{sql}:\n{plan}");
        }
        assert!(
            !plan.contains("SubPlan") || sql.contains("families"),
            "{sql}:\n{plan}"
        );
    }
    assert!(students > 0);
    Ok(())
}

#[tokio::test]
async fn refused_passwords_counted_at_the_same_moment_each_count_once() -> anyhow::Result<()> {
    let (t, db) = demo().await?;
    let login = fresh_login("paral");
    create_agent(&db, &login, "Parallele-2026-x", &Actor::system("test")).await?;
    let result = async {
        // Eight workstations report a refused password at once; a third
        // connection holds writes to staff back until all eight have read
        // the account and wait to write (the worst interleaving).
        let Database::Postgres(pool) = &db else {
            unreachable!()
        };
        let mut gate = pool.acquire().await?;
        sqlx::raw_sql("BEGIN; LOCK TABLE staff IN SHARE MODE")
            .execute(&mut *gate)
            .await?;
        let mut calls = Vec::new();
        for _ in 0..8 {
            let mut guest = PgConnection::connect(&url_as(&t, "portee_connexion", "")).await?;
            let login = login.clone();
            calls.push(tokio::spawn(async move {
                sqlx::query_scalar::<_, i32>(
                    "SELECT portee_sign_in_failed($1, 'b', 'poste', 5, 15)",
                )
                .bind(login)
                .fetch_one(&mut guest)
                .await
            }));
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND wait_event_type = 'Lock' AND usename = 'portee_connexion'",
            )
            .fetch_one(pool)
            .await?;
            if waiting == 8 {
                break;
            }
            anyhow::ensure!(std::time::Instant::now() < deadline, "{waiting} en attente");
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        sqlx::raw_sql("ROLLBACK").execute(&mut *gate).await?;
        let mut counts = Vec::new();
        for c in calls {
            counts.push(c.await??);
        }
        counts.sort();
        // Each got its own count, 1 to 8: none was lost.
        assert_eq!(counts, (1..=8).collect::<Vec<_>>());
        let (failures, locked): (i32, bool) = match &db {
            Database::Postgres(p) => {
                sqlx::query_as(
                    "SELECT failed_attempts, locked_until > now() FROM staff WHERE login = $1",
                )
                .bind(&login)
                .fetch_one(p)
                .await?
            }
            Database::Sqlite(_) => unreachable!(),
        };
        assert_eq!((failures, locked), (8, true));
        let (ok, _, err) = psql(&t, &login, "Parallele-2026-x", "SELECT 1");
        assert!(
            !ok && err.contains("password authentication failed"),
            "{err}"
        );
        Ok::<_, anyhow::Error>(())
    }
    .await;
    db.close().await;
    drop_role(&login).await;
    result
}

/// The rule every migration follows: a table that holds a family's or a
/// student's data (it names a family or a student) has row-level security
/// with at least one policy, and — but for the log itself and the search
/// index, which the database rebuilds from audited tables — the audit
/// trigger. A new table that forgets either fails here.
#[tokio::test]
async fn every_table_naming_a_family_or_a_student_has_its_policy_and_audit_trigger()
-> anyhow::Result<()> {
    let t = TestDb::postgres().await?;
    let db = Database::connect(&t.url).await?;
    db.migrate().await?;
    let Database::Postgres(pool) = &db else {
        unreachable!()
    };
    let tables: Vec<(String, bool, i64, i64)> = sqlx::query_as(
        "SELECT c.relname::TEXT, c.relrowsecurity, \
         (SELECT COUNT(*) FROM pg_policy p WHERE p.polrelid = c.oid), \
         (SELECT COUNT(*) FROM pg_trigger tg WHERE tg.tgrelid = c.oid AND tg.tgname = c.relname || '_audit') \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind = 'r' \
         AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid \
                      AND a.attname IN ('family_id', 'student_id', 'reinscription_id') AND NOT a.attisdropped) \
              OR c.relname IN ('families', 'students')) \
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let names: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    for expected in [
        "families",
        "students",
        "documents",
        "reinscriptions",
        "reinscription_drafts",
    ] {
        anyhow::ensure!(names.contains(&expected), "{expected} absent de {names:?}");
    }
    for (table, rls, policies, audit) in &tables {
        anyhow::ensure!(*rls && *policies > 0, "{table} : pas de sécurité par ligne");
        if !["audit_log", "search_tokens"].contains(&table.as_str()) {
            anyhow::ensure!(*audit == 1, "{table} : pas de déclencheur d'audit");
        }
    }
    db.close().await;
    Ok(())
}
