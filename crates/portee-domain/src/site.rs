//! The sites of the conservatoire network.

use serde::{Deserialize, Serialize};

/// One of the eight sites of the network (PRODUCT.md). Stored by its `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Site {
    BoulogneBillancourt,
    Chaville,
    IssyLesMoulineaux,
    MarnesLaCoquette,
    Meudon,
    Sevres,
    Vanves,
    VilleDAvray,
}

impl Site {
    pub const ALL: [Site; 8] = [
        Site::BoulogneBillancourt,
        Site::Chaville,
        Site::IssyLesMoulineaux,
        Site::MarnesLaCoquette,
        Site::Meudon,
        Site::Sevres,
        Site::Vanves,
        Site::VilleDAvray,
    ];

    /// The stable code stored in the database (`sites.code`).
    pub fn code(self) -> &'static str {
        match self {
            Site::BoulogneBillancourt => "boulogne-billancourt",
            Site::Chaville => "chaville",
            Site::IssyLesMoulineaux => "issy-les-moulineaux",
            Site::MarnesLaCoquette => "marnes-la-coquette",
            Site::Meudon => "meudon",
            Site::Sevres => "sevres",
            Site::Vanves => "vanves",
            Site::VilleDAvray => "ville-d-avray",
        }
    }

    /// The town's name as written in French.
    pub fn name(self) -> &'static str {
        match self {
            Site::BoulogneBillancourt => "Boulogne-Billancourt",
            Site::Chaville => "Chaville",
            Site::IssyLesMoulineaux => "Issy-les-Moulineaux",
            Site::MarnesLaCoquette => "Marnes-la-Coquette",
            Site::Meudon => "Meudon",
            Site::Sevres => "Sèvres",
            Site::Vanves => "Vanves",
            Site::VilleDAvray => "Ville-d'Avray",
        }
    }

    /// The site with this `sites.id` (1 = Boulogne-Billancourt … 8).
    pub fn from_id(id: i16) -> Option<Site> {
        usize::try_from(id - 1)
            .ok()
            .and_then(|i| Site::ALL.get(i).copied())
    }

    /// The French name of `sites.id`, « ? » for an unknown id.
    pub fn name_of(id: i16) -> &'static str {
        Site::from_id(id).map_or("?", Site::name)
    }

    pub fn from_code(code: &str) -> Option<Site> {
        Site::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_the_eight_sites() {
        assert_eq!(Site::name_of(1), "Boulogne-Billancourt");
        assert_eq!(Site::name_of(5), "Meudon");
        assert_eq!(Site::name_of(0), "?");
        assert_eq!(Site::name_of(9), "?");
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        for site in Site::ALL {
            assert_eq!(Site::from_code(site.code()), Some(site));
        }
        let mut codes: Vec<_> = Site::ALL.iter().map(|s| s.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), 8);
        assert_eq!(Site::from_code("paris"), None);
        assert_eq!(Site::Sevres.name(), "Sèvres");
    }
}
