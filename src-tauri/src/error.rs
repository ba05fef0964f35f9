//! Turning library errors into the one error type that crosses IPC.

use portee_api::{ApiError, ErrorCode};
use portee_store::StoreError;

/// Maps a store error to what the user reads. Internal causes go to the log
/// with their chain, never to the screen.
pub fn store_error(err: StoreError) -> ApiError {
    match &err {
        StoreError::InvalidUrl { .. } => ApiError::new(ErrorCode::Configuration, err.to_string()),
        StoreError::Unavailable { .. } => {
            tracing::warn!(error = %err, cause = ?std::error::Error::source(&err), "database unavailable");
            ApiError::new(ErrorCode::DatabaseUnavailable, err.to_string())
        }
        StoreError::Migration { .. } => {
            tracing::error!(error = %err, "migration failed");
            ApiError::new(ErrorCode::DatabaseUnavailable, err.to_string())
        }
        StoreError::Invalid { .. } => ApiError::new(ErrorCode::Validation, err.to_string()),
        StoreError::PasswordRefused => ApiError::new(ErrorCode::Unauthenticated, err.to_string()),
        StoreError::Forbidden => {
            tracing::warn!("refused by the database's rights");
            ApiError::new(ErrorCode::Forbidden, err.to_string())
        }
        StoreError::SchemaOutdated { .. } => {
            ApiError::new(ErrorCode::DatabaseUnavailable, err.to_string())
        }
        StoreError::NotFound => ApiError::new(ErrorCode::NotFound, err.to_string()),
        StoreError::Conflict
        | StoreError::Duplicate
        | StoreError::ResubmittedDifferently
        | StoreError::SlotFull { .. } => ApiError::new(ErrorCode::Conflict, err.to_string()),
        StoreError::Busy => {
            tracing::warn!("database busy after retries");
            ApiError::new(ErrorCode::Busy, err.to_string())
        }
        StoreError::Internal(cause) => {
            tracing::error!(error = %err, cause = %cause, "internal store error");
            ApiError::internal()
        }
    }
}

/// A refusal by the permission rules.
pub fn forbidden(err: portee_domain::DomainError) -> ApiError {
    ApiError::new(ErrorCode::Forbidden, err.message())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_is_not_reported_as_a_conflict() {
        let e = store_error(StoreError::Busy);
        assert_eq!(e.code, ErrorCode::Busy);
        assert!(e.message.contains("occupée"), "{}", e.message);
        assert!(!e.message.contains("modifié"), "{}", e.message);
    }
}
