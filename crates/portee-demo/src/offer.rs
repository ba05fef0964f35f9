//! The course offer: disciplines, what each site teaches, the courses of
//! each school year, and the weekly slots with their teachers and rooms.

use std::collections::{BTreeSet, HashMap};

use rand::Rng as _;
use rand::seq::SliceRandom as _;

use crate::model::{Course, Discipline, Slot};
use crate::names;
use crate::util::{Rng, chance, hhmm, weighted_index};

pub(crate) const FM: usize = 0;
pub(crate) const PIANO: usize = 1;
pub(crate) const VIOLON: usize = 2;
pub(crate) const ALTO: usize = 3;
pub(crate) const VIOLONCELLE: usize = 4;
pub(crate) const CONTREBASSE: usize = 5;
pub(crate) const FLUTE: usize = 6;
pub(crate) const CLARINETTE: usize = 7;
pub(crate) const HAUTBOIS: usize = 8;
pub(crate) const SAXOPHONE: usize = 9;
pub(crate) const TROMPETTE: usize = 10;
pub(crate) const COR: usize = 11;
pub(crate) const TROMBONE: usize = 12;
pub(crate) const GUITARE: usize = 13;
pub(crate) const PERCUSSIONS: usize = 14;
pub(crate) const HARPE: usize = 15;
pub(crate) const CHANT: usize = 16;
pub(crate) const ORCHESTRE_CORDES: usize = 17;
pub(crate) const ORCHESTRE_HARMONIE: usize = 18;
pub(crate) const CHOEUR: usize = 19;
pub(crate) const MUSIQUE_CHAMBRE: usize = 20;
pub(crate) const DANSE_CLASSIQUE: usize = 21;
pub(crate) const DANSE_CONTEMPORAINE: usize = 22;
pub(crate) const DANSE_JAZZ: usize = 23;
pub(crate) const THEATRE: usize = 24;
pub(crate) const CHAM: usize = 25;

/// code, name, kind.
const DISCIPLINES: [(&str, &str, &str); 26] = [
    ("fm", "Formation Musicale", "formation_musicale"),
    ("piano", "Piano", "instrument"),
    ("violon", "Violon", "instrument"),
    ("alto", "Alto", "instrument"),
    ("violoncelle", "Violoncelle", "instrument"),
    ("contrebasse", "Contrebasse", "instrument"),
    ("flute-traversiere", "Flûte traversière", "instrument"),
    ("clarinette", "Clarinette", "instrument"),
    ("hautbois", "Hautbois", "instrument"),
    ("saxophone", "Saxophone", "instrument"),
    ("trompette", "Trompette", "instrument"),
    ("cor", "Cor", "instrument"),
    ("trombone", "Trombone", "instrument"),
    ("guitare", "Guitare", "instrument"),
    ("percussions", "Percussions", "instrument"),
    ("harpe", "Harpe", "instrument"),
    ("chant", "Chant", "instrument"),
    ("orchestre-cordes", "Orchestre à cordes", "ensemble"),
    ("orchestre-harmonie", "Orchestre d'harmonie", "ensemble"),
    ("choeur-enfants", "Chœur d'enfants", "ensemble"),
    ("musique-chambre", "Musique de chambre", "ensemble"),
    ("danse-classique", "Danse classique", "danse"),
    ("danse-contemporaine", "Danse contemporaine", "danse"),
    ("danse-jazz", "Danse jazz", "danse"),
    ("theatre", "Théâtre", "theatre"),
    ("cham", "CHAM", "cham"),
];

pub(crate) fn disciplines() -> Vec<Discipline> {
    DISCIPLINES
        .iter()
        .map(|(code, name, kind)| Discipline {
            code: (*code).to_owned(),
            name: (*name).to_owned(),
            kind,
        })
        .collect()
}

/// Instruments by popularity among pupils.
pub(crate) const INSTRUMENT_WEIGHTS: [(usize, u32); 16] = [
    (PIANO, 22),
    (VIOLON, 12),
    (ALTO, 3),
    (VIOLONCELLE, 6),
    (CONTREBASSE, 2),
    (FLUTE, 8),
    (CLARINETTE, 5),
    (HAUTBOIS, 2),
    (SAXOPHONE, 5),
    (TROMPETTE, 4),
    (COR, 2),
    (TROMBONE, 2),
    (GUITARE, 12),
    (PERCUSSIONS, 5),
    (HARPE, 2),
    (CHANT, 5),
];

/// The ensemble an instrumentalist plays in.
pub(crate) fn ensemble_for(instrument: usize, young: bool) -> usize {
    match instrument {
        VIOLON | ALTO | VIOLONCELLE | CONTREBASSE => ORCHESTRE_CORDES,
        FLUTE | CLARINETTE | HAUTBOIS | SAXOPHONE | TROMPETTE | COR | TROMBONE | PERCUSSIONS => {
            ORCHESTRE_HARMONIE
        }
        CHANT => CHOEUR,
        _ if young => CHOEUR,
        _ => MUSIQUE_CHAMBRE,
    }
}

/// Formation Musicale levels, by index.
pub(crate) const FM_LEVELS: [&str; 10] = [
    "1C1", "1C2", "1C3", "1C4", "2C1", "2C2", "2C3", "2C4", "3C1", "3C2",
];

pub(crate) fn fm_cycle(level: u8) -> u8 {
    level / 4 + 1
}

/// What a site teaches.
pub(crate) struct SiteOffer {
    pub site_id: i16,
    /// Formation Musicale levels offered: `FM_LEVELS[..fm_levels]`.
    pub fm_levels: u8,
    pub instruments: &'static [usize],
    /// Instrument cycles offered: 1..=instrument_cycles.
    pub instrument_cycles: u8,
    pub ensembles: &'static [usize],
    /// (discipline, cycles offered).
    pub dances: &'static [(usize, u8)],
    /// 0 when the site has no drama.
    pub theatre_cycles: u8,
    pub cham: bool,
}

const ALL_INSTRUMENTS: [usize; 16] = [
    PIANO,
    VIOLON,
    ALTO,
    VIOLONCELLE,
    CONTREBASSE,
    FLUTE,
    CLARINETTE,
    HAUTBOIS,
    SAXOPHONE,
    TROMPETTE,
    COR,
    TROMBONE,
    GUITARE,
    PERCUSSIONS,
    HARPE,
    CHANT,
];
const MEDIUM_INSTRUMENTS: [usize; 12] = [
    PIANO,
    VIOLON,
    ALTO,
    VIOLONCELLE,
    FLUTE,
    CLARINETTE,
    SAXOPHONE,
    TROMPETTE,
    TROMBONE,
    GUITARE,
    PERCUSSIONS,
    CHANT,
];
const ALL_ENSEMBLES: [usize; 4] = [
    ORCHESTRE_CORDES,
    ORCHESTRE_HARMONIE,
    CHOEUR,
    MUSIQUE_CHAMBRE,
];

pub(crate) static OFFERS: [SiteOffer; 8] = [
    SiteOffer {
        site_id: 1,
        fm_levels: 10,
        instruments: &ALL_INSTRUMENTS,
        instrument_cycles: 3,
        ensembles: &ALL_ENSEMBLES,
        dances: &[
            (DANSE_CLASSIQUE, 3),
            (DANSE_CONTEMPORAINE, 2),
            (DANSE_JAZZ, 2),
        ],
        theatre_cycles: 3,
        cham: true,
    },
    SiteOffer {
        site_id: 2,
        fm_levels: 8,
        instruments: &MEDIUM_INSTRUMENTS,
        instrument_cycles: 2,
        ensembles: &[ORCHESTRE_CORDES, CHOEUR],
        dances: &[(DANSE_CLASSIQUE, 2), (DANSE_JAZZ, 1)],
        theatre_cycles: 2,
        cham: false,
    },
    SiteOffer {
        site_id: 3,
        fm_levels: 10,
        instruments: &ALL_INSTRUMENTS,
        instrument_cycles: 3,
        ensembles: &ALL_ENSEMBLES,
        dances: &[
            (DANSE_CLASSIQUE, 3),
            (DANSE_CONTEMPORAINE, 2),
            (DANSE_JAZZ, 2),
        ],
        theatre_cycles: 2,
        cham: true,
    },
    SiteOffer {
        site_id: 4,
        fm_levels: 6,
        instruments: &[PIANO, VIOLON, FLUTE, GUITARE],
        instrument_cycles: 1,
        ensembles: &[CHOEUR],
        dances: &[],
        theatre_cycles: 0,
        cham: false,
    },
    SiteOffer {
        site_id: 5,
        fm_levels: 10,
        instruments: &ALL_INSTRUMENTS,
        instrument_cycles: 3,
        ensembles: &ALL_ENSEMBLES,
        dances: &[(DANSE_CLASSIQUE, 3), (DANSE_CONTEMPORAINE, 2)],
        theatre_cycles: 3,
        cham: true,
    },
    SiteOffer {
        site_id: 6,
        fm_levels: 8,
        instruments: &MEDIUM_INSTRUMENTS,
        instrument_cycles: 2,
        ensembles: &[ORCHESTRE_CORDES, ORCHESTRE_HARMONIE, CHOEUR],
        dances: &[(DANSE_CLASSIQUE, 2), (DANSE_CONTEMPORAINE, 1)],
        theatre_cycles: 2,
        cham: false,
    },
    SiteOffer {
        site_id: 7,
        fm_levels: 8,
        instruments: &MEDIUM_INSTRUMENTS,
        instrument_cycles: 2,
        ensembles: &[ORCHESTRE_HARMONIE, CHOEUR],
        dances: &[
            (DANSE_CLASSIQUE, 2),
            (DANSE_CONTEMPORAINE, 1),
            (DANSE_JAZZ, 1),
        ],
        theatre_cycles: 2,
        cham: true,
    },
    SiteOffer {
        site_id: 8,
        fm_levels: 6,
        instruments: &[PIANO, VIOLON, VIOLONCELLE, FLUTE, GUITARE, CHANT],
        instrument_cycles: 2,
        ensembles: &[CHOEUR],
        dances: &[(DANSE_CLASSIQUE, 1)],
        theatre_cycles: 0,
        cham: false,
    },
];

pub(crate) fn offer(site_id: i16) -> &'static SiteOffer {
    &OFFERS[(site_id - 1) as usize]
}

impl SiteOffer {
    pub fn has_instrument(&self, discipline: usize) -> bool {
        self.instruments.contains(&discipline)
    }

    pub fn dance_cycles(&self, discipline: usize) -> u8 {
        self.dances
            .iter()
            .find(|(d, _)| *d == discipline)
            .map_or(0, |(_, c)| *c)
    }
}

/// What identifies a course within a site and school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CourseKey {
    pub discipline: usize,
    /// 0 when the course has no cycle.
    pub cycle: u8,
    /// FM level index or CHAM grade (5 = 6e … 8 = 3e); 0 otherwise.
    pub level: u8,
}

impl CourseKey {
    pub fn fm(level: u8) -> Self {
        Self {
            discipline: FM,
            cycle: fm_cycle(level),
            level,
        }
    }
    pub fn cycled(discipline: usize, cycle: u8) -> Self {
        Self {
            discipline,
            cycle,
            level: 0,
        }
    }
    pub fn single(discipline: usize) -> Self {
        Self {
            discipline,
            cycle: 0,
            level: 0,
        }
    }
    pub fn cham(grade: u8) -> Self {
        Self {
            discipline: CHAM,
            cycle: 0,
            level: grade,
        }
    }
}

fn cycle_name(cycle: u8) -> &'static str {
    match cycle {
        1 => "1er cycle",
        2 => "2e cycle",
        _ => "3e cycle",
    }
}

/// All courses of the given school years, and a lookup by
/// (year, site, key).
pub(crate) struct Catalogue {
    pub courses: Vec<Course>,
    index: HashMap<(usize, i16, CourseKey), usize>,
}

impl Catalogue {
    pub fn build(years: usize) -> Self {
        let mut catalogue = Catalogue {
            courses: Vec::new(),
            index: HashMap::new(),
        };
        for year in 0..years {
            for offer in &OFFERS {
                catalogue.add_site_year(year, offer);
            }
        }
        catalogue
    }

    fn add(&mut self, year: usize, site_id: i16, key: CourseKey, course: Course) {
        self.index.insert((year, site_id, key), self.courses.len());
        self.courses.push(course);
    }

    fn add_site_year(&mut self, year: usize, offer: &SiteOffer) {
        let site_id = offer.site_id;
        let course = |discipline: usize, name: String, cycle: Option<u8>, level: Option<&str>| {
            let seat_mode = match DISCIPLINES[discipline].2 {
                "formation_musicale" => "slot",
                "instrument" => "teacher",
                _ => "level",
            };
            Course {
                discipline,
                site_id,
                school_year: year,
                name,
                cycle: cycle.map(i16::from),
                level: level.map(str::to_owned),
                seat_mode,
            }
        };
        for level in 0..offer.fm_levels {
            let label = FM_LEVELS[level as usize];
            let c = course(
                FM,
                format!("Formation Musicale {label}"),
                Some(fm_cycle(level)),
                Some(label),
            );
            self.add(year, site_id, CourseKey::fm(level), c);
        }
        for &instrument in offer.instruments {
            for cycle in 1..=offer.instrument_cycles {
                let name = format!("{} — {}", DISCIPLINES[instrument].1, cycle_name(cycle));
                let c = course(instrument, name, Some(cycle), None);
                self.add(year, site_id, CourseKey::cycled(instrument, cycle), c);
            }
        }
        for &ensemble in offer.ensembles {
            let c = course(ensemble, DISCIPLINES[ensemble].1.to_owned(), None, None);
            self.add(year, site_id, CourseKey::single(ensemble), c);
        }
        for &(dance, cycles) in offer.dances {
            for cycle in 1..=cycles {
                let name = format!("{} — {}", DISCIPLINES[dance].1, cycle_name(cycle));
                let c = course(dance, name, Some(cycle), None);
                self.add(year, site_id, CourseKey::cycled(dance, cycle), c);
            }
        }
        for cycle in 1..=offer.theatre_cycles {
            let name = format!("Théâtre — {}", cycle_name(cycle));
            let c = course(THEATRE, name, Some(cycle), None);
            self.add(year, site_id, CourseKey::cycled(THEATRE, cycle), c);
        }
        if offer.cham {
            for grade in 5..=8u8 {
                let label = crate::places::SCHOOL_LEVELS[grade as usize];
                let c = course(CHAM, format!("CHAM {label}"), None, Some(label));
                self.add(year, site_id, CourseKey::cham(grade), c);
            }
        }
    }

    pub fn find(&self, year: usize, site_id: i16, key: CourseKey) -> Option<usize> {
        self.index.get(&(year, site_id, key)).copied()
    }
}

/// How the slots of a kind of course look.
pub(crate) struct SlotShape {
    pub capacity: (i32, i32),
    /// Pupils per slot aimed at when sizing the offer.
    pub per_slot: f64,
    pub minutes: u32,
    pub room: RoomKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoomKind {
    Classroom,
    Hall,
    Studio,
    Stage,
}

pub(crate) fn slot_shape(discipline: usize, cycle: u8) -> SlotShape {
    match discipline {
        FM => SlotShape {
            capacity: (12, 20),
            per_slot: 15.0,
            minutes: [60, 60, 90, 120][cycle.min(3) as usize],
            room: RoomKind::Classroom,
        },
        ORCHESTRE_CORDES..=MUSIQUE_CHAMBRE => SlotShape {
            capacity: (20, 60),
            per_slot: 34.0,
            minutes: 120,
            room: RoomKind::Hall,
        },
        DANSE_CLASSIQUE..=DANSE_JAZZ => SlotShape {
            capacity: (16, 24),
            per_slot: 17.0,
            minutes: if cycle <= 1 { 60 } else { 90 },
            room: RoomKind::Studio,
        },
        THEATRE => SlotShape {
            capacity: (12, 18),
            per_slot: 13.0,
            minutes: 120,
            room: RoomKind::Stage,
        },
        CHAM => SlotShape {
            capacity: (24, 30),
            per_slot: 24.0,
            minutes: 120,
            room: RoomKind::Classroom,
        },
        _ => SlotShape {
            capacity: (1, 4),
            per_slot: 2.2,
            minutes: 45,
            room: RoomKind::Classroom,
        },
    }
}

/// One teacher's week at a site: the days they teach and how far each day
/// is already booked.
#[derive(Debug, Clone)]
struct Teacher {
    name: String,
    room: String,
    days: Vec<TeachingDay>,
}

#[derive(Debug, Clone, Copy)]
struct TeachingDay {
    /// 1 = Monday … 6 = Saturday.
    day: i16,
    start: u32,
    /// The next free minute.
    cursor: u32,
    end: u32,
}

const LUNCH: (u32, u32) = (12 * 60 + 30, 13 * 60 + 30);

/// Books slots into teachers' weeks at one site, so that no teacher and no
/// room is in two places at once.
#[derive(Debug, Clone)]
pub(crate) struct Scheduler {
    teachers: Vec<(usize, Teacher)>,
    names: BTreeSet<String>,
    classrooms: u32,
    halls: u32,
    studios: u32,
    stages: u32,
}

impl Scheduler {
    pub fn new() -> Self {
        Self {
            teachers: Vec::new(),
            names: BTreeSet::new(),
            classrooms: 0,
            halls: 0,
            studios: 0,
            stages: 0,
        }
    }

    /// The same teachers and rooms with empty weeks, for the next year.
    pub fn next_year(&self) -> Self {
        let mut next = self.clone();
        for (_, teacher) in &mut next.teachers {
            for day in &mut teacher.days {
                day.cursor = day.start;
            }
        }
        next
    }

    fn new_room(&mut self, kind: RoomKind) -> String {
        const HALLS: [&str; 4] = [
            "Auditorium",
            "Salle d'orchestre",
            "Salle Ravel",
            "Salle Debussy",
        ];
        match kind {
            RoomKind::Classroom => {
                self.classrooms += 1;
                format!("Salle {}", self.classrooms)
            }
            RoomKind::Hall => {
                self.halls += 1;
                match HALLS.get(self.halls as usize - 1) {
                    Some(name) => (*name).to_owned(),
                    None => format!("Salle {}", 100 + self.halls),
                }
            }
            RoomKind::Studio => {
                self.studios += 1;
                format!("Studio de danse {}", self.studios)
            }
            RoomKind::Stage => {
                self.stages += 1;
                if self.stages == 1 {
                    "Salle de théâtre".to_owned()
                } else {
                    format!("Salle de théâtre {}", self.stages)
                }
            }
        }
    }

    fn hire(&mut self, rng: &mut Rng, discipline: usize, room: RoomKind) -> usize {
        // "Mme Lambert"; with many teachers at a site, "Mme C. Lambert", and
        // a number as a last resort so that names stay unique per site.
        let mut attempt = 0u32;
        let name = loop {
            let female = chance(rng, 0.6);
            let pool = if chance(rng, 0.8) {
                names::FRENCH
            } else {
                names::pick_pool(rng)
            };
            let title = if female { "Mme" } else { "M." };
            let surname = names::surname(rng, pool);
            let name = match attempt {
                0..20 => format!("{title} {surname}"),
                20..200 => {
                    let first = names::adult_first_name(rng, pool, female);
                    let initial = first.chars().next().unwrap_or('A');
                    format!("{title} {initial}. {surname}")
                }
                _ => format!("{title} {surname} ({attempt})"),
            };
            if self.names.insert(name.clone()) {
                break name;
            }
            attempt += 1;
        };
        let room = self.new_room(room);
        let mut candidates: Vec<i16> = if discipline == CHAM {
            vec![1, 2, 4, 5]
        } else {
            vec![1, 2, 3, 3, 4, 5, 6, 6]
        };
        candidates.shuffle(rng);
        let mut days: Vec<i16> = Vec::new();
        let wanted = rng.random_range(2..=3);
        for day in candidates {
            if !days.contains(&day) && days.len() < wanted {
                days.push(day);
            }
        }
        days.sort_unstable();
        let days = days
            .into_iter()
            .map(|day| {
                let (start, end) = day_window(day, discipline, chance(rng, 0.5));
                TeachingDay {
                    day,
                    start,
                    cursor: start,
                    end,
                }
            })
            .collect();
        self.teachers
            .push((discipline, Teacher { name, room, days }));
        self.teachers.len() - 1
    }

    /// Books `minutes` with a teacher of `discipline`, hiring one when all
    /// are busy: (day, start, end, teacher, room).
    pub fn book(
        &mut self,
        rng: &mut Rng,
        discipline: usize,
        minutes: u32,
        room: RoomKind,
    ) -> (i16, u32, u32, String, String) {
        let mut order: Vec<usize> = (0..self.teachers.len())
            .filter(|&t| self.teachers[t].0 == discipline)
            .collect();
        // Fill existing teachers first, in a random order of their days.
        for attempt in 0..2 {
            if attempt == 1 {
                order = vec![self.hire(rng, discipline, room)];
            }
            for &t in &order {
                let teacher = &mut self.teachers[t].1;
                let mut days: Vec<usize> = (0..teacher.days.len()).collect();
                days.shuffle(rng);
                for d in days {
                    let TeachingDay {
                        day, cursor, end, ..
                    } = teacher.days[d];
                    let mut start = cursor;
                    // No lesson over the lunch break.
                    if start < LUNCH.1 && start + minutes > LUNCH.0 {
                        start = LUNCH.1;
                    }
                    if start + minutes <= end {
                        teacher.days[d].cursor = start + minutes;
                        return (
                            day,
                            start,
                            start + minutes,
                            teacher.name.clone(),
                            teacher.room.clone(),
                        );
                    }
                }
            }
        }
        // A new teacher's day is always long enough for one slot.
        unreachable!("a newly hired teacher has room for {minutes} minutes")
    }
}

/// The teaching window of a day, in minutes after midnight.
fn day_window(day: i16, discipline: usize, morning: bool) -> (u32, u32) {
    match day {
        3 if morning => (9 * 60 + 30, 19 * 60 + 30),
        3 => (13 * 60 + 30, 20 * 60),
        6 if morning => (9 * 60, 17 * 60),
        6 => (13 * 60 + 30, 18 * 60),
        _ if discipline == CHAM => (13 * 60 + 30, 17 * 60 + 30),
        _ => (16 * 60 + 30, 20 * 60),
    }
}

/// How much families want a slot at that time.
pub(crate) fn popularity(day: i16, start: u32) -> f64 {
    let hour = f64::from(start) / 60.0;
    match day {
        3 if (13.5..17.0).contains(&hour) => 6.0,
        3 => 3.0,
        6 if hour < 12.5 => 6.0,
        6 => 3.0,
        _ if hour < 17.0 => 1.5,
        _ if hour < 18.5 => 2.5,
        _ => 1.0,
    }
}

/// Creates the slots of `course` for about `demand` pupils, booked with the
/// site's teachers (seats_taken = 0).
pub(crate) fn plan_slots(
    rng: &mut Rng,
    scheduler: &mut Scheduler,
    course: usize,
    discipline: usize,
    cycle: u8,
    demand: usize,
) -> Vec<Slot> {
    let shape = slot_shape(discipline, cycle);
    let wanted = ((demand as f64) / shape.per_slot).ceil().max(1.0) as usize;
    let mut slots: Vec<Slot> = Vec::with_capacity(wanted);
    let mut seats = 0usize;
    while slots.len() < wanted || seats < demand {
        let capacity = rng.random_range(shape.capacity.0..=shape.capacity.1);
        let (day, start, end, teacher, room) =
            scheduler.book(rng, discipline, shape.minutes, shape.room);
        seats += capacity as usize;
        slots.push(Slot {
            course,
            day_of_week: day,
            starts_at: hhmm(start),
            ends_at: hhmm(end),
            teacher,
            room,
            capacity,
            seats_taken: 0,
            version: 1,
        });
    }
    slots
}

/// Picks a slot with seats left among `candidates`: most often the most
/// wanted one, otherwise by popularity. `None` when all are full.
pub(crate) fn choose_slot(
    rng: &mut Rng,
    candidates: &[usize],
    slots: &[Slot],
    top_share: f64,
) -> Option<usize> {
    let open: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&s| slots[s].seats_taken < slots[s].capacity)
        .collect();
    if open.is_empty() {
        return None;
    }
    let weights: Vec<f64> = open.iter().map(|&s| slot_popularity(&slots[s])).collect();
    if chance(rng, top_share) {
        let best = weights
            .iter()
            .enumerate()
            .fold(0, |best, (i, w)| if *w > weights[best] { i } else { best });
        return Some(open[best]);
    }
    Some(open[weighted_index(rng, &weights)])
}

/// The most wanted slot of `candidates`, full or not.
pub(crate) fn favourite_slot(candidates: &[usize], slots: &[Slot]) -> Option<usize> {
    candidates.iter().copied().fold(None, |best, s| match best {
        Some(b) if slot_popularity(&slots[b]) >= slot_popularity(&slots[s]) => Some(b),
        _ => Some(s),
    })
}

pub(crate) fn slot_popularity(slot: &Slot) -> f64 {
    let minutes = |t: &str| -> u32 {
        let (h, m) = t.split_once(':').unwrap_or(("0", "0"));
        h.parse::<u32>().unwrap_or(0) * 60 + m.parse::<u32>().unwrap_or(0)
    };
    popularity(slot.day_of_week, minutes(&slot.starts_at))
}

pub(crate) fn random_instrument(rng: &mut Rng, offer: &SiteOffer) -> usize {
    let weights: Vec<f64> = INSTRUMENT_WEIGHTS
        .iter()
        .map(|(d, w)| {
            if offer.has_instrument(*d) {
                f64::from(*w)
            } else {
                0.0
            }
        })
        .collect();
    INSTRUMENT_WEIGHTS[weighted_index(rng, &weights)].0
}

pub(crate) fn random_dance(rng: &mut Rng, offer: &SiteOffer) -> Option<usize> {
    if offer.dances.is_empty() {
        return None;
    }
    let weights: Vec<f64> = offer
        .dances
        .iter()
        .map(|(d, _)| match *d {
            DANSE_CLASSIQUE => 6.0,
            DANSE_CONTEMPORAINE => 2.5,
            _ => 1.5,
        })
        .collect();
    Some(offer.dances[weighted_index(rng, &weights)].0)
}
