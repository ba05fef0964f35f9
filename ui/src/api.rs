//! The one door to the backend: a typed wrapper around Tauri's `invoke`.
//! Components never call `invoke` themselves.

use portee_api::{ApiError, Command, ErrorCode, REQUEST_KEY};
use serde::Serialize;
use wasm_bindgen::prelude::*;

// `__TAURI_INTERNALS__` is what Tauri injects in every webview (and what its
// own JavaScript API calls); `app.withGlobalTauri` stays off, so no global
// `window.__TAURI__` API object is exposed to the page.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], catch, js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// Calls command `C` with its request and returns its typed response, or
/// the backend's [`ApiError`] (or an internal one if the bridge failed).
pub async fn call<C: Command>(request: &C::Request) -> Result<C::Response, ApiError> {
    // json_compatible: `()` becomes `null` (present) rather than `undefined`.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let request = request
        .serialize(&serializer)
        .map_err(|e| bridge_error(&format!("requête illisible ({e})")))?;
    let args = js_sys::Object::new();
    js_sys::Reflect::set(&args, &JsValue::from_str(REQUEST_KEY), &request)
        .map_err(|_| bridge_error("requête illisible"))?;
    match tauri_invoke(C::NAME, args.into()).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| bridge_error(&format!("réponse illisible ({e})"))),
        Err(value) => Err(serde_wasm_bindgen::from_value::<ApiError>(value.clone())
            .unwrap_or_else(|_| {
                bridge_error(&value.as_string().unwrap_or_else(|| format!("{value:?}")))
            })),
    }
}

fn bridge_error(detail: &str) -> ApiError {
    web_sys_log(detail);
    ApiError::new(
        ErrorCode::Internal,
        "L'interface n'a pas pu joindre le moteur de Portée. Fermez puis rouvrez l'application.",
    )
}

fn web_sys_log(detail: &str) {
    web_sys::console::error_1(&JsValue::from_str(&format!("portee ipc: {detail}")));
}
