//! Commands through Tauri's mock runtime: no window, real IPC handling,
//! real database files.

mod common;

use common::{app_with, config, invoke};
use portee_api::{
    ApiError, ErrorCode,
    system::{AppInfoResponse, Backend, DatabaseInfo},
};

#[test]
fn database_status_creates_migrates_and_reads_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = app_with(config(dir.path(), None));
    let response = invoke(
        &webview,
        "database_status",
        serde_json::json!({ "retry": false }),
    )
    .expect("database_status succeeds");
    let info: DatabaseInfo = serde_json::from_value(response).unwrap();
    assert_eq!(info.backend, Backend::Sqlite);
    // A local file: no connection to encrypt, and the status bar says nothing of it.
    assert_eq!(info.encrypted, None);
    assert_eq!(
        info.location,
        dir.path().join("portee.sqlite3").display().to_string()
    );
    assert_eq!(info.schema_version, portee_store::expected_schema_version());
    assert_eq!(info.schema_version, info.expected_schema_version);
    assert!(dir.path().join("portee.sqlite3").exists());

    let response = invoke(&webview, "app_info", serde_json::Value::Null).expect("app_info");
    let app_info: AppInfoResponse = serde_json::from_value(response).unwrap();
    assert_eq!(app_info.data_dir, dir.path().display().to_string());
    assert!(app_info.database_target.starts_with("SQLite "));
}

#[test]
fn a_wrong_database_url_crosses_ipc_as_a_coded_french_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = app_with(config(dir.path(), Some("mysql://localhost/portee")));
    let error = invoke(
        &webview,
        "database_status",
        serde_json::json!({ "retry": false }),
    )
    .expect_err("refused");
    let error: ApiError = serde_json::from_value(error).unwrap();
    assert_eq!(error.code, ErrorCode::Configuration);
    assert!(
        error.message.contains("sqlite: ou postgres://"),
        "{}",
        error.message
    );
}

#[test]
fn an_unreachable_postgres_is_reported_then_retried_on_demand() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/portee");
    let (_app, webview) = app_with(config(dir.path(), Some(&url)));
    for retry in [false, true] {
        let error = invoke(
            &webview,
            "database_status",
            serde_json::json!({ "retry": retry }),
        )
        .expect_err("unreachable");
        let error: ApiError = serde_json::from_value(error).unwrap();
        assert_eq!(error.code, ErrorCode::DatabaseUnavailable);
        assert!(error.message.contains("injoignable"), "{}", error.message);
    }
}

#[test]
fn a_malformed_request_is_refused_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = app_with(config(dir.path(), None));
    let error = invoke(
        &webview,
        "database_status",
        serde_json::json!({ "retry": "oui" }),
    );
    assert!(error.is_err());
}

/// The window's content security policy keeps what the review asked for:
/// no plugins, no `<base>` elsewhere, no form posted anywhere, and the UI
/// calls `invoke` through its own bindings (no global `__TAURI__`).
#[test]
fn the_window_forbids_plugins_foreign_bases_and_form_posts_and_has_no_global_tauri() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tauri.conf.json");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(config["app"]["withGlobalTauri"], serde_json::json!(false));
    let csp = config["app"]["security"]["csp"]
        .as_str()
        .unwrap_or_default();
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for wanted in ["object-src 'none'", "base-uri 'self'", "form-action 'none'"] {
        assert!(directives.contains(&wanted), "{wanted} absent de {csp}");
    }
    // Scripts: the app's own, and WebAssembly compiled — never eval nor
    // inline scripts.
    let scripts = directives
        .iter()
        .find(|d| d.starts_with("script-src"))
        .expect("script-src");
    for refused in ["'unsafe-eval'", "'unsafe-inline'"] {
        assert!(
            !scripts.split_whitespace().any(|t| t == refused),
            "{scripts}"
        );
    }
}
