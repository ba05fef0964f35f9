//! Concurrent writes forced into their worst interleaving, on PostgreSQL.
//!
//! Under READ COMMITTED two transactions may both read the same row before
//! either writes it; whether they do is a matter of timing, so a plain
//! concurrent test may never see it. Each test here forces the interleaving
//! against the real production code, with no hook in it: a third
//! connection (the [`Gate`]) holds `LOCK TABLE … IN SHARE MODE` on the
//! table written, which lets every read (and `SELECT … FOR UPDATE`) through
//! but holds every write. Both calls are launched; the gate opens only once
//! PostgreSQL reports both of them waiting on a lock. Code that reads
//! without locking has then read in both transactions before either
//! writes, and shows its lost update; code that locks what it reads has one
//! call waiting for the other's commit. Each scenario runs 20 times, and
//! checks that exactly one call succeeds, the other gets the right answer
//! (`Conflict`, the last-administrator refusal, or the dossier already
//! created), and that the rows and the audit log say the same thing.
//!
//! SQLite needs no such test: `begin_write` opens every write transaction
//! with `BEGIN IMMEDIATE`, so two writers never overlap.

use std::time::{Duration, Instant};

use portee_domain::family::{ContactInput, FamilyContact, GuardianContactInput};
use portee_store::{Actor, Database, NewDossier, NewStaff, StaffChange, StoreError};
use portee_tests::db::TestDb;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

const ROUNDS: usize = 20;

/// A third connection that holds a table's writers back.
struct Gate {
    conn: PgConnection,
    watcher: PgConnection,
}

impl Gate {
    /// Closes the gate on `table`: reads go through, writes wait.
    async fn close(url: &str, table: &str) -> anyhow::Result<Gate> {
        let mut conn = PgConnection::connect(url).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "BEGIN; LOCK TABLE {table} IN SHARE MODE"
        )))
        .execute(&mut conn)
        .await?;
        let watcher = PgConnection::connect(url).await?;
        Ok(Gate { conn, watcher })
    }

    /// Opens the gate once `waiters` other backends of this database wait
    /// on a lock (the gate's, or a row lock taken by one of the calls).
    /// PostgreSQL gives no notification of that, so this polls
    /// `pg_stat_activity`, bounded to 30 s.
    async fn open_when_waiting(mut self, waiters: i64) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
            )
            .fetch_one(&mut self.watcher)
            .await?;
            if waiting >= waiters {
                break;
            }
            if Instant::now() > deadline {
                sqlx::raw_sql("ROLLBACK").execute(&mut self.conn).await?;
                anyhow::bail!("{waiting} appels en attente au lieu de {waiters}");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        sqlx::raw_sql("ROLLBACK").execute(&mut self.conn).await?;
        Ok(())
    }
}

/// The one success and the one failure of two calls, or an error saying
/// what happened instead.
fn one_of<T: std::fmt::Debug>(
    a: Result<T, StoreError>,
    b: Result<T, StoreError>,
) -> anyhow::Result<(T, StoreError, bool)> {
    match (a, b) {
        (Ok(w), Err(l)) => Ok((w, l, true)),
        (Err(l), Ok(w)) => Ok((w, l, false)),
        other => anyhow::bail!("exactement un appel doit réussir : {other:?}"),
    }
}

async fn pg(t: &TestDb) -> anyhow::Result<(Database, sqlx::PgPool)> {
    let db = Database::connect(&t.url).await?;
    db.migrate().await?;
    let Database::Postgres(pool) = &db else {
        anyhow::bail!("PostgreSQL attendu")
    };
    let pool = pool.clone();
    Ok((db, pool))
}

fn contact(
    record: &portee_store::StudentRecord,
    town: &str,
    mobile: &str,
) -> anyhow::Result<FamilyContact> {
    FamilyContact::parse(&ContactInput {
        address_line: format!("{} rue des Lilas", mobile.len()),
        address_extra: String::new(),
        postcode: "92190".into(),
        town: town.into(),
        guardians: record
            .guardians
            .iter()
            .map(|g| GuardianContactInput {
                guardian_id: g.id,
                phone_mobile: mobile.into(),
                phone_home: String::new(),
                phone_work: String::new(),
                email: format!("{}@exemple.fr", town.to_lowercase()),
            })
            .collect(),
    })
    .map_err(|e| anyhow::anyhow!(e.message))
}

#[tokio::test]
async fn two_coordonnees_saves_from_the_same_version_one_wins_the_other_conflicts() {
    let t = TestDb::postgres().await.unwrap();
    let (db, pool) = pg(&t).await.unwrap();
    portee_services::demo::seed(
        &db,
        20,
        5,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        &Actor::system("test"),
    )
    .await
    .unwrap();
    let student: i64 = sqlx::query_scalar(
        "SELECT MIN(s.id) FROM students s JOIN guardians g ON g.family_id = s.family_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let actor = Actor::staff(1, "poste-test");
    for round in 0..ROUNDS {
        let before = db.student_record(student).await.unwrap();
        let family = before.family.id;
        let a = contact(&before, "Meudon", &format!("06 10 20 30 {round:02}")).unwrap();
        let b = contact(&before, "Sèvres", &format!("07 40 50 60 {round:02}")).unwrap();
        let gate = Gate::close(&t.url, "families").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.update_family_contact(family, before.family.version, &a, &actor),
            db.update_family_contact(family, before.family.version, &b, &actor),
            gate.open_when_waiting(2),
        );
        opened.unwrap();
        let (winner, loser, a_won) = one_of(ra, rb).unwrap();
        assert!(
            matches!(loser, StoreError::Conflict),
            "tour {round}: {loser:?}"
        );
        let sent = if a_won { &a } else { &b };
        // The rows hold the winner's values, phones included.
        let now = db.student_record(student).await.unwrap();
        assert_eq!(now.family, winner);
        assert_eq!(now.family.version, before.family.version + 1);
        assert_eq!(now.family.town, sent.town);
        for g in &now.guardians {
            assert_eq!(
                g.phone_mobile.as_deref(),
                sent.guardians[0].phone_mobile.as_ref().map(|p| p.as_str()),
                "tour {round}: un téléphone du perdant a été écrit"
            );
        }
        // One entry per save that committed, telling the values kept.
        let entries: Vec<String> = sqlx::query_scalar(
            "SELECT after_json FROM audit_log WHERE action = 'family.contact' AND family_id = $1 \
             ORDER BY id",
        )
        .bind(family)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            entries.len(),
            round + 1,
            "tour {round}: fausse entrée d'audit"
        );
        let last: serde_json::Value = serde_json::from_str(entries.last().unwrap()).unwrap();
        assert_eq!(last["town"], serde_json::json!(sent.town));
        assert_eq!(
            last["guardians"][0]["phone_mobile"],
            serde_json::json!(now.guardians[0].phone_mobile)
        );
    }
}

fn staff(login: &str, role: &str) -> NewStaff {
    NewStaff {
        login: login.into(),
        display_name: "Claire Martin".into(),
        role: role.into(),
        password_hash: "hash".into(),
        scram_verifier: None,
        must_change_password: false,
        sites: vec![],
    }
}

async fn count(pool: &sqlx::PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn two_administrators_disabling_each_other_at_once_leave_one() {
    let t = TestDb::postgres().await.unwrap();
    let (db, pool) = pg(&t).await.unwrap();
    let a = db
        .create_first_admin(&staff("admin.a", "admin"), "poste")
        .await
        .unwrap();
    let by_a = Actor::staff(a.id, "poste-a");
    let b = db
        .create_staff(&staff("admin.b", "admin"), &by_a)
        .await
        .unwrap();
    let by_b = Actor::staff(b.id, "poste-b");
    for round in 0..ROUNDS {
        let (a_now, b_now) = (db.staff(a.id).await.unwrap(), db.staff(b.id).await.unwrap());
        assert!(a_now.active && b_now.active);
        let gate = Gate::close(&t.url, "staff").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.change_staff(b.id, b_now.version, &StaffChange::Active(false), &by_a),
            db.change_staff(a.id, a_now.version, &StaffChange::Active(false), &by_b),
            gate.open_when_waiting(2),
        );
        opened.unwrap();
        let (disabled, loser, _) = one_of(ra, rb).unwrap();
        assert!(
            loser.to_string().contains("dernier administrateur"),
            "tour {round}: {loser:?}"
        );
        assert!(!disabled.active);
        assert_eq!(
            count(
                &pool,
                "SELECT COUNT(*) FROM staff WHERE role = 'admin' AND active"
            )
            .await,
            1,
            "tour {round}"
        );
        assert_eq!(
            count(
                &pool,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.disable'"
            )
            .await,
            round as i64 + 1
        );
        // Enable it again for the next round (the other one does it).
        let other = if disabled.id == a.id { &by_b } else { &by_a };
        db.change_staff(
            disabled.id,
            disabled.version,
            &StaffChange::Active(true),
            other,
        )
        .await
        .unwrap();
    }
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.enable'"
        )
        .await,
        ROUNDS as i64
    );

    // Two changes of one account from the same version: one applies.
    let agent = db
        .create_staff(&staff("agent", "agent"), &by_a)
        .await
        .unwrap();
    for round in 0..ROUNDS {
        let now = db.staff(agent.id).await.unwrap();
        let reset_a = StaffChange::ResetPassword(format!("hash-a-{round}").into());
        let reset_b = StaffChange::ResetPassword(format!("hash-b-{round}").into());
        let gate = Gate::close(&t.url, "staff").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.change_staff(agent.id, now.version, &reset_a, &by_a),
            db.change_staff(agent.id, now.version, &reset_b, &by_b),
            gate.open_when_waiting(2),
        );
        opened.unwrap();
        let (_, loser, a_won) = one_of(ra, rb).unwrap();
        assert!(
            matches!(loser, StoreError::Conflict),
            "tour {round}: {loser:?}"
        );
        let stored = db.staff(agent.id).await.unwrap();
        assert_eq!(stored.version, now.version + 1);
        let kept = if a_won { "a" } else { "b" };
        assert_eq!(stored.password_hash, format!("hash-{kept}-{round}"));
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.reset_password' AND entity_id = $1",
        )
        .bind(agent.id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(audited, round as i64 + 1);
    }
}

#[tokio::test]
async fn two_workstations_creating_the_first_administrator_create_one() {
    for round in 0..ROUNDS {
        let t = TestDb::postgres().await.unwrap();
        let (db, pool) = pg(&t).await.unwrap();
        let (first_a, first_b) = (staff("premier.a", "admin"), staff("premier.b", "admin"));
        let gate = Gate::close(&t.url, "staff").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.create_first_admin(&first_a, "poste-a"),
            db.create_first_admin(&first_b, "poste-b"),
            gate.open_when_waiting(2),
        );
        opened.unwrap();
        let (created, loser, _) = one_of(ra, rb).unwrap();
        assert!(
            matches!(loser, StoreError::Conflict),
            "tour {round}: {loser:?}"
        );
        assert_eq!(
            count(&pool, "SELECT COUNT(*) FROM staff").await,
            1,
            "tour {round}"
        );
        let audited: Vec<String> = sqlx::query_scalar(
            "SELECT entity_id FROM audit_log WHERE action = 'staff.create_first_admin'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(audited, [created.id.to_string()]);
        db.close().await;
    }
}

#[tokio::test]
async fn two_concurrent_resubmissions_of_a_dossier_both_get_it() {
    let t = TestDb::postgres().await.unwrap();
    let (db, pool) = pg(&t).await.unwrap();
    let fx = crate::guarantees::fixture(&db, 1, 1, ROUNDS, |_| 10)
        .await
        .unwrap();
    let actor = Actor::system("poste-test");
    for (round, student) in fx.students.iter().enumerate() {
        let new = NewDossier {
            client_id: Uuid::new_v4(),
            student_id: *student,
            campaign_id: fx.campaign_id,
            intent: Some("reinscrire".into()),
            no_reason: None,
            courses: vec![(fx.courses[0].0, Some(fx.courses[0].1[0]))],
        };
        let gate = Gate::close(&t.url, "reinscriptions").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.create_dossier(&new, &actor),
            db.create_dossier(&new, &actor),
            gate.open_when_waiting(2),
        );
        opened.unwrap();
        let (a, b) = match (ra, rb) {
            (Ok(a), Ok(b)) => (a, b),
            other => {
                panic!("tour {round}: les deux envois doivent recevoir le dossier : {other:?}")
            }
        };
        assert_eq!(a, b);
        let stored: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM reinscriptions WHERE student_id = $1")
                .bind(student)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(stored, 1);
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.create' AND entity_id = $1",
        )
        .bind(a.id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);
    }
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM reinscription_courses").await,
        ROUNDS as i64
    );
}

#[tokio::test]
async fn parallel_failed_sign_ins_each_count() {
    use portee_services::session::{SignInError, sign_in};
    let t = TestDb::postgres().await.unwrap();
    let (db, pool) = pg(&t).await.unwrap();
    let admin = db
        .create_first_admin(&staff("admin", "admin"), "poste")
        .await
        .unwrap();
    let mut agent = staff("agent.meudon", "agent");
    agent.password_hash = portee_services::auth::hash_password("Meudon-2026-ok").unwrap();
    agent.sites = vec![5];
    let agent = db
        .create_staff(&agent, &Actor::staff(admin.id, "poste"))
        .await
        .unwrap();
    // Four wrong passwords at once, all read before any is counted: each
    // must count (1, 2, 3, 4), not all write the same "1".
    let gate = Gate::close(&t.url, "staff").await.unwrap();
    let attempt = || sign_in(&db, 5, "agent.meudon", "mauvais", "poste");
    let (r1, r2, r3, r4, opened) = tokio::join!(
        attempt(),
        attempt(),
        attempt(),
        attempt(),
        gate.open_when_waiting(4)
    );
    opened.unwrap();
    for r in [r1, r2, r3, r4] {
        assert!(matches!(r, Err(SignInError::Refused)), "{r:?}");
    }
    assert_eq!(db.staff(agent.id).await.unwrap().failed_attempts, 4);
    let counts: Vec<String> = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE action = 'auth.failure' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut counts: Vec<i64> = counts
        .iter()
        .map(|j| {
            serde_json::from_str::<serde_json::Value>(j).unwrap()["failed_attempts"]
                .as_i64()
                .unwrap()
        })
        .collect();
    counts.sort_unstable();
    assert_eq!(counts, [1, 2, 3, 4]);
    // The fifth locks the account: the right password is then refused too.
    assert!(attempt().await.is_err());
    let right = sign_in(&db, 5, "agent.meudon", "Meudon-2026-ok", "poste").await;
    assert!(matches!(right, Err(SignInError::Refused)), "{right:?}");
    assert!(db.staff(agent.id).await.unwrap().locked_until.is_some());
}

/// Two workstations validating the same dossier from the same version, both
/// reading it before either writes (the gate holds their writes of the
/// dossier's courses, made by every validation): one validates, the other gets `Conflict`, and
/// the seats, the enrolments and the audit log say the same thing.
#[tokio::test]
async fn two_validations_of_one_dossier_from_the_same_version_one_wins() {
    use crate::reinscription::{case, seats_match_enrolments, validation};
    let t = TestDb::postgres().await.unwrap();
    let (db, _) = crate::demo_dbs(&t).await.unwrap();
    let c = case(&db).await.unwrap();
    let actor = Actor::staff(1, "poste-test");
    for round in 0..ROUNDS {
        let version = crate::scalar(
            &db,
            &format!(
                "SELECT CAST(version AS BIGINT) FROM reinscriptions WHERE id = {}",
                c.dossier
            ),
        )
        .await
        .unwrap();
        let mut a = validation(&c, version, c.slot);
        let mut b = validation(&c, version, c.other_slot);
        a.correction_reason = Some(format!("Tour {round} (poste A)"));
        b.correction_reason = Some(format!("Tour {round} (poste B)"));
        let gate = Gate::close(&t.url, "reinscription_courses").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.validate_reinscription(&a, &actor),
            db.validate_reinscription(&b, &actor),
            gate.open_when_waiting(2),
        );
        opened.unwrap_or_else(|e| panic!("tour {round}: {e} ({ra:?} / {rb:?})"));
        let (winner, loser, a_won) = one_of(ra, rb).unwrap();
        assert!(
            matches!(loser, StoreError::Conflict),
            "tour {round}: {loser:?}"
        );
        assert_eq!(i64::from(winner.version), version + 1);
        // The winner's slot is held, the other's not; every count agrees.
        let (held, free) = if a_won {
            (c.slot, c.other_slot)
        } else {
            (c.other_slot, c.slot)
        };
        let holds = |slot: i64| {
            format!(
                "SELECT COUNT(*) FROM enrolments WHERE student_id = {} AND slot_id = {slot} AND status = 'active'",
                c.student
            )
        };
        assert_eq!(
            crate::scalar(&db, &holds(held)).await.unwrap(),
            1,
            "tour {round}"
        );
        assert_eq!(
            crate::scalar(&db, &holds(free)).await.unwrap(),
            0,
            "tour {round}"
        );
        seats_match_enrolments(&db).await.unwrap();
        let entries = crate::scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE entity_id = '{}' AND origin = 'app' \
                 AND action IN ('reinscription.validate', 'reinscription.correct')",
                c.dossier
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            entries,
            round as i64 + 1,
            "tour {round}: fausse entrée d'audit"
        );
    }
}

#[tokio::test]
async fn two_draft_saves_from_the_same_version_one_wins_the_other_gets_its_draft() {
    use portee_store::DraftSave;
    let t = TestDb::postgres().await.unwrap();
    let (db, _) = crate::demo_dbs(&t).await.unwrap();
    let c = crate::reinscription::case(&db).await.unwrap();
    let family = crate::scalar(
        &db,
        &format!("SELECT family_id FROM students WHERE id = {}", c.student),
    )
    .await
    .unwrap();
    let campaign = db.current_campaign_id().await.unwrap();
    let actor = Actor::staff(1, "poste-test");
    let created = db
        .save_family_draft(family, campaign, None, "choix", r#"{"tour":-1}"#, &actor)
        .await
        .unwrap();
    assert_eq!(created, DraftSave::Saved(1));
    for round in 0..ROUNDS {
        let version = i32::try_from(round).unwrap() + 1;
        let a = format!(r#"{{"tour":{round},"poste":"A"}}"#);
        let b = format!(r#"{{"tour":{round},"poste":"B"}}"#);
        let gate = Gate::close(&t.url, "reinscription_drafts").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.save_family_draft(family, campaign, Some(version), "cours", &a, &actor),
            db.save_family_draft(family, campaign, Some(version), "documents", &b, &actor),
            gate.open_when_waiting(2),
        );
        opened.unwrap_or_else(|e| panic!("tour {round}: {e} ({ra:?} / {rb:?})"));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let (won, lost, sent) = match (&ra, &rb) {
            (DraftSave::Saved(_), DraftSave::Conflict(_)) => (&ra, &rb, &a),
            (DraftSave::Conflict(_), DraftSave::Saved(_)) => (&rb, &ra, &b),
            other => panic!("tour {round}: exactement un enregistrement doit passer : {other:?}"),
        };
        assert_eq!(*won, DraftSave::Saved(version + 1), "tour {round}");
        // The loser is handed the winner's draft, as stored.
        let DraftSave::Conflict(Some(theirs)) = lost else {
            panic!("tour {round}: {lost:?}")
        };
        assert_eq!(&theirs.payload, sent, "tour {round}");
        assert_eq!(theirs.version, version + 1, "tour {round}");
        let stored = db.family_draft(family, campaign).await.unwrap().unwrap();
        assert_eq!(&stored.payload, sent, "tour {round}: le perdant a écrit");
        let entries = crate::scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'reinscription.draft' \
                 AND entity_id = '{family}'"
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            entries,
            round as i64 + 2,
            "tour {round}: fausse entrée d'audit"
        );
    }
}

#[tokio::test]
async fn two_workstations_giving_one_freed_seat_give_it_once() {
    let t = TestDb::postgres().await.unwrap();
    let (db, _) = crate::demo_dbs(&t).await.unwrap();
    let (slot, _, _, students) = crate::waiting::slot_and_students(&db, 1).await.unwrap();
    let student = students[0];
    let actor = Actor::staff(1, "poste-test");
    crate::execute(
        &db,
        &format!("DELETE FROM waiting_list WHERE slot_id = {slot}"),
    )
    .await
    .unwrap();
    crate::execute(
        &db,
        &format!("UPDATE slots SET capacity = seats_taken + 1 WHERE id = {slot}"),
    )
    .await
    .unwrap();
    for round in 0..ROUNDS {
        db.join_waiting_list(slot, student, &actor).await.unwrap();
        // Both workstations show the same first of the list and press
        // « Attribuer »: both lock the slot's row, the gate holds the
        // first one's removal from the list until the second waits.
        let gate = Gate::close(&t.url, "waiting_list").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.offer_freed_seat(slot, student, &actor),
            db.offer_freed_seat(slot, student, &actor),
            gate.open_when_waiting(2),
        );
        opened.unwrap_or_else(|e| panic!("tour {round}: {e} ({ra:?} / {rb:?})"));
        let (_, loser, _) = one_of(ra, rb).unwrap();
        assert!(
            matches!(loser, StoreError::Conflict),
            "tour {round}: {loser:?}"
        );
        crate::reinscription::seats_match_enrolments(&db)
            .await
            .unwrap();
        let given = db.confirm_seat_offer(slot, student, &actor).await.unwrap();
        crate::reinscription::seats_match_enrolments(&db)
            .await
            .unwrap();
        let gives = crate::scalar(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'waiting.offer' AND origin = 'app'",
        )
        .await
        .unwrap();
        assert_eq!(
            gives,
            round as i64 + 1,
            "tour {round}: fausse entrée d'audit"
        );
        // The seat freed again for the next round.
        db.withdraw_enrolment(given.enrolment_id, "tour suivant", &actor)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn two_workstations_noticing_one_lapsed_offer_pass_it_on_once() {
    let t = TestDb::postgres().await.unwrap();
    let (db, _) = crate::demo_dbs(&t).await.unwrap();
    let (slot, _, _, students) = crate::waiting::slot_and_students(&db, 2).await.unwrap();
    let actor = Actor::staff(1, "poste-test");
    crate::execute(
        &db,
        &format!("DELETE FROM waiting_list WHERE slot_id = {slot}"),
    )
    .await
    .unwrap();
    crate::execute(
        &db,
        &format!("UPDATE slots SET capacity = seats_taken + 1 WHERE id = {slot}"),
    )
    .await
    .unwrap();
    for round in 0..ROUNDS {
        for s in &students {
            db.join_waiting_list(slot, *s, &actor).await.unwrap();
        }
        let offered = db
            .offer_freed_seat(slot, students[0], &actor)
            .await
            .unwrap();
        let late = offered.expires_at + chrono::Duration::minutes(1);
        // Two offer pages open when the deadline passes: both see the
        // lapsed offer; the gate holds the first one's removal from the
        // list until the second waits.
        let gate = Gate::close(&t.url, "waiting_list").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.expire_seat_offers(late, &actor),
            db.expire_seat_offers(late, &actor),
            gate.open_when_waiting(2),
        );
        opened.unwrap_or_else(|e| panic!("tour {round}: {e} ({ra:?} / {rb:?})"));
        assert_eq!(
            ra.unwrap() + rb.unwrap(),
            1,
            "tour {round}: the offer lapsed once"
        );
        crate::reinscription::seats_match_enrolments(&db)
            .await
            .unwrap();
        let lists = db.slot_lists(slot).await.unwrap();
        let order: Vec<(i64, bool)> = lists
            .waiting
            .iter()
            .map(|w| (w.student_id, w.offer_expires_at.is_some()))
            .collect();
        assert_eq!(order, vec![(students[1], true)], "tour {round}");
        // The list emptied for the next round: the second declines.
        db.decline_seat_offer(slot, students[1], &actor)
            .await
            .unwrap();
    }
    let lapsed = crate::scalar(
        &db,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'waiting.offer_lapsed' AND origin = 'app'",
    )
    .await
    .unwrap();
    assert_eq!(lapsed, ROUNDS as i64, "one lapse audited per round");
}

#[tokio::test]
async fn two_changes_of_one_slot_from_the_same_version_one_wins() {
    let t = TestDb::postgres().await.unwrap();
    let (db, _) = crate::demo_dbs(&t).await.unwrap();
    let (slot, _, _, _) = crate::waiting::slot_and_students(&db, 1).await.unwrap();
    let actor = Actor::staff(1, "poste-test");
    let fields = |room: &str| {
        portee_domain::seats::SlotFields::parse(
            &portee_domain::seats::SlotInput {
                day_of_week: "3".into(),
                starts_at: "14:00".into(),
                ends_at: "15:00".into(),
                teacher: "Mme Durand".into(),
                room: room.into(),
                capacity: "40".into(),
                open: true,
            },
            0,
        )
        .unwrap()
    };
    for round in 0..ROUNDS {
        let version = db.slot(slot).await.unwrap().version;
        let (a, b) = (fields("Salle A"), fields("Salle B"));
        let gate = Gate::close(&t.url, "slots").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.update_slot(slot, version, &a, &actor),
            db.update_slot(slot, version, &b, &actor),
            gate.open_when_waiting(2),
        );
        opened.unwrap_or_else(|e| panic!("tour {round}: {e} ({ra:?} / {rb:?})"));
        let (winner, loser, a_won) = one_of(ra, rb).unwrap();
        assert!(
            matches!(loser, StoreError::Conflict),
            "tour {round}: {loser:?}"
        );
        let now = db.slot(slot).await.unwrap();
        assert_eq!(now, winner, "tour {round}");
        assert_eq!(now.room, if a_won { "Salle A" } else { "Salle B" });
        assert_eq!(now.version, version + 1);
        let entries = crate::scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'slot.update' AND entity_id = '{slot}'"
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            entries,
            round as i64 + 1,
            "tour {round}: fausse entrée d'audit"
        );
    }
}

#[tokio::test]
async fn two_workstations_reminding_one_family_at_once_queue_one_reminder() {
    let t = TestDb::postgres().await.unwrap();
    let (db, _) = crate::demo_dbs(&t).await.unwrap();
    let campaign = db.current_campaign_id().await.unwrap();
    let family = crate::scalar(
        &db,
        "SELECT MIN(g.family_id) FROM guardians g WHERE g.email IS NOT NULL AND g.email <> ''",
    )
    .await
    .unwrap();
    let actor = Actor::staff(1, "poste-test");
    let families = [family];
    for round in 0..ROUNDS {
        crate::execute(
            &db,
            "UPDATE outbox SET status = 'sent' WHERE kind = 'reminder'",
        )
        .await
        .unwrap();
        let gate = Gate::close(&t.url, "outbox").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.queue_reminders(campaign, &families, &actor),
            db.queue_reminders(campaign, &families, &actor),
            gate.open_when_waiting(2),
        );
        opened.unwrap_or_else(|e| panic!("tour {round}: {e} ({ra:?} / {rb:?})"));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(
            ra.queued.len() + rb.queued.len(),
            1,
            "tour {round}: {ra:?} / {rb:?}"
        );
        assert_eq!(
            ra.already_pending.len() + rb.already_pending.len(),
            1,
            "tour {round}"
        );
        let pending = crate::scalar(
            &db,
            "SELECT COUNT(*) FROM outbox WHERE kind = 'reminder' AND status = 'pending'",
        )
        .await
        .unwrap();
        assert_eq!(pending, 1, "tour {round}");
    }
}

#[tokio::test]
async fn two_decisions_on_the_same_document_one_is_recorded_the_other_is_told_who_decided() {
    let t = TestDb::postgres().await.unwrap();
    let (db, pool) = pg(&t).await.unwrap();
    portee_services::demo::seed(
        &db,
        400,
        5,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        &Actor::system("test"),
    )
    .await
    .unwrap();
    let docs: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM documents WHERE status = 'received' AND content IS NOT NULL ORDER BY id LIMIT 20",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(docs.len(), ROUNDS, "enough documents awaiting review");
    let (one, two) = (Actor::staff(1, "poste-1"), Actor::staff(2, "poste-2"));
    let accept = portee_domain::review::Decision::Accept {
        document_date: None,
        quotient_familial: None,
        revenu_fiscal: None,
        tax_parts: None,
        review_note: Some("vu".into()),
    };
    let refuse = portee_domain::review::Decision::Refuse {
        reason: portee_domain::review::RefusalReason::Incomplete,
        note_for_family: None,
        document_date: None,
        review_note: None,
    };
    for (round, doc) in docs.into_iter().enumerate() {
        let version = db.review_document(doc).await.unwrap().version;
        let gate = Gate::close(&t.url, "documents").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.decide_document(doc, version, &accept, &one),
            db.decide_document(doc, version, &refuse, &two),
            gate.open_when_waiting(2),
        );
        opened.unwrap();
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let (winner, loser) = match (ra, rb) {
            (Ok(w), Err(l)) | (Err(l), Ok(w)) => (w, l),
            other => panic!("tour {round}: exactement une décision : {other:?}"),
        };
        let said = if winner.status == "accepted" {
            "accepté"
        } else {
            "refusé"
        };
        assert!(
            loser.message.contains(said),
            "tour {round}: {}",
            loser.message
        );
        let (status, decided): (String, i64) = sqlx::query_as(
            "SELECT d.status, (SELECT COUNT(*) FROM audit_log a WHERE a.entity_id = d.id::TEXT \
             AND a.action IN ('document.accept', 'document.reject')) FROM documents d WHERE d.id = $1",
        )
        .bind(doc)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(status, winner.status, "tour {round}");
        assert_eq!(decided, 1, "tour {round}: une seule décision au journal");
    }
}

#[tokio::test]
async fn two_reminders_of_the_same_family_at_once_send_one_and_ask_the_other() {
    let t = TestDb::postgres().await.unwrap();
    let (db, pool) = pg(&t).await.unwrap();
    portee_services::demo::seed(
        &db,
        400,
        5,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        &Actor::system("test"),
    )
    .await
    .unwrap();
    let campaign = db.current_campaign_id().await.unwrap();
    let list = db.missing_documents(5, campaign).await.unwrap();
    let family = list
        .rows
        .iter()
        .find(|r| r.email.is_some() && r.owed.iter().any(|o| o.asked_of_family()))
        .map(|r| r.family_id)
        .expect("a Meudon family to remind");
    let (one, two) = (Actor::staff(1, "poste-1"), Actor::staff(2, "poste-2"));
    let only = [family];
    for round in 0..ROUNDS {
        sqlx::query("DELETE FROM document_reminders WHERE family_id = $1")
            .bind(family)
            .execute(&pool)
            .await
            .unwrap();
        let gate = Gate::close(&t.url, "document_reminders").await.unwrap();
        let (ra, rb, opened) = tokio::join!(
            db.send_document_reminders(5, campaign, &only, false, &one),
            db.send_document_reminders(5, campaign, &only, false, &two),
            gate.open_when_waiting(2),
        );
        opened.unwrap();
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(
            ra.sent.len() + rb.sent.len(),
            1,
            "tour {round}: {ra:?} / {rb:?}"
        );
        assert_eq!(
            ra.needs_confirmation.len() + rb.needs_confirmation.len(),
            1,
            "tour {round}"
        );
        let recorded: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM document_reminders WHERE family_id = $1")
                .bind(family)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(recorded, 1, "tour {round}");
    }
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'document.reminder' AND family_id = $1",
    )
    .bind(family)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, ROUNDS as i64, "one entry per reminder sent");
}
