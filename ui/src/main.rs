//! The Portée interface (Yew, compiled to wasm and served by Tauri).
//!
//! `pages/` holds one module per screen, `components/` the widgets every
//! screen shares (the component kit), `api` the one typed door to the
//! backend, `shared` what the shell (`app`) hands down to pages. Strings shown to users are French; code is English.

mod api;
mod app;
mod components;
mod live;
mod pages;
mod shared;
mod text;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
