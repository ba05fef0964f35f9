//! The open réinscription campaign: next year's slots, the families'
//! dossiers in every status, the seats they hold and the waiting lists.

use chrono::{DateTime, Duration, Utc};
use rand::Rng as _;

use portee_domain::reinscription::{NoReason, stored_no_reason};

use crate::enrolments::{Enrolled, keys_for_year};
use crate::model::{Enrolment, Reinscription, ReinscriptionCourse, Staff, WaitingListEntry};
use crate::offer::{self, Catalogue, Scheduler};
use crate::people::{People, TrackKind};
use crate::staff::site_staff;
use crate::util::{DAYTIME, OFFICE, Rng, between_hours, chance, pick, weighted};
use crate::{CURRENT, Context, NEXT};

pub(crate) struct Dossiers {
    pub reinscriptions: Vec<Reinscription>,
    pub courses: Vec<ReinscriptionCourse>,
    pub waiting_list: Vec<WaitingListEntry>,
}

/// Reasons families give, as the app's list and free text store them.
const NO_REASONS: [(NoReason, Option<&str>); 9] = [
    (NoReason::Moving, None),
    (NoReason::Schedule, Some("Emploi du temps incompatible")),
    (NoReason::StoppingActivity, None),
    (
        NoReason::Schedule,
        Some("Entrée au lycée : trop de travail scolaire"),
    ),
    (
        NoReason::Moving,
        Some("Départ pour des études supérieures en province"),
    ),
    (NoReason::Fees, None),
    (
        NoReason::Other,
        Some("Inscription dans un autre conservatoire"),
    ),
    (
        NoReason::StoppingActivity,
        Some("Souhaite pratiquer un autre loisir"),
    ),
    (NoReason::Other, Some("Problèmes de santé")),
];

const ADDITIONAL_INFO: [&str; 10] = [
    "Souhaite commencer le violoncelle",
    "Souhaiterait un créneau le mercredi après-midi",
    "Sa sœur est inscrite sur le site de Meudon : même jour si possible",
    "Aimerait rejoindre l'orchestre à cordes",
    "Demande à garder le même professeur",
    "Souhaite passer l'examen de fin de cycle",
    "Disponible uniquement le samedi matin",
    "Allergie aux arachides : merci de prévenir les professeurs",
    "Souhaite essayer la trompette l'an prochain",
    "Horaires aménagés au collège : pas de cours avant 17 h",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    None,
    Draft,
    Submitted,
    Validated,
    Cancelled,
}

fn random_stage(rng: &mut Rng) -> Stage {
    weighted(
        rng,
        &[
            (Stage::Draft, 18),
            (Stage::Submitted, 13),
            (Stage::Validated, 61),
            (Stage::Cancelled, 8),
        ],
    )
}

pub(crate) fn generate(
    ctx: &Context,
    rng: &mut Rng,
    catalogue: &Catalogue,
    people: &People,
    staff: &[Staff],
    schedulers: &[Scheduler],
    enrolled: &mut Enrolled,
) -> Dossiers {
    let students = &people.students;
    // Who is enrolled this year.
    let mut active_now = vec![false; students.len()];
    for e in &enrolled.enrolments {
        if e.school_year == CURRENT && e.status == "active" {
            active_now[e.student] = true;
        }
    }

    // Next year's courses of each student, if they carry on.
    let next_courses: Vec<Vec<(usize, Option<TrackKind>)>> = students
        .iter()
        .zip(&people.profiles)
        .map(|(student, profile)| {
            keys_for_year(profile, student.site_id, NEXT)
                .into_iter()
                .filter_map(|(key, kind, _)| {
                    catalogue
                        .find(NEXT, student.site_id, key)
                        .map(|c| (c, kind))
                })
                .collect()
        })
        .collect();

    // Next year's slots for Formation Musicale and the courses assigned by
    // level, sized on this year's pupils moving up.
    let mut demand = vec![0usize; catalogue.courses.len()];
    for (s, courses) in next_courses.iter().enumerate() {
        if active_now[s] {
            for (c, _) in courses {
                demand[*c] += 1;
            }
        }
    }
    let mut next_schedulers: Vec<Scheduler> = schedulers.iter().map(Scheduler::next_year).collect();
    let mut course_slots: Vec<Vec<usize>> = vec![Vec::new(); catalogue.courses.len()];
    for (c, course) in catalogue.courses.iter().enumerate() {
        if course.school_year != NEXT || course.seat_mode == "teacher" {
            continue;
        }
        let first = enrolled.slots.len();
        enrolled.slots.extend(offer::plan_slots(
            rng,
            &mut next_schedulers[(course.site_id - 1) as usize],
            c,
            course.discipline,
            course.cycle.unwrap_or(0) as u8,
            demand[c],
        ));
        course_slots[c] = (first..enrolled.slots.len()).collect();
    }

    // Dossiers, family by family: siblings are usually done together.
    let mut dossiers = Dossiers {
        reinscriptions: Vec::with_capacity(students.len() / 2),
        courses: Vec::with_capacity(students.len()),
        waiting_list: Vec::new(),
    };
    let mut start = 0;
    while start < students.len() {
        let family = students[start].family;
        let mut end = start + 1;
        while end < students.len() && students[end].family == family {
            end += 1;
        }
        let family_stage = if chance(rng, 0.55) {
            Stage::None
        } else {
            random_stage(rng)
        };
        let session = between_hours(rng, ctx.opens_at, ctx.now, DAYTIME);
        for s in start..end {
            if !active_now[s] || family_stage == Stage::None && chance(rng, 0.97) {
                continue;
            }
            let stage = if family_stage == Stage::None || chance(rng, 0.15) {
                random_stage(rng)
            } else {
                family_stage
            };
            let created_at = (session
                + Duration::minutes(rng.random_range(0..20) * (s - start) as i64))
            .min(ctx.now);
            add_dossier(
                ctx,
                rng,
                people,
                staff,
                s,
                stage,
                created_at,
                &next_courses[s],
                &mut dossiers,
            );
        }
        start = end;
    }

    // Seats: dossiers sent first get the most wanted times.
    let mut order: Vec<usize> = (0..dossiers.reinscriptions.len())
        .filter(|&r| {
            let d = &dossiers.reinscriptions[r];
            matches!(d.status, "submitted" | "validated" | "cancelled")
                && d.intent == Some("reinscrire")
        })
        .collect();
    order.sort_by_key(|&r| (dossiers.reinscriptions[r].updated_at, r));
    let mut courses_of: Vec<Vec<usize>> = vec![Vec::new(); dossiers.reinscriptions.len()];
    for (i, rc) in dossiers.courses.iter().enumerate() {
        courses_of[rc.reinscription].push(i);
    }
    // Waiting-list length per slot.
    let mut queued = vec![0i32; enrolled.slots.len()];
    for r in order {
        let dossier = &dossiers.reinscriptions[r];
        let (student, when) = (dossier.student, dossier.updated_at);
        let cancelled = dossier.status == "cancelled";
        for &rc in &courses_of[r] {
            let course = dossiers.courses[rc].course;
            let mut slot = None;
            if catalogue.courses[course].seat_mode == "slot" && !cancelled {
                let candidates = &course_slots[course];
                slot = offer::choose_slot(rng, candidates, &enrolled.slots, 0.7);
                let favourite = offer::favourite_slot(candidates, &enrolled.slots);
                // Families who missed the time they wanted queue for it.
                if let Some(fav) = favourite
                    && slot != Some(fav)
                    && enrolled.slots[fav].seats_taken >= enrolled.slots[fav].capacity
                    && queued[fav] < 6
                    && (slot.is_none() || chance(rng, 0.35))
                {
                    queued[fav] += 1;
                    dossiers.waiting_list.push(WaitingListEntry {
                        slot: fav,
                        student,
                        rank: queued[fav],
                        created_at: when,
                    });
                }
                if let Some(slot) = slot {
                    enrolled.slots[slot].seats_taken += 1;
                }
                dossiers.courses[rc].slot = slot;
            }
            enrolled.enrolments.push(Enrolment {
                student,
                course,
                slot,
                school_year: NEXT,
                status: if cancelled { "cancelled" } else { "active" },
                // As the store writes a seat taken for next year.
                outcome: Some("en_cours"),
                created_at: when,
            });
        }
    }

    // Acknowledgement numbers, in the order the dossiers were accepted.
    let mut validated: Vec<usize> = (0..dossiers.reinscriptions.len())
        .filter(|&r| dossiers.reinscriptions[r].status == "validated")
        .collect();
    validated.sort_by_key(|&r| (dossiers.reinscriptions[r].accepted_at, r));
    let year = ctx.years[NEXT].start_year;
    for (n, r) in validated.into_iter().enumerate() {
        dossiers.reinscriptions[r].acknowledgement_number = Some(format!("AR-{year}-{:06}", n + 1));
    }
    dossiers
}

#[allow(clippy::too_many_arguments)]
fn add_dossier(
    ctx: &Context,
    rng: &mut Rng,
    people: &People,
    staff: &[Staff],
    s: usize,
    stage: Stage,
    created_at: DateTime<Utc>,
    next_courses: &[(usize, Option<TrackKind>)],
    dossiers: &mut Dossiers,
) {
    let student = &people.students[s];
    let profile = &people.profiles[s];
    let age = profile.age;
    let leaving_age = age >= 17;
    // Validated at the desk or on the phone: during office hours.
    let channel = weighted(rng, &[("extranet", 75), ("desk", 15), ("phone", 10)]);
    let created_at = if stage == Stage::Validated && channel != "extranet" {
        between_hours(rng, ctx.opens_at, ctx.now, OFFICE)
    } else {
        created_at
    };
    let later = |rng: &mut Rng, minutes: i64| {
        (created_at + Duration::minutes(rng.random_range(1..=minutes))).min(ctx.now)
    };

    let intent = match stage {
        Stage::Draft => weighted(
            rng,
            &[
                (None, 35),
                (Some("reinscrire"), 55),
                (Some("ne_pas_reinscrire"), 10),
            ],
        ),
        _ if next_courses.is_empty() || chance(rng, if leaving_age { 0.22 } else { 0.09 }) => {
            Some("ne_pas_reinscrire")
        }
        _ => Some("reinscrire"),
    };
    let undecided = stage == Stage::Draft && chance(rng, 0.5);
    let image_rights = (!undecided).then(|| chance(rng, 0.82));
    let may_leave_alone = (!undecided).then(|| match age {
        18.. => true,
        14.. => chance(rng, 0.9),
        10.. => chance(rng, 0.55),
        _ => chance(rng, 0.15),
    });
    let no_reason = (intent == Some("ne_pas_reinscrire")
        && (stage != Stage::Draft || chance(rng, 0.5)))
    .then(|| {
        let (reason, text) = *pick(rng, &NO_REASONS);
        stored_no_reason(reason, text)
    });
    let additional_info = (intent == Some("reinscrire") && chance(rng, 0.08))
        .then(|| (*pick(rng, &ADDITIONAL_INFO)).to_owned());

    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    let client_id = uuid::Builder::from_random_bytes(bytes).into_uuid();

    let mut dossier = Reinscription {
        student: s,
        campaign: 0,
        client_id,
        intent,
        no_reason,
        status: "draft",
        image_rights,
        may_leave_alone,
        additional_info,
        accepted_at: None,
        validated_by_kind: None,
        validated_by_staff: None,
        validation_channel: None,
        acknowledgement_number: None,
        version: 1,
        created_at,
        updated_at: created_at,
    };
    match stage {
        Stage::None | Stage::Draft => {
            dossier.updated_at = later(rng, 2 * 24 * 60);
        }
        Stage::Submitted => {
            dossier.status = "submitted";
            dossier.updated_at = later(rng, 40);
            dossier.version = 2;
        }
        Stage::Validated => {
            dossier.status = "validated";
            let accepted_at = later(rng, 40);
            dossier.accepted_at = Some(accepted_at);
            dossier.updated_at = accepted_at;
            dossier.version = 2;
            dossier.validation_channel = Some(channel);
            if channel == "extranet" {
                dossier.validated_by_kind = Some("family");
            } else {
                dossier.validated_by_kind = Some("staff");
                let team = site_staff(staff, student.site_id);
                dossier.validated_by_staff = Some(*pick(rng, &team));
            }
            // A few were corrected afterwards at the secretariat.
            if chance(rng, 0.06) {
                dossier.updated_at = between_hours(rng, accepted_at, ctx.now, OFFICE);
                dossier.version = 3;
            }
        }
        Stage::Cancelled => {
            dossier.status = "cancelled";
            dossier.updated_at = later(rng, 7 * 24 * 60);
            dossier.version = 3;
        }
    }

    let reinscription = dossiers.reinscriptions.len();
    if intent == Some("reinscrire") {
        for &(course, _) in next_courses {
            // A draft may not have reached the courses step yet.
            if stage == Stage::Draft && chance(rng, 0.4) {
                continue;
            }
            dossiers.courses.push(ReinscriptionCourse {
                reinscription,
                course,
                slot: None,
            });
        }
    }
    dossiers.reinscriptions.push(dossier);
}
