//! The rules of a réinscription that need no I/O: which documents a family
//! owes, how recent they must be, the level proposed for next year, the
//! reasons for not re-enrolling, who may re-enrol when, and the
//! acknowledgement number. The families' guide
//! (`mode-emploi-reinscriptions.txt`) is the reference.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::auth::Role;

/// A document a family may have to provide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentKind {
    /// Justificatif de domicile (rent receipt, energy, water, internet bill).
    ProofOfAddress,
    /// Avis d'imposition or de non-imposition.
    TaxNotice,
    /// Attestation de paiement CAF with the quotient familial.
    CafCertificate,
    /// Attestation d'hébergement (a hosted family).
    HostingCertificate,
    /// The host's valid identity document.
    HostIdentity,
    /// The host's justificatif de domicile.
    HostProofOfAddress,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::ProofOfAddress,
        DocumentKind::TaxNotice,
        DocumentKind::CafCertificate,
        DocumentKind::HostingCertificate,
        DocumentKind::HostIdentity,
        DocumentKind::HostProofOfAddress,
    ];

    /// The code stored in the database (`documents.doc_type`).
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::ProofOfAddress => "justificatif_domicile",
            DocumentKind::TaxNotice => "avis_imposition",
            DocumentKind::CafCertificate => "attestation_caf",
            DocumentKind::HostingCertificate => "attestation_hebergement",
            DocumentKind::HostIdentity => "piece_identite_hebergeant",
            DocumentKind::HostProofOfAddress => "justificatif_domicile_hebergeant",
        }
    }

    pub fn from_code(code: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The French name shown to staff.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::ProofOfAddress => "Justificatif de domicile",
            DocumentKind::TaxNotice => "Avis d'imposition",
            DocumentKind::CafCertificate => "Attestation CAF (quotient familial)",
            DocumentKind::HostingCertificate => "Attestation d'hébergement",
            DocumentKind::HostIdentity => "Pièce d'identité de l'hébergeant",
            DocumentKind::HostProofOfAddress => "Justificatif de domicile de l'hébergeant",
        }
    }

    /// Whether the document must be less than 3 months old at upload.
    pub fn must_be_recent(self) -> bool {
        matches!(
            self,
            DocumentKind::ProofOfAddress
                | DocumentKind::CafCertificate
                | DocumentKind::HostProofOfAddress
        )
    }
}

/// One document of a family's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub kind: DocumentKind,
    /// Compulsory, or optional (the CAF certificate of a smaller family,
    /// which lowers its fees).
    pub mandatory: bool,
    /// What the family is asked for, in French (« Avis d'imposition 2026
    /// sur les revenus 2025 »).
    pub description: String,
}

/// What the document rule needs to know of a family and a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    /// The family lives with a host (attestation d'hébergement).
    pub hosted: bool,
    /// The birth dates of the family's children.
    pub children_birth_dates: Vec<NaiveDate>,
    /// The day the campaign opens: children's ages are taken then, and the
    /// tax notice is that of the year before (the guide of a campaign held
    /// in 2023 asks for the « avis d'imposition 2022 sur les revenus
    /// 2021 »: the notice of the campaign's year is not out yet in spring).
    pub campaign_opens_on: NaiveDate,
}

/// The age in whole years on a day.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The year of the tax notice a campaign asks for.
pub fn tax_notice_year(campaign_opens_on: NaiveDate) -> i32 {
    campaign_opens_on.year() - 1
}

/// The documents a family must (or may) provide for a campaign: a proof of
/// address of less than 3 months, always — for a hosted family, instead,
/// the attestation d'hébergement, the host's identity document and the
/// host's proof of address of less than 3 months; the tax notice of the
/// year the campaign names, always; the CAF certificate of less than 3
/// months, compulsory with at least two children under 20, optional
/// otherwise.
pub fn required_documents(facts: &DocumentFacts) -> Vec<Requirement> {
    let mut list = Vec::new();
    let recent = "de moins de 3 mois";
    if facts.hosted {
        list.push(Requirement {
            kind: DocumentKind::HostingCertificate,
            mandatory: true,
            description: "Attestation d'hébergement signée par l'hébergeant".into(),
        });
        list.push(Requirement {
            kind: DocumentKind::HostIdentity,
            mandatory: true,
            description: "Pièce d'identité en cours de validité de l'hébergeant".into(),
        });
        list.push(Requirement {
            kind: DocumentKind::HostProofOfAddress,
            mandatory: true,
            description: format!("Justificatif de domicile de l'hébergeant {recent}"),
        });
    } else {
        list.push(Requirement {
            kind: DocumentKind::ProofOfAddress,
            mandatory: true,
            description: format!(
                "Justificatif de domicile {recent} (quittance de loyer, facture d'énergie, d'eau ou d'internet)"
            ),
        });
    }
    let year = tax_notice_year(facts.campaign_opens_on);
    list.push(Requirement {
        kind: DocumentKind::TaxNotice,
        mandatory: true,
        description: format!(
            "Avis d'imposition ou de non-imposition {year} sur les revenus {}",
            year - 1
        ),
    });
    let under_20 = facts
        .children_birth_dates
        .iter()
        .filter(|&&b| age_on(b, facts.campaign_opens_on) < 20)
        .count();
    let mandatory = under_20 >= 2;
    list.push(Requirement {
        kind: DocumentKind::CafCertificate,
        mandatory,
        description: if mandatory {
            format!(
                "Attestation CAF avec le quotient familial {recent} (obligatoire : au moins deux enfants de moins de 20 ans)"
            )
        } else {
            format!("Attestation CAF avec le quotient familial {recent} (facultative)")
        },
    });
    list
}

/// Whether a document dated `document_date` was less than 3 months old
/// when it was uploaded on `uploaded_on` (a document dated after its
/// upload is refused too: the date was mistyped).
pub fn is_recent_enough(
    document_date: NaiveDate,
    uploaded_on: NaiveDate,
) -> Result<(), DomainError> {
    if document_date > uploaded_on {
        return Err(DomainError::new(
            "La date du document est postérieure à son dépôt : vérifiez-la.",
        ));
    }
    let limit = uploaded_on
        .checked_sub_months(Months::new(3))
        .unwrap_or(uploaded_on);
    if document_date <= limit {
        return Err(DomainError::new(format!(
            "Document de plus de 3 mois au dépôt : daté du {}, il devait l'être après le {}.",
            document_date.format("%d/%m/%Y"),
            limit.format("%d/%m/%Y")
        )));
    }
    Ok(())
}

/// A level of a cycle: `1C2` is the second year of the first cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CycleLevel {
    pub cycle: u8,
    pub year: u8,
}

impl CycleLevel {
    /// Parses `1C2` (also `1c2`, ` 1 C 2 `).
    pub fn parse(raw: &str) -> Option<CycleLevel> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let (cycle, year) = compact.split_once(['C', 'c'])?;
        let cycle: u8 = cycle.parse().ok()?;
        let year: u8 = year.parse().ok()?;
        ((1..=3).contains(&cycle) && (1..=9).contains(&year)).then_some(CycleLevel { cycle, year })
    }

    pub fn code(self) -> String {
        format!("{}C{}", self.cycle, self.year)
    }
}

/// The outcome of this year's enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Acquired,
    NotAcquired,
    InProgress,
}

impl Outcome {
    pub fn from_code(code: &str) -> Option<Outcome> {
        match code {
            "acquis" => Some(Outcome::Acquired),
            "non_acquis" => Some(Outcome::NotAcquired),
            "en_cours" => Some(Outcome::InProgress),
            _ => None,
        }
    }
}

/// The level proposed for next year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LevelProposal {
    /// This level is offered next year; `moved_up` when it is the next one.
    Level { level: String, moved_up: bool },
    /// No course of the discipline continues this one next year.
    NoCourse { reason: String },
}

/// The level proposed next year to a pupil of `current` level: moved up
/// (the next year of the cycle, else the first of the next cycle) when
/// this year's outcome is `acquis`, kept otherwise — among the levels
/// `offered` next year for that discipline on the pupil's site. A level
/// that is not a cycle level (« Initiation ») is kept if offered.
pub fn propose_level(current: &str, outcome: Option<Outcome>, offered: &[String]) -> LevelProposal {
    let offered_level = |l: CycleLevel| offered.iter().find(|o| CycleLevel::parse(o) == Some(l));
    let Some(level) = CycleLevel::parse(current) else {
        return match offered.iter().find(|o| o.trim() == current.trim()) {
            Some(o) => LevelProposal::Level {
                level: o.clone(),
                moved_up: false,
            },
            None => LevelProposal::NoCourse {
                reason: format!("le niveau « {current} » n'est pas proposé l'an prochain"),
            },
        };
    };
    if outcome == Some(Outcome::Acquired) {
        let same_cycle = CycleLevel {
            cycle: level.cycle,
            year: level.year + 1,
        };
        let next_cycle = CycleLevel {
            cycle: level.cycle + 1,
            year: 1,
        };
        if let Some(o) = offered_level(same_cycle).or_else(|| offered_level(next_cycle)) {
            return LevelProposal::Level {
                level: o.clone(),
                moved_up: true,
            };
        }
        return LevelProposal::NoCourse {
            reason: format!(
                "niveau {} acquis, et ni le {} ni le {} ne sont proposés l'an prochain",
                level.code(),
                same_cycle.code(),
                next_cycle.code()
            ),
        };
    }
    match offered_level(level) {
        Some(o) => LevelProposal::Level {
            level: o.clone(),
            moved_up: false,
        },
        None => LevelProposal::NoCourse {
            reason: format!("le niveau {} n'est pas proposé l'an prochain", level.code()),
        },
    }
}

/// A course as the continuation rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseFacts {
    pub id: i64,
    pub discipline_id: i64,
    /// Formation Musicale: continued by level.
    pub by_level: bool,
    pub name: String,
    pub level: Option<String>,
    /// The cycle of a course taught by cycle (instruments, dance, drama).
    pub cycle: Option<u8>,
}

/// The fewest years a cycle lasts before its end-of-cycle assessment can
/// move a pupil on (the national framework: first and second cycles 3 to
/// 5 years, the third 2 to 4).
pub fn cycle_min_years(cycle: u8) -> u8 {
    if cycle >= 3 { 2 } else { 3 }
}

/// « 1er cycle », « 2e cycle ».
pub fn cycle_label(cycle: u8) -> String {
    if cycle == 1 {
        "1er cycle".into()
    } else {
        format!("{cycle}e cycle")
    }
}

/// What this year's course becomes next year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Continuation {
    /// Next year's course, at `level`; `moved_up` when the level is the
    /// next one.
    Course {
        id: i64,
        level: Option<String>,
        moved_up: bool,
    },
    /// « Plus de cours disponible », and why.
    NoCourse { reason: String },
}

/// Next year's course that continues `current` among `next_year` (the
/// offer of the student's site): for Formation Musicale, the course of the
/// level [`propose_level`] gives; for a course taught by cycle
/// (instruments, dance, drama), the next cycle's course once the pupil has
/// spent the cycle's minimum years in it and this year is `acquis` (the
/// end-of-cycle assessment), else the same cycle one year on — the level
/// says the cycle and the year (`1C3`, `2C1`); `years_in_cycle` counts the
/// school years followed in this discipline and cycle, this one included.
/// Otherwise the course of the same discipline and name, else of the same
/// discipline and level.
pub fn continuation(
    current: &CourseFacts,
    outcome: Option<Outcome>,
    years_in_cycle: u8,
    next_year: &[CourseFacts],
) -> Continuation {
    let same_discipline: Vec<&CourseFacts> = next_year
        .iter()
        .filter(|c| c.discipline_id == current.discipline_id)
        .collect();
    if same_discipline.is_empty() {
        return Continuation::NoCourse {
            reason: format!(
                "« {} » n'est plus proposé l'an prochain sur ce site",
                current.name
            ),
        };
    }
    if current.by_level {
        let Some(level) = current.level.as_deref() else {
            return Continuation::NoCourse {
                reason: "niveau de cette année inconnu".into(),
            };
        };
        let offered: Vec<String> = same_discipline
            .iter()
            .filter_map(|c| c.level.clone())
            .collect();
        return match propose_level(level, outcome, &offered) {
            LevelProposal::Level { level, moved_up } => {
                let id = same_discipline
                    .iter()
                    .find(|c| c.level.as_deref() == Some(level.as_str()))
                    .map_or(current.id, |c| c.id);
                Continuation::Course {
                    id,
                    level: Some(level),
                    moved_up,
                }
            }
            LevelProposal::NoCourse { reason } => Continuation::NoCourse { reason },
        };
    }
    if let Some(cycle) = current.cycle.filter(|c| (1..=3).contains(c))
        && let Some(next) = by_cycle(current, cycle, outcome, years_in_cycle, &same_discipline)
    {
        return next;
    }
    let found = same_discipline
        .iter()
        .find(|c| c.name == current.name)
        .or_else(|| {
            same_discipline
                .iter()
                .find(|c| c.level.is_some() && c.level == current.level)
        });
    match found {
        Some(c) => Continuation::Course {
            id: c.id,
            level: c.level.clone(),
            moved_up: false,
        },
        None => Continuation::NoCourse {
            reason: format!(
                "« {} » n'est plus proposé l'an prochain sur ce site",
                current.name
            ),
        },
    }
}

/// The cycle rule of [`continuation`]; `None` when no course of the
/// discipline is taught by cycle next year (then the name decides).
fn by_cycle(
    current: &CourseFacts,
    cycle: u8,
    outcome: Option<Outcome>,
    years_in_cycle: u8,
    same_discipline: &[&CourseFacts],
) -> Option<Continuation> {
    let years = years_in_cycle.clamp(1, 9);
    // Of several courses of a cycle, the one named like this one
    // (« Piano — 1er cycle » → « Piano — 2e cycle »).
    let stem = |name: &str| name.split('—').next().unwrap_or(name).trim().to_owned();
    let of_cycle = |c: u8| {
        let candidates: Vec<&&CourseFacts> = same_discipline
            .iter()
            .filter(|n| n.cycle == Some(c) && !n.by_level)
            .collect();
        candidates
            .iter()
            .find(|n| n.name == current.name)
            .or_else(|| {
                candidates
                    .iter()
                    .find(|n| stem(&n.name) == stem(&current.name))
            })
            .or_else(|| candidates.first())
            .map(|n| n.id)
    };
    if same_discipline.iter().all(|n| n.cycle.is_none()) {
        return None;
    }
    let passed = outcome == Some(Outcome::Acquired) && years >= cycle_min_years(cycle);
    if passed {
        if cycle == 3 {
            return Some(Continuation::NoCourse {
                reason: "3e cycle validé : fin du cursus, plus de cycle suivant".into(),
            });
        }
        return Some(match of_cycle(cycle + 1) {
            Some(id) => Continuation::Course {
                id,
                level: Some(
                    CycleLevel {
                        cycle: cycle + 1,
                        year: 1,
                    }
                    .code(),
                ),
                moved_up: true,
            },
            None => Continuation::NoCourse {
                reason: format!(
                    "{} validé, mais le {} n'est pas proposé l'an prochain sur ce site",
                    cycle_label(cycle),
                    cycle_label(cycle + 1)
                ),
            },
        });
    }
    Some(match of_cycle(cycle) {
        Some(id) => Continuation::Course {
            id,
            level: Some(
                CycleLevel {
                    cycle,
                    year: (years + 1).min(9),
                }
                .code(),
            ),
            moved_up: false,
        },
        None => Continuation::NoCourse {
            reason: format!(
                "le {} de « {} » n'est plus proposé l'an prochain sur ce site",
                cycle_label(cycle),
                stem(&current.name)
            ),
        },
    })
}

/// Why a family does not re-enrol a child (the list of the guide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoReason {
    Moving,
    StoppingActivity,
    Schedule,
    Fees,
    Other,
}

impl NoReason {
    pub const ALL: [NoReason; 5] = [
        NoReason::Moving,
        NoReason::StoppingActivity,
        NoReason::Schedule,
        NoReason::Fees,
        NoReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NoReason::Moving => "demenagement",
            NoReason::StoppingActivity => "arret",
            NoReason::Schedule => "horaires",
            NoReason::Fees => "tarif",
            NoReason::Other => "autre",
        }
    }

    pub fn from_code(code: &str) -> Option<NoReason> {
        NoReason::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            NoReason::Moving => "Déménagement",
            NoReason::StoppingActivity => "Arrêt de l'activité",
            NoReason::Schedule => "Horaires",
            NoReason::Fees => "Tarif",
            NoReason::Other => "Autre",
        }
    }
}

/// How a non-réinscription's reason is stored and shown: « Déménagement »,
/// or « Déménagement : Départ à Lyon » with a free text.
pub fn stored_no_reason(reason: NoReason, text: Option<&str>) -> String {
    match text {
        Some(t) => format!("{} : {t}", reason.label()),
        None => reason.label().to_owned(),
    }
}

/// A non-réinscription's reason as typed: a reason from the list, and a
/// free text (required for « autre », at most 500 characters).
pub fn parse_no_reason(code: &str, text: &str) -> Result<(NoReason, Option<String>), DomainError> {
    let reason = NoReason::from_code(code).ok_or_else(|| {
        DomainError::new("Choisissez un motif de non-réinscription dans la liste.")
    })?;
    let text = text.trim();
    if text.chars().count() > 500 {
        return Err(DomainError::new("Le commentaire dépasse 500 caractères."));
    }
    if reason == NoReason::Other && text.is_empty() {
        return Err(DomainError::new(
            "Précisez le motif « autre » en quelques mots.",
        ));
    }
    Ok((reason, (!text.is_empty()).then(|| text.to_owned())))
}

/// A campaign's dates, as the rule sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CampaignWindow {
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// The administrators opened it (`campaigns.status = 'open'`): a
    /// campaign in preparation or closed early admits no agent, whatever
    /// its dates.
    pub open: bool,
}

/// Whether a staff member may re-enrol (or correct) today: during the
/// campaign, everyone who may write; outside it, responsables and
/// administrators only (late corrections), agents are told why not.
pub fn may_reinscribe(
    role: Role,
    window: CampaignWindow,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if window.open && today >= window.opens_on && today <= window.closes_on {
        return Ok(());
    }
    if matches!(role, Role::Responsable | Role::Admin) {
        return Ok(());
    }
    let when = if !window.open && today >= window.opens_on && today <= window.closes_on {
        "n'est pas ouverte (en préparation ou close par un administrateur)".to_owned()
    } else if today < window.opens_on {
        format!("ouvrira le {}", window.opens_on.format("%d/%m/%Y"))
    } else {
        format!(
            "est close depuis le {}",
            window.closes_on.format("%d/%m/%Y")
        )
    };
    Err(DomainError::new(format!(
        "La campagne de réinscription {when} : seul un responsable peut encore corriger un dossier."
    )))
}

/// The acknowledgement number of the `sequence`-th validated dossier of a
/// year: `AR-2026-000123`.
pub fn acknowledgement_number(year: i32, sequence: u32) -> Result<String, DomainError> {
    if !(2000..=9999).contains(&year) || sequence == 0 || sequence > 999_999 {
        return Err(DomainError::new("Numéro d'accusé de réception impossible."));
    }
    Ok(format!("AR-{year}-{sequence:06}"))
}

/// Whether `raw` is an acknowledgement number (`AR-AAAA-NNNNNN`).
pub fn is_acknowledgement_number(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() == 14
        && raw.starts_with("AR-")
        && b[3..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..].iter().all(u8::is_ascii_digit)
}

/// A dossier's choices as the audit entry of a validation records them:
/// what a correction is compared against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DossierSnapshot {
    pub intent: Option<String>,
    pub courses: Vec<SnapshotCourse>,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
}

/// One course of a [`DossierSnapshot`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SnapshotCourse {
    pub course_id: i64,
    pub slot_id: Option<i64>,
}

/// What a correction changed, one French line each, in a stable order:
/// the choice, then each course (added, removed, slot moved), then the
/// authorisations. `course` names a course, `slot` describes a slot
/// (« lundi 18:00–19:00 · M. Durand »). The accusé de réception of the
/// corrected version prints these lines.
pub fn correction_changes(
    before: &DossierSnapshot,
    after: &DossierSnapshot,
    course: impl Fn(i64) -> String,
    slot: impl Fn(i64) -> String,
) -> Vec<String> {
    let yes_no = |v: Option<bool>| match v {
        Some(true) => "oui",
        Some(false) => "non",
        None => "sans réponse",
    };
    let intent = |v: &Option<String>| match v.as_deref() {
        Some("reinscrire") => "réinscription",
        Some("ne_pas_reinscrire") => "ne se réinscrit pas",
        _ => "sans réponse",
    };
    let seat = |s: Option<i64>| s.map_or_else(|| "sans créneau".to_owned(), &slot);
    let mut out = Vec::new();
    if intent(&before.intent) != intent(&after.intent) && before.intent.is_some() {
        out.push(format!(
            "Choix : {} → {}",
            intent(&before.intent),
            intent(&after.intent)
        ));
    }
    let mut ids: Vec<i64> = before
        .courses
        .iter()
        .chain(&after.courses)
        .map(|c| c.course_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let was = before.courses.iter().find(|c| c.course_id == id);
        let now = after.courses.iter().find(|c| c.course_id == id);
        match (was, now) {
            (None, Some(n)) => out.push(match n.slot_id {
                Some(s) => format!("Cours ajouté : {} ({})", course(id), slot(s)),
                None => format!("Cours ajouté : {}", course(id)),
            }),
            (Some(_), None) => out.push(format!("Cours retiré : {}", course(id))),
            (Some(w), Some(n)) if w.slot_id != n.slot_id => out.push(format!(
                "{} : {} → {}",
                course(id),
                seat(w.slot_id),
                seat(n.slot_id)
            )),
            _ => {}
        }
    }
    if before.image_rights != after.image_rights {
        out.push(format!(
            "Droit à l'image : {} → {}",
            yes_no(before.image_rights),
            yes_no(after.image_rights)
        ));
    }
    if before.may_leave_alone != after.may_leave_alone {
        out.push(format!(
            "Autorisation de sortie seul : {} → {}",
            yes_no(before.may_leave_alone),
            yes_no(after.may_leave_alone)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn kinds(list: &[Requirement]) -> Vec<(DocumentKind, bool)> {
        list.iter().map(|r| (r.kind, r.mandatory)).collect()
    }

    #[test]
    fn a_family_at_home_with_one_child_owes_address_and_tax_caf_optional() {
        let facts = DocumentFacts {
            hosted: false,
            children_birth_dates: vec![d(2014, 5, 1)],
            campaign_opens_on: d(2026, 5, 4),
        };
        let list = required_documents(&facts);
        assert_eq!(
            kinds(&list),
            vec![
                (DocumentKind::ProofOfAddress, true),
                (DocumentKind::TaxNotice, true),
                (DocumentKind::CafCertificate, false)
            ]
        );
        assert_eq!(
            list[1].description,
            "Avis d'imposition ou de non-imposition 2025 sur les revenus 2024"
        );
    }

    #[test]
    fn two_children_under_20_make_the_caf_certificate_compulsory() {
        let mut facts = DocumentFacts {
            hosted: false,
            children_birth_dates: vec![d(2014, 5, 1), d(2006, 5, 5)],
            campaign_opens_on: d(2026, 5, 4),
        };
        // 19 the day the campaign opens (20 the next day): still under 20.
        assert!(required_documents(&facts)[2].mandatory);
        facts.children_birth_dates[1] = d(2006, 5, 4);
        assert!(
            !required_documents(&facts)[2].mandatory,
            "20 on the day: not under 20"
        );
    }

    #[test]
    fn a_hosted_family_provides_the_hosts_three_documents_instead_of_its_own() {
        let facts = DocumentFacts {
            hosted: true,
            children_birth_dates: vec![d(2015, 1, 1), d(2017, 1, 1)],
            campaign_opens_on: d(2026, 5, 4),
        };
        assert_eq!(
            kinds(&required_documents(&facts)),
            vec![
                (DocumentKind::HostingCertificate, true),
                (DocumentKind::HostIdentity, true),
                (DocumentKind::HostProofOfAddress, true),
                (DocumentKind::TaxNotice, true),
                (DocumentKind::CafCertificate, true)
            ]
        );
    }

    #[test]
    fn three_months_at_upload() {
        assert!(is_recent_enough(d(2026, 3, 3), d(2026, 6, 2)).is_ok());
        let e = is_recent_enough(d(2026, 3, 2), d(2026, 6, 2)).unwrap_err();
        assert_eq!(
            e.message(),
            "Document de plus de 3 mois au dépôt : daté du 02/03/2026, il devait l'être après le 02/03/2026."
        );
        assert!(
            is_recent_enough(d(2026, 6, 3), d(2026, 6, 2)).is_err(),
            "dated after its upload"
        );
        // The end of a month: 31 May minus 3 months is 28 February.
        assert!(is_recent_enough(d(2026, 3, 1), d(2026, 5, 31)).is_ok());
        assert!(is_recent_enough(d(2026, 2, 28), d(2026, 5, 31)).is_err());
        assert!(DocumentKind::ProofOfAddress.must_be_recent());
        assert!(!DocumentKind::TaxNotice.must_be_recent());
    }

    fn offered(levels: &[&str]) -> Vec<String> {
        levels.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_level_moves_up_when_acquired_and_stays_otherwise() {
        let all = offered(&["1C1", "1C2", "1C3", "1C4", "2C1", "2C2"]);
        assert_eq!(
            propose_level("1C2", Some(Outcome::Acquired), &all),
            LevelProposal::Level {
                level: "1C3".into(),
                moved_up: true
            }
        );
        assert_eq!(
            propose_level("1C4", Some(Outcome::Acquired), &all),
            LevelProposal::Level {
                level: "2C1".into(),
                moved_up: true
            }
        );
        for outcome in [Some(Outcome::NotAcquired), Some(Outcome::InProgress), None] {
            assert_eq!(
                propose_level("1C2", outcome, &all),
                LevelProposal::Level {
                    level: "1C2".into(),
                    moved_up: false
                }
            );
        }
    }

    #[test]
    fn no_continuation_says_why() {
        let short = offered(&["1C1", "1C2"]);
        assert_eq!(
            propose_level("1C2", Some(Outcome::Acquired), &short),
            LevelProposal::NoCourse {
                reason: "niveau 1C2 acquis, et ni le 1C3 ni le 2C1 ne sont proposés l'an prochain"
                    .into()
            }
        );
        assert_eq!(
            propose_level("2C2", Some(Outcome::NotAcquired), &short),
            LevelProposal::NoCourse {
                reason: "le niveau 2C2 n'est pas proposé l'an prochain".into()
            }
        );
        assert_eq!(
            propose_level("Initiation", None, &offered(&["Initiation"])),
            LevelProposal::Level {
                level: "Initiation".into(),
                moved_up: false
            }
        );
        assert_eq!(
            CycleLevel::parse(" 2 c 3 "),
            Some(CycleLevel { cycle: 2, year: 3 })
        );
        assert_eq!(CycleLevel::parse("4C1"), None);
    }

    fn course(
        id: i64,
        discipline: i64,
        by_level: bool,
        name: &str,
        level: Option<&str>,
    ) -> CourseFacts {
        CourseFacts {
            id,
            discipline_id: discipline,
            by_level,
            name: name.into(),
            level: level.map(Into::into),
            cycle: None,
        }
    }

    fn cycled(id: i64, discipline: i64, name: &str, cycle: u8) -> CourseFacts {
        CourseFacts {
            cycle: Some(cycle),
            ..course(id, discipline, false, name, None)
        }
    }

    #[test]
    fn a_cycle_moves_on_after_its_years_and_its_assessment_only() {
        let offer = vec![
            cycled(201, 2, "Piano — 1er cycle", 1),
            cycled(202, 2, "Piano — 2e cycle", 2),
            cycled(203, 2, "Piano jazz — 2e cycle", 2),
            cycled(501, 5, "Danse classique — 1er cycle", 1),
        ];
        let piano = cycled(1, 2, "Piano — 1er cycle", 1);
        // Second year, acquired: a third year of the same cycle.
        assert_eq!(
            continuation(&piano, Some(Outcome::Acquired), 2, &offer),
            Continuation::Course {
                id: 201,
                level: Some("1C3".into()),
                moved_up: false
            }
        );
        // Third year acquired: the end-of-cycle assessment is passed, the
        // same-named course of the next cycle (not the jazz one).
        assert_eq!(
            continuation(&piano, Some(Outcome::Acquired), 3, &offer),
            Continuation::Course {
                id: 202,
                level: Some("2C1".into()),
                moved_up: true
            }
        );
        // Not acquired, or still in progress: one more year in the cycle.
        for outcome in [Some(Outcome::NotAcquired), Some(Outcome::InProgress), None] {
            assert_eq!(
                continuation(&piano, outcome, 4, &offer),
                Continuation::Course {
                    id: 201,
                    level: Some("1C5".into()),
                    moved_up: false
                }
            );
        }
        // The next cycle is not taught here next year: said, not guessed.
        let dance = cycled(2, 5, "Danse classique — 1er cycle", 1);
        assert!(matches!(
            continuation(&dance, Some(Outcome::Acquired), 3, &offer),
            Continuation::NoCourse { reason } if reason.contains("2e cycle n'est pas proposé")
        ));
        // The third cycle validated ends the course of studies.
        let third = cycled(3, 2, "Piano — 3e cycle", 3);
        assert!(matches!(
            continuation(&third, Some(Outcome::Acquired), 2, &offer),
            Continuation::NoCourse { reason } if reason.contains("fin du cursus")
        ));
        // An unknown count is a first year; an absurd one is bounded.
        assert_eq!(
            continuation(&piano, None, 0, &offer),
            Continuation::Course {
                id: 201,
                level: Some("1C2".into()),
                moved_up: false
            }
        );
        assert_eq!(
            continuation(&piano, None, 200, &offer),
            Continuation::Course {
                id: 201,
                level: Some("1C9".into()),
                moved_up: false
            }
        );
    }

    #[test]
    fn next_years_course_follows_the_level_or_the_name() {
        let offer = vec![
            course(101, 1, true, "FM 1C2", Some("1C2")),
            course(102, 1, true, "FM 1C3", Some("1C3")),
            course(201, 2, false, "Piano", None),
            course(301, 3, false, "Orchestre 1er cycle", Some("1")),
        ];
        let fm = course(1, 1, true, "FM 1C2", Some("1C2"));
        assert_eq!(
            continuation(&fm, Some(Outcome::Acquired), 1, &offer),
            Continuation::Course {
                id: 102,
                level: Some("1C3".into()),
                moved_up: true
            }
        );
        assert_eq!(
            continuation(&fm, Some(Outcome::NotAcquired), 1, &offer),
            Continuation::Course {
                id: 101,
                level: Some("1C2".into()),
                moved_up: false
            }
        );
        assert_eq!(
            continuation(&course(2, 2, false, "Piano", None), None, 1, &offer),
            Continuation::Course {
                id: 201,
                level: None,
                moved_up: false
            }
        );
        assert_eq!(
            continuation(
                &course(3, 3, false, "Orchestre junior", Some("1")),
                None,
                1,
                &offer
            ),
            Continuation::Course {
                id: 301,
                level: Some("1".into()),
                moved_up: false
            }
        );
        assert!(matches!(
            continuation(&course(4, 9, false, "Harpe", None), None, 1, &offer),
            Continuation::NoCourse { reason } if reason.contains("Harpe")
        ));
    }

    #[test]
    fn non_reinscription_reasons() {
        assert_eq!(
            parse_no_reason("tarif", "  ").unwrap(),
            (NoReason::Fees, None)
        );
        assert_eq!(
            parse_no_reason("autre", "Départ à l'étranger").unwrap(),
            (NoReason::Other, Some("Départ à l'étranger".into()))
        );
        assert!(parse_no_reason("autre", " ").is_err());
        assert!(parse_no_reason("ennui", "").is_err());
        assert!(parse_no_reason("horaires", &"x".repeat(501)).is_err());
    }

    #[test]
    fn outside_the_campaign_only_managers_may_correct() {
        let w = CampaignWindow {
            opens_on: d(2026, 5, 4),
            closes_on: d(2026, 6, 14),
            open: true,
        };
        assert!(may_reinscribe(Role::Agent, w, d(2026, 5, 4)).is_ok());
        assert!(may_reinscribe(Role::Agent, w, d(2026, 6, 14)).is_ok());
        let e = may_reinscribe(Role::Agent, w, d(2026, 6, 15)).unwrap_err();
        assert_eq!(
            e.message(),
            "La campagne de réinscription est close depuis le 14/06/2026 : seul un responsable peut encore corriger un dossier."
        );
        assert!(
            may_reinscribe(Role::Agent, w, d(2026, 5, 3))
                .unwrap_err()
                .message()
                .contains("ouvrira le 04/05/2026")
        );
        assert!(may_reinscribe(Role::Responsable, w, d(2026, 7, 1)).is_ok());
        assert!(may_reinscribe(Role::Admin, w, d(2026, 1, 1)).is_ok());
        // Closed (or not opened yet) by the administrators: within its
        // dates still, agents are refused, managers may correct.
        let shut = CampaignWindow { open: false, ..w };
        let e = may_reinscribe(Role::Agent, shut, d(2026, 5, 20)).unwrap_err();
        assert!(e.message().contains("n'est pas ouverte"), "{}", e.message());
        assert!(may_reinscribe(Role::Responsable, shut, d(2026, 5, 20)).is_ok());
    }

    #[test]
    fn acknowledgement_numbers() {
        assert_eq!(acknowledgement_number(2026, 123).unwrap(), "AR-2026-000123");
        assert!(acknowledgement_number(2026, 0).is_err());
        assert!(acknowledgement_number(2026, 1_000_000).is_err());
        assert!(is_acknowledgement_number("AR-2026-000123"));
        assert!(!is_acknowledgement_number("AR-2026-00012"));
        assert!(!is_acknowledgement_number("AR-20X6-000123"));
    }

    #[test]
    fn a_correction_lists_the_moved_slot_the_added_and_removed_courses_and_the_authorisations() {
        let before = DossierSnapshot {
            intent: Some("reinscrire".into()),
            courses: vec![
                SnapshotCourse {
                    course_id: 1,
                    slot_id: Some(10),
                },
                SnapshotCourse {
                    course_id: 2,
                    slot_id: None,
                },
            ],
            image_rights: Some(true),
            may_leave_alone: Some(false),
        };
        let after = DossierSnapshot {
            intent: Some("reinscrire".into()),
            courses: vec![
                SnapshotCourse {
                    course_id: 1,
                    slot_id: Some(11),
                },
                SnapshotCourse {
                    course_id: 3,
                    slot_id: Some(30),
                },
            ],
            image_rights: Some(false),
            may_leave_alone: Some(false),
        };
        let names = |id: i64| format!("Cours {id}");
        let slots = |id: i64| format!("créneau {id}");
        assert_eq!(
            correction_changes(&before, &after, names, slots),
            vec![
                "Cours 1 : créneau 10 → créneau 11".to_owned(),
                "Cours retiré : Cours 2".to_owned(),
                "Cours ajouté : Cours 3 (créneau 30)".to_owned(),
                "Droit à l'image : oui → non".to_owned(),
            ]
        );
        // Nothing changed: nothing said.
        assert!(correction_changes(&after, &after, names, slots).is_empty());
        // A child who no longer re-enrols: the choice and every course.
        let leaving = DossierSnapshot {
            intent: Some("ne_pas_reinscrire".into()),
            ..DossierSnapshot::default()
        };
        let told = correction_changes(&after, &leaving, names, slots);
        assert_eq!(told[0], "Choix : réinscription → ne se réinscrit pas");
        assert!(
            told.contains(&"Cours retiré : Cours 3".to_owned()),
            "{told:?}"
        );
    }
}
