//! The réinscription of a family of two, from the search to the accusé de
//! réception, with the keyboard alone (Tab or Shift+Tab, arrows, Space,
//! Enter and the letters typed), counting every key pressed (a chord such
//! as Shift+Tab or Ctrl+K counts one): the figure the issue asks for.
//! Nothing is clicked after sign-in.

use std::time::Duration;

use fantoccini::key::Key;
use portee_store::Database;
use portee_tests::e2e::{AppInstance, LaunchOptions, scenario};

const WAIT: Duration = Duration::from_secs(30);

/// Keys sent to the focused element, counted.
struct Keyboard<'a> {
    app: &'a AppInstance,
    keys: usize,
    /// (step, keys pressed when it was done).
    marks: Vec<(&'static str, usize)>,
}

impl Keyboard<'_> {
    async fn focused(&self) -> anyhow::Result<(String, String)> {
        let v = self
            .app
            .client
            .execute(
                "const e = document.activeElement; return e ? [e.id || '', e.name || ''] : ['', ''];",
                vec![],
            )
            .await?;
        let part = |i: usize| v[i].as_str().unwrap_or_default().to_owned();
        Ok((part(0), part(1)))
    }

    /// Presses `keys` (each character one key) on the focused element.
    async fn press(&mut self, keys: &str) -> anyhow::Result<()> {
        let el = self.app.client.active_element().await?;
        el.send_keys(keys).await?;
        self.keys += keys.chars().count();
        tokio::time::sleep(Duration::from_millis(60)).await;
        Ok(())
    }

    /// Tabs (or Shift+Tabs, whichever is shorter, as a user who sees the
    /// screen would) until the element `id` has the focus.
    async fn reach(&mut self, id: &str) -> anyhow::Result<()> {
        self.app.wait_for(&format!("#{id}"), WAIT).await?;
        let forward = self
            .app
            .client
            .execute(
                "const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
                   select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])'; \
                 const stops = [...document.querySelectorAll(sel)].filter(e => { \
                   if (e.offsetParent === null) return false; \
                   if (e.type !== 'radio') return true; \
                   const group = [...document.getElementsByName(e.name)]; \
                   const checked = group.find(r => r.checked); \
                   return checked ? e === checked : e === group[0]; }); \
                 const n = stops.length; \
                 const t = stops.findIndex(e => e.id === arguments[0]); \
                 const a = stops.indexOf(document.activeElement); \
                 if (t < 0 || n === 0) return true; \
                 const mod = x => ((x % n) + n) % n; \
                 if (a >= 0) return mod(t - a) <= mod(a - t); \
                 /* Focus between two stops (a title): k is the next stop. */ \
                 const all = [...document.querySelectorAll('*')]; \
                 const at = all.indexOf(document.activeElement); \
                 let k = stops.findIndex(e => all.indexOf(e) > at); \
                 if (k < 0) k = n; \
                 return mod(t - k) + 1 <= mod(k - 1 - t) + 1; \
",
                vec![serde_json::json!(id)],
            )
            .await?
            .as_bool()
            .unwrap_or(true);
        let key = if forward {
            Key::Tab.to_string()
        } else {
            format!("{}{}", Key::Shift, Key::Tab)
        };
        for _ in 0..120 {
            if self.focused().await?.0 == id {
                return Ok(());
            }
            let el = self.app.client.active_element().await?;
            el.send_keys(&key).await?;
            self.keys += 1;
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
        anyhow::bail!("#{id} jamais atteint au clavier (Tab)")
    }

    /// Tabs into the radio group of `id`, then arrows to `id` (an arrow
    /// also checks it); Space checks it when Tab landed on it.
    async fn choose_radio(&mut self, id: &str, group: &str) -> anyhow::Result<()> {
        self.app.wait_for(&format!("#{id}"), WAIT).await?;
        let mut tabs = 0;
        while self.focused().await?.1 != group {
            anyhow::ensure!(tabs < 120, "groupe {group} jamais atteint au clavier");
            self.press(&Key::Tab.to_string()).await?;
            tabs += 1;
        }
        for _ in 0..4 {
            if self.focused().await?.0 == id {
                break;
            }
            self.press(&Key::Right.to_string()).await?;
        }
        if self
            .app
            .prop(&format!("#{id}"), "checked")
            .await?
            .as_deref()
            != Some("true")
        {
            self.press(" ").await?;
        }
        self.app
            .wait_prop(&format!("#{id}"), "checked", "true", WAIT)
            .await?;
        Ok(())
    }

    fn mark(&mut self, step: &'static str) {
        self.marks.push((step, self.keys));
    }

    async fn value(&self, id: &str) -> anyhow::Result<String> {
        self.app.wait_for(&format!("#{id}"), WAIT).await?;
        Ok(self
            .app
            .prop(&format!("#{id}"), "value")
            .await?
            .unwrap_or_default())
    }
}

#[tokio::test]
async fn a_family_of_two_is_re_enrolled_with_the_keyboard_alone() {
    let options = LaunchOptions {
        env: vec![("PORTEE_DEMO_STUDENTS".to_owned(), "600".to_owned())],
        ..Default::default()
    };
    scenario("reinscription-clavier", options, async |app| {
        app.sign_in_demo(5, "agent.meudon").await?;
        let (elder, name, younger) = crate::reinscription::family_of_two(app).await?;
        let mut kb = Keyboard {
            app,
            keys: 0,
            marks: Vec::new(),
        };
        let enter = Key::Enter.to_string();

        // Ctrl+K, the name, the result.
        let body = app.client.find(fantoccini::Locator::Css("body")).await?;
        body.send_keys(&format!("{}k", Key::Control)).await?;
        kb.keys += 1;
        app.wait_for("#recherche", WAIT).await?;
        anyhow::ensure!(kb.focused().await?.0 == "recherche", "Ctrl+K sans focus dans la recherche");
        kb.press(&name).await?;
        kb.reach(&format!("eleve-{elder}")).await?;
        kb.press(&enter).await?;
        kb.reach("onglet-reinscription").await?;
        kb.press(&enter).await?;
        app.wait_for("#etapes", WAIT).await?;
        kb.mark("recherche et fiche");

        // 1. Choice: the elder like last year; the younger leaves (moving).
        kb.reach(&format!("enfant-{elder}-comme-an-dernier")).await?;
        kb.press(&enter).await?;
        kb.choose_radio(&format!("enfant-{younger}-non"), &format!("enfant-{younger}-intention"))
            .await?;
        kb.reach(&format!("enfant-{younger}-motif")).await?;
        kb.press("D").await?;
        let reason = kb.value(&format!("enfant-{younger}-motif")).await?;
        anyhow::ensure!(reason == "demenagement", "motif choisi au clavier : {reason:?}");
        kb.mark("choix");

        // 4. Authorisations, where still unanswered.
        kb.reach("etape-autorisations").await?;
        kb.press(&enter).await?;
        for (what, answer) in [("image", "oui"), ("sortie", "non")] {
            let id = format!("enfant-{elder}-{what}");
            let any = app
                .client
                .execute(
                    "return [...document.getElementsByName(arguments[0])].some(r => r.checked);",
                    vec![serde_json::json!(id)],
                )
                .await?;
            if any.as_bool() != Some(true) {
                kb.choose_radio(&format!("{id}-{answer}"), &id).await?;
            }
        }

        kb.mark("autorisations");
        // 6. Courses: a slot for every kept course still without one.
        kb.reach("etape-cours").await?;
        kb.press(&enter).await?;
        app.wait_for(&format!("#enfant-{elder}-cours"), WAIT).await?;
        let empty: Vec<String> = app
            .selects(&format!("#enfant-{elder}-cours select"))
            .await?
            .into_iter()
            .filter(|(_, value, _)| value.is_empty())
            .map(|(id, _, _)| id)
            .collect();
        for id in empty {
            kb.reach(&id).await?;
            kb.press(&Key::Down.to_string()).await?;
            anyhow::ensure!(!kb.value(&id).await?.is_empty(), "créneau non choisi au clavier ({id})");
        }

        kb.mark("cours");
        // 7. Récapitulatif: channel, « J'accepte », Valider.
        kb.reach("etape-recapitulatif").await?;
        kb.press(&enter).await?;
        kb.reach("canal").await?;
        kb.press("a").await?;
        anyhow::ensure!(kb.value("canal").await? == "desk", "canal choisi au clavier");
        kb.reach("accepte").await?;
        kb.press(" ").await?;
        kb.reach("valider").await?;
        kb.press(&enter).await?;
        let text = app.wait_text("#accuses", "accusé de réception n° AR-", WAIT).await?;
        kb.mark("récapitulatif et validation");

        // 8. The accusé de réception.
        kb.reach(&format!("accuse-{elder}")).await?;
        kb.press(&enter).await?;
        app.wait_text("#accuse-message", "AR-", WAIT).await?;
        app.screenshot("reinscription-clavier").await?;
        kb.mark("accusé ouvert");

        let db = app.database().await?;
        let Database::Sqlite(pool) = &db else { unreachable!() };
        let (validated, declined): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM reinscriptions WHERE student_id = $1 AND status = 'validated' AND intent = 'reinscrire'), \
                    (SELECT COUNT(*) FROM reinscriptions WHERE student_id = $2 AND status = 'validated' AND intent = 'ne_pas_reinscrire')",
        )
        .bind(elder)
        .bind(younger)
        .fetch_one(pool)
        .await?;
        db.close().await;
        anyhow::ensure!(validated == 1 && declined == 1, "{validated} / {declined} ({text})");
        let mut before = 0;
        let steps: Vec<String> = kb
            .marks
            .iter()
            .map(|(step, at)| {
                let part = format!("{step} {}", at - before);
                before = *at;
                part
            })
            .collect();
        println!(
            "keyboard: family of two, search to accusé, {} keys ({} of them the name typed): {}",
            kb.keys,
            name.chars().count(),
            steps.join(", ")
        );
        Ok(())
    })
    .await
    .unwrap();
}
