//! Capacity arithmetic of course slots.

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A slot's capacity, never negative and never below the seats taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    capacity: u32,
    taken: u32,
}

impl Capacity {
    /// The largest capacity of one slot (an orchestra); anything above is a typo.
    pub const MAX: i64 = 500;

    pub fn new(capacity: i64, taken: i64) -> Result<Self, DomainError> {
        if capacity < 0 {
            return Err(DomainError::new("La capacité ne peut pas être négative."));
        }
        if capacity > Self::MAX {
            return Err(DomainError::new(format!(
                "La capacité d'un créneau ne peut pas dépasser {} places.",
                Self::MAX
            )));
        }
        if taken < 0 {
            return Err(DomainError::new(
                "Le nombre de places prises ne peut pas être négatif.",
            ));
        }
        if capacity < taken {
            return Err(DomainError::new(format!(
                "La capacité ({capacity}) ne peut pas être inférieure aux places déjà prises ({taken})."
            )));
        }
        Ok(Self {
            capacity: capacity as u32,
            taken: taken as u32,
        })
    }

    pub fn capacity(self) -> u32 {
        self.capacity
    }

    pub fn taken(self) -> u32 {
        self.taken
    }

    pub fn left(self) -> u32 {
        self.capacity - self.taken
    }

    pub fn is_full(self) -> bool {
        self.taken >= self.capacity
    }
}

/// How full a slot looks on the offer page: its bar's colour and the
/// « remplissage » filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FillState {
    /// No seat left (or no seat at all).
    Full,
    /// At most a tenth of the seats left, and at most 2 (a group of 25
    /// with 2 seats left is nearly full; a group of 4 with 1 left too).
    NearlyFull,
    Open,
}

impl FillState {
    pub const ALL: [FillState; 3] = [FillState::Full, FillState::NearlyFull, FillState::Open];

    pub fn of(capacity: i64, taken: i64) -> FillState {
        let left = capacity - taken;
        if left <= 0 {
            FillState::Full
        } else if left <= 2 && left * 10 <= capacity.max(10) {
            FillState::NearlyFull
        } else {
            FillState::Open
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FillState::Full => "complet",
            FillState::NearlyFull => "presque_complet",
            FillState::Open => "places",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FillState::Full => "Complet",
            FillState::NearlyFull => "Presque complet",
            FillState::Open => "Places disponibles",
        }
    }

    pub fn from_code(code: &str) -> Option<FillState> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// The fill rate of a group of slots, in whole percent (0 when it has no
/// seat at all).
pub fn fill_rate(capacity: i64, taken: i64) -> u32 {
    if capacity <= 0 {
        return 0;
    }
    ((taken.clamp(0, capacity) * 100 + capacity / 2) / capacity) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_states_and_rates() {
        assert_eq!(FillState::of(12, 12), FillState::Full);
        assert_eq!(FillState::of(0, 0), FillState::Full);
        assert_eq!(FillState::of(25, 23), FillState::NearlyFull);
        assert_eq!(FillState::of(25, 22), FillState::Open);
        assert_eq!(FillState::of(4, 3), FillState::NearlyFull);
        assert_eq!(FillState::of(10, 8), FillState::Open);
        assert_eq!(FillState::of(10, 9), FillState::NearlyFull);
        assert_eq!(FillState::of(8, 0), FillState::Open);
        for f in FillState::ALL {
            assert_eq!(FillState::from_code(f.code()), Some(f));
        }
        assert_eq!(FillState::from_code("plein"), None);
        assert_eq!(fill_rate(0, 0), 0);
        assert_eq!(fill_rate(3, 2), 67);
        assert_eq!(fill_rate(40, 40), 100);
        assert_eq!(fill_rate(10, 12), 100);
    }

    #[test]
    fn capacity_rules() {
        let c = Capacity::new(12, 11).unwrap();
        assert_eq!(c.left(), 1);
        assert!(!c.is_full());
        assert!(Capacity::new(3, 3).unwrap().is_full());
        assert!(
            Capacity::new(-1, 0)
                .unwrap_err()
                .message()
                .contains("négative")
        );
        assert!(
            Capacity::new(10, 11)
                .unwrap_err()
                .message()
                .contains("inférieure aux places déjà prises (11)")
        );
        assert!(Capacity::new(501, 0).unwrap_err().message().contains("500"));
        assert!(Capacity::new(5, -2).is_err());
    }
}
