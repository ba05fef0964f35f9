// Keeps a console window from opening with the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    portee_app::run();
}
