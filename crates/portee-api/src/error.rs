//! The one error type that crosses IPC.

use serde::{Deserialize, Serialize};

/// A closed set of error kinds: the UI matches on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A value typed by the user was refused; `field` says which.
    Validation,
    /// The record asked for does not exist (any more).
    NotFound,
    /// Someone else changed the record first, or it already exists.
    Conflict,
    /// The database is busy with another writer (SQLite): nothing was
    /// written; the same action may be tried again in a moment (what was
    /// typed is kept).
    Busy,
    /// The database cannot be reached or refused the connection.
    DatabaseUnavailable,
    /// The configuration (file or environment) is wrong.
    Configuration,
    /// The user must sign in (again).
    Unauthenticated,
    /// The session is locked after inactivity: the password is asked again.
    SessionLocked,
    /// The user's role or sites do not allow this.
    Forbidden,
    /// A fault of Portée itself; details are in the log file.
    Internal,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    /// A French sentence for the user (what happened, what to do).
    pub message: String,
    /// The request field the error concerns, if any (e.g. `birth_date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "Une erreur interne est survenue. Réessayez ; si elle persiste, \
             transmettez le fichier journal à l'assistance.",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_message_and_optional_field() {
        let e = ApiError::validation("birth_date", "La date est vide.");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "validation", "message": "La date est vide.", "field": "birth_date"})
        );
        let e = ApiError::new(ErrorCode::DatabaseUnavailable, "x");
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"code":"database_unavailable","message":"x"}"#);
        let back: ApiError = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
    }
}
