//! Seeding a database with the demo network.

use std::time::{Duration, Instant};

use portee_demo::{DemoOptions, generate};
use portee_store::{Actor, Database, StoreError};

use crate::auth::{hash_password, scram_verifier};

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] crate::auth::HashError),
}

/// What seeding did, and how long each part took.
#[derive(Debug, Clone)]
pub struct SeedReport {
    pub students: usize,
    pub families: usize,
    pub slots: usize,
    pub staff: usize,
    pub generate: Duration,
    pub hash: Duration,
    pub insert: Duration,
}

/// Generates the demo network for `students` students from `seed`, hashes
/// the demo accounts' passwords and writes everything in one transaction.
/// Refuses a database that already holds families or real staff accounts.
/// The network's past ends before this call started (a `today` after the
/// current UTC date is taken as that date), so a change made right after
/// is always the newest entry of the log.
#[tracing::instrument(skip(db, actor), err)]
pub async fn seed(
    db: &Database,
    students: usize,
    seed: u64,
    today: chrono::NaiveDate,
    actor: &Actor,
) -> Result<SeedReport, SeedError> {
    let taken_at = chrono::Utc::now();
    let today = today.min(taken_at.date_naive());
    let t = Instant::now();
    let net = tokio::task::spawn_blocking(move || {
        generate(&DemoOptions {
            students,
            seed,
            today,
            taken_at: Some(taken_at),
        })
    })
    .await
    .map_err(|_| StoreError::Invalid {
        message: "La génération des données a échoué.".into(),
    })?;
    let generate_time = t.elapsed();

    let t = Instant::now();
    let passwords: Vec<String> = net.staff.iter().map(|s| s.password.clone()).collect();
    let (hashes, verifiers) = tokio::task::spawn_blocking(move || {
        let hashes = passwords
            .iter()
            .map(|p| hash_password(p))
            .collect::<Result<Vec<_>, _>>()?;
        let verifiers: Vec<String> = passwords.iter().map(|p| scram_verifier(p)).collect();
        Ok::<_, crate::auth::HashError>((hashes, verifiers))
    })
    .await
    .map_err(|_| crate::auth::HashError)??;
    let hash_time = t.elapsed();

    let t = Instant::now();
    db.insert_demo(&net, &hashes, &verifiers, actor).await?;
    Ok(SeedReport {
        students: net.students.len(),
        families: net.families.len(),
        slots: net.slots.len(),
        staff: net.staff.len(),
        generate: generate_time,
        hash: hash_time,
        insert: t.elapsed(),
    })
}
