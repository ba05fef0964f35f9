//! Cours & capacités in the real window: a responsable lowers a slot's
//! capacity below its seats taken (refused, with the count), raises it (the
//! bar and the count follow); a seat taken elsewhere shows without a
//! reload; an agent of the same site reads the offer without any capacity
//! to change, and the backend refuses them.

use std::time::Duration;

use portee_store::Database;
use portee_tests::e2e::{LaunchOptions, delays_summary, scenario};

const WAIT: Duration = Duration::from_secs(30);

fn demo() -> LaunchOptions {
    LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "400".to_owned())],
        ..Default::default()
    }
}

#[tokio::test]
async fn a_responsable_changes_a_capacity_never_below_the_seats_taken_and_an_agent_only_reads() {
    scenario("cours-capacites", demo(), async |app| {
        app.sign_in_demo(5, "resp.meudon").await?;
        app.wait_text("#utilisateur", "Meudon", WAIT).await?;
        // The first Meudon slot of the newest offer, given 5 seats taken of 12.
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let slot: i64 = sqlx::query_scalar(
            "SELECT MIN(sl.id) FROM slots sl JOIN courses c ON c.id = sl.course_id \
             WHERE c.site_id = 5 AND c.school_year_id = \
             (SELECT MAX(school_year_id) FROM courses)",
        )
        .fetch_one(pool)
        .await?;
        sqlx::query("UPDATE slots SET capacity = 12, seats_taken = 5 WHERE id = $1")
            .bind(slot)
            .execute(pool)
            .await?;
        db.close().await;

        app.click("#nav-cours").await?;
        app.wait_for("#remplissage-disciplines", WAIT).await?;
        let places = format!("#creneau-{slot}-places");
        app.wait_text(&places, "5 / 12", WAIT).await?;
        app.screenshot("cours-capacites-offre").await?;
        // Another workstation takes a seat: the open page shows it within
        // about a second, without a reload.
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        // 20 changes (7, 6, 7, … seats): how long each takes to show
        // (printed, not asserted), the last leaving 6 seats taken.
        let mut seen_after = Vec::new();
        for round in 0..20 {
            let taken = if round % 2 == 0 { 7 } else { 6 };
            // At varied moments of the page's refresh period (a change made
            // right after a refresh waits the whole period).
            tokio::time::sleep(Duration::from_millis((round * 173) % 500)).await;
            let t = std::time::Instant::now();
            sqlx::query("UPDATE slots SET seats_taken = $1, version = version + 1 WHERE id = $2")
                .bind(taken)
                .bind(slot)
                .execute(pool)
                .await?;
            let expected = format!("{taken} / 12");
            seen_after.push(
                app.text_seen_after(&places, &expected, t, Duration::from_secs(5))
                    .await?,
            );
        }
        db.close().await;
        eprintln!(
            "cours-capacites: place prise sur un autre poste visible après {}, SQLite",
            delays_summary(seen_after)
        );
        app.wait_text(&places, "6 / 12", Duration::from_secs(5)).await?;
        // Below the seats taken: refused, saying how many are taken.
        let field = format!("#capacite-{slot}");
        // Typed and submitted from the keyboard, as at the desk (a click on
        // « Enregistrer » low in the page was seen lost once by
        // WebKitWebDriver under load, like the accounts form's).
        let enter = fantoccini::key::Key::Enter.to_string();
        app.type_over(&field, &format!("4{enter}")).await?;
        app.wait_text("#capacite-message", "places déjà prises (6)", WAIT)
            .await?;
        app.wait_text(&places, "6 / 12", WAIT).await?;
        // Raised: saved, the count follows.
        app.type_over(&field, &format!("14{enter}")).await?;
        app.wait_text("#capacite-message", "14 place(s)", WAIT)
            .await?;
        app.wait_text(&places, "6 / 14", WAIT).await?;
        // Filled to the brim: the row says « Complet ».
        app.type_over(&field, &format!("6{enter}")).await?;
        app.wait_text(&places, "6 / 6", WAIT).await?;
        app.wait_text(&format!("#creneau-{slot}"), "Complet", WAIT)
            .await?;
        app.screenshot("cours-capacites").await?;

        // An agent of Meudon reads the same offer, with nothing to change.
        app.click("#deconnexion").await?;
        app.sign_in(5, "agent.meudon", "demo-agent.meudon").await?;
        app.wait_text("#utilisateur", "Agent", WAIT).await?;
        app.click("#nav-cours").await?;
        app.wait_for("#offre-lecture-seule", WAIT).await?;
        app.wait_text(&places, "6 / 6", WAIT).await?;
        anyhow::ensure!(
            app.prop(&field, "id").await?.is_none(),
            "un agent ne doit pas pouvoir saisir une capacité"
        );
        // And the backend refuses the agent's command sent all the same.
        let answer = app
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 window.__TAURI_INTERNALS__.invoke('get_offer', { request: { site_id: null, school_year_id: null } }) \
                   .then(o => { \
                     const s = o.disciplines.flatMap(d => d.courses).flatMap(c => c.slots).find(s => s.id === arguments[0]); \
                     return window.__TAURI_INTERNALS__.invoke('set_slot_capacity', \
                       { request: { slot_id: s.id, expected_version: s.version, capacity: '40' } }); }) \
                   .then(r => done('accepté ' + JSON.stringify(r)), e => done(JSON.stringify(e)));",
                vec![serde_json::json!(slot)],
            )
            .await?;
        let answer = answer.as_str().unwrap_or_default().to_owned();
        anyhow::ensure!(answer.contains("forbidden"), "{answer}");
        app.click("#nav-cours").await?;
        app.wait_text(&places, "6 / 6", WAIT).await?;
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_withdrawal_frees_a_seat_that_goes_to_the_first_of_the_waiting_list() {
    scenario("cours-liste-attente", demo(), async |app| {
        app.sign_in_demo(5, "resp.meudon").await?;
        app.wait_text("#utilisateur", "Meudon", WAIT).await?;
        // A full Meudon slot of next year with pupils, and two students of
        // Meudon waiting for it.
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (slot, enrolment): (i64, i64) = sqlx::query_as(
            "SELECT sl.id, MIN(e.id) FROM slots sl JOIN courses c ON c.id = sl.course_id \
             JOIN enrolments e ON e.slot_id = sl.id AND e.status = 'active' \
             WHERE c.site_id = 5 AND c.seat_mode = 'slot' \
             AND c.school_year_id = (SELECT MAX(school_year_id) FROM courses) \
             GROUP BY sl.id ORDER BY sl.id LIMIT 1",
        )
        .fetch_one(pool)
        .await?;
        let waiting: Vec<i64> = sqlx::query_scalar(
            "SELECT s.id FROM students s WHERE s.site_id = 5 AND NOT EXISTS \
             (SELECT 1 FROM enrolments e WHERE e.student_id = s.id AND e.slot_id = $1) \
             ORDER BY s.id LIMIT 3",
        )
        .bind(slot)
        .fetch_all(pool)
        .await?;
        sqlx::query("DELETE FROM waiting_list WHERE slot_id = $1")
            .bind(slot)
            .execute(pool)
            .await?;
        for (rank, student) in waiting.iter().enumerate() {
            sqlx::query(
                "INSERT INTO waiting_list (slot_id, student_id, rank, created_at) VALUES ($1, $2, $3, '2026-11-20T10:00:00Z')",
            )
            .bind(slot)
            .bind(student)
            .bind(rank as i64 + 1)
            .execute(pool)
            .await?;
        }
        sqlx::query("UPDATE slots SET capacity = seats_taken, version = version + 1 WHERE id = $1")
            .bind(slot)
            .execute(pool)
            .await?;

        app.click("#nav-cours").await?;
        app.wait_for(&format!("#creneau-{slot}-listes"), WAIT).await?;
        app.click(&format!("#creneau-{slot}-listes")).await?;
        app.wait_for(&format!("#attente-{}", waiting[2]), WAIT).await?;
        anyhow::ensure!(
            app.prop("#place-liberee", "id").await?.is_none(),
            "aucune place n'est libre : rien à proposer"
        );
        // A pupil withdrawn, with a reason typed: the seat is freed and
        // proposed to the first of the list.
        app.click(&format!("#retirer-{enrolment}")).await?;
        let enter = fantoccini::key::Key::Enter.to_string();
        app.type_over("#motif-retrait", &format!("Déménagement en province{enter}"))
            .await?;
        app.wait_text("#panneau-message", "place est libérée", WAIT).await?;
        app.wait_for("#attribuer", WAIT).await?;
        app.wait_for(&format!("#creneau-{slot}-liberee"), WAIT).await?;
        app.screenshot("cours-place-liberee").await?;
        // Offered to the first: held for them for the campaign's delay.
        app.click("#attribuer").await?;
        app.wait_text("#panneau-message", "Place proposée et réservée jusqu'au", WAIT).await?;
        app.wait_for(&format!("#attente-{}-proposee", waiting[0]), WAIT).await?;
        anyhow::ensure!(
            app.prop("#attribuer", "id").await?.is_none(),
            "la place est réservée : plus rien à proposer"
        );
        app.screenshot("cours-place-proposee").await?;
        // Their family says no: the second is offered the seat.
        app.click(&format!("#attente-{}-refuser", waiting[0])).await?;
        app.wait_text("#panneau-message", "proposée au suivant", WAIT).await?;
        app.wait_for(&format!("#attente-{}-proposee", waiting[1]), WAIT).await?;
        anyhow::ensure!(
            app.prop(&format!("#attente-{}", waiting[0]), "id").await?.is_none(),
            "le premier de la liste doit l'avoir quittée"
        );
        // The second's family does not answer in time (the deadline moved
        // into the past): the open page passes the seat to the third by
        // itself.
        sqlx::query(
            "UPDATE waiting_list SET offered_at = '2026-01-01T08:00:00+00:00', \
             offer_expires_at = '2026-01-04T08:00:00+00:00' WHERE slot_id = $1 AND student_id = $2",
        )
        .bind(slot)
        .bind(waiting[1])
        .execute(pool)
        .await?;
        app.wait_for(&format!("#attente-{}-proposee", waiting[2]), WAIT).await?;
        app.wait_gone(&format!("#attente-{}", waiting[1]), WAIT).await?;
        // The third's family says yes.
        app.click(&format!("#attente-{}-confirmer", waiting[2])).await?;
        app.wait_text("#panneau-message", "Place confirmée", WAIT).await?;
        app.wait_for(&format!("#eleve-{}", waiting[2]), WAIT).await?;
        app.screenshot("cours-place-attribuee").await?;
        let (held, listed, full, withdrawn): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM enrolments WHERE student_id = $1 AND slot_id = $2 AND status = 'active'), \
                    (SELECT COUNT(*) FROM waiting_list WHERE slot_id = $2), \
                    (SELECT COUNT(*) FROM slots WHERE id = $2 AND seats_taken = capacity), \
                    (SELECT COUNT(*) FROM enrolments WHERE id = $3 AND status = 'cancelled')",
        )
        .bind(waiting[2])
        .bind(slot)
        .bind(enrolment)
        .fetch_one(pool)
        .await?;
        let journal: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('enrolment.withdraw', 'waiting.offer', \
             'waiting.offer_declined', 'waiting.offer_lapsed', 'waiting.give')",
        )
        .fetch_one(pool)
        .await?;
        let lapsed_mail: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'seat_offer_expired' AND student_id = $1",
        )
        .bind(waiting[1])
        .fetch_one(pool)
        .await?;
        let has_email: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM guardians g JOIN students s ON s.family_id = g.family_id \
             WHERE s.id = $1 AND g.email IS NOT NULL AND g.email <> ''",
        )
        .bind(waiting[1])
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!(
            lapsed_mail == i64::from(has_email > 0),
            "{lapsed_mail} courriel(s) de délai dépassé"
        );
        anyhow::ensure!(
            (held, listed, full, withdrawn, journal) == (1, 0, 1, 1, 7),
            "{held} / {listed} / {full} / {withdrawn} / {journal}"
        );
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_responsable_changes_a_slots_hours_closes_it_and_adds_another_never_over_a_newer_change()
{
    scenario("cours-creneau-modifie", demo(), async |app| {
        app.sign_in_demo(5, "resp.meudon").await?;
        app.wait_text("#utilisateur", "Meudon", WAIT).await?;
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (slot, course): (i64, i64) = sqlx::query_as(
            "SELECT sl.id, sl.course_id FROM slots sl JOIN courses c ON c.id = sl.course_id \
             WHERE c.site_id = 5 AND c.seat_mode = 'slot' \
             AND c.school_year_id = (SELECT MAX(school_year_id) FROM courses) ORDER BY sl.id LIMIT 1",
        )
        .fetch_one(pool)
        .await?;
        app.click("#nav-cours").await?;
        app.wait_for(&format!("#creneau-{slot}-listes"), WAIT).await?;
        app.click(&format!("#creneau-{slot}-listes")).await?;
        app.click("#creneau-modifier").await?;
        app.type_over("#modifier-professeur", "Mme Nouvelle").await?;
        app.type_over("#modifier-salle", "Auditorium").await?;
        app.type_over("#modifier-debut", "17h").await?;
        app.type_over("#modifier-fin", "18h15").await?;
        app.click("#modifier-ouvert").await?;
        // Meanwhile another workstation changes the slot: refused, saying
        // what the slot is now; what was typed stays.
        sqlx::query("UPDATE slots SET room = 'Salle 12', version = version + 1 WHERE id = $1")
            .bind(slot)
            .execute(pool)
            .await?;
        let enter = fantoccini::key::Key::Enter.to_string();
        app.type_over("#modifier-capacite", &format!("{}{enter}", 30)).await?;
        app.wait_text("#panneau-erreur", "Salle 12", WAIT).await?;
        anyhow::ensure!(
            app.prop("#modifier-professeur", "value").await?.as_deref() == Some("Mme Nouvelle"),
            "la saisie doit rester"
        );
        // Sent again over the version now shown (the panel read it again).
        app.type_over("#modifier-capacite", &format!("30{enter}")).await?;
        app.wait_text("#panneau-message", "Créneau enregistré", WAIT).await?;
        app.wait_for("#creneau-ferme", WAIT).await?;
        app.wait_for(&format!("#creneau-{slot}-ferme"), WAIT).await?;
        let (teacher, room, starts, ends, open): (String, String, String, String, bool) = sqlx::query_as(
            "SELECT teacher, room, starts_at, ends_at, open FROM slots WHERE id = $1",
        )
        .bind(slot)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(
            (teacher.as_str(), room.as_str(), starts.as_str(), ends.as_str(), open)
                == ("Mme Nouvelle", "Auditorium", "17:00", "18:15", false),
            "{teacher} {room} {starts} {ends} {open}"
        );
        app.screenshot("cours-creneau-modifie").await?;
        // A second slot for the course.
        app.click("#creneau-ajouter").await?;
        app.type_over("#ajouter-debut", "9h30").await?;
        app.type_over("#ajouter-fin", "10h30").await?;
        app.type_over("#ajouter-capacite", &format!("10{enter}")).await?;
        app.wait_text("#panneau-message", "Créneau ajouté", WAIT).await?;
        let added: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM slots WHERE course_id = $1 AND starts_at = '09:30' AND ends_at = '10:30' \
             AND capacity = 10 AND open",
        )
        .bind(course)
        .fetch_one(pool)
        .await?;
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('slot.update', 'slot.create')",
        )
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!((added, audited) == (1, 2), "{added} / {audited}");
        // An agent sees the slot's lists but cannot change the slot.
        app.click("#deconnexion").await?;
        app.sign_in(5, "agent.meudon", "demo-agent.meudon").await?;
        app.wait_text("#utilisateur", "Agent", WAIT).await?;
        app.click("#nav-cours").await?;
        app.click(&format!("#creneau-{slot}-listes")).await?;
        app.wait_for("#panneau-titre", WAIT).await?;
        anyhow::ensure!(
            app.prop("#creneau-modifier", "id").await?.is_none(),
            "un agent ne modifie pas un créneau"
        );
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_administrator_prepares_next_years_offer_once_and_the_reinscription_proposes_its_slots()
{
    scenario("cours-annee-suivante", demo(), async |app| {
        app.sign_in_demo(5, "admin.demo").await?;
        // The newest offer (next year's during the campaign) and the year
        // after it, as the demo's dates make them.
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (label, start): (String, i64) = sqlx::query_as(
            "SELECT label, start_year FROM school_years WHERE id = (SELECT MAX(school_year_id) FROM courses)",
        )
        .fetch_one(pool)
        .await?;
        let next = format!("{}-{}", start + 1, start + 2);
        app.click("#nav-cours").await?;
        app.wait_for("#remplissage-disciplines", WAIT).await?;
        let shown = app.prop("#offre-annee", "value").await?.unwrap_or_default();
        app.click("#preparer-annee").await?;
        app.wait_for("#preparer-confirmation", WAIT).await?;
        app.click("#preparer-confirmer").await?;
        app.wait_text("#capacite-message", "préparée", WAIT).await?;
        // The page now shows the new year, its slots copied with no seat
        // taken.
        app.wait_text("#remplissage-disciplines", &next, WAIT).await?;
        anyhow::ensure!(
            app.prop("#offre-annee", "value").await?.unwrap_or_default() != shown,
            "l'année affichée doit être la nouvelle"
        );
        app.screenshot("cours-annee-suivante").await?;
        let (slots, taken): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(sl.seats_taken), 0) FROM slots sl JOIN courses c ON c.id = sl.course_id \
             JOIN school_years y ON y.id = c.school_year_id WHERE y.label = $1 AND c.site_id = 5",
        )
        .bind(&next)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(slots > 0 && taken == 0, "{slots} / {taken}");
        // Prepared again from the year before: nothing copied twice.
        // (The option chosen as the other tests do, without opening the
        // list: an open native list can swallow the next click.)
        app.click(&format!("#offre-annee option[value='{shown}']")).await?;
        app.wait_text("#remplissage-disciplines", &label, WAIT).await?;
        app.wait_prop("#offre-annee", "value", &shown, WAIT).await?;
        app.click("#preparer-annee").await?;
        // The confirmation names the year copied from.
        app.wait_text("#preparer-confirmation", &label, WAIT).await?;
        app.click("#preparer-confirmer").await?;
        app.wait_text("#capacite-message", "déjà prête", WAIT).await?;
        let again: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM slots sl JOIN courses c ON c.id = sl.course_id \
             JOIN school_years y ON y.id = c.school_year_id WHERE y.label = $1 AND c.site_id = 5",
        )
        .bind(&next)
        .fetch_one(pool)
        .await?;
        anyhow::ensure!(again == slots, "{again} / {slots}");

        // The campaign of the prepared year opens (the current one closes),
        // and a Meudon pupil re-enrolled in a slot of the year before it is
        // re-enrolled again: the Cours step proposes the prepared slots.
        sqlx::query("UPDATE campaigns SET status = 'closed' WHERE status = 'open'")
            .execute(pool)
            .await?;
        sqlx::query(
            "INSERT INTO campaigns (school_year_id, label, opens_at, closes_at, documents_deadline, status, version) \
             SELECT id, 'Réinscriptions ' || label, '2026-01-01T00:00:00+00:00', '2099-12-31T00:00:00+00:00', \
             '2099-12-31', 'open', 1 FROM school_years WHERE label = $1",
        )
        .bind(&next)
        .execute(pool)
        .await?;
        let (pupil, first, last): (i64, String, String) = sqlx::query_as(
            "SELECT s.id, s.first_name, s.last_name FROM students s \
             WHERE s.site_id = 5 AND (SELECT COUNT(*) FROM students x WHERE x.family_id = s.family_id) = 1 \
             AND EXISTS (SELECT 1 FROM enrolments e JOIN courses c ON c.id = e.course_id \
                         JOIN school_years y ON y.id = c.school_year_id \
                         WHERE e.student_id = s.id AND e.status = 'active' AND c.seat_mode = 'slot' AND y.label = $1) \
             ORDER BY s.id LIMIT 1",
        )
        .bind(&label)
        .fetch_one(pool)
        .await?;
        let prepared: Vec<i64> = sqlx::query_scalar(
            "SELECT sl.id FROM slots sl JOIN courses c ON c.id = sl.course_id \
             JOIN school_years y ON y.id = c.school_year_id WHERE y.label = $1 AND c.site_id = 5",
        )
        .bind(&next)
        .fetch_all(pool)
        .await?;
        db.close().await;
        app.open_student(&format!("{first} {last}"), pupil).await?;
        app.click("#onglet-reinscription").await?;
        app.wait_for("#etapes", WAIT).await?;
        app.click(&format!("#enfant-{pupil}-comme-an-dernier")).await?;
        app.click("#etape-cours").await?;
        app.wait_for(&format!("#enfant-{pupil}-cours select"), WAIT).await?;
        let selects = app.selects(&format!("#enfant-{pupil}-cours select")).await?;
        let offered: Vec<i64> = selects
            .iter()
            .flat_map(|(_, _, options)| options.iter().filter_map(|o| o.parse().ok()))
            .collect();
        anyhow::ensure!(
            !offered.is_empty() && offered.iter().all(|id| prepared.contains(id)),
            "créneaux proposés {offered:?}, préparés {prepared:?}"
        );
        app.screenshot("cours-annee-preparee-reinscription").await?;
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_responsable_adds_a_course_to_a_discipline() {
    scenario("cours-ajoute", demo(), async |app| {
        app.sign_in_demo(5, "resp.meudon").await?;
        app.click("#nav-cours").await?;
        app.wait_for("#remplissage-disciplines", WAIT).await?;
        let button = app
            .client
            .find(fantoccini::Locator::Css("button[id^='discipline-'][id$='-ajouter']"))
            .await?;
        let id = button.attr("id").await?.unwrap_or_default();
        app.click(&format!("#{id}")).await?;
        app.fill("#cours-nom", "Atelier d'improvisation").await?;
        app.click("#cours-cycle option[value='2']").await?;
        app.click("#cours-mode option[value='teacher']").await?;
        app.click("#cours-ajouter").await?;
        app.wait_text("#capacite-message", "ajouté", WAIT).await?;
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (cycle, mode): (i64, String) = sqlx::query_as(
            "SELECT cycle, seat_mode FROM courses WHERE name = 'Atelier d''improvisation' AND site_id = 5",
        )
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!((cycle, mode.as_str()) == (2, "teacher"), "{cycle} {mode}");
        // The page lists it (read again at once).
        let page = app.wait_text(".page", "Atelier d'improvisation", WAIT).await?;
        anyhow::ensure!(page.contains("Horaire fixé avec le professeur"));
        Ok(())
    })
    .await
    .unwrap();
}

/// The rows of the offer shown: (slot id, text).
async fn shown_slots(app: &portee_tests::e2e::AppInstance) -> anyhow::Result<Vec<(i64, String)>> {
    let rows = app
        .client
        .execute(
            "return Array.from(document.querySelectorAll('tr[id^=\"creneau-\"]')) \
             .map(r => [r.id.slice('creneau-'.length), r.textContent]);",
            vec![],
        )
        .await?;
    let rows: Vec<(String, String)> = serde_json::from_value(rows)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, text)| Some((id.parse().ok()?, text)))
        .collect())
}

/// Waits until the slots shown are exactly `expected` (sorted ids).
async fn rows_become(app: &portee_tests::e2e::AppInstance, expected: &[i64]) -> anyhow::Result<()> {
    let mut shown: Vec<i64> = Vec::new();
    for _ in 0..100 {
        shown = shown_slots(app).await?.into_iter().map(|r| r.0).collect();
        shown.sort_unstable();
        if shown == expected {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("créneaux affichés {shown:?} au lieu de {expected:?}")
}

#[tokio::test]
async fn the_offer_is_filtered_by_discipline_day_and_teacher_and_says_each_courses_cycle_and_mode()
{
    scenario("cours-filtres", demo(), async |app| {
        app.sign_in_demo(5, "resp.meudon").await?;
        app.click("#nav-cours").await?;
        app.wait_for("#remplissage-disciplines", WAIT).await?;
        // A teacher of Meudon's newest offer, one of their days and their
        // first slot's discipline; and what each filter must leave.
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let newest = "(SELECT MAX(school_year_id) FROM courses)";
        let (teacher, day, discipline): (String, i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT sl.teacher, sl.day_of_week, c.discipline_id FROM slots sl \
             JOIN courses c ON c.id = sl.course_id WHERE c.site_id = 5 AND c.school_year_id = {newest} \
             AND sl.teacher NOT LIKE '%''%' AND sl.teacher NOT LIKE '%\"%' \
             ORDER BY (SELECT COUNT(*) FROM slots x WHERE x.teacher = sl.teacher) DESC, sl.id LIMIT 1"
        )))
        .fetch_one(pool)
        .await?;
        let expect = |cond: &str| {
            format!(
                "SELECT sl.id FROM slots sl JOIN courses c ON c.id = sl.course_id \
                 WHERE c.site_id = 5 AND c.school_year_id = {newest} AND {cond} ORDER BY sl.id"
            )
        };
        let by_teacher: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(expect("sl.teacher = $1")))
            .bind(&teacher)
            .fetch_all(pool)
            .await?;
        let by_teacher_day: Vec<i64> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(expect("sl.teacher = $1 AND sl.day_of_week = $2")))
                .bind(&teacher)
                .bind(day)
                .fetch_all(pool)
                .await?;
        let other_discipline: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT MIN(c.discipline_id) FROM courses c WHERE c.site_id = 5 \
             AND c.school_year_id = {newest} AND c.discipline_id <> $1 AND NOT EXISTS \
             (SELECT 1 FROM slots x JOIN courses y ON y.id = x.course_id WHERE y.discipline_id = c.discipline_id \
              AND y.site_id = 5 AND y.school_year_id = {newest} AND x.teacher = $2)"
        )))
        .bind(discipline)
        .bind(&teacher)
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!(by_teacher.len() > 1, "{teacher}: {by_teacher:?}");

        app.click(&format!("#offre-professeur option[value=\"{teacher}\"]"))
            .await?;
        rows_become(app, &by_teacher).await?;
        app.click(&format!("#offre-jour option[value='{day}']")).await?;
        rows_become(app, &by_teacher_day).await?;
        // Each row says its course's cycle or level and how its seat is given.
        for (id, text) in shown_slots(app).await? {
            anyhow::ensure!(
                ["Créneau choisi", "Horaire fixé", "selon le niveau"]
                    .iter()
                    .any(|m| text.contains(m)),
                "créneau {id} : {text}"
            );
        }
        app.screenshot("cours-filtres").await?;
        // A discipline this teacher does not teach: nothing, and said so.
        app.click(&format!("#offre-discipline option[value='{other_discipline}']"))
            .await?;
        app.wait_for("#offre-vide", WAIT).await?;
        // Their own discipline: their slots of that day in it.
        app.click(&format!("#offre-discipline option[value='{discipline}']"))
            .await?;
        app.wait_gone("#offre-vide", WAIT).await?;
        let in_discipline = shown_slots(app).await?;
        anyhow::ensure!(
            !in_discipline.is_empty()
                && in_discipline
                    .iter()
                    .all(|(id, _)| by_teacher_day.contains(id)),
            "{in_discipline:?}"
        );
        // For the README: this year's Formation Musicale at Meudon, every
        // day and teacher, its slots' fill bars under the site's chart.
        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else {
            unreachable!()
        };
        let (this_year, fm): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT MAX(school_year_id) FROM courses) - 1,              (SELECT id FROM disciplines WHERE kind = 'formation_musicale')",
        )
        .fetch_one(pool)
        .await?;
        db.close().await;
        app.click("#offre-jour option[value='']").await?;
        app.click("#offre-professeur option[value='']").await?;
        app.click(&format!("#offre-annee option[value='{this_year}']"))
            .await?;
        app.click(&format!("#offre-discipline option[value='{fm}']"))
            .await?;
        app.wait_text(".offer-discipline h2", "Formation Musicale", WAIT)
            .await?;
        app.client
            .execute(
                "const m = document.getElementById('contenu'); \
                 const c = document.getElementById('remplissage-disciplines'); \
                 m.scrollTop += c.getBoundingClientRect().top - m.getBoundingClientRect().top - 16;",
                vec![],
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.screenshot("cours-offre-readme").await?;
        Ok(())
    })
    .await
    .unwrap();
}
