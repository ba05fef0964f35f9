//! Shared by the mock-runtime test binaries: an app on a given config,
//! and one IPC call.
#![allow(dead_code, reason = "each test binary uses part of it")]

use std::time::Instant;

use portee_app::{AppState, builder};
use portee_config::Config;
use tauri::{
    WebviewWindowBuilder,
    ipc::{CallbackFn, InvokeBody},
    test::{INVOKE_KEY, MockRuntime, get_ipc_response},
    webview::InvokeRequest,
};

pub fn config(dir: &std::path::Path, database_url: Option<&str>) -> Config {
    Config {
        data_dir: dir.to_path_buf(),
        database_url: database_url.map_or_else(
            || portee_config::sqlite_url(&dir.join("portee.sqlite3")),
            str::to_owned,
        ),
        log_level: "info".into(),
        lock_after_minutes: 10,
        lock_after_seconds: 600,
        demo_students: 0,
        config_file: dir.join("portee.toml"),
    }
}

pub fn invoke(
    webview: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
    request: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(serde_json::json!({ "request": request })),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<serde_json::Value>().unwrap())
}

pub fn app_with(config: Config) -> (tauri::App<MockRuntime>, tauri::WebviewWindow<MockRuntime>) {
    let (app, webview, _) = app_recording(config);
    (app, webview)
}

/// Documents opened in the paths of the third value are recorded there, not
/// shown in the workstation's PDF reader.
pub fn app_recording(
    config: Config,
) -> (
    tauri::App<MockRuntime>,
    tauri::WebviewWindow<MockRuntime>,
    Opened,
) {
    let opened = Opened::default();
    let state = AppState::new(Ok(config), Instant::now())
        .with_viewer(portee_app::Viewer::Recorder(opened.clone()));
    let app = builder(tauri::test::mock_builder(), state)
        .build(portee_app::context())
        .expect("app builds");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("webview");
    (app, webview, opened)
}

pub type Opened = std::sync::Arc<std::sync::Mutex<Vec<std::path::PathBuf>>>;
