//! `sqlx::migrate!` embeds the migrations at compile time: a new or changed
//! migration must rebuild this crate, which cargo does not know by itself.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/postgres");
    println!("cargo:rerun-if-changed=../../migrations/sqlite");
}
