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

#[cfg(test)]
mod tests {
    /// `app.rs` sits above the pages: nothing below it imports it (what the
    /// pages share lives in `shared`, `components`, `text`, `live`), so the
    /// modules form no circle.
    #[test]
    fn nothing_below_the_shell_imports_it() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !["app.rs", "main.rs"]
                        .iter()
                        .any(|top| path.ends_with(top) && path.parent() == Some(dir))
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let imports_shell = text.lines().any(|l| {
                        let l = l.trim();
                        l.contains("crate::app")
                            || (l.starts_with("use crate::") && l.contains(" app::"))
                            || l.starts_with("app::")
                    });
                    if imports_shell {
                        found.push(path.display().to_string());
                    }
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        walk(&src, &mut found);
        assert!(found.is_empty(), "ces modules importent app.rs : {found:?}");
    }
}
