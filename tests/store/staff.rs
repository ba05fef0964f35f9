//! Staff accounts, sign-in rules and their audit, on both databases.

use portee_services::session::{SignInError, create_first_admin, sign_in};
use portee_store::{Actor, Database, NewStaff, StaffChange, StoreError};
use portee_tests::db::TestDb;

use crate::{each_backend, guarantees::scalar};

fn hash(p: &str) -> String {
    portee_services::auth::hash_password(p).unwrap()
}

#[tokio::test]
async fn the_first_administrator_is_created_once_then_staff_are_administered() {
    each_backend(|t: TestDb| async move {
        let db = Database::connect(&t.url).await?;
        db.migrate().await?;
        // Weak password, bad login: refused in French, nothing written.
        let weak = create_first_admin(&db, "c.martin", "Claire Martin", "court", "poste")
            .await
            .unwrap_err();
        anyhow::ensure!(weak.to_string().contains("12 caractères"), "{weak}");
        let bad = create_first_admin(
            &db,
            "Clé Martin",
            "Claire Martin",
            "Conservatoire-2026",
            "poste",
        )
        .await
        .unwrap_err();
        anyhow::ensure!(
            bad.to_string().contains("Identifiant") || bad.to_string().contains("identifiant"),
            "{bad}"
        );
        anyhow::ensure!(db.staff_count().await? == 0);

        let admin = create_first_admin(
            &db,
            "C.Martin",
            "Claire Martin",
            "Conservatoire-2026",
            "poste",
        )
        .await?;
        anyhow::ensure!(admin.login == "c.martin" && admin.role == "admin");
        let again = create_first_admin(
            &db,
            "autre",
            "Autre Personne",
            "Conservatoire-2026",
            "poste",
        )
        .await
        .unwrap_err();
        anyhow::ensure!(again.to_string().contains("existe déjà"), "{again}");

        let actor = Actor::staff(admin.id, "poste");
        let agent = db
            .create_staff(
                &NewStaff {
                    login: "agent.meudon".into(),
                    display_name: "Inès Lefèvre".into(),
                    role: "agent".into(),
                    password_hash: hash("Provisoire-2026"),
                    scram_verifier: None,
                    must_change_password: true,
                    sites: vec![5],
                },
                &actor,
            )
            .await?;
        anyhow::ensure!(agent.sites == vec![5]);
        let dup = db
            .create_staff(
                &NewStaff {
                    login: "agent.meudon".into(),
                    display_name: "Autre".into(),
                    role: "agent".into(),
                    password_hash: hash("Provisoire-2026"),
                    scram_verifier: None,
                    must_change_password: true,
                    sites: vec![],
                },
                &actor,
            )
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(dup, StoreError::Duplicate), "{dup:?}");

        // Nobody can disable or demote the last administrator…
        let last = db
            .change_staff(admin.id, admin.version, &StaffChange::Active(false), &actor)
            .await
            .unwrap_err();
        anyhow::ensure!(
            last.to_string().contains("dernier administrateur"),
            "{last}"
        );
        let demote = db
            .change_staff(
                admin.id,
                admin.version,
                &StaffChange::RoleAndSites {
                    role: "agent".into(),
                    sites: vec![5],
                },
                &actor,
            )
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(demote, StoreError::Invalid { .. }));
        // …but once there is a second one, the first may be disabled.
        let promoted = db
            .change_staff(
                agent.id,
                agent.version,
                &StaffChange::RoleAndSites {
                    role: "admin".into(),
                    sites: vec![],
                },
                &actor,
            )
            .await?;
        anyhow::ensure!(promoted.role == "admin" && promoted.sites.is_empty());
        let disabled = db
            .change_staff(admin.id, admin.version, &StaffChange::Active(false), &actor)
            .await?;
        anyhow::ensure!(!disabled.active);
        // The other is now the last one.
        let refused = db
            .change_staff(
                promoted.id,
                promoted.version,
                &StaffChange::Active(false),
                &actor,
            )
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(refused, StoreError::Invalid { .. }));
        // A stale version is refused.
        let stale = db
            .change_staff(
                promoted.id,
                agent.version,
                &StaffChange::ResetPassword(hash("Nouveau-2026-x").into()),
                &actor,
            )
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(stale, StoreError::Conflict));

        // Every change is in the audit log with its author.
        let audited = scalar!(
            &db,
            i64,
            "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'staff' AND staff_id = $1",
            admin.id
        )?;
        anyhow::ensure!(audited == 4, "{audited} entrées d'audit"); // create_first_admin, create, promote, disable
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn sign_in_refuses_alike_slows_down_then_locks() {
    each_backend(|t: TestDb| async move {
        let db = Database::connect(&t.url).await?;
        db.migrate().await?;
        let admin = create_first_admin(
            &db,
            "c.martin",
            "Claire Martin",
            "Conservatoire-2026",
            "poste",
        )
        .await?;
        let actor = Actor::staff(admin.id, "poste");
        db.create_staff(
            &NewStaff {
                login: "agent.meudon".into(),
                display_name: "Inès Lefèvre".into(),
                role: "agent".into(),
                password_hash: hash("Meudon-2026-ok"),
                scram_verifier: None,
                must_change_password: false,
                sites: vec![5],
            },
            &actor,
        )
        .await?;

        // Right password, right site.
        let ok = sign_in(&db, 5, "Agent.Meudon", "Meudon-2026-ok", "poste").await?;
        anyhow::ensure!(ok.scope.sites == vec![5]);
        // Unlocking the screen checks the password again, audited as such.
        portee_services::session::confirm_password(&db, &ok, "Meudon-2026-ok", "poste").await?;
        // Right password, a site that is not theirs.
        let wrong_site = sign_in(&db, 7, "agent.meudon", "Meudon-2026-ok", "poste")
            .await
            .unwrap_err();
        anyhow::ensure!(matches!(wrong_site, SignInError::WrongSite));

        // Unknown identifier and wrong password: the same words.
        let unknown = sign_in(&db, 5, "personne", "x", "poste")
            .await
            .unwrap_err()
            .to_string();
        let started = std::time::Instant::now();
        let mut last = String::new();
        for _ in 0..5 {
            last = sign_in(&db, 5, "agent.meudon", "mauvais", "poste")
                .await
                .unwrap_err()
                .to_string();
        }
        anyhow::ensure!(unknown == last, "« {unknown} » ≠ « {last} »");
        // Failures 3, 4 and 5 were slowed down (1 + 2 + 2 s).
        anyhow::ensure!(
            started.elapsed() >= std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        // Locked: even the right password is refused now, with the same words.
        let locked = sign_in(&db, 5, "agent.meudon", "Meudon-2026-ok", "poste")
            .await
            .unwrap_err()
            .to_string();
        anyhow::ensure!(locked == unknown);

        // An identifier that matches no account is slowed down and locked
        // alike: its first failure was counted above; four more take as
        // long as the account's failures 2 to 5 (0 + 1 + 2 + 2 s).
        let started = std::time::Instant::now();
        for _ in 0..4 {
            let refused = sign_in(&db, 5, "personne", "x", "poste")
                .await
                .unwrap_err()
                .to_string();
            anyhow::ensure!(refused == unknown);
        }
        anyhow::ensure!(
            started.elapsed() >= std::time::Duration::from_secs(5),
            "identifiant inconnu non ralenti : {:?}",
            started.elapsed()
        );
        // Now locked, like the account: refused at once, nothing counted.
        let started = std::time::Instant::now();
        sign_in(&db, 5, "personne", "x", "poste").await.unwrap_err();
        anyhow::ensure!(started.elapsed() < std::time::Duration::from_secs(1));
        let bucket = portee_domain::auth::unknown_identifier_bucket("personne");
        anyhow::ensure!(
            scalar!(
                &db,
                i64,
                "SELECT CAST(failed_attempts AS BIGINT) FROM sign_in_throttle WHERE bucket = $1 AND locked_until IS NOT NULL",
                bucket.clone()
            )? == 5
        );
        // The identifier typed is stored nowhere.
        anyhow::ensure!(!bucket.contains("personne"));
        anyhow::ensure!(
            scalar!(
                &db,
                i64,
                "SELECT COUNT(*) FROM audit_log WHERE entity_id LIKE '%personne%' \
                 OR after_json LIKE '%personne%'"
            )? == 0
        );
        let actions: Vec<String> = match &db {
            Database::Postgres(p) => {
                sqlx::query_scalar(
                    "SELECT action FROM audit_log WHERE action LIKE 'auth.%' AND entity_type = 'staff' ORDER BY id",
                )
                .fetch_all(p)
                .await?
            }
            Database::Sqlite(p) => {
                sqlx::query_scalar(
                    "SELECT action FROM audit_log WHERE action LIKE 'auth.%' AND entity_type = 'staff' ORDER BY id",
                )
                .fetch_all(p)
                .await?
            }
        };
        anyhow::ensure!(
            actions
                == [
                    "auth.sign_in",
                    "auth.unlock",
                    "auth.failure",
                    "auth.failure",
                    "auth.failure",
                    "auth.failure",
                    "auth.lock"
                ],
            "{actions:?}"
        );
        let unknown_entries = scalar!(
            &db,
            i64,
            "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'sign_in' AND entity_id = $1 \
             AND actor_kind = 'system'",
            bucket
        )?;
        anyhow::ensure!(unknown_entries == 5, "{unknown_entries}");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn parallel_wrong_passwords_each_count_on_both_databases() {
    each_backend(|t: TestDb| async move {
        let db = Database::connect(&t.url).await?;
        db.migrate().await?;
        let admin = create_first_admin(
            &db,
            "c.martin",
            "Claire Martin",
            "Conservatoire-2026",
            "poste",
        )
        .await?;
        let agent = db
            .create_staff(
                &NewStaff {
                    login: "agent.meudon".into(),
                    display_name: "Inès Lefèvre".into(),
                    role: "agent".into(),
                    password_hash: hash("Meudon-2026-ok"),
                    scram_verifier: None,
                    must_change_password: false,
                    sites: vec![5],
                },
                &Actor::staff(admin.id, "poste"),
            )
            .await?;
        // Four wrong passwords at once (four workstations): four failures,
        // not one written four times. (PostgreSQL's worst interleaving is
        // forced in races::parallel_failed_sign_ins_each_count.)
        let attempt = || sign_in(&db, 5, "agent.meudon", "mauvais", "poste");
        let (a, b, c, d) = tokio::join!(attempt(), attempt(), attempt(), attempt());
        for r in [a, b, c, d] {
            anyhow::ensure!(matches!(r, Err(SignInError::Refused)), "{r:?}");
        }
        let failures = db.staff(agent.id).await?.failed_attempts;
        anyhow::ensure!(failures == 4, "{failures} échecs comptés sur 4");
        Ok(())
    })
    .await;
}
