//! Students and families.

use serde::{Deserialize, Serialize};

use crate::Command;

/// Searches students and families within the member's sites.
pub struct SearchStudents;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchStudentsRequest {
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentHit {
    pub student_id: i64,
    pub last_name: String,
    pub first_name: String,
    /// JJ/MM/AAAA
    pub birth_date: String,
    pub site_name: String,
    pub family_number: String,
}

impl Command for SearchStudents {
    const NAME: &'static str = "search_students";
    type Request = SearchStudentsRequest;
    type Response = Vec<StudentHit>;
}
