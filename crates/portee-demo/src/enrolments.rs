//! Enrolments of the current and earlier school years, and the current
//! year's slots, filled by those enrolments.

use rand::seq::SliceRandom as _;

use crate::model::{Enrolment, Slot};
use crate::offer::{self, Catalogue, CourseKey, Scheduler};
use crate::people::{self, People, Profile, TrackKind};
use rand::Rng as _;

use crate::util::{Rng, chance, weighted_index};
use crate::{CURRENT, Context};

pub(crate) struct Enrolled {
    pub enrolments: Vec<Enrolment>,
    pub slots: Vec<Slot>,
}

/// The course keys a student follows in school year `year` (0..=NEXT) at
/// their site, with the track kind (`None` for Formation Musicale) and, for
/// past years, whether the year was passed.
pub(crate) fn keys_for_year(
    profile: &Profile,
    site_id: i16,
    year: usize,
) -> Vec<(CourseKey, Option<TrackKind>, bool)> {
    let offer = offer::offer(site_id);
    let before = CURRENT as i32 - year as i32;
    let mut keys = Vec::with_capacity(4);
    let in_cham = profile.in_cham(year);
    if let Some(level) = profile.fm_levels[year]
        && !in_cham
        && level < offer.fm_levels
    {
        keys.push((CourseKey::fm(level), None, profile.fm_passed[year]));
    }
    for track in &profile.tracks {
        let years = i32::from(track.seniority) - before;
        if years < 0 {
            continue;
        }
        let key = match track.kind {
            TrackKind::Instrument => {
                if !offer.has_instrument(track.discipline) {
                    continue;
                }
                let cycle = people::instrument_cycle(years).min(offer.instrument_cycles);
                CourseKey::cycled(track.discipline, cycle)
            }
            TrackKind::Ensemble => CourseKey::single(track.discipline),
            TrackKind::Dance => {
                let max = offer.dance_cycles(track.discipline);
                if max == 0 {
                    continue;
                }
                CourseKey::cycled(track.discipline, people::dance_cycle(years).min(max))
            }
            TrackKind::Theatre => {
                if offer.theatre_cycles == 0 {
                    continue;
                }
                CourseKey::cycled(
                    offer::THEATRE,
                    people::theatre_cycle(years).min(offer.theatre_cycles),
                )
            }
            TrackKind::Cham => {
                if !in_cham {
                    continue;
                }
                CourseKey::cham(profile.grade_in(year) as u8)
            }
        };
        // Past years: most pupils pass their year.
        keys.push((key, Some(track.kind), true));
    }
    keys
}

/// Share of first-cycle instrument pupils taught in small groups at a fixed
/// time (the others set an individual time with their teacher).
const GROUP_LESSON_SHARE: f64 = 0.15;

/// Share of the current year's slots filled to the last seat, on top of
/// those that cannot take one more pupil anyway.
const FULL_SHARE: f64 = 0.15;

pub(crate) fn generate(
    ctx: &Context,
    rng: &mut Rng,
    catalogue: &Catalogue,
    people: &People,
    schedulers: &mut [Scheduler],
) -> Enrolled {
    let mut enrolments: Vec<Enrolment> = Vec::with_capacity(people.students.len() * 6);
    // Current-year enrolments waiting for a slot, per course.
    let mut waiting: Vec<Vec<usize>> = vec![Vec::new(); catalogue.courses.len()];
    for (s, (student, profile)) in people.students.iter().zip(&people.profiles).enumerate() {
        for year in 0..=CURRENT {
            for (key, kind, passed) in keys_for_year(profile, student.site_id, year) {
                let Some(course) = catalogue.find(year, student.site_id, key) else {
                    continue;
                };
                let outcome = if year == CURRENT {
                    "en_cours"
                } else if kind.is_some() {
                    if chance(rng, 0.93) {
                        "acquis"
                    } else {
                        "non_acquis"
                    }
                } else if passed {
                    "acquis"
                } else {
                    "non_acquis"
                };
                let start_year = ctx.years[year].start_year;
                let created_at =
                    people::enrolled_on(rng, ctx, start_year).max(student.created_at.min(ctx.now));
                if year == CURRENT {
                    let needs_slot = match kind {
                        None => true,
                        Some(TrackKind::Instrument) => {
                            key.cycle == 1 && chance(rng, GROUP_LESSON_SHARE)
                        }
                        Some(_) => true,
                    };
                    if needs_slot {
                        waiting[course].push(enrolments.len());
                    }
                }
                enrolments.push(Enrolment {
                    student: s,
                    course,
                    slot: None,
                    school_year: year,
                    status: "active",
                    outcome: Some(outcome),
                    created_at,
                });
            }
        }
    }

    // The current year's slots, sized for their pupils, then filled: the
    // most wanted times first.
    let mut slots: Vec<Slot> = Vec::with_capacity(1_200);
    for (course_index, course) in catalogue.courses.iter().enumerate() {
        if course.school_year != CURRENT {
            continue;
        }
        let pupils = &mut waiting[course_index];
        if course.seat_mode == "teacher" && pupils.is_empty() {
            continue;
        }
        let cycle = course.cycle.unwrap_or(0) as u8;
        let scheduler = &mut schedulers[(course.site_id - 1) as usize];
        let first = slots.len();
        slots.extend(offer::plan_slots(
            rng,
            scheduler,
            course_index,
            course.discipline,
            cycle,
            pupils.len(),
        ));
        pupils.shuffle(rng);
        let capacity = offer::slot_shape(course.discipline, cycle).capacity;
        fill_current_slots(
            rng,
            &mut slots[first..],
            first,
            capacity,
            pupils,
            &mut enrolments,
        );
    }
    Enrolled { enrolments, slots }
}

/// Spreads `pupils` (enrolment indexes) over the slots of one course, the
/// most wanted times getting more pupils, then sets each slot's capacity:
/// a few slots are exactly full, the others have seats left.
fn fill_current_slots(
    rng: &mut Rng,
    slots: &mut [Slot],
    first: usize,
    (low, high): (i32, i32),
    pupils: &[usize],
    enrolments: &mut [Enrolment],
) {
    // Keep a seat free while spreading, so that "full" is a choice below.
    let soft = if high > 1 { high - 1 } else { high };
    let weights: Vec<f64> = slots.iter().map(offer::slot_popularity).collect();
    let mut taken = vec![0i32; slots.len()];
    for &e in pupils {
        let open: Vec<usize> = (0..slots.len()).filter(|&i| taken[i] < soft).collect();
        let open = if open.is_empty() {
            (0..slots.len()).filter(|&i| taken[i] < high).collect()
        } else {
            open
        };
        if open.is_empty() {
            continue;
        }
        let w: Vec<f64> = open.iter().map(|&i| weights[i]).collect();
        let i = open[weighted_index(rng, &w)];
        enrolments[e].slot = Some(first + i);
        // A few pupils dropped the course in the autumn: their seat is free
        // again.
        if chance(rng, 0.01) {
            enrolments[e].status = "cancelled";
        } else {
            taken[i] += 1;
        }
    }
    for (slot, taken) in slots.iter_mut().zip(taken) {
        slot.seats_taken = taken;
        slot.capacity = if taken >= high || taken >= low.max(1) && chance(rng, FULL_SHARE) {
            taken
        } else {
            let spare = ((high - low) / 2).max(2);
            (taken + rng.random_range(1..=spare)).clamp(low, high)
        };
    }
}
