// tauri.conf.json sits at the repository root (the design's top level); the
// build script and `generate_context!` (src/lib.rs) are both pointed at it.
// Paths inside it (ui/dist, icons/) are relative to the root.
fn main() {
    // The embedded interface (feature custom-protocol) comes from ui/dist,
    // which generate_context! reads without telling cargo: rebuild when the
    // interface is rebuilt.
    println!("cargo:rerun-if-changed=../ui/dist");
    let attributes = tauri_build::Attributes::new().config_path("../tauri.conf.json");
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build script failed: {e:#}");
    }
}
