//! The end-to-end harness: launches the real Portée binary in a real window
//! (under Xvfb) through tauri-driver + WebKitWebDriver, one driver per
//! instance, so several instances can run at once on the same database.
//!
//! Every instance gets its own `PORTEE_DATA_DIR`, an empty config file (so
//! the developer's own configuration never leaks in) and whatever
//! `PORTEE_DATABASE_URL` the test asks for. [`scenario`] saves a screenshot
//! to `target/e2e-artifacts/` when a test fails.

use std::{
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Where screenshots go.
pub fn artifacts_dir() -> PathBuf {
    let dir = repo_root().join("target").join("e2e-artifacts");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// The app binary under test: `PORTEE_APP_BIN`, else `target/debug/portee`
/// (built by `cargo test` with the `custom-protocol` feature, see
/// scripts/test.sh).
pub fn app_binary() -> anyhow::Result<PathBuf> {
    let path = match std::env::var_os("PORTEE_APP_BIN") {
        Some(p) => PathBuf::from(p),
        None => repo_root().join("target").join("debug").join("portee"),
    };
    if !path.exists() {
        bail!(
            "binaire de Portée introuvable : {} (lancez scripts/test.sh, qui le construit)",
            path.display()
        );
    }
    Ok(path)
}

/// How to start one instance.
#[derive(Debug, Clone, Default)]
pub struct LaunchOptions {
    /// `PORTEE_DATA_DIR`; a new temporary folder when `None`.
    pub data_dir: Option<PathBuf>,
    /// `PORTEE_DATABASE_URL`; unset (the embedded SQLite) when `None`.
    pub database_url: Option<String>,
    /// Further environment variables for the app.
    pub env: Vec<(String, String)>,
}

/// One running Portée window, driven through WebDriver.
pub struct AppInstance {
    pub client: Client,
    pub data_dir: PathBuf,
    driver: Child,
    _tmp: Option<tempfile::TempDir>,
}

/// Two distinct free ports. Both listeners are held until both ports are
/// known, so the two can never be the same.
fn free_ports() -> anyhow::Result<(u16, u16)> {
    let a = TcpListener::bind("127.0.0.1:0")?;
    let b = TcpListener::bind("127.0.0.1:0")?;
    Ok((a.local_addr()?.port(), b.local_addr()?.port()))
}

/// Starts tauri-driver on free ports and opens a WebDriver session on the
/// app: the driver's process and the session's client.
async fn start_session(
    options: &LaunchOptions,
    binary: &Path,
    data_dir: &Path,
    config_file: &Path,
) -> anyhow::Result<(Client, Child)> {
    let (port, native_port) = free_ports()?;
    let mut cmd = Command::new("tauri-driver");
    cmd.args([
        "--port",
        &port.to_string(),
        "--native-port",
        &native_port.to_string(),
    ])
    .env("PORTEE_DATA_DIR", data_dir)
    .env("PORTEE_CONFIG", config_file)
    .env_remove("PORTEE_DATABASE_URL")
    // No demo network unless a test asks for one (options.env).
    .env("PORTEE_DEMO_STUDENTS", "0")
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    if let Some(url) = &options.database_url {
        cmd.env("PORTEE_DATABASE_URL", url);
    }
    for (k, v) in &options.env {
        cmd.env(k, v);
    }
    let mut driver = cmd
        .spawn()
        .context("tauri-driver introuvable (scripts/setup.sh l'installe)")?;
    if let Err(e) = wait_for_port(port, Duration::from_secs(20)).await {
        stop_driver(&mut driver);
        return Err(e);
    }
    let caps = serde_json::json!({
        "browserName": "wry",
        "tauri:options": { "application": binary },
    });
    let caps = caps.as_object().cloned().unwrap_or_default();
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await;
    match client {
        Ok(c) => Ok((c, driver)),
        Err(e) => {
            stop_driver(&mut driver);
            bail!("session WebDriver impossible : {e}")
        }
    }
}

/// Launches within one test process happen one at a time, from choosing
/// ports until the WebDriver session exists: otherwise a driver could take
/// a port another test just chose and start that test's app with the wrong
/// environment.
static LAUNCH: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn wait_for_port(port: u16, timeout: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("tauri-driver n'écoute pas sur le port {port}")
}

impl AppInstance {
    pub async fn launch(options: LaunchOptions) -> anyhow::Result<AppInstance> {
        if std::env::var_os("DISPLAY").is_none() {
            bail!("DISPLAY absent : lancez les tests sous Xvfb (scripts/test.sh le fait)");
        }
        let binary = app_binary()?;
        let (tmp, data_dir) = match options.data_dir.clone() {
            Some(d) => (None, d),
            None => {
                let t = tempfile::tempdir()?;
                let d = t.path().to_path_buf();
                (Some(t), d)
            }
        };
        std::fs::create_dir_all(&data_dir)?;
        let config_file = data_dir.join("test-portee.toml");
        if !config_file.exists() {
            std::fs::write(&config_file, "# tests: no settings\n")?;
        }
        let _launching = LAUNCH.lock().await;
        // A driver that dies while its first session is made (seen once in
        // CI, the machine loaded: « webdriver server did not respond ») is
        // started again once, on new ports, before the test is failed.
        let mut attempt = 0;
        let (client, driver) = loop {
            attempt += 1;
            match start_session(&options, &binary, &data_dir, &config_file).await {
                Ok(started) => break started,
                Err(e) if attempt < 2 => {
                    eprintln!("lancement de Portée à reprendre : {e:#}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(e) => return Err(e),
            }
        };
        Ok(AppInstance {
            client,
            data_dir,
            driver,
            _tmp: tmp,
        })
    }

    /// Waits until `css` matches an element whose text contains `needle`;
    /// returns that text.
    pub async fn wait_text(
        &self,
        css: &str,
        needle: &str,
        timeout: Duration,
    ) -> anyhow::Result<String> {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = el.text().await
            {
                if text.contains(needle) {
                    return Ok(text);
                }
                last = text;
            }
            if Instant::now() > deadline {
                bail!("« {needle} » jamais apparu dans {css} (dernier texte : « {last} »)");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` matches an element.
    pub async fn wait_for(
        &self,
        css: &str,
        timeout: Duration,
    ) -> anyhow::Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(timeout)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("élément {css} jamais apparu"))
    }

    /// The DOM property `prop` of the first element matching `css`, read in
    /// the page (no element handle a re-render could make stale); `None`
    /// when nothing matches.
    pub async fn prop(&self, css: &str, prop: &str) -> anyhow::Result<Option<String>> {
        let v = self
            .client
            .execute(
                "const e = document.querySelector(arguments[0]); \
                 return e ? String(e[arguments[1]]) : null;",
                vec![serde_json::json!(css), serde_json::json!(prop)],
            )
            .await?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// Every `<select>` matching `css`: (id, value, the values of its
    /// options), read in the page in one go.
    pub async fn selects(&self, css: &str) -> anyhow::Result<Vec<(String, String, Vec<String>)>> {
        let v = self
            .client
            .execute(
                "return [...document.querySelectorAll(arguments[0])].map(s => \
                   [s.id, s.value, [...s.options].map(o => o.value)]);",
                vec![serde_json::json!(css)],
            )
            .await?;
        let rows: Vec<(String, String, Vec<String>)> = serde_json::from_value(v)?;
        Ok(rows)
    }

    /// Waits until the DOM property `prop` of `css` is `expected`, read in
    /// the page each time (no element handle that a re-render could make
    /// stale); the last value seen otherwise.
    pub async fn wait_prop(
        &self,
        css: &str,
        prop: &str,
        expected: &str,
        timeout: Duration,
    ) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.prop(css, prop).await?;
            if v.as_deref() == Some(expected) {
                return Ok(());
            }
            if Instant::now() > deadline {
                anyhow::bail!("{css}.{prop} = {v:?} au lieu de {expected:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the text of `css` is exactly `expected`, read every
    /// 10 ms; how long after `since` it showed (a change made elsewhere at
    /// `since`). An error after `timeout`.
    pub async fn text_seen_after(
        &self,
        css: &str,
        expected: &str,
        since: Instant,
        timeout: Duration,
    ) -> anyhow::Result<Duration> {
        loop {
            if self.prop(css, "textContent").await?.as_deref() == Some(expected) {
                return Ok(since.elapsed());
            }
            anyhow::ensure!(
                since.elapsed() < timeout,
                "{css} ne montre toujours pas « {expected} » après {} s",
                timeout.as_secs()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until nothing matches `css` any more (read in the page).
    pub async fn wait_gone(&self, css: &str, timeout: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        while self.prop(css, "id").await?.is_some() {
            if Instant::now() > deadline {
                anyhow::bail!("{css} toujours affiché");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// Types `text` into the field `css` (after clearing it).
    /// The field found may be replaced by a re-render before the typing
    /// lands (« Node … was not found »): found again and typed again, a few
    /// times.
    pub async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let mut attempt = 0;
        loop {
            let el = self.wait_for(css, Duration::from_secs(30)).await?;
            let typed = async {
                el.clear().await?;
                el.send_keys(text).await?;
                Ok::<(), fantoccini::error::CmdError>(())
            }
            .await;
            match typed {
                Err(e) if attempt < 3 && is_stale(&e) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => return other.with_context(|| format!("saisie dans {css} impossible")),
            }
        }
    }

    /// Replaces the text of `css` as a person does: everything selected
    /// with the keyboard and typed over, so the field's `input` events all
    /// fire. (WebDriver's `clear()` fires none: a controlled field rendered
    /// again between the clear and the typing gets its old value back.)
    pub async fn type_over(&self, css: &str, text: &str) -> anyhow::Result<()> {
        use fantoccini::key::Key;
        let mut attempt = 0;
        loop {
            let el = self.wait_for(css, Duration::from_secs(30)).await?;
            let typed = async {
                el.click().await?;
                el.send_keys(&format!("{}a{}{}", Key::Control, Key::Null, Key::Backspace))
                    .await?;
                el.send_keys(text).await?;
                Ok::<(), fantoccini::error::CmdError>(())
            }
            .await;
            match typed {
                Err(e) if attempt < 3 && is_stale(&e) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => return other.with_context(|| format!("saisie dans {css} impossible")),
            }
        }
    }

    /// Clicks `css` once it exists, first scrolled to the middle of its
    /// scrolling area (WebDriver's own scrolling may leave it under the
    /// status bar, which then takes the click).
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        // The element found may be replaced by a re-render before the click
        // lands (WebDriver then says « Node … was not found »): found again,
        // a few times.
        let mut attempt = 0;
        loop {
            let el = self.wait_for(css, Duration::from_secs(30)).await?;
            let arg = serde_json::to_value(&el)?;
            let clicked = async {
                self.client
                    .execute(
                        "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                        vec![arg],
                    )
                    .await?;
                el.click().await?;
                Ok::<(), fantoccini::error::CmdError>(())
            }
            .await;
            match clicked {
                Err(e) if attempt < 3 && is_stale(&e) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => return other.with_context(|| format!("clic sur {css} impossible")),
            }
        }
    }

    /// Signs in through the sign-in screen.
    pub async fn sign_in(&self, site_id: i16, login: &str, password: &str) -> anyhow::Result<()> {
        self.click(&format!("#connexion-site option[value='{site_id}']"))
            .await?;
        self.fill("#connexion-identifiant", login).await?;
        self.fill("#connexion-mot-de-passe", password).await?;
        self.click("#connexion-valider").await
    }

    /// On a demo database: waits for the demo accounts, signs in as
    /// `login` with its public demo password, and waits for the shell.
    pub async fn sign_in_demo(&self, site_id: i16, login: &str) -> anyhow::Result<()> {
        self.wait_for("#comptes-demo", Duration::from_secs(90))
            .await?;
        self.sign_in(site_id, login, &format!("demo-{login}"))
            .await?;
        self.wait_for("#deconnexion", Duration::from_secs(30))
            .await?;
        Ok(())
    }

    /// Finds a student by `query` on Élèves & familles and opens their fiche.
    pub async fn open_student(&self, query: &str, student_id: i64) -> anyhow::Result<()> {
        self.click("#nav-familles").await?;
        self.fill("#recherche", query).await?;
        self.click(&format!("#eleve-{student_id}")).await?;
        self.wait_for(
            &format!("#fiche-eleve[data-student='{student_id}']"),
            Duration::from_secs(30),
        )
        .await?;
        Ok(())
    }

    /// The embedded database this instance uses (its data folder's file).
    pub async fn database(&self) -> anyhow::Result<portee_store::Database> {
        Ok(portee_store::Database::connect(&format!(
            "sqlite://{}",
            self.data_dir.join("portee.sqlite3").display()
        ))
        .await?)
    }

    /// On a new database: creates the first administrator through its
    /// screen, then signs in as them. Returns the password.
    pub async fn create_first_admin_and_sign_in(&self) -> anyhow::Result<&'static str> {
        const PASSWORD: &str = "Conservatoire-2026";
        self.fill("#admin-identifiant", "c.martin").await?;
        self.fill("#admin-nom", "Claire Martin").await?;
        self.fill("#admin-mot-de-passe", PASSWORD).await?;
        self.fill("#admin-confirmation", PASSWORD).await?;
        self.click("#premier-administrateur button[type='submit']")
            .await?;
        self.wait_for("#connexion-formulaire", Duration::from_secs(30))
            .await?;
        self.sign_in(5, "c.martin", PASSWORD).await?;
        self.wait_for("#deconnexion", Duration::from_secs(30))
            .await?;
        Ok(PASSWORD)
    }

    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let path = artifacts_dir().join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// After a failure: what the window showed (its address and text) and
    /// the end of the app's log, printed with the test's output, so that a
    /// failure on a CI machine can be understood without its screenshot.
    pub async fn report_state(&self, name: &str) {
        let page = self
            .client
            .execute(
                "return location.href + '\\n' + (document.body ? document.body.innerText : '(pas de body)');",
                vec![],
            )
            .await;
        match page {
            Ok(v) => {
                let text: String = v.as_str().unwrap_or_default().chars().take(3000).collect();
                eprintln!("{name}: la fenêtre montrait :\n{text}\n---");
            }
            Err(e) => eprintln!("{name}: page illisible : {e}"),
        }
        let logs = self.data_dir.join("logs");
        if let Ok(entries) = std::fs::read_dir(&logs) {
            for entry in entries.flatten() {
                let Ok(content) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let lines: Vec<&str> = content.lines().collect();
                let tail = lines[lines.len().saturating_sub(40)..].join("\n");
                eprintln!(
                    "{name}: fin du journal {} :\n{tail}\n---",
                    entry.path().display()
                );
            }
        }
    }

    /// Closes the window and stops its driver (SIGTERM, so WebKitWebDriver
    /// frees its port).
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        stop_driver(&mut self.driver);
    }
}

impl Drop for AppInstance {
    fn drop(&mut self) {
        stop_driver(&mut self.driver);
    }
}

fn stop_driver(driver: &mut Child) {
    if let Ok(Some(_)) = driver.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &driver.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

/// Runs one end-to-end scenario on a fresh instance; on failure saves a
/// screenshot named after the scenario, then reports the error.
pub async fn scenario<F>(name: &str, options: LaunchOptions, body: F) -> anyhow::Result<()>
where
    F: AsyncFnOnce(&AppInstance) -> anyhow::Result<()>,
{
    let app = AppInstance::launch(options).await?;
    let result = body(&app).await;
    if let Err(e) = &result {
        match app.screenshot(&format!("{name}-echec")).await {
            Ok(path) => eprintln!("{name}: échec, capture d'écran : {}", path.display()),
            Err(shot) => eprintln!("{name}: échec ({e}); capture impossible : {shot}"),
        }
        app.report_state(name).await;
    }
    app.close().await;
    result
}

/// WebDriver's answer when an element handle outlived its node (the page
/// rendered it again).
fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    let text = e.to_string();
    text.contains("was not found") || text.contains("stale element")
}

/// « p50 … ms, p95 … ms, max … ms (n changements) » of delays measured.
pub fn delays_summary(mut delays: Vec<Duration>) -> String {
    if delays.is_empty() {
        return "aucune mesure".to_owned();
    }
    delays.sort();
    let at = |q: usize| delays[(delays.len() * q).div_ceil(100).max(1) - 1].as_millis();
    format!(
        "p50 {} ms, p95 {} ms, max {} ms ({} changements)",
        at(50),
        at(95),
        at(100),
        delays.len()
    )
}
