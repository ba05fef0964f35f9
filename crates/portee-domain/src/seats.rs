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

/// A slot's day, hours, teacher, room and capacity as typed on the offer
/// page (a new slot, or a slot's change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotInput {
    /// 1 (lundi) to 7 (dimanche), as typed.
    pub day_of_week: String,
    /// « 14:00 » or « 14h00 » or « 14h ».
    pub starts_at: String,
    pub ends_at: String,
    pub teacher: String,
    pub room: String,
    pub capacity: String,
    pub open: bool,
}

/// A slot's valid fields: hours as `HH:MM`, ending after they start, on
/// one day, teacher and room named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotFields {
    pub day_of_week: i16,
    pub starts_at: String,
    pub ends_at: String,
    pub teacher: String,
    pub room: String,
    pub capacity: i64,
    pub open: bool,
}

/// « 14:00 », « 14h00 », « 14h », « 9h30 » → `14:00`, `09:30`.
pub fn parse_hour(typed: &str) -> Option<String> {
    let t = typed.trim().to_lowercase().replace('h', ":");
    let (h, m) = match t.split_once(':') {
        Some((h, m)) => (h.trim(), if m.trim().is_empty() { "0" } else { m.trim() }),
        None => (t.as_str(), "0"),
    };
    if h.is_empty()
        || h.len() > 2
        || m.len() > 2
        || !h.chars().chain(m.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

impl SlotFields {
    /// The longest teacher or room name kept.
    pub const MAX_NAME_CHARS: usize = 80;

    /// Checks every field; each refusal names its field (`jour`, `debut`,
    /// `fin`, `professeur`, `salle`, `capacite`) with a French sentence.
    /// `taken`: the seats already taken (0 for a new slot).
    pub fn parse(input: &SlotInput, taken: i64) -> Result<Self, Vec<crate::family::FieldError>> {
        use crate::family::FieldError;
        let mut errors = Vec::new();
        let day = input
            .day_of_week
            .trim()
            .parse::<i16>()
            .ok()
            .filter(|d| (1..=7).contains(d));
        if day.is_none() {
            errors.push(FieldError {
                field: "jour".into(),
                message: "Choisissez le jour du créneau.".into(),
            });
        }
        let starts = parse_hour(&input.starts_at);
        if starts.is_none() {
            errors.push(FieldError {
                field: "debut".into(),
                message: "Indiquez l'heure de début, par exemple 14:00.".into(),
            });
        }
        let ends = parse_hour(&input.ends_at);
        match (&starts, &ends) {
            (_, None) => errors.push(FieldError {
                field: "fin".into(),
                message: "Indiquez l'heure de fin, par exemple 15:00.".into(),
            }),
            (Some(s), Some(e)) if e <= s => errors.push(FieldError {
                field: "fin".into(),
                message: format!("L'heure de fin ({e}) doit venir après l'heure de début ({s})."),
            }),
            _ => {}
        }
        let name = |typed: &str, field: &str, what: &str, errors: &mut Vec<FieldError>| {
            let t = typed.split_whitespace().collect::<Vec<_>>().join(" ");
            if t.is_empty() {
                errors.push(FieldError {
                    field: field.into(),
                    message: format!("Indiquez {what}."),
                });
            } else if t.chars().count() > Self::MAX_NAME_CHARS {
                errors.push(FieldError {
                    field: field.into(),
                    message: format!("Ce nom dépasse {} caractères.", Self::MAX_NAME_CHARS),
                });
            }
            t
        };
        let teacher = name(&input.teacher, "professeur", "le professeur", &mut errors);
        let room = name(&input.room, "salle", "la salle", &mut errors);
        let capacity = match input.capacity.trim().parse::<i64>() {
            Ok(c) => match Capacity::new(c, taken) {
                Ok(_) => Some(c),
                Err(e) => {
                    errors.push(FieldError {
                        field: "capacite".into(),
                        message: e.message().to_owned(),
                    });
                    None
                }
            },
            Err(_) => {
                errors.push(FieldError {
                    field: "capacite".into(),
                    message: "Indiquez la capacité en nombre entier de places (0 à 500).".into(),
                });
                None
            }
        };
        match (day, starts, ends, capacity) {
            (Some(day_of_week), Some(starts_at), Some(ends_at), Some(capacity))
                if errors.is_empty() =>
            {
                Ok(Self {
                    day_of_week,
                    starts_at,
                    ends_at,
                    teacher,
                    room,
                    capacity,
                    open: input.open,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod slot_tests {
    use super::*;

    fn input(day: &str, starts: &str, ends: &str, capacity: &str) -> SlotInput {
        SlotInput {
            day_of_week: day.into(),
            starts_at: starts.into(),
            ends_at: ends.into(),
            teacher: "  Mme   Durand ".into(),
            room: "Salle 2".into(),
            capacity: capacity.into(),
            open: true,
        }
    }

    #[test]
    fn hours_are_read_as_secretaries_type_them() {
        assert_eq!(parse_hour("14:00").as_deref(), Some("14:00"));
        assert_eq!(parse_hour("9h30").as_deref(), Some("09:30"));
        assert_eq!(parse_hour("14h").as_deref(), Some("14:00"));
        assert_eq!(parse_hour(" 8 ").as_deref(), Some("08:00"));
        for bad in [
            "",
            "24:00",
            "12:60",
            "midi",
            "1:2:3",
            "123",
            "-1",
            "１４:00",
        ] {
            assert_eq!(parse_hour(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_slot_is_refused_field_by_field() {
        let ok = SlotFields::parse(&input("3", "14h", "15h30", "12"), 0).unwrap();
        assert_eq!(
            (ok.day_of_week, ok.starts_at.as_str(), ok.ends_at.as_str()),
            (3, "14:00", "15:30")
        );
        assert_eq!(ok.teacher, "Mme Durand");
        let errors = SlotFields::parse(&input("8", "15:00", "14:00", "3"), 5).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["jour", "fin", "capacite"]);
        assert!(
            errors[2].message.contains("places déjà prises (5)"),
            "{}",
            errors[2].message
        );
        let errors = SlotFields::parse(
            &SlotInput {
                teacher: " ".into(),
                room: "x".repeat(81),
                ..input("1", "10:00", "11:00", "abc")
            },
            0,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["professeur", "salle", "capacite"]);
    }
}

/// A new course as typed on the offer page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseInput {
    pub name: String,
    /// « 1 », « 2 », « 3 » or empty.
    pub cycle: String,
    /// « 1C2 », « Débutant »… or empty.
    pub level: String,
    /// `slot`, `teacher` or `level`.
    pub seat_mode: String,
}

/// A new course's valid fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseFields {
    pub name: String,
    pub cycle: Option<i16>,
    pub level: Option<String>,
    pub seat_mode: String,
}

/// How a seat is given, as the offer page offers it.
pub const SEAT_MODES: [(&str, &str); 3] = [
    ("slot", "Créneau choisi par la famille"),
    ("teacher", "Horaire fixé avec le professeur en septembre"),
    ("level", "Cours attribué selon le niveau"),
];

impl CourseFields {
    pub const MAX_NAME_CHARS: usize = 80;
    pub const MAX_LEVEL_CHARS: usize = 40;

    /// Checks every field; each refusal names its field (`cours-nom`,
    /// `cours-cycle`, `cours-niveau`, `cours-mode`).
    pub fn parse(input: &CourseInput) -> Result<Self, Vec<crate::family::FieldError>> {
        use crate::family::FieldError;
        let mut errors = Vec::new();
        let name = input.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errors.push(FieldError {
                field: "cours-nom".into(),
                message: "Indiquez le nom du cours.".into(),
            });
        } else if name.chars().count() > Self::MAX_NAME_CHARS {
            errors.push(FieldError {
                field: "cours-nom".into(),
                message: format!("Le nom dépasse {} caractères.", Self::MAX_NAME_CHARS),
            });
        }
        let cycle = match input.cycle.trim() {
            "" => None,
            c => match c.parse::<i16>() {
                Ok(n @ 1..=3) => Some(n),
                _ => {
                    errors.push(FieldError {
                        field: "cours-cycle".into(),
                        message: "Le cycle est 1, 2 ou 3.".into(),
                    });
                    None
                }
            },
        };
        let level = input.level.split_whitespace().collect::<Vec<_>>().join(" ");
        if level.chars().count() > Self::MAX_LEVEL_CHARS {
            errors.push(FieldError {
                field: "cours-niveau".into(),
                message: format!("Le niveau dépasse {} caractères.", Self::MAX_LEVEL_CHARS),
            });
        }
        if !SEAT_MODES.iter().any(|(c, _)| *c == input.seat_mode) {
            errors.push(FieldError {
                field: "cours-mode".into(),
                message: "Choisissez comment une place est donnée.".into(),
            });
        }
        if errors.is_empty() {
            Ok(Self {
                name,
                cycle,
                level: (!level.is_empty()).then_some(level),
                seat_mode: input.seat_mode.clone(),
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod course_tests {
    use super::*;

    #[test]
    fn a_course_is_refused_field_by_field() {
        let ok = CourseFields::parse(&CourseInput {
            name: " Guitare   électrique ".into(),
            cycle: "2".into(),
            level: "".into(),
            seat_mode: "teacher".into(),
        })
        .unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.cycle, ok.level),
            ("Guitare électrique", Some(2), None)
        );
        let errors = CourseFields::parse(&CourseInput {
            name: "".into(),
            cycle: "4".into(),
            level: "x".repeat(41),
            seat_mode: "hasard".into(),
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["cours-nom", "cours-cycle", "cours-niveau", "cours-mode"]
        );
    }
}
