//! The embedded database's files on the workstation.

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_file_and_its_wal_and_shm_are_the_users_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portee.sqlite3");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = portee_store::Database::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for suffix in ["", "-wal", "-shm"] {
        let file = dir.path().join(format!("portee.sqlite3{suffix}"));
        assert!(file.exists(), "{}", file.display());
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    db.close().await;
    // A file left world-readable by an older version is tightened.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let db = portee_store::Database::connect(&url).await.unwrap();
    assert_eq!(mode(&path), 0o600);
    db.close().await;
}

#[tokio::test]
async fn an_in_memory_database_leaves_no_file_behind() {
    let here = std::env::current_dir().unwrap();
    let strays = || {
        std::fs::read_dir(&here)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("file:sqlx-in-memory")
            })
            .count()
    };
    let before = strays();
    let db = portee_store::Database::connect("sqlite::memory:")
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db.close().await;
    assert_eq!(strays(), before, "a file was created in {}", here.display());
}
