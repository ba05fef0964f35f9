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
async fn family_of_two(app: &AppInstance) -> anyhow::Result<(i64, String, i64)> {
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
        let selects = app
            .client
            .find_all(Locator::Css(&format!("#enfant-{elder}-cours select")))
            .await?;
        for select in selects {
            let value = select.prop("value").await?.unwrap_or_default();
            let id = select.attr("id").await?.unwrap_or_default();
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
        Ok(())
    })
    .await
    .unwrap();
}
