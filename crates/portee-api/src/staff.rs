//! Staff administration (administrators only).

use serde::{Deserialize, Serialize};

use crate::Command;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub role_label: String,
    pub site_ids: Vec<i16>,
    pub site_names: Vec<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub locked: bool,
    pub is_demo: bool,
    pub version: i32,
}

pub struct ListStaff;

impl Command for ListStaff {
    const NAME: &'static str = "list_staff";
    type Request = ();
    type Response = Vec<StaffSummary>;
}

pub struct CreateStaff;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateStaffRequest {
    pub login: String,
    pub display_name: String,
    /// `agent`, `responsable` or `admin`.
    pub role: Option<String>,
    pub site_ids: Vec<i16>,
    /// A temporary password, to be changed at the first sign-in.
    pub temporary_password: String,
}

impl Command for CreateStaff {
    const NAME: &'static str = "create_staff";
    type Request = CreateStaffRequest;
    type Response = StaffSummary;
}

pub struct ChangeStaff;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffAction {
    Enable,
    Disable,
    /// A temporary password, to be changed at the next sign-in.
    ResetPassword {
        temporary_password: String,
    },
    RoleAndSites {
        role: String,
        site_ids: Vec<i16>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeStaffRequest {
    pub id: i64,
    /// The version the administrator saw.
    pub version: i32,
    pub action: StaffAction,
}

impl Command for ChangeStaff {
    const NAME: &'static str = "change_staff";
    type Request = ChangeStaffRequest;
    type Response = StaffSummary;
}
