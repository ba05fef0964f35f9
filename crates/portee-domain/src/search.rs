//! Search keys: what is stored for each student, and how a typed query
//! becomes prefixes to look up.
//!
//! Accents and case are folded here, in Rust (SQLite's `lower()` is
//! ASCII-only), so both databases compare plain ASCII tokens. Each token has
//! a one-letter kind prefix for the non-name keys (`f` family number, `d`
//! birth date, `t` phone, `e` e-mail) so a phone number never matches a name.

use chrono::{Datelike, NaiveDate};

use crate::DomainError;

/// Weights: how much a match on each kind of token counts in the ranking.
pub mod weight {
    pub const STUDENT_NAME: i16 = 10;
    pub const GUARDIAN_NAME: i16 = 5;
    pub const FAMILY_NUMBER: i16 = 20;
    pub const BIRTH_DATE: i16 = 15;
    pub const PHONE: i16 = 15;
    pub const EMAIL: i16 = 15;
}

/// Folds accents and case: `Lefèvre` → `lefevre`, `Œuvre` → `oeuvre`.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

/// The words of a name, folded, plus the joined form of compound words:
/// `Jean-Baptiste N'Diaye` → `jean`, `baptiste`, `jeanbaptiste`, `n`,
/// `diaye`, `ndiaye`.
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in fold(name).split_whitespace() {
        let parts: Vec<&str> = chunk
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        out.extend(parts.iter().map(|p| (*p).to_owned()));
        if parts.len() > 1 {
            out.push(parts.concat());
        }
    }
    out.sort();
    out.dedup();
    out
}

pub fn family_number_token(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    format!("f{digits}")
}

pub fn birth_date_token(date: NaiveDate) -> String {
    format!("d{:04}{:02}{:02}", date.year(), date.month(), date.day())
}

pub fn phone_token(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    format!("t{digits}")
}

pub fn email_token(email: &str) -> String {
    let folded: String = fold(email.trim())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | '+'))
        .collect();
    format!("e{folded}")
}

/// What a student is found by: their own name and birth date, the family
/// number, and each guardian's name, phones and e-mail.
#[derive(Debug, Clone, Copy)]
pub struct StudentKeys<'a> {
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub birth_date: NaiveDate,
    pub family_number: &'a str,
}

/// A guardian's part of a student's search keys.
#[derive(Debug, Clone, Copy)]
pub struct GuardianKeys<'a> {
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub phones: [Option<&'a str>; 3],
    pub email: Option<&'a str>,
}

/// The tokens of one student, each with its weight (a token found twice
/// keeps the higher weight), sorted: what `search_tokens` holds for them.
pub fn student_tokens(
    student: StudentKeys<'_>,
    guardians: &[GuardianKeys<'_>],
) -> Vec<(String, i16)> {
    let mut tokens: std::collections::BTreeMap<String, i16> = std::collections::BTreeMap::new();
    let mut add = |token: String, w: i16| {
        let e = tokens.entry(token).or_insert(w);
        *e = (*e).max(w);
    };
    for t in name_tokens(student.last_name)
        .into_iter()
        .chain(name_tokens(student.first_name))
    {
        add(t, weight::STUDENT_NAME);
    }
    add(birth_date_token(student.birth_date), weight::BIRTH_DATE);
    add(
        family_number_token(student.family_number),
        weight::FAMILY_NUMBER,
    );
    for g in guardians {
        for t in name_tokens(g.last_name)
            .into_iter()
            .chain(name_tokens(g.first_name))
        {
            add(t, weight::GUARDIAN_NAME);
        }
        for phone in g.phones.iter().flatten() {
            add(phone_token(phone), weight::PHONE);
        }
        if let Some(email) = g.email {
            add(email_token(email), weight::EMAIL);
        }
    }
    tokens.into_iter().collect()
}

/// The tokens a family's coordonnées give each of its students: the
/// guardians' phones and e-mails, each with its weight (a token found
/// twice keeps the higher weight), sorted. They are a part of
/// [`student_tokens`] that no other key can produce (a phone token is `t`
/// and digits only, an e-mail token holds `@`; names hold neither), so a
/// change of coordonnées replaces exactly these tokens for every child of
/// the family, on sites the writer may not see too.
pub fn contact_tokens(guardians: &[GuardianKeys<'_>]) -> Vec<(String, i16)> {
    let mut tokens: std::collections::BTreeMap<String, i16> = std::collections::BTreeMap::new();
    for g in guardians {
        let phones = g
            .phones
            .iter()
            .flatten()
            .map(|p| (phone_token(p), weight::PHONE));
        let email = g.email.map(|e| (email_token(e), weight::EMAIL));
        for (token, w) in phones.chain(email) {
            let e = tokens.entry(token).or_insert(w);
            *e = (*e).max(w);
        }
    }
    tokens.into_iter().collect()
}

/// One word of a query: a student matches it when one of its tokens starts
/// with one of `prefixes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    pub prefixes: Vec<String>,
}

/// A parsed search query: every word must match (AND), each by prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub words: Vec<QueryWord>,
}

impl SearchQuery {
    pub const MAX_WORDS: usize = 6;
    pub const MAX_CHARS: usize = 120;

    /// Reads what staff type: names (any order, any accents), a family
    /// number (`F-026417`, `026417`), a birth date (`03/05/2014`), a phone
    /// number (`06 12 34 56 78`, or its first digits) or an e-mail address.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(DomainError::new(format!(
                "La recherche dépasse {} caractères.",
                Self::MAX_CHARS
            )));
        }
        let meaningful = raw.chars().filter(|c| c.is_alphanumeric()).count();
        if meaningful < 2 {
            return Err(DomainError::new(
                "Saisissez au moins deux lettres ou chiffres.",
            ));
        }
        // The whole query as one key: phone, date, family number, e-mail.
        if raw.contains('@') {
            return Ok(Self::single(vec![email_token(raw)]));
        }
        if let Ok(date) = crate::FrenchDate::parse(raw) {
            return Ok(Self::single(vec![birth_date_token(date.naive())]));
        }
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        let family_like = compact.to_ascii_lowercase();
        if let Some(rest) = family_like.strip_prefix('f')
            && !rest.is_empty()
            && rest.bytes().all(|b| b.is_ascii_digit())
        {
            return Ok(Self::single(vec![format!("f{rest}")]));
        }
        let phone_digits = compact.strip_prefix("+33").map(|r| format!("0{r}"));
        let digits = phone_digits.as_deref().unwrap_or(&compact);
        if digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::single(vec![
                format!("t{digits}"),
                format!("f{digits}"),
            ]));
        }
        let mut words: Vec<QueryWord> = Vec::new();
        for chunk in fold(raw).split_whitespace() {
            for part in chunk
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|p| !p.is_empty())
            {
                if !words.iter().any(|w| w.prefixes[0] == part) {
                    words.push(QueryWord {
                        prefixes: vec![part.to_owned()],
                    });
                }
            }
        }
        if words.is_empty() {
            return Err(DomainError::new(
                "Saisissez au moins deux lettres ou chiffres.",
            ));
        }
        if words.len() > Self::MAX_WORDS {
            return Err(DomainError::new(format!(
                "Saisissez au plus {} mots.",
                Self::MAX_WORDS
            )));
        }
        Ok(Self { words })
    }

    fn single(prefixes: Vec<String>) -> Self {
        Self {
            words: vec![QueryWord { prefixes }],
        }
    }
}

/// The exclusive upper bound of a prefix range: every token starting with
/// `prefix` sorts in `[prefix, prefix_end(prefix))` (tokens are ASCII).
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{7f}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fold_accents_case_and_compounds() {
        assert_eq!(fold("Lefèvre Zoé ŒUVRE"), "lefevre zoe oeuvre");
        assert_eq!(
            name_tokens("Jean-Baptiste N'Diaye"),
            vec!["baptiste", "diaye", "jean", "jeanbaptiste", "n", "ndiaye"]
        );
        assert_eq!(family_number_token("F-026417"), "f026417");
        assert_eq!(
            birth_date_token(NaiveDate::from_ymd_opt(2014, 5, 3).unwrap()),
            "d20140503"
        );
        assert_eq!(phone_token("06 12 34 56 78"), "t0612345678");
        assert_eq!(
            email_token(" Chloé.Lefèvre@Exemple.fr"),
            "echloe.lefevre@exemple.fr"
        );
    }

    #[test]
    fn contact_tokens_are_exactly_the_part_of_student_tokens_coordonnees_change() {
        let student = StudentKeys {
            last_name: "Tom Thé",
            first_name: "Emma",
            birth_date: NaiveDate::from_ymd_opt(2014, 5, 3).unwrap(),
            family_number: "F-026417",
        };
        let guardian = |phone, email| GuardianKeys {
            last_name: "Thé",
            first_name: "Élodie",
            phones: [Some(phone), None, Some("01 46 00 00 00")],
            email: Some(email),
        };
        let before = [guardian("06 12 34 56 78", "e.the@exemple.fr")];
        let after = [guardian("07 00 00 00 01", "tom@exemple.fr")];
        let without = |all: Vec<(String, i16)>, part: &[(String, i16)]| {
            all.into_iter()
                .filter(|t| !part.contains(t))
                .collect::<Vec<_>>()
        };
        let old_rest = without(student_tokens(student, &before), &contact_tokens(&before));
        let new_rest = without(student_tokens(student, &after), &contact_tokens(&after));
        // Names starting with t and e are untouched; only phones and e-mails move.
        assert_eq!(old_rest, new_rest);
        assert!(old_rest.iter().any(|(t, _)| t == "tom"));
        assert!(old_rest.iter().any(|(t, _)| t == "emma"));
        for (t, _) in contact_tokens(&after) {
            assert!(
                t.contains('@')
                    || (t.starts_with('t') && t[1..].chars().all(|c| c.is_ascii_digit()))
            );
            assert!(student_tokens(student, &after).iter().any(|(s, _)| *s == t));
        }
    }

    #[test]
    fn a_student_is_found_by_own_and_guardians_keys_with_the_higher_weight() {
        let tokens = student_tokens(
            StudentKeys {
                last_name: "Martin",
                first_name: "Léa",
                birth_date: NaiveDate::from_ymd_opt(2014, 5, 3).unwrap(),
                family_number: "F-000042",
            },
            &[GuardianKeys {
                last_name: "Martin",
                first_name: "Hélène",
                phones: [Some("06 12 34 56 78"), None, Some("01 02 03 04 05")],
                email: Some("helene@exemple.fr"),
            }],
        );
        let get = |t: &str| tokens.iter().find(|(k, _)| k == t).map(|(_, w)| *w);
        // The student's own name outweighs the guardian's same name.
        assert_eq!(get("martin"), Some(weight::STUDENT_NAME));
        assert_eq!(get("helene"), Some(weight::GUARDIAN_NAME));
        assert_eq!(get("t0612345678"), Some(weight::PHONE));
        assert_eq!(get("t0102030405"), Some(weight::PHONE));
        assert_eq!(get("ehelene@exemple.fr"), Some(weight::EMAIL));
        assert_eq!(get("f000042"), Some(weight::FAMILY_NUMBER));
        assert_eq!(get("d20140503"), Some(weight::BIRTH_DATE));
        assert_eq!(tokens.iter().filter(|(k, _)| k == "martin").count(), 1);
    }

    #[test]
    fn queries_become_prefixes() {
        let q = SearchQuery::parse("LEFÈV chlo").unwrap();
        assert_eq!(q.words.len(), 2);
        assert_eq!(q.words[0].prefixes, vec!["lefev"]);
        assert_eq!(q.words[1].prefixes, vec!["chlo"]);
        assert_eq!(
            SearchQuery::parse("03/05/2014").unwrap().words[0].prefixes,
            vec!["d20140503"]
        );
        assert_eq!(
            SearchQuery::parse("F-026417").unwrap().words[0].prefixes,
            vec!["f026417"]
        );
        assert_eq!(
            SearchQuery::parse("06 12 34").unwrap().words[0].prefixes,
            vec!["t061234", "f061234"]
        );
        assert_eq!(
            SearchQuery::parse("+33 6 12 34 56 78").unwrap().words[0].prefixes[0],
            "t0612345678"
        );
        assert_eq!(
            SearchQuery::parse("chloe@exem").unwrap().words[0].prefixes,
            vec!["echloe@exem"]
        );
        assert_eq!(SearchQuery::parse("n'diaye").unwrap().words.len(), 2);
    }

    #[test]
    fn absurd_queries_are_refused_in_french() {
        assert!(SearchQuery::parse("").is_err());
        assert!(
            SearchQuery::parse(" a ")
                .unwrap_err()
                .message()
                .contains("deux")
        );
        assert!(SearchQuery::parse("%%%%").is_err());
        assert!(
            SearchQuery::parse(&"x".repeat(121))
                .unwrap_err()
                .message()
                .contains("120")
        );
        assert!(
            SearchQuery::parse("a b c d e f g")
                .unwrap_err()
                .message()
                .contains("6 mots")
        );
        assert!(prefix_end("dup").as_str() > "dupont");
    }
}
