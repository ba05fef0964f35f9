//! French strings shared by several screens.

/// The areas of Portée, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Home,
    Families,
    Reinscriptions,
    Documents,
    Courses,
    Printing,
    Administration,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::Home,
        Area::Families,
        Area::Reinscriptions,
        Area::Documents,
        Area::Courses,
        Area::Printing,
        Area::Administration,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Area::Home => "Accueil",
            Area::Families => "Élèves & familles",
            Area::Reinscriptions => "Réinscriptions",
            Area::Documents => "Documents",
            Area::Courses => "Cours & capacités",
            Area::Printing => "Impressions",
            Area::Administration => "Administration",
        }
    }

    /// A stable id for tests and anchors.
    pub fn slug(self) -> &'static str {
        match self {
            Area::Home => "accueil",
            Area::Families => "familles",
            Area::Reinscriptions => "reinscriptions",
            Area::Documents => "documents",
            Area::Courses => "cours",
            Area::Printing => "impressions",
            Area::Administration => "administration",
        }
    }

    /// The area has its screen in this version (the others show what they
    /// will offer).
    pub fn is_built(self) -> bool {
        matches!(
            self,
            Area::Home
                | Area::Families
                | Area::Reinscriptions
                | Area::Documents
                | Area::Courses
                | Area::Administration
        )
    }

    /// What the area will offer, shown plainly while it is not built yet.
    pub fn promise(self) -> &'static [&'static str] {
        match self {
            Area::Home => &[],
            Area::Families => &[
                "retrouver un élève ou une famille par nom, numéro de famille, date de naissance, téléphone ou courriel ;",
                "consulter la fiche élève : Identité, Cours, Historique, Documents ;",
                "corriger les coordonnées d'une famille, avec l'historique des modifications.",
            ],
            Area::Reinscriptions => &[
                "réinscrire un élève pour le compte de sa famille (au guichet ou par téléphone), en suivant les neuf étapes du guide des familles ;",
                "corriger une réinscription déjà validée ;",
                "suivre l'avancement de la campagne par site.",
            ],
            Area::Documents => &[
                "examiner les PDF déposés par les familles dans l'application ;",
                "les accepter, ou les refuser avec un motif que la famille lira ;",
                "relancer les familles dont des pièces manquent avant la date limite.",
            ],
            Area::Courses => &[
                "gérer l'offre de cours de chaque site et de chaque année scolaire ;",
                "fixer les capacités des créneaux et suivre les places restantes ;",
                "gérer les listes d'attente.",
            ],
            Area::Printing => &[
                "imprimer les accusés de réception, un par un ou par lot ;",
                "imprimer les récapitulatifs : avancement de campagne, listes de classe, pièces manquantes, taux de remplissage.",
            ],
            Area::Administration => &[
                "paramétrer les années scolaires et les campagnes ;",
                "appliquer les règles de conservation des données.",
            ],
        }
    }
}

pub const REQUIRED_LEGEND: &str = "Les champs marqués d'un astérisque (*) sont obligatoires.";

fn on_mac() -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().platform().ok())
        .is_some_and(|p| p.starts_with("Mac"))
}

/// The modifier of keyboard shortcuts as this platform names it: « Cmd »
/// on macOS, « Ctrl » elsewhere.
pub fn shortcut_modifier() -> &'static str {
    if on_mac() { "Cmd" } else { "Ctrl" }
}

/// The Alt key as this platform names it: « Option » on macOS (where the
/// shortcuts read the physical key, so Option+A works though it types
/// « å »), « Alt » elsewhere.
pub fn alt_modifier() -> &'static str {
    if on_mac() { "Option" } else { "Alt" }
}
