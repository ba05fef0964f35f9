//! Sites, towns, streets, schools and phone numbers.

use rand::Rng as _;

use crate::util::{Rng, chance, pick, weighted};

/// The rows of the `sites` table (migrations/*/0001_sites.sql): id, code,
/// name.
pub const SITES: [(i16, &str, &str); 8] = [
    (1, "boulogne-billancourt", "Boulogne-Billancourt"),
    (2, "chaville", "Chaville"),
    (3, "issy-les-moulineaux", "Issy-les-Moulineaux"),
    (4, "marnes-la-coquette", "Marnes-la-Coquette"),
    (5, "meudon", "Meudon"),
    (6, "sevres", "Sèvres"),
    (7, "vanves", "Vanves"),
    (8, "ville-d-avray", "Ville-d'Avray"),
];

/// A short slug per site for staff logins (`agent.meudon`).
pub(crate) fn site_slug(site_id: i16) -> &'static str {
    match site_id {
        1 => "boulogne",
        2 => "chaville",
        3 => "issy",
        4 => "marnes",
        5 => "meudon",
        6 => "sevres",
        7 => "vanves",
        _ => "villedavray",
    }
}

pub(crate) struct Town {
    pub name: &'static str,
    pub postcode: &'static str,
    /// The site its families attend.
    pub site_id: i16,
    /// Relative number of families.
    pub weight: u32,
}

pub(crate) static TOWNS: [Town; 15] = [
    Town {
        name: "Boulogne-Billancourt",
        postcode: "92100",
        site_id: 1,
        weight: 300,
    },
    Town {
        name: "Chaville",
        postcode: "92370",
        site_id: 2,
        weight: 75,
    },
    Town {
        name: "Issy-les-Moulineaux",
        postcode: "92130",
        site_id: 3,
        weight: 170,
    },
    Town {
        name: "Marnes-la-Coquette",
        postcode: "92430",
        site_id: 4,
        weight: 18,
    },
    Town {
        name: "Meudon",
        postcode: "92190",
        site_id: 5,
        weight: 105,
    },
    Town {
        name: "Meudon",
        postcode: "92360",
        site_id: 5,
        weight: 45,
    },
    Town {
        name: "Sèvres",
        postcode: "92310",
        site_id: 6,
        weight: 90,
    },
    Town {
        name: "Vanves",
        postcode: "92170",
        site_id: 7,
        weight: 80,
    },
    Town {
        name: "Ville-d'Avray",
        postcode: "92410",
        site_id: 8,
        weight: 50,
    },
    Town {
        name: "Clamart",
        postcode: "92140",
        site_id: 5,
        weight: 15,
    },
    Town {
        name: "Paris",
        postcode: "75015",
        site_id: 3,
        weight: 15,
    },
    Town {
        name: "Saint-Cloud",
        postcode: "92210",
        site_id: 6,
        weight: 10,
    },
    Town {
        name: "Malakoff",
        postcode: "92240",
        site_id: 7,
        weight: 8,
    },
    Town {
        name: "Viroflay",
        postcode: "78220",
        site_id: 2,
        weight: 8,
    },
    Town {
        name: "Garches",
        postcode: "92380",
        site_id: 4,
        weight: 5,
    },
];

pub(crate) fn pick_town(rng: &mut Rng) -> usize {
    let items: Vec<(usize, u32)> = TOWNS
        .iter()
        .enumerate()
        .map(|(i, t)| (i, t.weight))
        .collect();
    weighted(rng, &items)
}

/// Relative size of each site (index = site id - 1), for the few students
/// who attend another site than their town's.
pub(crate) const SITE_WEIGHTS: [u32; 8] = [30, 8, 17, 2, 15, 9, 8, 5];

pub(crate) fn pick_site(rng: &mut Rng) -> i16 {
    let items: Vec<(i16, u32)> = SITE_WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, w)| (i as i16 + 1, *w))
        .collect();
    weighted(rng, &items)
}

static STREETS: [&str; 48] = [
    "rue de la République",
    "avenue du Général-Leclerc",
    "rue Gallieni",
    "boulevard Jean-Jaurès",
    "rue de Paris",
    "avenue Victor-Hugo",
    "rue Carnot",
    "rue Pasteur",
    "allée des Tilleuls",
    "rue d'Aguesseau",
    "rue Anatole-France",
    "avenue Édouard-Vaillant",
    "rue de Meudon",
    "rue Marcel-Dassault",
    "avenue Roger-Salengro",
    "rue du Château",
    "rue des Peupliers",
    "place de la Mairie",
    "rue Henri-Barbusse",
    "rue Ernest-Renan",
    "avenue de Verdun",
    "rue du Docteur-Arnaud",
    "rue Gambetta",
    "rue Émile-Zola",
    "rue de l'Église",
    "chemin des Bœufs",
    "sentier des Vignes",
    "rue des Écoles",
    "avenue Jean-Jaurès",
    "rue du Parc",
    "rue Marie-Curie",
    "rue de la Gare",
    "avenue de la Division-Leclerc",
    "rue Louis-Pasteur",
    "rue du Onze-Novembre",
    "rue Maurice-Berteaux",
    "rue des Marronniers",
    "rue Danton",
    "avenue du Maréchal-Foch",
    "rue Jules-Ferry",
    "rue de Sèvres",
    "rue du Vieux-Pont",
    "boulevard des Frères-Voisin",
    "rue Paul-Bert",
    "rue de l'Abbé-Grégoire",
    "avenue de Saint-Cloud",
    "rue Rouget-de-Lisle",
    "square Santos-Dumont",
];

pub(crate) fn street_address(rng: &mut Rng) -> String {
    let number = if chance(rng, 0.7) {
        rng.random_range(1..60)
    } else {
        rng.random_range(60..220)
    };
    let suffix = match rng.random_range(0..100) {
        0..4 => " bis",
        4..5 => " ter",
        _ => "",
    };
    format!("{number}{suffix} {}", pick(rng, &STREETS))
}

pub(crate) fn address_extra(rng: &mut Rng) -> String {
    match rng.random_range(0..5) {
        0 => format!("Bâtiment {}", pick(rng, &["A", "B", "C", "D"])),
        1 => format!(
            "Escalier {}, {}e étage",
            rng.random_range(1..5),
            rng.random_range(2..9)
        ),
        2 => format!(
            "Résidence {}",
            pick(
                rng,
                &[
                    "Les Marronniers",
                    "Le Parc",
                    "Les Jardins de Sèvres",
                    "Le Belvédère",
                    "Les Hauts de Meudon",
                    "L'Orée du Bois",
                ]
            )
        ),
        3 => format!("Appartement {}", rng.random_range(1..120)),
        _ => "Rez-de-chaussée, porte gauche".to_owned(),
    }
}

static ELEMENTARY: [&str; 16] = [
    "École élémentaire Jean-Jaurès",
    "École élémentaire Paul-Bert",
    "École élémentaire Jules-Ferry",
    "École élémentaire Anatole-France",
    "École élémentaire Marie-Curie",
    "École élémentaire Victor-Hugo",
    "École élémentaire du Parc",
    "École élémentaire Ferdinand-Buisson",
    "École élémentaire Saint-Exupéry",
    "École élémentaire Jacqueline-Auriol",
    "École élémentaire des Sablons",
    "École élémentaire Les Glycines",
    "École élémentaire Ernest-Renan",
    "École élémentaire La Fontaine",
    "École Sainte-Marie",
    "École élémentaire Pierre-Brossolette",
];

static COLLEGES: [&str; 14] = [
    "Collège Bartholdi",
    "Collège Jean-Renoir",
    "Collège Henri-Matisse",
    "Collège Victor-Hugo",
    "Collège Rabelais",
    "Collège Armande-Béjart",
    "Collège Saint-Exupéry",
    "Collège Jean-Moulin",
    "Collège Paul-Landowski",
    "Collège Marie-Curie",
    "Collège Dunoyer-de-Segonzac",
    "Collège Notre-Dame",
    "Collège Saint-Joseph",
    "Collège Les Bruyères",
];

static LYCEES: [&str; 9] = [
    "Lycée Jacques-Prévert",
    "Lycée Michelet",
    "Lycée Rabelais",
    "Lycée Jean-Pierre-Vernant",
    "Lycée Eugène-Ionesco",
    "Lycée Notre-Dame",
    "Lycée Camille-Claudel",
    "Lycée Saint-Thomas-de-Villeneuve",
    "Lycée international de Sèvres",
];

static HIGHER: [&str; 9] = [
    "Sorbonne Université",
    "Université Paris Cité",
    "Université Paris-Saclay",
    "Université Paris Nanterre",
    "Conservatoire de Paris (CNSMDP)",
    "École normale de musique",
    "Sciences Po",
    "Lycée Hoche (classes préparatoires)",
    "École de design de Boulogne",
];

/// The school levels, indexed by `grade` (0 = CP … 11 = Terminale).
pub(crate) const SCHOOL_LEVELS: [&str; 14] = [
    "CP",
    "CE1",
    "CE2",
    "CM1",
    "CM2",
    "6e",
    "5e",
    "4e",
    "3e",
    "2nde",
    "1re",
    "Terminale",
    "Supérieur",
    "Adulte",
];

/// A school attended at `grade` (index into `SCHOOL_LEVELS`), near `town`.
pub(crate) fn school_name(rng: &mut Rng, town: usize, grade: usize) -> Option<String> {
    // Each town gets its own few schools: the lists are rotated by town.
    let local = |list: &'static [&'static str], per_town: usize, rng: &mut Rng| {
        let k = rng.random_range(0..per_town);
        list[(town * 3 + k) % list.len()]
    };
    let name = match grade {
        0..=4 => local(&ELEMENTARY, 4, rng),
        5..=8 => local(&COLLEGES, 2, rng),
        9..=11 => local(&LYCEES, 2, rng),
        12 => pick(rng, &HIGHER),
        _ => return None,
    };
    Some(name.to_owned())
}

fn pairs(rng: &mut Rng, count: usize) -> String {
    (0..count)
        .map(|_| format!("{:02}", rng.random_range(0..100)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `06 12 34 56 78` or `07 …`.
pub(crate) fn mobile_phone(rng: &mut Rng) -> String {
    if chance(rng, 0.7) {
        format!("06 {}", pairs(rng, 4))
    } else {
        format!(
            "07 {}{} {}",
            rng.random_range(5..9),
            rng.random_range(0..10),
            pairs(rng, 3)
        )
    }
}

/// A landline of the Hauts-de-Seine (`01 46 …`).
pub(crate) fn home_phone(rng: &mut Rng) -> String {
    let block = pick(rng, &["41", "45", "46", "47", "55", "58"]);
    format!("01 {block} {}", pairs(rng, 3))
}

pub(crate) fn work_phone(rng: &mut Rng) -> String {
    if chance(rng, 0.7) {
        format!("01 {} {}", rng.random_range(40..80), pairs(rng, 3))
    } else {
        format!("09 {} {}", rng.random_range(50..80), pairs(rng, 3))
    }
}
