//! Portée's configuration, layered: built-in defaults, then the config file
//! (`portee.toml` in the app's config folder, or the file named by
//! `PORTEE_CONFIG`), then environment variables prefixed `PORTEE_`.
//!
//! The two names people rely on:
//! - `PORTEE_DATA_DIR` moves the whole data folder (database, logs, cache);
//! - `PORTEE_DATABASE_URL` selects the database (`sqlite:…` or `postgres://…`).
//!
//! Used by the desktop app, by `portee-admin` and by the tests alike.

use std::path::{Path, PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};

/// Why the configuration could not be read; messages are French sentences.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("Le fichier de configuration {path} est invalide : {reason}")]
    Invalid { path: String, reason: String },
    #[error(
        "Impossible de déterminer le dossier personnel de l'utilisateur ; \
         définissez PORTEE_DATA_DIR."
    )]
    NoHomeDir,
    #[error("Impossible de créer le dossier {path} : {reason}")]
    CreateDir { path: String, reason: String },
}

/// The values as written in the file or the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    log_level: Option<String>,
    lock_after_minutes: Option<u32>,
    /// Finer than minutes, for tests.
    lock_after_seconds: Option<u32>,
    demo_students: Option<u32>,
}

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `sqlite:…` or `postgres://…`. Defaults to the embedded database file
    /// in the data folder.
    pub database_url: String,
    /// A `tracing` filter such as `info` or `portee_store=debug,info`.
    pub log_level: String,
    /// Minutes of inactivity before the session locks.
    pub lock_after_minutes: u32,
    /// The same in seconds (`lock_after_seconds` overrides the minutes).
    pub lock_after_seconds: u32,
    /// Students of the demo network written into a new, empty embedded
    /// database on first start; 0 turns it off.
    pub demo_students: u32,
    /// The config file that was (or would have been) read.
    pub config_file: PathBuf,
}

pub const DEFAULT_LOCK_AFTER_MINUTES: u32 = 10;
pub const DEFAULT_DEMO_STUDENTS: u32 = 8000;
pub const DATABASE_FILE_NAME: &str = "portee.sqlite3";

impl Config {
    /// Reads defaults, then the config file, then the process environment.
    pub fn load() -> Result<Config, ConfigError> {
        let config_file = match std::env::var_os("PORTEE_CONFIG") {
            Some(path) => PathBuf::from(path),
            None => default_config_file()?,
        };
        let figment = Figment::new()
            .merge(Serialized::defaults(RawConfig::default()))
            .merge(Toml::file(&config_file))
            .merge(Env::prefixed("PORTEE_").only(&[
                "data_dir",
                "database_url",
                "log_level",
                "lock_after_minutes",
                "lock_after_seconds",
                "demo_students",
            ]));
        Self::from_figment(figment, config_file)
    }

    fn from_figment(figment: Figment, config_file: PathBuf) -> Result<Config, ConfigError> {
        let raw: RawConfig = figment.extract().map_err(|e| ConfigError::Invalid {
            path: config_file.display().to_string(),
            reason: e.to_string(),
        })?;
        let data_dir = match raw.data_dir {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => default_data_dir()?,
        };
        let database_url = match raw.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => sqlite_url(&data_dir.join(DATABASE_FILE_NAME)),
        };
        Ok(Config {
            database_url,
            log_level: raw.log_level.unwrap_or_else(|| "info".to_owned()),
            lock_after_minutes: raw.lock_after_minutes.unwrap_or(DEFAULT_LOCK_AFTER_MINUTES),
            demo_students: raw.demo_students.unwrap_or(DEFAULT_DEMO_STUDENTS),
            lock_after_seconds: raw.lock_after_seconds.unwrap_or_else(|| {
                raw.lock_after_minutes
                    .unwrap_or(DEFAULT_LOCK_AFTER_MINUTES)
                    .saturating_mul(60)
            }),
            data_dir,
            config_file,
        })
    }

    /// The log folder: inside the data folder on Linux and whenever
    /// `PORTEE_DATA_DIR` names the data folder; otherwise where each
    /// platform keeps an application's logs (`~/Library/Logs/Portée` on
    /// macOS, `%LOCALAPPDATA%\Portee\portee\data\logs` on Windows, not roamed).
    pub fn log_dir(&self) -> PathBuf {
        if self.uses_platform_folders()
            && let Some(dir) = platform_log_dir()
        {
            return dir;
        }
        self.data_dir.join("logs")
    }

    /// The cache of document copies handed to the PDF reader: inside the
    /// data folder on Linux and with `PORTEE_DATA_DIR`; otherwise the
    /// platform's cache folder (`~/Library/Caches/…` on macOS,
    /// `%LOCALAPPDATA%\…\cache` on Windows).
    pub fn cache_dir(&self) -> PathBuf {
        if self.uses_platform_folders()
            && let Ok(dirs) = project_dirs()
        {
            return dirs.cache_dir().to_path_buf();
        }
        self.data_dir.join("cache")
    }

    /// macOS and Windows with the default data folder: logs and cache go
    /// where that platform keeps them. Linux keeps them in the data folder.
    fn uses_platform_folders(&self) -> bool {
        cfg!(any(target_os = "macos", windows))
            && default_data_dir().is_ok_and(|d| d == self.data_dir)
    }

    /// Where the journal's CSV exports go.
    pub fn exports_dir(&self) -> PathBuf {
        self.data_dir.join("exports")
    }

    /// Creates the data, log, cache and exports folders if missing, private
    /// to the user on Unix (0700, existing ones tightened): they hold
    /// personal data (database file, document copies, exports, logs).
    pub fn ensure_dirs(&self) -> Result<(), ConfigError> {
        for dir in [
            self.data_dir.clone(),
            self.log_dir(),
            self.cache_dir(),
            self.exports_dir(),
        ] {
            create_private_dir(&dir).map_err(|e| ConfigError::CreateDir {
                path: dir.display().to_string(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }
}

/// Creates `dir` (and its missing parents) readable by the user only: on
/// Unix mode 0700 (an existing `dir` is set to 0700 too); on Windows a new
/// `dir` stops inheriting its parent's permissions and grants full control
/// to the user, SYSTEM and the Administrators only (`icacls`, Windows' own
/// tool; a folder under `%APPDATA%` is private already, but
/// `PORTEE_DATA_DIR` may name a shared or OneDrive folder). Files created
/// inside inherit that.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    let existed = dir.is_dir();
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(windows)]
    if !existed {
        restrict_to_user(dir)?;
    }
    Ok(())
}

/// Windows: `dir`'s inherited permissions replaced by full control for the
/// user, SYSTEM (S-1-5-18) and the Administrators (S-1-5-32-544), for the
/// folder and what it will contain.
#[cfg(windows)]
fn restrict_to_user(dir: &Path) -> std::io::Result<()> {
    use std::os::windows::process::CommandExt;
    // No console window flashes up: CREATE_NO_WINDOW.
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    let user =
        std::env::var("USERNAME").map_err(|_| std::io::Error::other("USERNAME is not set"))?;
    let who = match std::env::var("USERDOMAIN") {
        Ok(domain) if !domain.is_empty() => format!("{domain}\\{user}"),
        _ => user,
    };
    let status = std::process::Command::new("icacls")
        .arg(dir)
        .args(["/inheritance:r", "/grant:r"])
        .arg(format!("{who}:(OI)(CI)F"))
        .args([
            "/grant:r",
            "*S-1-5-18:(OI)(CI)F",
            "/grant:r",
            "*S-1-5-32-544:(OI)(CI)F",
            "/Q",
        ])
        .creation_flags(CREATE_NO_WINDOW)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "icacls refused to restrict {} ({status})",
            dir.display()
        )))
    }
}

/// Creates (or truncates) `path` for writing, readable by the user only on
/// Unix (0600, also when it already existed).
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// Writes `bytes` to `path` whole or not at all: a private side file
/// (`.name.partial`) beside it, synced, then renamed over `path`. An
/// interrupted write leaves the old file (or none), never half a file.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(name);
    partial_name.push(".partial");
    let partial = path.with_file_name(partial_name);
    let result = (|| {
        let mut file = create_private_file(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&partial, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// `sqlite:` URL of a file, created if missing.
pub fn sqlite_url(path: &Path) -> String {
    // sqlx decodes %XX in the file name and cuts the URL at `?`: a folder
    // named « Dossier #2 (100 %) » is written encoded.
    let mut file = String::new();
    for c in path.display().to_string().chars() {
        match c {
            '%' => file.push_str("%25"),
            '?' => file.push_str("%3F"),
            '#' => file.push_str("%23"),
            c => file.push(c),
        }
    }
    format!("sqlite://{file}?mode=rwc")
}

fn project_dirs() -> Result<directories::ProjectDirs, ConfigError> {
    directories::ProjectDirs::from("fr", "Portee", "portee").ok_or(ConfigError::NoHomeDir)
}

/// The platform's folder for an application's logs (macOS and Windows).
fn platform_log_dir() -> Option<PathBuf> {
    #[cfg(target_os = "macos")]
    {
        directories::BaseDirs::new().map(|b| b.home_dir().join("Library/Logs/Portée"))
    }
    #[cfg(windows)]
    {
        project_dirs().ok().map(|d| d.data_local_dir().join("logs"))
    }
    #[cfg(not(any(target_os = "macos", windows)))]
    {
        None
    }
}

fn default_data_dir() -> Result<PathBuf, ConfigError> {
    Ok(project_dirs()?.data_dir().to_path_buf())
}

fn default_config_file() -> Result<PathBuf, ConfigError> {
    Ok(project_dirs()?.config_dir().join("portee.toml"))
}

#[cfg(test)]
#[allow(
    clippy::result_large_err,
    reason = "figment::Jail fixes the closure's error type"
)]
mod tests {
    use super::*;

    #[test]
    fn a_sqlite_file_in_a_folder_named_with_percent_hash_or_question_mark_keeps_its_name() {
        let url = sqlite_url(Path::new(
            "/home/hélène/Dossier #2 (100 %)/why?/portee.sqlite3",
        ));
        assert_eq!(
            url,
            "sqlite:///home/hélène/Dossier %232 (100 %25)/why%3F/portee.sqlite3?mode=rwc"
        );
    }

    fn load_in(jail: &figment::Jail) -> Result<Config, ConfigError> {
        let file = jail.directory().join("portee.toml");
        let figment = Figment::new()
            .merge(Toml::file(&file))
            .merge(Env::prefixed("PORTEE_").only(&[
                "data_dir",
                "database_url",
                "log_level",
                "lock_after_minutes",
                "lock_after_seconds",
                "demo_students",
            ]));
        Config::from_figment(figment, file)
    }

    #[test]
    fn a_file_is_written_whole_over_the_old_one_with_no_side_file_left() {
        let dir = std::env::temp_dir().join(format!("portee-atomic-{}", std::process::id()));
        create_private_dir(&dir).unwrap();
        let path = dir.join("Accusé AR-2027-000001.pdf");
        std::fs::write(&path, b"ancien").unwrap();
        write_file_atomically(&path, b"%PDF-1.7 nouveau").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.7 nouveau");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // A folder that does not exist: an error, nothing written.
        assert!(write_file_atomically(&dir.join("absent/x.pdf"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn defaults_then_file_then_environment() {
        figment::Jail::expect_with(|jail| {
            // Defaults: embedded SQLite inside the data folder.
            jail.set_env("PORTEE_DATA_DIR", "/tmp/portee-a");
            let c = load_in(jail).unwrap();
            assert_eq!(c.data_dir, PathBuf::from("/tmp/portee-a"));
            assert_eq!(
                c.database_url,
                "sqlite:///tmp/portee-a/portee.sqlite3?mode=rwc"
            );
            assert_eq!(c.log_dir(), PathBuf::from("/tmp/portee-a/logs"));
            assert_eq!(c.lock_after_minutes, 10);

            // The file overrides the defaults…
            jail.create_file(
                "portee.toml",
                "database_url = \"postgres://db.example/portee\"\nlock_after_minutes = 5\n",
            )?;
            let c = load_in(jail).unwrap();
            assert_eq!(c.database_url, "postgres://db.example/portee");
            assert_eq!(c.lock_after_minutes, 5);

            // …and the environment overrides the file.
            jail.set_env("PORTEE_DATABASE_URL", "sqlite:///tmp/x.db");
            let c = load_in(jail).unwrap();
            assert_eq!(c.database_url, "sqlite:///tmp/x.db");
            Ok(())
        });
    }

    #[cfg(unix)]
    #[test]
    fn data_folders_and_private_files_are_the_users_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let root = std::env::temp_dir().join(format!("portee-config-modes-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        // An existing, world-readable log folder is tightened too.
        std::fs::create_dir_all(root.join("donnees").join("logs")).unwrap();
        std::fs::set_permissions(
            root.join("donnees").join("logs"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        let config = Config {
            data_dir: root.join("donnees"),
            database_url: String::new(),
            log_level: "info".into(),
            lock_after_minutes: 10,
            lock_after_seconds: 600,
            demo_students: 0,
            config_file: root.join("portee.toml"),
        };
        config.ensure_dirs().unwrap();
        for dir in [
            config.data_dir.clone(),
            config.log_dir(),
            config.cache_dir(),
            config.exports_dir(),
        ] {
            assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        }
        let file = config.exports_dir().join("x.csv");
        std::fs::write(&file, "ancien").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        create_private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_broken_file_gives_a_french_error_naming_it() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("PORTEE_DATA_DIR", "/tmp/portee-b");
            jail.create_file("portee.toml", "lock_after_minutes = \"dix\"\nunknown = 1\n")?;
            let err = load_in(jail).unwrap_err().to_string();
            assert!(err.starts_with("Le fichier de configuration"), "{err}");
            assert!(err.contains("portee.toml"), "{err}");
            Ok(())
        });
    }
}
