//! Who may do what: roles, sites, and the sign-in throttling rule.
//!
//! Every backend command asks [`Scope::authorize`] before it touches data;
//! hiding a button in the UI is only a courtesy.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Agent de secrétariat: families and students of their sites.
    Agent,
    /// Responsable de site: the same, plus course offer, capacities and
    /// recaps of their sites.
    Responsable,
    /// Administrateur: everything, on every site.
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Responsable => "responsable",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        match code {
            "agent" => Some(Role::Agent),
            "responsable" => Some(Role::Responsable),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Agent => "Agent de secrétariat",
            Role::Responsable => "Responsable de site",
            Role::Admin => "Administrateur",
        }
    }
}

/// What a command does, for the permission check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Search and read families and students (and their history).
    ViewFamilies,
    /// Change families, students and their réinscriptions.
    EditFamilies,
    /// Change the course offer and capacities.
    ManageCourses,
    /// Print campaign recaps and class lists.
    PrintRecaps,
    /// Create, disable and edit staff accounts.
    ManageStaff,
    /// Manage sites, school years and campaigns.
    ManageCampaigns,
    /// Read and export the whole audit log.
    ViewAuditLog,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::ViewFamilies,
        Action::EditFamilies,
        Action::ManageCourses,
        Action::PrintRecaps,
        Action::ManageStaff,
        Action::ManageCampaigns,
        Action::ViewAuditLog,
    ];

    /// True for actions that concern one site's data.
    pub fn is_per_site(self) -> bool {
        matches!(
            self,
            Action::ViewFamilies
                | Action::EditFamilies
                | Action::ManageCourses
                | Action::PrintRecaps
        )
    }
}

/// The signed-in staff member's rights: a role and the sites assigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub role: Role,
    /// Site ids (`sites.id`).
    pub sites: Vec<i16>,
}

impl Scope {
    /// True when this scope covers `site` (administrators cover every site).
    pub fn covers(&self, site: i16) -> bool {
        self.role == Role::Admin || self.sites.contains(&site)
    }

    /// Allows `action` on `site` (for per-site actions) or refuses with a
    /// French sentence.
    pub fn authorize(&self, action: Action, site: Option<i16>) -> Result<(), DomainError> {
        let role_allows = match self.role {
            Role::Admin => true,
            Role::Responsable => matches!(
                action,
                Action::ViewFamilies
                    | Action::EditFamilies
                    | Action::ManageCourses
                    | Action::PrintRecaps
            ),
            Role::Agent => matches!(action, Action::ViewFamilies | Action::EditFamilies),
        };
        if !role_allows {
            return Err(DomainError::new(format!(
                "Votre rôle ({}) ne permet pas cette action.",
                self.role.label()
            )));
        }
        if action.is_per_site()
            && let Some(site) = site
            && !self.covers(site)
        {
            return Err(DomainError::new(
                "Cette fiche relève d'un site auquel vous n'êtes pas rattaché(e).",
            ));
        }
        Ok(())
    }

    /// The sites whose data this scope may see, `None` meaning all.
    pub fn visible_sites(&self) -> Option<&[i16]> {
        (self.role != Role::Admin).then_some(self.sites.as_slice())
    }
}

/// Sign-in throttling: how long to slow down after `failures` consecutive
/// failures, and whether the account is now locked (and for how long).
pub fn throttle(failures: u32) -> (Duration, Option<Duration>) {
    match failures {
        0..=2 => (Duration::ZERO, None),
        3..=4 => (Duration::from_secs(u64::from(failures - 2)), None),
        _ => (Duration::from_secs(2), Some(LOCK_DURATION)),
    }
}

/// The bucket under which failed sign-ins with an identifier that matches
/// no account are counted (the same [`throttle`] applies to it as to an
/// account, so that timing never tells whether an identifier exists).
///
/// It is 20 bits of a stable hash (FNV-1a, then mixed) of the normalised
/// identifier, never the identifier itself: what was typed may be a
/// password typed in the wrong field, and with about a million buckets a
/// stored bucket matches many candidate strings, so it confirms no guess.
/// Unrelated identifiers may share a bucket; they are then only throttled
/// sooner.
pub fn unknown_identifier_bucket(login: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in "portee/sign-in/".bytes().chain(login.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // FNV-1a's high bits barely depend on the last bytes: mix them in
    // (the splitmix64 finaliser) before keeping the top 20 bits.
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    format!("u{:05x}", hash >> 44)
}

/// How long an account stays locked after too many failures.
pub const LOCK_DURATION: Duration = Duration::from_secs(15 * 60);

/// The one message for a failed sign-in: it never tells whether the
/// identifier exists.
pub const SIGN_IN_FAILED: &str = "Identifiant ou mot de passe incorrect, ou compte indisponible.";

/// A new password: 12 to 128 characters, not only letters or only digits.
pub fn check_new_password(password: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if n < 12 {
        return Err(DomainError::new(
            "Le mot de passe doit compter au moins 12 caractères.",
        ));
    }
    if n > 128 {
        return Err(DomainError::new(
            "Le mot de passe ne peut pas dépasser 128 caractères.",
        ));
    }
    if password.chars().all(char::is_alphabetic) || password.chars().all(|c| c.is_ascii_digit()) {
        return Err(DomainError::new(
            "Le mot de passe doit mêler lettres et chiffres ou autres caractères.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(role: Role) -> Scope {
        Scope {
            role,
            sites: vec![5],
        }
    }

    #[test]
    fn the_role_and_site_matrix() {
        let meudon = Some(5);
        let vanves = Some(7);
        for action in Action::ALL {
            for (role, allowed) in [
                (
                    Role::Agent,
                    matches!(action, Action::ViewFamilies | Action::EditFamilies),
                ),
                (
                    Role::Responsable,
                    matches!(
                        action,
                        Action::ViewFamilies
                            | Action::EditFamilies
                            | Action::ManageCourses
                            | Action::PrintRecaps
                    ),
                ),
                (Role::Admin, true),
            ] {
                let s = scope(role);
                assert_eq!(
                    s.authorize(action, meudon).is_ok(),
                    allowed,
                    "{role:?} {action:?} own site"
                );
                let other = s.authorize(action, vanves).is_ok();
                let expected = allowed && (role == Role::Admin || !action.is_per_site());
                assert_eq!(other, expected, "{role:?} {action:?} other site");
            }
        }
        let e = scope(Role::Agent)
            .authorize(Action::ManageStaff, None)
            .unwrap_err();
        assert!(e.message().contains("Agent de secrétariat"));
        let e = scope(Role::Agent)
            .authorize(Action::ViewFamilies, vanves)
            .unwrap_err();
        assert!(e.message().contains("pas rattaché"));
        assert_eq!(scope(Role::Admin).visible_sites(), None);
        assert_eq!(scope(Role::Agent).visible_sites(), Some(&[5][..]));
    }

    #[test]
    fn failures_slow_down_then_lock() {
        assert_eq!(throttle(1), (Duration::ZERO, None));
        assert_eq!(throttle(3).0, Duration::from_secs(1));
        assert_eq!(throttle(4).0, Duration::from_secs(2));
        assert_eq!(throttle(5).1, Some(LOCK_DURATION));
        assert!(SIGN_IN_FAILED.contains("Identifiant ou mot de passe"));
    }

    #[test]
    fn unknown_identifiers_fall_into_short_stable_buckets() {
        let a = unknown_identifier_bucket("personne");
        assert_eq!(a, unknown_identifier_bucket("personne"));
        assert_eq!(a.len(), 6);
        assert!(a.starts_with('u') && a[1..].chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!a.contains("personne"));
        // Spread: 1,000 identifiers fall into (nearly) 1,000 buckets.
        let buckets: std::collections::HashSet<String> = (0..1000)
            .map(|i| unknown_identifier_bucket(&format!("agent{i}")))
            .collect();
        assert!(buckets.len() > 990, "{}", buckets.len());
    }

    #[test]
    fn new_passwords_are_checked() {
        assert!(
            check_new_password("court1")
                .unwrap_err()
                .message()
                .contains("12")
        );
        assert!(check_new_password("seulementdeslettres").is_err());
        assert!(check_new_password("123456789012").is_err());
        assert!(check_new_password("Conservatoire-2026").is_ok());
        assert!(check_new_password(&"a1".repeat(65)).is_err());
    }
}
