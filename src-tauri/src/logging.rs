//! Logs: a daily-rotated file in the data folder's `logs/` (14 files kept),
//! plus warnings on stderr. Only ids are logged, never personal data. On
//! Unix the folder is the user's only (0700) and the files 0600.

use portee_config::Config;
use tracing_appender::{non_blocking::WorkerGuard, rolling};
use tracing_subscriber::{EnvFilter, Layer, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// Starts logging; keep the guard alive for the app's lifetime so buffered
/// lines are flushed on exit.
pub fn init(config: Option<&Config>) -> Option<WorkerGuard> {
    let level = config.map_or("info", |c| c.log_level.as_str());
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(EnvFilter::new("warn"));

    let file = config.and_then(|c| {
        // Permissions that cannot be set (a file system without Unix modes)
        // do not stop logging; a folder that cannot be created does.
        if private_log_files(&c.log_dir()).is_err() && !c.log_dir().is_dir() {
            return None;
        }
        rolling::Builder::new()
            .rotation(rolling::Rotation::DAILY)
            .filename_prefix("portee")
            .filename_suffix("log")
            .max_log_files(14)
            .build(c.log_dir())
            .ok()
    });
    let (file_layer, guard) = match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(filter);
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr)
        .try_init();
    guard
}

/// Makes `dir` private (0700 on Unix), creates today's file (named as the
/// daily appender names it, `portee.AAAA-MM-JJ.log`, UTC) as 0600 before
/// the appender opens it, and sets existing log files to 0600.
fn private_log_files(dir: &std::path::Path) -> std::io::Result<()> {
    portee_config::create_private_dir(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let today = dir.join(format!(
            "portee.{}.log",
            chrono::Utc::now().format("%Y-%m-%d")
        ));
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(today)?;
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_file() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn log_folder_and_files_are_the_users_only() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        let old = logs.join("portee.2026-01-01.log");
        std::fs::write(&old, "ancien\n").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::private_log_files(&logs).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&logs), 0o700);
        let files: Vec<_> = std::fs::read_dir(&logs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 2, "{files:?}");
        for f in files {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
}
