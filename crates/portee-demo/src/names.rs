//! French names, as diverse as in the western Paris suburbs, grouped in
//! pools so that a family's surname and first names go together most of the
//! time. Every character is in Latin-1 (or is `œ`), so that names print in
//! the generated WinAnsi PDFs.

use rand::Rng as _;

use crate::util::{Rng, chance, weighted};

pub(crate) struct Pool {
    pub weight: u32,
    pub surnames: &'static [&'static str],
    /// First names for children (born after 2000), by sex.
    pub child_f: &'static [&'static str],
    pub child_m: &'static [&'static str],
    /// First names for their parents' generation, by sex.
    pub adult_f: &'static [&'static str],
    pub adult_m: &'static [&'static str],
    /// Nationalities other than French found in the pool.
    pub nationalities: &'static [&'static str],
}

pub(crate) const FRENCH: usize = 0;

pub(crate) static POOLS: [Pool; 6] = [
    Pool {
        weight: 72,
        surnames: &[
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Simon",
            "Laurent",
            "Lefèvre",
            "Michel",
            "David",
            "Bertrand",
            "Roux",
            "Vincent",
            "Fournier",
            "Morel",
            "Girard",
            "André",
            "Lefebvre",
            "Mercier",
            "Dupont",
            "Lambert",
            "Bonnet",
            "François",
            "Legrand",
            "Garnier",
            "Faure",
            "Rousseau",
            "Blanc",
            "Guérin",
            "Henry",
            "Roussel",
            "Nicolas",
            "Perrin",
            "Morin",
            "Mathieu",
            "Clément",
            "Gauthier",
            "Dumont",
            "Fontaine",
            "Chevalier",
            "Robin",
            "Masson",
            "Gérard",
            "Boyer",
            "Denis",
            "Lemaire",
            "Duval",
            "Joly",
            "Roche",
            "Noël",
            "Meyer",
            "Lucas",
            "Meunier",
            "Marchand",
            "Dufour",
            "Blanchard",
            "Barbier",
            "Brun",
            "Dumas",
            "Brunet",
            "Schmitt",
            "Leroux",
            "Colin",
            "Renard",
            "Arnaud",
            "Rolland",
            "Caron",
            "Aubert",
            "Giraud",
            "Leclerc",
            "Vidal",
            "Bourgeois",
            "Renaud",
            "Lemoine",
            "Picard",
            "Gaillard",
            "Lacroix",
            "Fabre",
            "Dupuis",
            "Olivier",
            "Hervé",
            "Béranger",
            "Le Gall",
            "Le Goff",
            "Le Roux",
            "Kerbrat",
            "Quéméner",
            "Hamon",
            "Tanguy",
            "Ménard",
            "Besson",
            "Chauvin",
            "Hébert",
            "Prévost",
            "Boucher",
            "Lebrun",
            "Poirier",
            "Leblanc",
            "Thibault",
            "Delmas",
            "Maréchal",
            "Carpentier",
            "Bouvier",
            "Pelletier",
            "Lemaître",
            "Charpentier",
            "Benoît",
            "Cordier",
            "Rivière",
            "Vasseur",
            "Tessier",
            "Desjardins",
            "Gosselin",
            "Lévêque",
            "Jacquet",
            "Labbé",
            "Huet",
            "Delaunay",
            "Dujardin",
            "Saint-Martin",
            "Santoni",
            "Paoli",
            "Casanova",
            "Daubigny",
            "Dubois-Leclerc",
            "Martin-Prévost",
            "Després",
            "Bérard",
            "Géraud",
            "Fèvre",
            "Lesœur",
            "Du Plessis",
            "De La Fontaine",
        ],
        child_f: &[
            "Chloé",
            "Zoé",
            "Léa",
            "Inès",
            "Anaïs",
            "Maëlle",
            "Noémie",
            "Héloïse",
            "Emma",
            "Jade",
            "Louise",
            "Alice",
            "Lina",
            "Rose",
            "Anna",
            "Mila",
            "Ambre",
            "Juliette",
            "Lucie",
            "Camille",
            "Manon",
            "Léna",
            "Clémence",
            "Margaux",
            "Éloïse",
            "Agathe",
            "Capucine",
            "Apolline",
            "Victoire",
            "Joséphine",
            "Romane",
            "Lou",
            "Mathilde",
            "Salomé",
            "Pauline",
            "Élise",
            "Constance",
            "Gabrielle",
            "Adèle",
            "Bérénice",
            "Marie-Lou",
            "Océane",
            "Clémentine",
            "Iris",
            "Charlotte",
            "Léonie",
            "Eva",
            "Margot",
            "Nina",
            "Anne-Charlotte",
            "Maïwenn",
            "Solène",
        ],
        child_m: &[
            "Gabriel",
            "Louis",
            "Raphaël",
            "Jules",
            "Arthur",
            "Hugo",
            "Lucas",
            "Léo",
            "Maël",
            "Noé",
            "Paul",
            "Nathan",
            "Tom",
            "Sacha",
            "Timothée",
            "Baptiste",
            "Théo",
            "Mathis",
            "Clément",
            "Augustin",
            "Gaspard",
            "Victor",
            "Antoine",
            "Maxime",
            "Alexandre",
            "Étienne",
            "Édouard",
            "Côme",
            "Hippolyte",
            "Valentin",
            "Quentin",
            "Romain",
            "Gaël",
            "Jean-Baptiste",
            "Pierre-Louis",
            "Aurélien",
            "Adrien",
            "Bastien",
            "Joachim",
            "Matthieu",
            "Thibault",
            "Félix",
            "Eliott",
            "Malo",
            "Titouan",
            "Noah",
            "Ethan",
            "Loïc",
            "Anatole",
            "Ewen",
        ],
        adult_f: &[
            "Anne-Sophie",
            "Nathalie",
            "Stéphanie",
            "Isabelle",
            "Sandrine",
            "Céline",
            "Sophie",
            "Valérie",
            "Aurélie",
            "Émilie",
            "Caroline",
            "Virginie",
            "Delphine",
            "Laurence",
            "Hélène",
            "Véronique",
            "Christelle",
            "Élodie",
            "Marion",
            "Julie",
            "Claire",
            "Florence",
            "Cécile",
            "Anne",
            "Béatrice",
            "Agnès",
            "Géraldine",
            "Marie-Hélène",
            "Frédérique",
            "Séverine",
            "Karine",
            "Laëtitia",
            "Gaëlle",
            "Maud",
            "Ségolène",
        ],
        adult_m: &[
            "Jérôme",
            "Loïc",
            "Benoît",
            "Frédéric",
            "Stéphane",
            "Olivier",
            "Nicolas",
            "Christophe",
            "Sébastien",
            "Laurent",
            "Philippe",
            "Thierry",
            "Pascal",
            "Éric",
            "Franck",
            "Arnaud",
            "Cédric",
            "Guillaume",
            "Jean-Marc",
            "Jean-Luc",
            "Pierre-Yves",
            "François-Xavier",
            "Grégoire",
            "Hervé",
            "Mathieu",
            "Xavier",
            "Yannick",
            "Gaëtan",
            "Régis",
            "Emmanuel",
            "Bertrand",
            "Vincent",
            "Fabrice",
            "Denis",
            "Didier",
        ],
        nationalities: &["Belge", "Suisse"],
    },
    Pool {
        weight: 10,
        surnames: &[
            "Benali",
            "Haddad",
            "Mansouri",
            "Belkacem",
            "Bouzid",
            "Cherif",
            "Amrani",
            "El Idrissi",
            "Benjelloun",
            "Aït Ahmed",
            "Ouali",
            "Zerrouki",
            "Hamidi",
            "Brahimi",
            "Khelifi",
            "Saïdi",
            "Meziane",
            "Boudjema",
            "Larbi",
            "Rahmani",
            "Ben Youssef",
        ],
        child_f: &[
            "Inès", "Yasmine", "Lina", "Sarah", "Nour", "Kenza", "Myriam", "Rania", "Aya", "Salma",
            "Amira", "Lyna", "Maïssa",
        ],
        child_m: &[
            "Adam", "Rayan", "Ilyes", "Yanis", "Mehdi", "Sami", "Ayoub", "Nassim", "Bilal",
            "Amine", "Zakaria", "Ismaël",
        ],
        adult_f: &[
            "Samira", "Nadia", "Karima", "Leïla", "Fatima", "Souad", "Malika", "Naïma",
        ],
        adult_m: &[
            "Karim", "Mohamed", "Rachid", "Nabil", "Farid", "Mourad", "Hichem", "Sofiane",
        ],
        nationalities: &["Marocaine", "Algérienne", "Tunisienne"],
    },
    Pool {
        weight: 5,
        surnames: &[
            "N'Diaye", "Diallo", "Traoré", "Koné", "Diop", "Sow", "Camara", "Cissé", "Keïta",
            "Touré", "Kouassi", "Mendy", "Ba", "Fofana", "Sylla", "Konaté", "Ndongo", "Mabiala",
        ],
        child_f: &[
            "Fatoumata",
            "Aminata",
            "Mariam",
            "Awa",
            "Aïssatou",
            "Khadija",
            "Kadiatou",
            "Binta",
        ],
        child_m: &[
            "Moussa",
            "Mamadou",
            "Ibrahim",
            "Ousmane",
            "Souleymane",
            "Amadou",
            "Boubacar",
            "Issa",
        ],
        adult_f: &["Mariama", "Rokia", "Fanta", "Coumba", "Ndèye"],
        adult_m: &["Abdoulaye", "Seydou", "Cheikh", "Lamine", "Modibo"],
        nationalities: &["Sénégalaise", "Malienne", "Ivoirienne", "Congolaise"],
    },
    Pool {
        weight: 6,
        surnames: &[
            "Da Silva",
            "Dos Santos",
            "Pereira",
            "Ferreira",
            "Oliveira",
            "Rodrigues",
            "Gonçalves",
            "Fernandes",
            "Lopes",
            "Sousa",
            "Carvalho",
            "García",
            "Martínez",
            "López",
            "Sánchez",
            "Fernández",
            "Pérez",
            "Rossi",
            "Russo",
            "Bianchi",
            "Romano",
            "Colombo",
            "Esposito",
            "Ricci",
            "Marino",
            "Conti",
            "Santoro",
        ],
        child_f: &[
            "Clara", "Sofia", "Lucia", "Giulia", "Elena", "Alba", "Beatriz", "Carla",
        ],
        child_m: &[
            "Mateo", "Leonardo", "Tiago", "Rafael", "Enzo", "Lorenzo", "Diego", "Nuno",
        ],
        adult_f: &[
            "Maria",
            "Ana",
            "Sandra",
            "Paula",
            "Francesca",
            "Isabel",
            "Rosa",
        ],
        adult_m: &[
            "José", "Carlos", "Manuel", "Paulo", "Marco", "Antonio", "João",
        ],
        nationalities: &["Portugaise", "Espagnole", "Italienne"],
    },
    Pool {
        weight: 4,
        surnames: &[
            "Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Wang", "Li", "Zhang",
            "Chen", "Liu", "Huang", "Lin", "Kim", "Park", "Tanaka",
        ],
        child_f: &["Mai", "Linh", "Jade", "Lou", "Yuna", "Mei"],
        child_m: &["Minh", "Kevin", "Hao", "Yuki", "Bao", "Kenji"],
        adult_f: &["Thi Lan", "Hoa", "Yuki", "Jing", "Mei-Ling", "Thu"],
        adult_m: &["Van Duc", "Wei", "Jun", "Minh", "Hiroshi", "Quang"],
        nationalities: &["Vietnamienne", "Chinoise", "Japonaise", "Sud-coréenne"],
    },
    Pool {
        weight: 3,
        surnames: &[
            "Müller",
            "Schmidt",
            "Schneider",
            "Weber",
            "Fischer",
            "Kowalski",
            "Nowak",
            "Smith",
            "Taylor",
            "O'Connor",
            "McAllister",
            "Van den Berg",
            "De Vries",
            "Janssens",
            "Andersen",
            "Lindqvist",
        ],
        child_f: &[
            "Charlotte",
            "Emily",
            "Anna",
            "Lena",
            "Sophie",
            "Olivia",
            "Maja",
        ],
        child_m: &["Oscar", "Felix", "Leo", "Noah", "Elias", "William", "Jakob"],
        adult_f: &["Katarzyna", "Sarah", "Julia", "Birgit", "Ingrid", "Rachel"],
        adult_m: &["Markus", "Piotr", "John", "Pieter", "Stefan", "Sven"],
        nationalities: &[
            "Allemande",
            "Polonaise",
            "Britannique",
            "Néerlandaise",
            "Irlandaise",
        ],
    },
];

pub(crate) fn pick_pool(rng: &mut Rng) -> usize {
    let items: Vec<(usize, u32)> = POOLS
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.weight))
        .collect();
    weighted(rng, &items)
}

pub(crate) fn surname(rng: &mut Rng, pool: usize) -> &'static str {
    one_of(rng, POOLS[pool].surnames)
}

/// A child's first name: from the family's pool, sometimes from the French
/// pool (many families of every origin choose French names).
pub(crate) fn child_first_name(rng: &mut Rng, pool: usize, female: bool) -> &'static str {
    let from = if pool != FRENCH && chance(rng, 0.3) {
        FRENCH
    } else {
        pool
    };
    let p = &POOLS[from];
    one_of(rng, if female { p.child_f } else { p.child_m })
}

pub(crate) fn adult_first_name(rng: &mut Rng, pool: usize, female: bool) -> &'static str {
    let p = &POOLS[pool];
    one_of(rng, if female { p.adult_f } else { p.adult_m })
}

fn one_of(rng: &mut Rng, names: &'static [&'static str]) -> &'static str {
    names[rng.random_range(0..names.len())]
}

/// Lowercase ASCII for e-mail addresses and file names: accents folded,
/// spaces and apostrophes removed, hyphens kept.
pub(crate) fn ascii_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let folded: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                "a"
            }
            'ç' | 'Ç' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
            'ñ' | 'Ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
                "o"
            }
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
            'ý' | 'ÿ' | 'Ý' => "y",
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            '-' => "-",
            '_' => "_",
            '.' => ".",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn enough_distinct_names() {
        let surnames: BTreeSet<_> = POOLS.iter().flat_map(|p| p.surnames.iter()).collect();
        assert!(surnames.len() >= 150, "{} surnames", surnames.len());
        let female: BTreeSet<_> = POOLS
            .iter()
            .flat_map(|p| p.child_f.iter().chain(p.adult_f.iter()))
            .collect();
        let male: BTreeSet<_> = POOLS
            .iter()
            .flat_map(|p| p.child_m.iter().chain(p.adult_m.iter()))
            .collect();
        assert!(female.len() + male.len() >= 150);
        assert!(female.len() >= 75 && male.len() >= 75);
    }

    #[test]
    fn names_print_in_win_ansi() {
        for pool in &POOLS {
            let all = pool.surnames.iter().chain(pool.child_f).chain(pool.child_m);
            for name in all.chain(pool.adult_f).chain(pool.adult_m) {
                assert!(!name.is_empty());
                let bytes = crate::pdf::encode_win_ansi(name);
                assert!(!bytes.contains(&b'?'), "{name} does not print");
            }
        }
    }

    #[test]
    fn slug_folds_accents() {
        assert_eq!(ascii_slug("Anne-Sophie"), "anne-sophie");
        assert_eq!(ascii_slug("N'Diaye"), "ndiaye");
        assert_eq!(ascii_slug("Lesœur Da Silva"), "lesoeurdasilva");
        assert_eq!(ascii_slug("Müller"), "muller");
    }
}
