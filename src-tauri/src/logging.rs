//! Logs: a daily-rotated file in the data folder's `logs/` (14 files kept),
//! plus warnings on stderr. Only ids are logged, never personal data.

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
        std::fs::create_dir_all(c.log_dir()).ok()?;
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
