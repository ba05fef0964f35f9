//! Families, their guardians and their children, and what each child
//! studies (their "tracks") over the years.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng as _;

use crate::model::{Family, Guardian, Student};
use crate::names::{self, POOLS};
use crate::offer::{self, SiteOffer};
use crate::places::{self, SCHOOL_LEVELS, TOWNS};
use crate::util::{DAYTIME, OFFICE, Rng, between_hours, chance, pick, weighted, ymd};
use crate::{CURRENT, Context};

/// What a student studies in one discipline, and since when.
#[derive(Debug, Clone)]
pub(crate) struct Track {
    pub kind: TrackKind,
    pub discipline: usize,
    /// Years completed in this discipline before the current school year
    /// (0 = began this year).
    pub seniority: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrackKind {
    Instrument,
    Ensemble,
    Dance,
    Theatre,
    Cham,
}

/// Generation-only facts about a student, parallel to `students`.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    /// School grade in the current year (index into `SCHOOL_LEVELS`,
    /// 12 = Supérieur, 13 = Adulte).
    pub grade: usize,
    pub age: i32,
    pub tracks: Vec<Track>,
    /// Formation Musicale level per school year index (0..=4, 4 = next
    /// year), `None` when not in FM that year.
    pub fm_levels: [Option<u8>; 5],
    /// Outcome of the FM year, for past years.
    pub fm_passed: [bool; 5],
}

impl Profile {
    /// The grade in school year `year` (CURRENT = the current one).
    pub fn grade_in(&self, year: usize) -> i32 {
        self.grade as i32 + year as i32 - CURRENT as i32
    }

    pub fn in_cham(&self, year: usize) -> bool {
        self.tracks.iter().any(|t| {
            t.kind == TrackKind::Cham
                && (5..=8).contains(&self.grade_in(year))
                && i32::from(t.seniority) + year as i32 >= CURRENT as i32
        })
    }
}

pub(crate) struct People {
    pub families: Vec<Family>,
    pub guardians: Vec<Guardian>,
    pub students: Vec<Student>,
    pub profiles: Vec<Profile>,
    /// The town (index into TOWNS) of each family.
    pub family_towns: Vec<usize>,
}

/// Years-after-birth-year weights (school year start minus birth year):
/// CP pupils are 6, students mostly 6–17.
const AGE_WEIGHTS: [(i32, u32); 19] = [
    (6, 70),
    (7, 90),
    (8, 100),
    (9, 100),
    (10, 100),
    (11, 95),
    (12, 90),
    (13, 80),
    (14, 70),
    (15, 60),
    (16, 50),
    (17, 40),
    (18, 28),
    (19, 20),
    (20, 15),
    (21, 12),
    (22, 10),
    (23, 9),
    (24, 8),
];

const SENIORITY_WEIGHTS: [(u8, u32); 12] = [
    (0, 22),
    (1, 18),
    (2, 15),
    (3, 12),
    (4, 10),
    (5, 8),
    (6, 6),
    (7, 4),
    (8, 3),
    (9, 2),
    (10, 2),
    (11, 1),
];

pub(crate) fn generate(ctx: &Context, rng: &mut Rng) -> People {
    let wanted = ctx.options.students;
    let families_guess = wanted * 3 / 4 + 1;
    let mut people = People {
        families: Vec::with_capacity(families_guess),
        guardians: Vec::with_capacity(families_guess * 2),
        students: Vec::with_capacity(wanted),
        profiles: Vec::with_capacity(wanted),
        family_towns: Vec::with_capacity(families_guess),
    };
    let mut emails: HashSet<String> = HashSet::with_capacity(families_guess * 2);
    let mut family_number = 10_000 + rng.random_range(0..5_000u32);
    while people.students.len() < wanted {
        let children = weighted(rng, &[(1usize, 72), (2, 23), (3, 4), (4, 1)])
            .min(wanted - people.students.len());
        family_number += rng.random_range(1..=9);
        add_family(ctx, rng, &mut people, &mut emails, family_number, children);
    }
    people
}

fn add_family(
    ctx: &Context,
    rng: &mut Rng,
    people: &mut People,
    emails: &mut HashSet<String>,
    number: u32,
    children: usize,
) {
    let family = people.families.len();
    let town = places::pick_town(rng);
    let pool = names::pick_pool(rng);
    let surname = names::surname(rng, pool);
    let hosted = chance(rng, 0.04);

    // Guardians: usually mother and father, sometimes one parent, rarely
    // a guardian or another relative.
    let two = chance(rng, 0.8);
    let first: (&'static str, bool) = match rng.random_range(0..100) {
        0..2 => ("tuteur", chance(rng, 0.5)),
        2..4 => ("autre", chance(rng, 0.7)),
        4..72 => ("mere", true),
        _ => ("pere", false),
    };
    let mut parents = vec![first];
    if two {
        parents.push(match first {
            ("mere", _) => ("pere", false),
            ("pere", _) => ("mere", true),
            (_, female) => ("autre", !female),
        });
    }
    for (rank, (relationship, female)) in parents.into_iter().enumerate() {
        let last_name = match relationship {
            "pere" => surname,
            "mere" if chance(rng, 0.55) => surname,
            _ => names::surname(rng, pool),
        };
        let first_name = names::adult_first_name(rng, pool, female);
        let email = (rank == 0 && chance(rng, 0.93) || rank == 1 && chance(rng, 0.7))
            .then(|| unique_email(rng, emails, first_name, last_name));
        people.guardians.push(Guardian {
            family,
            rank: rank as i16 + 1,
            last_name: last_name.to_owned(),
            first_name: first_name.to_owned(),
            relationship,
            phone_mobile: (rank == 0 || chance(rng, 0.9)).then(|| places::mobile_phone(rng)),
            phone_home: chance(rng, 0.3).then(|| places::home_phone(rng)),
            phone_work: chance(rng, 0.25).then(|| places::work_phone(rng)),
            email,
            version: 1,
        });
    }

    // Children: the eldest first, siblings 15 months to 6 years apart.
    let start_year = ctx.years[CURRENT].start_year;
    let family_site = if chance(rng, 0.92) {
        TOWNS[town].site_id
    } else {
        places::pick_site(rng)
    };
    let min_eldest = 6 + 2 * (children as i32 - 1);
    let eldest = loop {
        let age = weighted(rng, &AGE_WEIGHTS);
        if age >= min_eldest {
            break age;
        }
    };
    let latest_birth = ymd(start_year - 6, 12, 31);
    let mut birth = ymd(start_year - eldest, 1, 1) + Duration::days(rng.random_range(0..365));
    let mut earliest_created = ctx.now;
    for child in 0..children {
        if child > 0 {
            let next = if chance(rng, 0.03) {
                birth
            } else {
                birth + Duration::days(rng.random_range(450..2_200))
            };
            birth = next.min(latest_birth);
        }
        let site_id = if chance(rng, 0.95) {
            family_site
        } else {
            places::pick_site(rng)
        };
        let female = chance(rng, 0.55);
        let first_name = names::child_first_name(rng, pool, female);
        let (student, profile) = make_student(ctx, rng, family, town, pool, site_id, birth, female);
        let student = Student {
            last_name: surname.to_owned(),
            first_name: first_name.to_owned(),
            ..student
        };
        earliest_created = earliest_created.min(student.created_at);
        people.students.push(student);
        people.profiles.push(profile);
    }

    let created_at = earliest_created - Duration::days(rng.random_range(0..10));
    let updated_at = if chance(rng, 0.35) {
        between_hours(rng, created_at.max(ctx.opens_at), ctx.now, DAYTIME)
    } else {
        between_hours(rng, created_at, ctx.now, DAYTIME)
    };
    let address_extra = if hosted {
        let host = names::surname(rng, pool);
        Some(if chance(rng, 0.5) {
            format!("Chez M. et Mme {host}")
        } else {
            format!("Chez Mme {host}")
        })
    } else {
        chance(rng, 0.2).then(|| places::address_extra(rng))
    };
    people.families.push(Family {
        family_number: format!("F-{number:06}"),
        address_line: places::street_address(rng),
        address_extra,
        postcode: TOWNS[town].postcode.to_owned(),
        town: TOWNS[town].name.to_owned(),
        hosted,
        created_at,
        updated_at,
        version: if updated_at > created_at { 2 } else { 1 },
    });
    people.family_towns.push(town);
}

fn unique_email(
    rng: &mut Rng,
    emails: &mut HashSet<String>,
    first_name: &str,
    last_name: &str,
) -> String {
    let domain = pick(rng, &["exemple.fr", "exemple.com", "courriel.fr"]);
    let local = format!(
        "{}.{}",
        names::ascii_slug(first_name),
        names::ascii_slug(last_name)
    );
    let mut email = format!("{local}@{domain}");
    let mut n = 2;
    while !emails.insert(email.clone()) {
        email = format!("{local}{n}@{domain}");
        n += 1;
    }
    email
}

#[allow(clippy::too_many_arguments)]
fn make_student(
    ctx: &Context,
    rng: &mut Rng,
    family: usize,
    town: usize,
    pool: usize,
    site_id: i16,
    birth_date: NaiveDate,
    female: bool,
) -> (Student, Profile) {
    let start_year = ctx.years[CURRENT].start_year;
    let years_old = start_year - chrono::Datelike::year(&birth_date);
    let age = ctx.age_on_today(birth_date);
    // 6 → CP; a few pupils repeated a year; 12 = Supérieur, 13 = Adulte.
    let mut grade = (years_old - 6).max(0);
    if grade >= 2 && chance(rng, 0.03) {
        grade -= 1;
    }
    let grade = if years_old >= 23 {
        13
    } else {
        grade.min(12) as usize
    };
    let offer = offer::offer(site_id);
    let (tracks, fm_levels, fm_passed) = studies(rng, offer, grade, years_old, female);

    let seniority = tracks.iter().map(|t| t.seniority).max().unwrap_or(0);
    let created_at = enrolled_on(rng, ctx, start_year - i32::from(seniority));
    let updated_at = if chance(rng, 0.3) {
        between_hours(rng, created_at.max(ctx.opens_at), ctx.now, DAYTIME)
    } else {
        between_hours(rng, created_at, ctx.now, DAYTIME)
    };
    let nationality = if chance(rng, 0.01) {
        None
    } else if chance(rng, if pool == names::FRENCH { 0.985 } else { 0.75 }) {
        Some("Française".to_owned())
    } else {
        Some((*pick(rng, POOLS[pool].nationalities)).to_owned())
    };
    let cham = tracks.iter().any(|t| t.kind == TrackKind::Cham) && (5..=8).contains(&grade);
    let student = Student {
        family,
        site_id,
        last_name: String::new(),
        first_name: String::new(),
        birth_date,
        sex: if female { "F" } else { "M" },
        school_level: Some(SCHOOL_LEVELS[grade].to_owned()),
        school_name: places::school_name(rng, town, grade),
        nationality,
        cham,
        created_at,
        updated_at,
        version: if updated_at > created_at { 2 } else { 1 },
    };
    let profile = Profile {
        grade,
        age,
        tracks,
        fm_levels,
        fm_passed,
    };
    (student, profile)
}

/// When a pupil was enrolled for the school year starting `start_year`:
/// between mid-June and mid-September, never after `now`.
pub(crate) fn enrolled_on(rng: &mut Rng, ctx: &Context, start_year: i32) -> DateTime<Utc> {
    let from = crate::util::at(ymd(start_year, 6, 15), 7, 0);
    let to = crate::util::at(ymd(start_year, 9, 20), 19, 0).min(ctx.now);
    between_hours(rng, from.min(to), to, OFFICE)
}

type Studies = (Vec<Track>, [Option<u8>; 5], [bool; 5]);

/// Chooses what a student studies at `offer`, and since when.
fn studies(
    rng: &mut Rng,
    offer: &SiteOffer,
    grade: usize,
    years_old: i32,
    female: bool,
) -> Studies {
    let adult = grade == 13;
    let max_seniority = (years_old - 6).clamp(0, 11) as u8;
    let seniority = weighted(rng, &SENIORITY_WEIGHTS).min(max_seniority);
    let mut tracks: Vec<Track> = Vec::with_capacity(3);

    let cham = offer.cham && (5..=8).contains(&grade) && chance(rng, 0.065);
    let activity = if cham {
        0
    } else {
        let (music, dance, drama) = if female { (62, 27, 11) } else { (80, 8, 12) };
        weighted(rng, &[(0u8, music), (1, dance), (2, drama)])
    };
    let dance = if activity == 1 {
        offer::random_dance(rng, offer)
    } else {
        None
    };
    let drama = activity == 2 && offer.theatre_cycles > 0 && years_old >= 9;
    let music = activity == 0 || (dance.is_none() && !drama);

    if music {
        let instrument = offer::random_instrument(rng, offer);
        let seniority = if cham {
            seniority.max(grade as u8 - 4)
        } else {
            seniority
        };
        tracks.push(Track {
            kind: TrackKind::Instrument,
            discipline: instrument,
            seniority,
        });
        if cham {
            tracks.push(Track {
                kind: TrackKind::Cham,
                discipline: offer::CHAM,
                seniority: grade as u8 - 5,
            });
        } else if seniority >= 2 && chance(rng, 0.45) {
            let ensemble = offer::ensemble_for(instrument, years_old <= 11);
            if offer.ensembles.contains(&ensemble) {
                tracks.push(Track {
                    kind: TrackKind::Ensemble,
                    discipline: ensemble,
                    seniority: rng.random_range(0..=seniority - 2),
                });
            }
        }
        if !cham
            && !adult
            && chance(rng, 0.04)
            && let Some(d) = offer::random_dance(rng, offer)
        {
            tracks.push(Track {
                kind: TrackKind::Dance,
                discipline: d,
                seniority: rng.random_range(0..=seniority),
            });
        }
    }
    if let Some(d) = dance {
        tracks.push(Track {
            kind: TrackKind::Dance,
            discipline: d,
            seniority,
        });
        if chance(rng, 0.1)
            && let Some(second) = offer::random_dance(rng, offer).filter(|s| *s != d)
        {
            tracks.push(Track {
                kind: TrackKind::Dance,
                discipline: second,
                seniority: rng.random_range(0..=seniority),
            });
        }
    }
    if drama {
        tracks.push(Track {
            kind: TrackKind::Theatre,
            discipline: offer::THEATRE,
            seniority: seniority.min((years_old - 9).max(0) as u8),
        });
    }

    // Formation Musicale goes with the instrument, level after level,
    // until the end of the third cycle (adults no longer take it).
    let mut fm_levels = [None; 5];
    let mut fm_passed = [false; 5];
    if music && !adult {
        let mut level: u8 = 0;
        for offset in -i32::from(seniority)..=1 {
            let year = offset + crate::CURRENT as i32;
            if level as usize >= offer::FM_LEVELS.len() {
                break;
            }
            let passed = offset >= 0 || chance(rng, 0.87);
            if year >= 0 {
                fm_levels[year as usize] = Some(level);
                fm_passed[year as usize] = passed;
            }
            if passed {
                level += 1;
            }
        }
    }
    (tracks, fm_levels, fm_passed)
}

/// An instrument's cycle after `years` of study.
pub(crate) fn instrument_cycle(years: i32) -> u8 {
    match years {
        ..=3 => 1,
        4..=7 => 2,
        _ => 3,
    }
}

pub(crate) fn dance_cycle(years: i32) -> u8 {
    match years {
        ..=3 => 1,
        4..=6 => 2,
        _ => 3,
    }
}

pub(crate) fn theatre_cycle(years: i32) -> u8 {
    match years {
        ..=1 => 1,
        2..=3 => 2,
        _ => 3,
    }
}
