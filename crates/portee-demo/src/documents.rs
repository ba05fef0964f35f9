//! The documents each family owes for the campaign, in every status, with
//! small PDFs for those uploaded.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::Rng as _;

use crate::model::{Document, Family, Guardian, Reinscription, Staff};
use crate::names;
use crate::pdf::{PdfLine, one_page_pdf, sha256_hex};
use crate::people::People;
use crate::staff::site_staff;
use crate::util::{DAYTIME, OFFICE, Rng, between_hours, chance, french_date, pick, weighted, ymd};
use crate::{Context, names::POOLS};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Progress {
    /// No dossier, or only cancelled ones.
    Idle,
    /// Only drafts.
    Started,
    /// At least one dossier submitted or validated.
    Sent,
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// What the family (or its host) is, for the texts of the documents.
struct Holder<'a> {
    family: &'a Family,
    number: &'a str,
    surname: &'a str,
    guardian: &'a Guardian,
}

pub(crate) fn generate(
    ctx: &Context,
    rng: &mut Rng,
    people: &People,
    staff: &[Staff],
    reinscriptions: &[Reinscription],
) -> Vec<Document> {
    let families = &people.families;
    let mut progress = vec![Progress::Idle; families.len()];
    for r in reinscriptions {
        let f = people.students[r.student].family;
        let p = match r.status {
            "submitted" | "validated" => Progress::Sent,
            "draft" => Progress::Started,
            _ => Progress::Idle,
        };
        if p == Progress::Sent || progress[f] == Progress::Idle {
            progress[f] = p;
        }
    }
    // First student and children under 20 of each family; first guardian.
    let mut first_student = vec![usize::MAX; families.len()];
    let mut under_20 = vec![0u32; families.len()];
    for (s, (student, profile)) in people.students.iter().zip(&people.profiles).enumerate() {
        if first_student[student.family] == usize::MAX {
            first_student[student.family] = s;
        }
        if profile.age < 20 {
            under_20[student.family] += 1;
        }
    }
    let mut first_guardian = vec![usize::MAX; families.len()];
    for (g, guardian) in people.guardians.iter().enumerate().rev() {
        first_guardian[guardian.family] = g;
    }

    let avis_year = if ctx.options.today.month() >= 9 {
        ctx.options.today.year()
    } else {
        ctx.options.today.year() - 1
    };
    let mut documents = Vec::with_capacity(families.len() * 3);
    for (f, family) in families.iter().enumerate() {
        let student = &people.students[first_student[f]];
        let team = site_staff(staff, student.site_id);
        let holder = Holder {
            family,
            number: &family.family_number,
            surname: &student.last_name,
            guardian: &people.guardians[first_guardian[f]],
        };
        let mut types: Vec<(&'static str, bool)> = vec![("justificatif_domicile", true)];
        if family.hosted {
            types.push(("attestation_hebergement", true));
            types.push(("piece_identite_hebergeant", true));
        }
        if under_20[f] >= 2 {
            types.push(("attestation_caf", true));
        } else if progress[f] != Progress::Idle && chance(rng, 0.25) {
            // Optional: sent to get the fee matching the quotient familial.
            types.push(("attestation_caf", false));
        }
        types.push(("avis_imposition", true));

        for (doc_type, required) in types {
            let mut weights = match progress[f] {
                Progress::Sent => [
                    ("accepted", 50),
                    ("received", 25),
                    ("rejected", 8),
                    ("missing", 17),
                ],
                Progress::Started => [
                    ("accepted", 10),
                    ("received", 32),
                    ("rejected", 5),
                    ("missing", 53),
                ],
                Progress::Idle => [
                    ("accepted", 3),
                    ("received", 9),
                    ("rejected", 1),
                    ("missing", 87),
                ],
            };
            if !required {
                weights[3].1 = 0;
            }
            let status = weighted(rng, &weights);
            let doc = make_document(
                ctx, rng, f, &holder, doc_type, status, &team, avis_year, None,
            );
            let rejected_at = doc.reviewed_at;
            documents.push(doc);
            // After a rejection, many families send a new document.
            if status == "rejected" && chance(rng, 0.45) {
                let status = if chance(rng, 0.3) {
                    "accepted"
                } else {
                    "received"
                };
                documents.push(make_document(
                    ctx,
                    rng,
                    f,
                    &holder,
                    doc_type,
                    status,
                    &team,
                    avis_year,
                    rejected_at,
                ));
            }
        }
    }
    documents
}

#[allow(clippy::too_many_arguments)]
fn make_document(
    ctx: &Context,
    rng: &mut Rng,
    family: usize,
    holder: &Holder,
    doc_type: &'static str,
    status: &'static str,
    team: &[usize],
    avis_year: i32,
    after: Option<DateTime<Utc>>,
) -> Document {
    let mut doc = Document {
        family,
        campaign: 0,
        doc_type,
        status,
        rejection_reason: None,
        file_name: None,
        content: None,
        sha256: None,
        size_bytes: None,
        page_count: None,
        document_date: None,
        uploaded_by_kind: None,
        uploaded_by_staff: None,
        uploaded_at: None,
        reviewed_by_staff: None,
        reviewed_at: None,
        version: 1,
    };
    if status == "missing" {
        return doc;
    }
    let by_staff = chance(rng, 0.12);
    let hours = if by_staff { OFFICE } else { DAYTIME };
    let uploaded_at = between_hours(rng, after.unwrap_or(ctx.opens_at), ctx.now, hours);
    doc.uploaded_by_kind = Some(if by_staff { "staff" } else { "family" });
    doc.uploaded_by_staff = by_staff.then(|| *pick(rng, team));
    doc.uploaded_at = Some(uploaded_at);

    // Most documents are recent; some rejected (or still waiting) ones are
    // older than three months.
    let uploaded_on = uploaded_at.date_naive();
    let too_old = match status {
        "rejected" => chance(rng, 0.4),
        "received" => chance(rng, 0.05),
        _ => false,
    };
    let recent = |rng: &mut Rng| uploaded_on - Duration::days(rng.random_range(0..80));
    let old = |rng: &mut Rng| uploaded_on - Duration::days(rng.random_range(100..220));
    let date = match doc_type {
        "avis_imposition" if too_old => Some(avis_date(rng, avis_year - 1)),
        "avis_imposition" => Some(avis_date(rng, avis_year)),
        "piece_identite_hebergeant" => None,
        _ if too_old => Some(old(rng)),
        _ => Some(recent(rng)),
    };
    doc.document_date = date;

    let (file_name, lines) = content(rng, holder, doc_type, date, avis_year);
    let pdf = one_page_pdf(&lines);
    doc.file_name = Some(file_name);
    doc.sha256 = Some(sha256_hex(&pdf));
    doc.size_bytes = Some(pdf.len() as i64);
    doc.page_count = Some(1);
    doc.content = Some(pdf);

    if matches!(status, "accepted" | "rejected") {
        doc.reviewed_by_staff = Some(*pick(rng, team));
        doc.reviewed_at = Some(between_hours(rng, uploaded_at, ctx.now, OFFICE));
        doc.version = 2;
    }
    if status == "rejected" {
        let reason = match doc_type {
            "avis_imposition" if too_old => {
                format!(
                    "Avis d'imposition {avis_year} demandé (sur les revenus {})",
                    avis_year - 1
                )
            }
            _ if too_old => "Document de plus de 3 mois".to_owned(),
            "attestation_caf" => pick(
                rng,
                &[
                    "Le quotient familial n'apparaît pas sur l'attestation",
                    "Document illisible",
                ],
            )
            .to_string(),
            "piece_identite_hebergeant" => {
                pick(rng, &["Pièce d'identité expirée", "Verso manquant"]).to_string()
            }
            "avis_imposition" => pick(
                rng,
                &[
                    "Document illisible",
                    "Page manquante : le revenu fiscal de référence n'apparaît pas",
                    "Avis de situation déclarative au lieu de l'avis d'impôt",
                ],
            )
            .to_string(),
            "attestation_hebergement" => pick(
                rng,
                &["Signature de l'hébergeant manquante", "Document illisible"],
            )
            .to_string(),
            _ => pick(
                rng,
                &[
                    "Document illisible",
                    "Le nom ne correspond pas à celui du responsable légal",
                    "Page manquante",
                    "Ce document n'est pas un justificatif de domicile accepté",
                ],
            )
            .to_string(),
        };
        doc.rejection_reason = Some(reason);
    }
    doc
}

/// Tax notices arrive between late July and early September.
fn avis_date(rng: &mut Rng, year: i32) -> NaiveDate {
    ymd(year, 7, 25) + Duration::days(rng.random_range(0..42))
}

/// `1 234` (French digit grouping).
fn grouped(units: u32) -> String {
    if units >= 1000 {
        format!("{} {:03}", units / 1000, units % 1000)
    } else {
        units.to_string()
    }
}

/// `1 234,56 €`.
fn euros(cents: u32) -> String {
    format!("{},{:02} €", grouped(cents / 100), cents % 100)
}

/// The file name and the text of the document.
fn content(
    rng: &mut Rng,
    holder: &Holder,
    doc_type: &str,
    date: Option<NaiveDate>,
    avis_year: i32,
) -> (String, Vec<PdfLine>) {
    let family = holder.family;
    let g = holder.guardian;
    let civility = match g.relationship {
        "mere" => "Mme",
        "pere" => "M.",
        _ => "",
    };
    let person = format!("{civility} {} {}", g.first_name, g.last_name)
        .trim()
        .to_owned();
    let address = format!(
        "{}, {} {}",
        family.address_line, family.postcode, family.town
    );
    let date_text = date.map(french_date).unwrap_or_default();
    let month = date.map_or("", |d| MONTHS[d.month0() as usize]);
    let year = date.map_or(avis_year, |d| d.year());
    let scanned = chance(rng, 0.15);
    let scan_name = format!("scan_{:04}.pdf", rng.random_range(1..10_000));

    let mut lines: Vec<PdfLine> = Vec::with_capacity(12);
    let (title, file_stem) = match doc_type {
        "justificatif_domicile" => {
            let (title, stem, issuer) = *pick(
                rng,
                &[
                    (
                        "Facture d'électricité",
                        "facture_electricite",
                        "Énergies du Val de Seine",
                    ),
                    (
                        "Quittance de loyer",
                        "quittance_loyer",
                        "Cabinet Hébert & Fils, gestion locative",
                    ),
                    ("Facture d'eau", "facture_eau", "Eaux des Coteaux de Seine"),
                    (
                        "Facture internet",
                        "facture_internet",
                        "Fibre Ouest Télécom",
                    ),
                    (
                        "Facture de gaz",
                        "facture_gaz",
                        "Gaz de l'Île-de-France Ouest",
                    ),
                ],
            );
            lines.push(PdfLine::new(title, 16));
            lines.push(PdfLine::new(format!("{issuer} (société fictive)"), 11));
            lines.push(PdfLine::new("", 11));
            lines.push(PdfLine::new(format!("Titulaire : {person}"), 11));
            lines.push(PdfLine::new(format!("Adresse : {address}"), 11));
            if let Some(extra) = &family.address_extra {
                lines.push(PdfLine::new(extra.clone(), 11));
            }
            lines.push(PdfLine::new(format!("Date d'émission : {date_text}"), 11));
            let amount = euros(rng.random_range(2_500..160_000));
            lines.push(PdfLine::new(format!("Montant TTC : {amount}"), 11));
            (title, format!("{stem}_{month}_{year}"))
        }
        "attestation_caf" => {
            let title = "Attestation de quotient familial";
            lines.push(PdfLine::new(title, 16));
            lines.push(PdfLine::new(
                "Caisse d'allocations familiales des Hauts-de-Seine",
                11,
            ));
            lines.push(PdfLine::new("", 11));
            lines.push(PdfLine::new(format!("Allocataire : {person}"), 11));
            lines.push(PdfLine::new(
                format!("N° allocataire : {:07}", rng.random_range(0..10_000_000)),
                11,
            ));
            lines.push(PdfLine::new(format!("Adresse : {address}"), 11));
            lines.push(PdfLine::new(
                format!(
                    "Quotient familial : {} €",
                    grouped(rng.random_range(300..3_000))
                ),
                11,
            ));
            lines.push(PdfLine::new(
                format!("Attestation établie le {date_text}"),
                11,
            ));
            (title, format!("attestation_caf_{month}_{year}"))
        }
        "avis_imposition" => {
            let title = "Avis d'impôt sur le revenu";
            lines.push(PdfLine::new(
                format!("Avis d'impôt {year} sur les revenus {}", year - 1),
                16,
            ));
            lines.push(PdfLine::new(
                "Direction générale des finances publiques",
                11,
            ));
            lines.push(PdfLine::new("", 11));
            lines.push(PdfLine::new(format!("Déclarant 1 : {person}"), 11));
            lines.push(PdfLine::new(format!("Adresse : {address}"), 11));
            lines.push(PdfLine::new(
                format!(
                    "Revenu fiscal de référence : {} €",
                    grouped(rng.random_range(80..2_400) * 50)
                ),
                11,
            ));
            let parts = pick(rng, &["1", "1,5", "2", "2,5", "3", "3,5", "4"]);
            lines.push(PdfLine::new(format!("Nombre de parts : {parts}"), 11));
            lines.push(PdfLine::new(
                format!("Date d'établissement : {date_text}"),
                11,
            ));
            (title, format!("avis_imposition_{year}"))
        }
        "attestation_hebergement" => {
            let title = "Attestation d'hébergement";
            let host = host_name(rng, family);
            lines.push(PdfLine::new(title, 16));
            lines.push(PdfLine::new("", 11));
            lines.push(PdfLine::new(
                format!("Je soussigné(e) {host}, demeurant {address},"),
                11,
            ));
            lines.push(PdfLine::new(
                format!("certifie héberger à mon domicile {person} et ses enfants"),
                11,
            ));
            lines.push(PdfLine::new(
                format!("depuis le {}.", french_date(ymd(year - 1, 9, 1))),
                11,
            ));
            lines.push(PdfLine::new(
                format!("Fait à {}, le {date_text}", family.town),
                11,
            ));
            lines.push(PdfLine::new(format!("Signature : {host}"), 11));
            (title, "attestation_hébergement".to_owned())
        }
        _ => {
            let title = "Carte nationale d'identité";
            let host = host_name(rng, family);
            lines.push(PdfLine::new(format!("{title} — spécimen"), 16));
            lines.push(PdfLine::new("République française", 11));
            lines.push(PdfLine::new("", 11));
            lines.push(PdfLine::new(format!("Titulaire : {host}"), 11));
            lines.push(PdfLine::new(
                format!(
                    "Né(e) le : {}",
                    french_date(ymd(
                        rng.random_range(1950..1990),
                        rng.random_range(1..13),
                        rng.random_range(1..29)
                    ))
                ),
                11,
            ));
            lines.push(PdfLine::new(
                format!("N° : {:012}", rng.random_range(0..1_000_000_000_000u64)),
                11,
            ));
            (title, "piece_identite_hebergeant".to_owned())
        }
    };
    lines.push(PdfLine::new("", 11));
    let mut summary = format!("{title} — Famille {} — {}", holder.surname, holder.number);
    if !date_text.is_empty() {
        summary.push_str(&format!(" — {date_text}"));
    }
    lines.push(PdfLine::new(summary, 10));
    lines.push(PdfLine::new(
        "Document fictif généré pour la démonstration de Portée.",
        9,
    ));
    let file_name = if scanned {
        scan_name
    } else {
        format!("{file_stem}.pdf")
    };
    (file_name, lines)
}

/// The host named in `address_extra` (`Chez M. et Mme Durand`), or one made
/// up.
fn host_name(rng: &mut Rng, family: &Family) -> String {
    if let Some(host) = family
        .address_extra
        .as_deref()
        .and_then(|extra| extra.strip_prefix("Chez "))
    {
        return host.to_owned();
    }
    let pool = names::pick_pool(rng);
    format!(
        "Mme {} {}",
        names::adult_first_name(rng, pool, true),
        POOLS[pool].surnames[rng.random_range(0..POOLS[pool].surnames.len())]
    )
}
