//! What the shell hands down to the pages: where the database connection
//! stands, and the channel through which a page reports an error that locks
//! or ends the session. `app.rs` sits above the pages and imports them;
//! nothing below it imports `app.rs`.

use portee_api::{ApiError, ErrorCode, system::DatabaseInfo};
use yew::prelude::*;

/// Where the connection to the database stands.
#[derive(Debug, Clone, PartialEq)]
pub enum DbState {
    Connecting,
    Ready(DatabaseInfo),
    Failed(ApiError),
}

/// Given to every page: report an error that ends or locks the session.
#[derive(Clone, PartialEq)]
pub struct SessionEvents {
    pub report: Callback<ApiError>,
}

/// Hands a session error (locked, signed out) to the shell and returns
/// `None`; any other error is returned for the page to show.
pub fn session_error(events: &Option<SessionEvents>, e: ApiError) -> Option<ApiError> {
    if matches!(
        e.code,
        ErrorCode::SessionLocked | ErrorCode::Unauthenticated
    ) {
        if let Some(ev) = events {
            ev.report.emit(e);
        }
        None
    } else {
        Some(e)
    }
}

/// Puts the keyboard focus on the element with this id, if it is there.
pub fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
