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

#[cfg(test)]
mod tests {
    use super::*;

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
