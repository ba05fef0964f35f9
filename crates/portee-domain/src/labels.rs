//! The French words for the stored codes (`mere`, `attestation_caf`,
//! `teacher`…), in one place for every screen and printout.

/// `F` / `M`.
pub fn sex(code: &str) -> &'static str {
    match code {
        "F" => "Fille",
        "M" => "Garçon",
        _ => "—",
    }
}

pub fn relationship(code: &str) -> &'static str {
    match code {
        "mere" => "Mère",
        "pere" => "Père",
        "tuteur" => "Tuteur ou tutrice",
        _ => "Autre",
    }
}

pub fn day(day_of_week: i16) -> &'static str {
    match day_of_week {
        1 => "Lundi",
        2 => "Mardi",
        3 => "Mercredi",
        4 => "Jeudi",
        5 => "Vendredi",
        6 => "Samedi",
        7 => "Dimanche",
        _ => "?",
    }
}

/// When a course takes place: its slot, or why there is none
/// (« Plus de cours disponible » in the families' guide).
pub fn schedule(
    seat_mode: &str,
    day_of_week: Option<i16>,
    starts_at: Option<&str>,
    ends_at: Option<&str>,
) -> String {
    match (day_of_week, starts_at, ends_at) {
        (Some(d), Some(s), Some(e)) => format!("{} {s}–{e}", day(d)),
        _ => match seat_mode {
            "teacher" => "Horaire fixé avec le professeur en septembre".to_owned(),
            "level" => "Affecté selon le niveau".to_owned(),
            _ => "Créneau à choisir".to_owned(),
        },
    }
}

pub fn enrolment_status(code: &str) -> &'static str {
    match code {
        "active" => "Inscrit",
        "cancelled" => "Annulé",
        _ => "?",
    }
}

pub fn outcome(code: &str) -> &'static str {
    match code {
        "acquis" => "Acquis",
        "non_acquis" => "Non acquis",
        "en_cours" => "En cours",
        _ => "?",
    }
}

pub fn doc_type(code: &str) -> &'static str {
    match code {
        "justificatif_domicile" => "Justificatif de domicile",
        "attestation_hebergement" => "Attestation d'hébergement",
        "piece_identite_hebergeant" => "Pièce d'identité de l'hébergeant",
        "justificatif_domicile_hebergeant" => "Justificatif de domicile de l'hébergeant",
        "attestation_caf" => "Attestation CAF (quotient familial)",
        "avis_imposition" => "Avis d'imposition",
        _ => "Document",
    }
}

/// Tax and CAF documents: their every opening is recorded.
pub fn is_sensitive_document(code: &str) -> bool {
    matches!(code, "attestation_caf" | "avis_imposition")
}

pub fn document_status(code: &str) -> &'static str {
    match code {
        "missing" => "Manquant",
        "received" => "À examiner",
        "accepted" => "Accepté",
        "rejected" => "Refusé",
        _ => "?",
    }
}

/// A réinscription dossier's state as staff name it: « Pas de réponse »
/// (no dossier), « Brouillon », « À corriger » (sent, to be checked), «
/// Validé », « Ne se réinscrit pas », « Annulé ».
pub fn dossier_status(status: Option<&str>, intent: Option<&str>) -> &'static str {
    match (status, intent) {
        (None, _) => "Pas de réponse",
        (Some("validated"), Some("ne_pas_reinscrire")) => "Ne se réinscrit pas",
        (Some("validated"), _) => "Validé",
        (Some("cancelled"), _) => "Annulé",
        (Some("submitted"), _) => "À corriger",
        (Some(_), _) => "Brouillon",
    }
}

/// The French reading of a stored code in an audit entry's values
/// (`intent: reinscrire` → « Je souhaite réinscrire »); `None` for free text.
pub fn value(field: &str, code: &str) -> Option<&'static str> {
    Some(match (field, code) {
        ("intent", "reinscrire") => "Je souhaite réinscrire",
        ("intent", "ne_pas_reinscrire") => "Je ne souhaite pas réinscrire",
        ("status", "draft") => "Brouillon",
        ("status", "submitted") => "Envoyé",
        ("status", "validated") => "Validé",
        ("status", "cancelled") => "Annulé",
        ("status", s @ ("missing" | "received" | "accepted" | "rejected")) => document_status(s),
        ("doc_type", t) => doc_type(t),
        ("role", "agent") => "Agent de secrétariat",
        ("role", "responsable") => "Responsable de site",
        ("role", "admin") => "Administrateur",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_in_french() {
        assert_eq!(relationship("mere"), "Mère");
        assert_eq!(
            schedule("slot", Some(3), Some("14:00"), Some("15:00")),
            "Mercredi 14:00–15:00"
        );
        assert_eq!(
            schedule("teacher", None, None, None),
            "Horaire fixé avec le professeur en septembre"
        );
        assert_eq!(
            schedule("level", None, None, None),
            "Affecté selon le niveau"
        );
        assert!(is_sensitive_document("avis_imposition"));
        assert!(is_sensitive_document("attestation_caf"));
        assert!(!is_sensitive_document("justificatif_domicile"));
        assert_eq!(document_status("received"), "À examiner");
        assert_eq!(
            value("intent", "reinscrire"),
            Some("Je souhaite réinscrire")
        );
        assert_eq!(value("status", "rejected"), Some("Refusé"));
        assert_eq!(value("town", "Meudon"), None);
        assert_eq!(dossier_status(None, None), "Pas de réponse");
        assert_eq!(
            dossier_status(Some("validated"), Some("ne_pas_reinscrire")),
            "Ne se réinscrit pas"
        );
        assert_eq!(
            dossier_status(Some("validated"), Some("reinscrire")),
            "Validé"
        );
        assert_eq!(dossier_status(Some("draft"), None), "Brouillon");
        assert_eq!(dossier_status(Some("submitted"), None), "À corriger");
    }
}
