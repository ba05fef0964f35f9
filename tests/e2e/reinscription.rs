//! The réinscription of a family of two children at the desk, in the real
//! window, from the search reached with Ctrl+K: one child re-enrolled « comme l'an dernier » (courses continued,
//! slots among those with seats left), the other not re-enrolled with a
//! reason; the acknowledgement number shown, and the database saying the
//! same (next year's seats taken, the outbox message queued).

use std::time::Duration;

use fantoccini::Locator;
use portee_store::Database;
use portee_tests::e2e::{AppInstance, LaunchOptions, scenario};

const WAIT: Duration = Duration::from_secs(30);

/// A Meudon family of exactly two children, both at Meudon, neither
/// dossier validated, the elder following courses this year:
/// (elder id, "Prénom Nom", younger id).
pub(crate) async fn family_of_two(app: &AppInstance) -> anyhow::Result<(i64, String, i64)> {
    let db = app.database().await?;
    let Database::Sqlite(pool) = &db else {
        unreachable!()
    };
    let (a, first, last, b): (i64, String, String, i64) = sqlx::query_as(
        "SELECT a.id, a.first_name, a.last_name, b.id FROM students a \
         JOIN students b ON b.family_id = a.family_id AND b.id <> a.id \
         WHERE a.site_id = 5 AND b.site_id = 5 \
         AND (SELECT COUNT(*) FROM students x WHERE x.family_id = a.family_id) = 2 \
         AND NOT EXISTS (SELECT 1 FROM reinscriptions r WHERE r.student_id IN (a.id, b.id) \
                         AND r.status IN ('validated', 'cancelled')) \
         AND (SELECT COUNT(*) FROM enrolments e JOIN courses c ON c.id = e.course_id \
              WHERE e.student_id = a.id AND e.status = 'active' AND c.seat_mode = 'slot' \
              AND e.school_year_id = (SELECT MAX(school_year_id) FROM courses) - 1) >= 1 \
         ORDER BY a.id LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    db.close().await;
    Ok((a, format!("{first} {last}"), b))
}

#[tokio::test]
async fn a_family_of_two_is_re_enrolled_at_the_desk_one_child_like_last_year_the_other_not() {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "600".to_owned())],
        ..Default::default()
    };
    scenario("reinscription-famille", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let (elder, name, younger) = family_of_two(app).await?;
        // Ctrl+K from the home screen: the search, focused.
        let body = app.client.find(Locator::Css("body")).await?;
        body.send_keys(&format!("{}k", fantoccini::key::Key::Control)).await?;
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let focused = app
                .client
                .execute("return document.activeElement ? document.activeElement.id : '';", vec![])
                .await?;
            if focused.as_str() == Some("recherche") {
                break;
            }
            anyhow::ensure!(std::time::Instant::now() < deadline, "Ctrl+K n'a pas placé le curseur dans la recherche ({focused})");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        app.open_student(&name, elder).await?;
        app.click("#onglet-reinscription").await?;
        app.wait_for("#etapes", WAIT).await?;
        // Nothing is preselected: Valider cannot be reached yet.
        app.wait_text("#etape-manques", "choix à faire", WAIT).await?;

        // 1. Choice: the elder like last year, the younger leaves.
        app.click(&format!("#enfant-{elder}-comme-an-dernier")).await?;
        app.click(&format!("#enfant-{younger}-non")).await?;
        app.click(&format!("#enfant-{younger}-motif option[value='demenagement']")).await?;

        // 4. Authorisations: answered where last year's are unknown.
        app.click("#etape-autorisations").await?;
        for (what, answer) in [("image", "oui"), ("sortie", "non")] {
            let radio = format!("#enfant-{elder}-{what}-{answer}");
            app.click(&radio).await?;
        }

        // 6. Courses: a slot for every kept course still without one.
        app.click("#etape-cours").await?;
        app.wait_for(&format!("#enfant-{elder}-cours"), WAIT).await?;
        for (id, value, _) in app.selects(&format!("#enfant-{elder}-cours select")).await? {
            if value.is_empty() && !id.is_empty() {
                app.click(&format!("#{id} option:nth-child(2)")).await?;
            }
        }

        // 7. Récapitulatif: channel, « J'accepte », Valider.
        app.click("#etape-recapitulatif").await?;
        app.click("#canal option[value='desk']").await?;
        app.click("#accepte").await?;
        app.screenshot("reinscription-recapitulatif").await?;
        app.click("#valider").await?;
        let text = app.wait_text("#accuses", "accusé de réception n° AR-", WAIT).await?;
        app.wait_text("#accuses", "ne se réinscrit pas", WAIT).await?;

        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else { unreachable!() };
        let (number, version): (String, i64) = sqlx::query_as(
            "SELECT acknowledgement_number, acknowledgement_version FROM reinscriptions \
             WHERE student_id = $1 AND status = 'validated' AND intent = 'reinscrire' AND validation_channel = 'desk'",
        )
        .bind(elder)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(text.contains(&number) && version == 1, "{text} / {number}");
        let declined: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM reinscriptions WHERE student_id = $1 AND intent = 'ne_pas_reinscrire' \
             AND no_reason LIKE 'Déménagement%'",
        )
        .bind(younger)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(declined == 1);
        let wrong: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM slots sl WHERE sl.seats_taken <> \
             (SELECT COUNT(*) FROM enrolments e WHERE e.slot_id = sl.id AND e.status = 'active')",
        )
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(wrong == 0, "{wrong} créneaux mal comptés");
        let queued: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox o JOIN reinscriptions r ON r.id = o.reinscription_id WHERE r.student_id = $1",
        )
        .bind(elder)
        .fetch_one(pool)
        .await?;
        let has_email: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM guardians g JOIN students s ON s.family_id = g.family_id \
             WHERE s.id = $1 AND g.email IS NOT NULL",
        )
        .bind(elder)
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!(queued == i64::from(has_email > 0), "{queued} messages en file");
        app.screenshot("reinscription-finalisation").await?;

        // 8. The accusé de réception, made as a PDF and handed to the reader.
        app.click(&format!("#accuse-{elder}")).await?;
        app.wait_text("#accuse-message", &number, WAIT).await?;
        let pdf = app.data_dir.join("cache").join("documents").join(format!("{number}.pdf"));
        let path = pdf.to_str().unwrap_or_default();
        let check = std::process::Command::new("qpdf").args(["--check", path]).output()?;
        anyhow::ensure!(check.status.success(), "qpdf refuse {path}");
        let text = std::process::Command::new("pdftotext").args([path, "-"]).output()?;
        let text = String::from_utf8_lossy(&text.stdout);
        anyhow::ensure!(text.contains(&number), "{text}");
        let elder_last: String = name.split(' ').next_back().unwrap_or_default().to_uppercase();
        anyhow::ensure!(text.contains(&elder_last), "{elder_last} absent : {text}");

        // A correction: the tab opens on what was validated; another slot
        // for one course, a reason, Valider again. (The responsable opened
        // a Saturday slot for each of those courses meanwhile: the demo's
        // other slots may all be full, depending on the day it is seeded.)
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else { unreachable!() };
        sqlx::query(
            "INSERT INTO slots (course_id, day_of_week, starts_at, ends_at, teacher, room, capacity) \
             SELECT e.course_id, 6, '10:00', '11:00', 'Mme Test', 'Salle 2', 12 FROM enrolments e \
             WHERE e.student_id = $1 AND e.status = 'active' AND e.slot_id IS NOT NULL \
             AND e.school_year_id = (SELECT MAX(school_year_id) FROM courses)",
        )
        .bind(elder)
        .execute(pool)
        .await?;
        db.close().await;
        app.click("#onglet-historique").await?;
        app.click("#onglet-reinscription").await?;
        app.wait_for("#etapes", WAIT).await?;
        // The correction starts from what was validated.
        app.wait_prop(&format!("#enfant-{elder}-oui"), "checked", "true", WAIT).await?;
        app.click("#etape-cours").await?;
        app.wait_for(&format!("#enfant-{elder}-cours"), WAIT).await?;
        let mut moved = None;
        for (id, value, options) in app.selects(&format!("#enfant-{elder}-cours select")).await? {
            if value.is_empty() {
                continue;
            }
            if let Some(v) = options.iter().find(|v| !v.is_empty() && **v != value) {
                app.click(&format!("#{id} option[value='{v}']")).await?;
                moved = Some((id.clone(), value.clone(), v.clone()));
                break;
            }
        }
        let (_, old_slot, new_slot) = moved.ok_or_else(|| anyhow::anyhow!("aucun autre créneau proposé"))?;
        app.click("#etape-recapitulatif").await?;
        app.fill("#motif-correction", "La famille préfère un autre horaire").await?;
        app.click("#canal option[value='phone']").await?;
        app.click("#accepte").await?;
        app.click("#valider").await?;
        app.wait_text("#accuses", "version 2", WAIT).await?;
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else { unreachable!() };
        let held = |slot: String| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM enrolments WHERE student_id = $1 AND slot_id = $2 AND status = 'active'",
                )
                .bind(elder)
                .bind(slot.parse::<i64>().unwrap_or_default())
                .fetch_one(&pool)
                .await
            }
        };
        anyhow::ensure!(held(old_slot.clone()).await? == 0, "l'ancien créneau {old_slot} est encore tenu");
        anyhow::ensure!(held(new_slot.clone()).await? == 1, "le nouveau créneau {new_slot} n'est pas tenu");
        let wrong: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM slots sl WHERE sl.seats_taken <> \
             (SELECT COUNT(*) FROM enrolments e WHERE e.slot_id = sl.id AND e.status = 'active')",
        )
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(wrong == 0, "{wrong} créneaux mal comptés après la correction");
        let version: i64 = sqlx::query_scalar(
            "SELECT acknowledgement_version FROM reinscriptions WHERE student_id = $1 AND status = 'validated'",
        )
        .bind(elder)
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!(version == 2, "version {version}");
        // The accusé of version 2 says what changed.
        app.click(&format!("#accuse-{elder}")).await?;
        app.wait_text("#accuse-message", &number, WAIT).await?;
        let text = std::process::Command::new("pdftotext").args([path, "-"]).output()?;
        let text = String::from_utf8_lossy(&text.stdout);
        anyhow::ensure!(text.contains("version 2") && text.contains("Ce qui a changé"), "{text}");
        anyhow::ensure!(text.contains("→"), "changement absent : {text}");
        // The history shows both versions.
        app.click("#onglet-historique").await?;
        app.wait_text("#fiche-panneau", "Correction de la réinscription validée", WAIT).await?;
        app.wait_text("#fiche-panneau", "Validation de la réinscription", WAIT).await?;
        app.screenshot("reinscription-correction").await?;
        Ok(())
    })
    .await
    .unwrap();
}

/// A Meudon pupil alone in their family, no dossier validated, following
/// this year only courses of `kind` (CHAM, dance) and none chosen by slot.
async fn pupil_of(app: &AppInstance, kind: &str) -> anyhow::Result<(i64, String)> {
    let db = app.database().await?;
    let Database::Sqlite(pool) = &db else {
        unreachable!()
    };
    let this_year = "(SELECT MAX(school_year_id) FROM courses) - 1";
    let sql = format!(
        "SELECT s.id, s.first_name, s.last_name FROM students s \
         WHERE s.site_id = 5 \
         AND (SELECT COUNT(*) FROM students x WHERE x.family_id = s.family_id) = 1 \
         AND NOT EXISTS (SELECT 1 FROM reinscriptions r WHERE r.student_id = s.id AND r.status IN ('validated', 'cancelled')) \
         AND EXISTS (SELECT 1 FROM enrolments e JOIN courses c ON c.id = e.course_id JOIN disciplines d ON d.id = c.discipline_id \
                     WHERE e.student_id = s.id AND e.status = 'active' AND d.kind = $1 AND e.school_year_id = {this_year}) \
         AND NOT EXISTS (SELECT 1 FROM enrolments e JOIN courses c ON c.id = e.course_id \
                     WHERE e.student_id = s.id AND e.status = 'active' AND c.seat_mode = 'slot' AND e.school_year_id = {this_year}) \
         ORDER BY s.id LIMIT 1"
    );
    let (id, first, last): (i64, String, String) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(kind)
        .fetch_one(pool)
        .await?;
    db.close().await;
    Ok((id, format!("{first} {last}")))
}

#[tokio::test]
async fn a_cham_pupil_and_a_dance_pupil_are_re_enrolled_with_no_slot_to_choose() {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "900".to_owned())],
        ..Default::default()
    };
    scenario("reinscription-cham-danse", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        for kind in ["cham", "danse"] {
            let (id, name) = pupil_of(app, kind).await?;
            app.click("#nav-familles").await?;
            app.open_student(&name, id).await?;
            app.click("#onglet-reinscription").await?;
            app.wait_for("#etapes", WAIT).await?;
            app.click(&format!("#enfant-{id}-comme-an-dernier")).await?;
            app.click("#etape-autorisations").await?;
            app.click(&format!("#enfant-{id}-image-non")).await?;
            app.click(&format!("#enfant-{id}-sortie-oui")).await?;
            app.click("#etape-cours").await?;
            // (Read in the page until it says so: the step may render twice.)
            let text = app
                .wait_text(&format!("#enfant-{id}-cours"), "selon le niveau", WAIT)
                .await?;
            let selects = app.selects(&format!("#enfant-{id}-cours select")).await?;
            anyhow::ensure!(selects.is_empty(), "{kind} : un créneau est à choisir ({text})");
            app.screenshot(&format!("reinscription-{kind}-cours")).await?;
            app.click("#etape-recapitulatif").await?;
            app.click("#canal option[value='phone']").await?;
            app.click("#accepte").await?;
            app.click("#valider").await?;
            app.wait_text("#accuses", "accusé de réception n° AR-", WAIT).await?;

            let db = app.database().await?;
            let Database::Sqlite(pool) = &db else { unreachable!() };
            let (kept, by_slot): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COUNT(e.slot_id) FROM enrolments e \
                 WHERE e.student_id = $1 AND e.status = 'active' \
                 AND e.school_year_id = (SELECT MAX(school_year_id) FROM courses)",
            )
            .bind(id)
            .fetch_one(pool)
            .await?;
            let channel: String = sqlx::query_scalar(
                "SELECT validation_channel FROM reinscriptions WHERE student_id = $1 AND status = 'validated'",
            )
            .bind(id)
            .fetch_one(pool)
            .await?;
            db.close().await;
            anyhow::ensure!(kept >= 1 && by_slot == 0, "{kind} : {kept} cours, {by_slot} créneaux");
            anyhow::ensure!(channel == "phone", "{channel}");
        }
        Ok(())
    })
    .await
    .unwrap();
}

/// Two Meudon pupils, each alone in their family, no dossier validated,
/// following this year the same course whose seats are slots with the same
/// outcome (so next year's course is the same for both):
/// ((id, "Prénom Nom"), (id, "Prénom Nom")).
async fn two_pupils_of_one_slot_course(
    app: &AppInstance,
) -> anyhow::Result<((i64, String), (i64, String))> {
    let db = app.database().await?;
    let Database::Sqlite(pool) = &db else {
        unreachable!()
    };
    let alone_and_open = |s: &str| {
        format!(
            "{s}.site_id = 5 AND (SELECT COUNT(*) FROM students x WHERE x.family_id = {s}.family_id) = 1 \
             AND NOT EXISTS (SELECT 1 FROM reinscriptions r WHERE r.student_id = {s}.id \
                             AND r.status IN ('validated', 'cancelled')) \
             AND NOT EXISTS (SELECT 1 FROM enrolments n WHERE n.student_id = {s}.id AND n.status = 'active' \
                             AND n.school_year_id = (SELECT MAX(school_year_id) FROM courses))"
        )
    };
    let sql = format!(
        "SELECT a.id, a.first_name, a.last_name, b.id, b.first_name, b.last_name FROM students a \
         JOIN enrolments ea ON ea.student_id = a.id AND ea.status = 'active' \
              AND ea.school_year_id = (SELECT MAX(school_year_id) FROM courses) - 1 \
         JOIN courses c ON c.id = ea.course_id AND c.seat_mode = 'slot' \
         JOIN enrolments eb ON eb.course_id = ea.course_id AND eb.status = 'active' AND eb.outcome IS ea.outcome \
         JOIN students b ON b.id = eb.student_id AND b.id <> a.id \
         WHERE {} AND {} ORDER BY a.id DESC, b.id LIMIT 1",
        alone_and_open("a"),
        alone_and_open("b")
    );
    let (a, af, al, b, bf, bl): (i64, String, String, i64, String, String) =
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(pool)
            .await?;
    db.close().await;
    Ok(((a, format!("{af} {al}")), (b, format!("{bf} {bl}"))))
}

/// « Comme l'an dernier », authorisations yes, every slot course given a
/// slot (`slot` for the select `select_id` when given); stops on the
/// récapitulatif with the channel and « J'accepte » set.
async fn up_to_valider(
    app: &AppInstance,
    id: i64,
    forced: Option<(&str, i64)>,
) -> anyhow::Result<Vec<String>> {
    app.click("#onglet-reinscription").await?;
    app.wait_for("#etapes", WAIT).await?;
    app.click(&format!("#enfant-{id}-comme-an-dernier")).await?;
    app.click("#etape-autorisations").await?;
    app.click(&format!("#enfant-{id}-image-oui")).await?;
    app.click(&format!("#enfant-{id}-sortie-oui")).await?;
    app.click("#etape-cours").await?;
    app.wait_for(&format!("#enfant-{id}-cours"), WAIT).await?;
    if let Some((select, slot)) = forced {
        app.click(&format!("#{select} option[value='{slot}']"))
            .await?;
    }
    let mut ids = Vec::new();
    for (select_id, value, _) in app.selects(&format!("#enfant-{id}-cours select")).await? {
        if value.is_empty() {
            app.click(&format!("#{select_id} option:nth-child(2)"))
                .await?;
        }
        ids.push(select_id);
    }
    app.click("#etape-recapitulatif").await?;
    app.click("#canal option[value='desk']").await?;
    app.click("#accepte").await?;
    Ok(ids)
}

#[tokio::test]
async fn a_slot_whose_last_seat_another_workstation_takes_before_valider_writes_nothing_and_offers_the_others()
 {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "600".to_owned())],
        ..Default::default()
    };
    scenario("reinscription-creneau-complet", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let ((id, name), (other, other_name)) = two_pupils_of_one_slot_course(app).await?;
        // Workstation A: up to Valider, its slot chosen among those with seats.
        app.open_student(&name, id).await?;
        let selects = up_to_valider(app, id, None).await?;
        let select_id = selects
            .first()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("aucun créneau à choisir"))?;
        app.click("#etape-cours").await?;
        let slot: i64 = app
            .prop(&format!("#{select_id}"), "value")
            .await?
            .unwrap_or_default()
            .parse()?;
        app.click("#etape-recapitulatif").await?;
        // (« J'accepte » stays ticked when a step is left and taken again.)
        app.wait_prop("#accepte", "checked", "true", WAIT).await?;

        // The slot has one seat left (other families took the rest today).
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else { unreachable!() };
        let (course, capacity, taken): (i64, i64, i64) =
            sqlx::query_as("SELECT course_id, capacity, seats_taken FROM slots WHERE id = $1")
                .bind(slot)
                .fetch_one(pool)
                .await?;
        let fillers: Vec<i64> = sqlx::query_scalar(
            "SELECT s.id FROM students s WHERE s.site_id = 5 AND s.id NOT IN ($1, $2) AND NOT EXISTS \
             (SELECT 1 FROM enrolments e WHERE e.student_id = s.id AND e.course_id = $3) \
             ORDER BY s.id LIMIT $4",
        )
        .bind(id)
        .bind(other)
        .bind(course)
        .bind(capacity - taken - 1)
        .fetch_all(pool)
        .await?;
        let mut tx = pool.begin().await?;
        for filler in &fillers {
            sqlx::query(
                "INSERT INTO enrolments (student_id, course_id, slot_id, school_year_id, status, outcome, created_at) \
                 VALUES ($1, $2, $3, (SELECT school_year_id FROM courses WHERE id = $2), 'active', 'en_cours', '2026-12-03T09:00:00Z')",
            )
            .bind(filler)
            .bind(course)
            .bind(slot)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE slots SET seats_taken = seats_taken + $2, version = version + 1 WHERE id = $1")
            .bind(slot)
            .bind(fillers.len() as i64)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;

        // Workstation B, a second Portée on the same database, re-enrols
        // another pupil of the same course into that last seat.
        let second = AppInstance::launch(LaunchOptions {
            data_dir: Some(app.data_dir.clone()),
            env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "600".to_owned())],
            ..Default::default()
        })
        .await?;
        let taken_by_b = async {
            second.sign_in_demo(5, "resp.meudon").await?;
            second.open_student(&other_name, other).await?;
            let theirs = select_id.replace(&format!("enfant-{id}-"), &format!("enfant-{other}-"));
            up_to_valider(&second, other, Some((&theirs, slot))).await?;
            second.click("#valider").await?;
            second.wait_text("#accuses", "accusé de réception n° AR-", WAIT).await?;
            anyhow::Ok(())
        }
        .await;
        if taken_by_b.is_err() {
            let _ = second.screenshot("reinscription-creneau-complet-poste-b").await;
        }
        second.close().await;
        taken_by_b?;
        let full: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM enrolments WHERE student_id = $1 AND slot_id = $2 AND status = 'active'",
        )
        .bind(other)
        .bind(slot)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(full == 1, "le poste B n'a pas pris la dernière place");

        // Workstation A validates: refused, nothing written.
        app.click("#valider").await?;
        app.wait_text("#reinscription", "vient d'être complété depuis un autre poste", WAIT)
            .await?;
        app.screenshot("reinscription-creneau-complet").await?;
        let (validated, held): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM reinscriptions WHERE student_id = $1 AND status = 'validated'), \
                    (SELECT COUNT(*) FROM enrolments WHERE student_id = $1 AND status = 'active' \
                     AND school_year_id = (SELECT MAX(school_year_id) FROM courses))",
        )
        .bind(id)
        .fetch_one(pool)
        .await?;
        let over: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM slots WHERE seats_taken > capacity")
            .fetch_one(pool)
            .await?;
        anyhow::ensure!(validated == 0 && held == 0 && over == 0, "{validated} / {held} / {over}");
        // The list, read again, no longer offers the full slot; another one.
        app.click("#etape-cours").await?;
        app.wait_for(&format!("#{select_id}"), WAIT).await?;
        let offered: Vec<String> = app
            .selects(&format!("#{select_id}"))
            .await?
            .into_iter()
            .flat_map(|(_, _, options)| options)
            .collect();
        anyhow::ensure!(!offered.contains(&slot.to_string()), "créneau complet encore proposé : {offered:?}");
        let Some(next) = offered.iter().find(|v| !v.is_empty()) else {
            db.close().await;
            return Ok(()); // no other slot of this course has seats: said, nothing more to choose
        };
        app.click(&format!("#{select_id} option[value='{next}']")).await?;
        app.click("#etape-recapitulatif").await?;
        app.click("#valider").await?;
        app.wait_text("#accuses", "accusé de réception n° AR-", WAIT).await?;
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM enrolments WHERE student_id = $1 AND slot_id = $2 AND status = 'active'",
        )
        .bind(id)
        .bind(next.parse::<i64>()?)
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!(held == 1, "le créneau {next} n'est pas tenu");
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_child_waits_for_a_full_slot_from_the_courses_step() {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "600".to_owned())],
        ..Default::default()
    };
    scenario("reinscription-liste-attente", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let ((id, name), _) = two_pupils_of_one_slot_course(app).await?;
        app.open_student(&name, id).await?;
        app.click("#onglet-reinscription").await?;
        app.wait_for("#etapes", WAIT).await?;
        app.click(&format!("#enfant-{id}-comme-an-dernier")).await?;
        app.click("#etape-cours").await?;
        app.wait_for(&format!("#enfant-{id}-cours"), WAIT).await?;
        // One of the slots offered fills up on other workstations.
        let (select_id, _, options) = app
            .selects(&format!("#enfant-{id}-cours select"))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow::anyhow!("aucun créneau à choisir"))?;
        let slot: i64 = options
            .iter()
            .find(|v| !v.is_empty())
            .ok_or_else(|| anyhow::anyhow!("aucun créneau proposé dans {select_id}"))?
            .parse()?;
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        sqlx::query("UPDATE slots SET capacity = seats_taken, version = version + 1 WHERE id = $1")
            .bind(slot)
            .execute(pool)
            .await?;
        // The réinscription read again (the fiche opened anew): the full
        // slot is no longer offered, and the child can wait for it.
        app.open_student(&name, id).await?;
        app.click("#onglet-reinscription").await?;
        app.wait_for("#etapes", WAIT).await?;
        app.click("#etape-cours").await?;
        let button = format!("#attente-{id}-{slot}");
        app.wait_for(&button, WAIT).await?;
        app.click(&button).await?;
        app.wait_text("#attente-message", "liste d'attente", WAIT)
            .await?;
        app.screenshot("reinscription-liste-attente").await?;
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM waiting_list WHERE slot_id = $1 AND student_id = $2",
        )
        .bind(slot)
        .bind(id)
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!(waiting == 1, "{waiting}");
        Ok(())
    })
    .await
    .unwrap();
}
