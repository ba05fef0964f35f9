//! Whole-network tests: determinism, scale, and the invariants the database
//! schema and the application rely on.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::names::POOLS;
use crate::pdf::sha256_hex;
use crate::{DemoNetwork, DemoOptions, generate};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn options(students: usize, seed: u64) -> DemoOptions {
    DemoOptions {
        students,
        seed,
        today: today(),
        taken_at: None,
    }
}

/// The 8,000-student network, generated once for all tests.
fn network() -> &'static DemoNetwork {
    static NETWORK: OnceLock<DemoNetwork> = OnceLock::new();
    NETWORK.get_or_init(|| generate(&options(8_000, 42)))
}

/// A digest of everything generated (document contents through their
/// SHA-256).
fn digest(n: &DemoNetwork) -> String {
    let mut text = String::new();
    let _ = write!(
        text,
        "{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}",
        n.school_years,
        n.campaigns,
        n.families,
        n.guardians,
        n.students,
        n.disciplines,
        n.courses,
        n.slots,
        n.enrolments,
        n.waiting_list,
        n.staff,
        n.reinscriptions,
        n.reinscription_courses,
    );
    for d in &n.documents {
        let _ = write!(
            text,
            "{}{}{:?}{:?}{:?}{:?}{:?}",
            d.family, d.doc_type, d.status, d.sha256, d.file_name, d.document_date, d.uploaded_at
        );
    }
    sha256_hex(text.as_bytes())
}

#[test]
fn same_seed_same_network_other_seed_other_network() {
    let first = network();
    let again = generate(&options(8_000, 42));
    assert_eq!(digest(first), digest(&again));
    let other = generate(&options(8_000, 43));
    assert_ne!(digest(first), digest(&other));
    assert_ne!(
        first.students[0].first_name.clone() + &first.families[0].family_number,
        other.students[0].first_name.clone() + &other.families[0].family_number
    );
}

#[test]
fn counts_match_the_network_scale() {
    let n = network();
    assert_eq!(n.students.len(), 8_000);
    assert!(
        (5_500..=6_500).contains(&n.families.len()),
        "{} families",
        n.families.len()
    );
    let current_slots = n
        .slots
        .iter()
        .filter(|s| n.courses[s.course].school_year == n.current_year)
        .count();
    assert!(
        (900..=1_200).contains(&current_slots),
        "{current_slots} current-year slots"
    );
    let next_slots = n.slots.len() - current_slots;
    assert!(next_slots > 300, "{next_slots} next-year slots");
    assert!(n.guardians.len() > n.families.len());
    assert!(n.documents.len() >= 2 * n.families.len());
    let with_dossier: HashSet<usize> = n.reinscriptions.iter().map(|r| r.student).collect();
    let share = with_dossier.len() as f64 / n.students.len() as f64;
    assert!(
        (0.35..=0.55).contains(&share),
        "{share} of students have a dossier"
    );
    let hosted = n.families.iter().filter(|f| f.hosted).count() as f64 / n.families.len() as f64;
    assert!((0.02..=0.07).contains(&hosted), "{hosted} hosted");
    for site in 1..=8 {
        assert!(
            n.students.iter().any(|s| s.site_id == site),
            "no student at site {site}"
        );
    }
}

#[test]
fn invariants_hold_at_every_scale_and_date() {
    check(network());
    for (students, seed) in [(0, 1), (1, 2), (7, 3), (150, 4), (1_000, 5)] {
        check(&generate(&options(students, seed)));
    }
    // A spring campaign, and a summer day.
    for today in [(2027, 4, 10), (2026, 7, 20), (2026, 9, 1)] {
        let today = NaiveDate::from_ymd_opt(today.0, today.1, today.2).unwrap();
        check(&generate(&DemoOptions {
            students: 500,
            seed: 9,
            today,
            taken_at: None,
        }));
    }
}

#[test]
fn every_status_is_present() {
    let n = network();
    let dossier: HashSet<&str> = n.reinscriptions.iter().map(|r| r.status).collect();
    for status in ["draft", "submitted", "validated", "cancelled"] {
        assert!(dossier.contains(status), "no {status} dossier");
    }
    let intents: HashSet<Option<&str>> = n.reinscriptions.iter().map(|r| r.intent).collect();
    for intent in [None, Some("reinscrire"), Some("ne_pas_reinscrire")] {
        assert!(
            intents.contains(&intent),
            "no dossier with intent {intent:?}"
        );
    }
    let channels: HashSet<Option<&str>> = n
        .reinscriptions
        .iter()
        .map(|r| r.validation_channel)
        .collect();
    for channel in ["extranet", "desk", "phone"] {
        assert!(channels.contains(&Some(channel)), "no {channel} validation");
    }
    let documents: HashSet<&str> = n.documents.iter().map(|d| d.status).collect();
    for status in ["missing", "received", "accepted", "rejected"] {
        assert!(documents.contains(status), "no {status} document");
    }
    let types: HashSet<&str> = n.documents.iter().map(|d| d.doc_type).collect();
    assert_eq!(types.len(), 5);
    let kinds: HashSet<&str> = n.disciplines.iter().map(|d| d.kind).collect();
    assert_eq!(kinds.len(), 6);
    let roles: HashSet<&str> = n.staff.iter().map(|s| s.role).collect();
    assert_eq!(roles.len(), 3);
    assert!(n.students.iter().any(|s| s.cham));
    assert!(n.enrolments.iter().any(|e| e.status == "cancelled"));
    assert!(!n.waiting_list.is_empty(), "no waiting list");
}

#[test]
fn a_tenth_of_current_slots_are_full() {
    let n = network();
    let current: Vec<_> = n
        .slots
        .iter()
        .filter(|s| n.courses[s.course].school_year == n.current_year)
        .collect();
    let full = current
        .iter()
        .filter(|s| s.seats_taken == s.capacity)
        .count();
    let share = full as f64 / current.len() as f64;
    assert!(
        (0.05..=0.2).contains(&share),
        "{full} full of {}",
        current.len()
    );
    let fm = current
        .iter()
        .filter(|s| n.courses[s.course].seat_mode == "slot")
        .count();
    assert!(fm > 250, "{fm} FM slots");
}

#[test]
fn names_are_realistic() {
    let n = network();
    let female: HashSet<&str> = POOLS
        .iter()
        .flat_map(|p| p.child_f.iter().copied())
        .collect();
    let male: HashSet<&str> = POOLS
        .iter()
        .flat_map(|p| p.child_m.iter().copied())
        .collect();
    for s in &n.students {
        match s.sex {
            "F" => assert!(female.contains(s.first_name.as_str()), "{}", s.first_name),
            "M" => assert!(male.contains(s.first_name.as_str()), "{}", s.first_name),
            other => panic!("sex {other}"),
        }
    }
    let surnames: HashSet<&str> = n.students.iter().map(|s| s.last_name.as_str()).collect();
    assert!(surnames.len() >= 150, "{} surnames", surnames.len());
    assert!(surnames.iter().any(|s| s.contains('è') || s.contains('é')));
    assert!(surnames.iter().any(|s| s.contains('\'')));
    let firsts: HashSet<&str> = n.students.iter().map(|s| s.first_name.as_str()).collect();
    assert!(firsts.iter().any(|s| s.contains('-')));
    assert!(firsts.iter().any(|s| s.contains('ë') || s.contains('ï')));
}

#[test]
fn school_levels_follow_age() {
    let n = network();
    let mut ages: BTreeMap<i32, usize> = BTreeMap::new();
    for s in &n.students {
        let age = age(s.birth_date, today());
        *ages.entry(age).or_default() += 1;
        assert!((5..=25).contains(&age), "age {age}");
        let level = s.school_level.as_deref().unwrap();
        let ok = match level {
            "CP" => (5..=7).contains(&age),
            "CE1" | "CE2" | "CM1" | "CM2" => (6..=12).contains(&age),
            "6e" | "5e" | "4e" | "3e" => (10..=16).contains(&age),
            "2nde" | "1re" | "Terminale" => (14..=19).contains(&age),
            "Supérieur" => (17..=23).contains(&age),
            "Adulte" => age >= 21,
            _ => false,
        };
        assert!(ok, "{level} at {age}");
        if s.cham {
            assert!(["6e", "5e", "4e", "3e"].contains(&level));
        }
        assert!(s.school_name.is_some() || level == "Adulte");
    }
    let children: usize = ages.range(6..=17).map(|(_, n)| n).sum();
    assert!(children * 10 >= n.students.len() * 7, "{ages:?}");
    let cham = n.students.iter().filter(|s| s.cham).count() as f64;
    let college = n
        .students
        .iter()
        .filter(|s| ["6e", "5e", "4e", "3e"].contains(&s.school_level.as_deref().unwrap()))
        .count() as f64;
    assert!(
        (0.03..=0.08).contains(&(cham / college)),
        "{cham} CHAM of {college}"
    );
}

fn age(birth: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

fn is_phone(text: &str) -> bool {
    // ^0[1-9]( \d\d){4}$
    let b = text.as_bytes();
    b.len() == 14
        && b[0] == b'0'
        && (b'1'..=b'9').contains(&b[1])
        && (0..4).all(|i| {
            let at = 2 + 3 * i;
            b[at] == b' ' && b[at + 1].is_ascii_digit() && b[at + 2].is_ascii_digit()
        })
}

#[test]
fn phone_check_works() {
    assert!(is_phone("06 12 34 56 78"));
    assert!(!is_phone("00 12 34 56 78"));
    assert!(!is_phone("06 12 34 56 7"));
    assert!(!is_phone("0612345678"));
}

/// Everything the schema and the application rely on.
fn check(n: &DemoNetwork) {
    let now = n.generated_at;
    // School years and the campaign.
    assert_eq!(n.school_years.len(), 5);
    let current = &n.school_years[n.current_year];
    let next = &n.school_years[n.next_year];
    assert_eq!(next.start_year, current.start_year + 1);
    for y in &n.school_years {
        assert_eq!(y.label, format!("{}-{}", y.start_year, y.start_year + 1));
        assert!(y.starts_on < y.ends_on);
    }
    let today = now.date_naive();
    assert!(current.starts_on <= today && today < next.starts_on);
    let campaign = &n.campaigns[0];
    assert_eq!(campaign.school_year, n.next_year);
    assert_eq!(campaign.status, "open");
    assert!(campaign.label.ends_with(&next.label));
    assert!(campaign.opens_at < now && now < campaign.closes_at);
    assert!(campaign.documents_deadline > campaign.closes_at.date_naive());

    // Families, guardians, students.
    let numbers: HashSet<&str> = n
        .families
        .iter()
        .map(|f| f.family_number.as_str())
        .collect();
    assert_eq!(numbers.len(), n.families.len());
    for f in &n.families {
        assert!(f.family_number.starts_with("F-") && f.family_number.len() == 8);
        assert!(f.postcode.len() == 5 && f.postcode.bytes().all(|b| b.is_ascii_digit()));
        assert!(!f.address_line.is_empty() && !f.town.is_empty());
        assert!(f.created_at <= f.updated_at && f.updated_at <= now);
    }
    let mut guardians = vec![0; n.families.len()];
    let mut ranks = HashSet::new();
    for g in &n.guardians {
        guardians[g.family] += 1;
        assert!(ranks.insert((g.family, g.rank)));
        assert!(!g.last_name.is_empty() && !g.first_name.is_empty());
        assert!(["mere", "pere", "tuteur", "autre"].contains(&g.relationship));
        for phone in [&g.phone_mobile, &g.phone_home, &g.phone_work]
            .into_iter()
            .flatten()
        {
            assert!(is_phone(phone), "{phone}");
        }
        if let Some(mobile) = &g.phone_mobile {
            assert!(mobile.starts_with("06") || mobile.starts_with("07"));
        }
        if let Some(email) = &g.email {
            let (local, domain) = email.split_once('@').unwrap();
            assert!(["exemple.fr", "exemple.com", "courriel.fr"].contains(&domain));
            assert!(!local.is_empty());
            assert!(
                email
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"@.-".contains(&b))
            );
        }
    }
    assert!(guardians.iter().all(|g| (1..=2).contains(g)));
    let mut children = vec![0; n.families.len()];
    for s in &n.students {
        children[s.family] += 1;
        assert!((1..=8).contains(&s.site_id));
        assert!(!s.last_name.is_empty() && !s.first_name.is_empty());
        assert!(s.created_at <= s.updated_at && s.updated_at <= now);
    }
    assert!(children.iter().all(|c| (1..=4).contains(c)));

    // Offer.
    let codes: HashSet<&str> = n.disciplines.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes.len(), n.disciplines.len());
    assert!(
        n.disciplines
            .iter()
            .all(|d| !d.code.is_empty() && !d.name.is_empty())
    );
    assert!(n.courses.iter().all(|c| !c.name.is_empty()));
    let mut course_names = HashSet::new();
    for c in &n.courses {
        assert!(c.discipline < n.disciplines.len() && c.school_year < n.school_years.len());
        assert!(course_names.insert((c.site_id, c.school_year, c.discipline, c.name.as_str())));
        assert!(c.cycle.is_none_or(|c| (1..=3).contains(&c)));
        let kind = n.disciplines[c.discipline].kind;
        let expected = match kind {
            "formation_musicale" => "slot",
            "instrument" => "teacher",
            _ => "level",
        };
        assert_eq!(c.seat_mode, expected);
    }
    let mut taken = vec![0; n.slots.len()];
    for e in &n.enrolments {
        assert!(e.student < n.students.len() && e.course < n.courses.len());
        assert_eq!(n.courses[e.course].school_year, e.school_year);
        assert_eq!(n.courses[e.course].site_id, n.students[e.student].site_id);
        assert!(e.created_at <= now);
        match e.school_year {
            y if y == n.next_year || y == n.current_year => {
                assert_eq!(e.outcome, Some("en_cours"))
            }
            _ => assert!(matches!(e.outcome, Some("acquis" | "non_acquis"))),
        }
        if let Some(slot) = e.slot {
            assert_eq!(n.slots[slot].course, e.course);
            if e.status == "active" {
                taken[slot] += 1;
            }
        }
    }
    let unique: HashSet<_> = n
        .enrolments
        .iter()
        .map(|e| (e.student, e.course, e.school_year))
        .collect();
    assert_eq!(unique.len(), n.enrolments.len());
    let mut busy: HashSet<(i16, i16, String, u32)> = HashSet::new();
    for (i, s) in n.slots.iter().enumerate() {
        assert_eq!(s.seats_taken, taken[i], "slot {i}");
        assert!(0 <= s.seats_taken && s.seats_taken <= s.capacity);
        assert!((1..=6).contains(&s.day_of_week));
        assert!(s.starts_at < s.ends_at && s.ends_at.as_str() <= "20:00");
        assert!(s.starts_at.as_str() >= "09:00");
        assert!(s.teacher.starts_with("Mme ") || s.teacher.starts_with("M. "));
        assert!(!s.room.is_empty());
        let course = &n.courses[s.course];
        assert!(course.school_year == n.current_year || course.school_year == n.next_year);
        // No teacher and no room is booked twice at once (checked minute by
        // quarter hour).
        let minutes = |t: &str| -> u32 {
            let (h, m) = t.split_once(':').unwrap();
            h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
        };
        let (from, to) = (minutes(&s.starts_at), minutes(&s.ends_at));
        let mut t = from;
        while t < to {
            let key = (
                course.site_id,
                s.day_of_week,
                format!("{}{}", course.school_year, s.room),
                t,
            );
            assert!(busy.insert(key), "room {} double-booked", s.room);
            t += 15;
        }
    }

    // Waiting lists: on full next-year slots, ranked 1..n.
    let mut ranks: BTreeMap<usize, Vec<i32>> = BTreeMap::new();
    let mut pairs = HashSet::new();
    for w in &n.waiting_list {
        let slot = &n.slots[w.slot];
        assert_eq!(n.courses[slot.course].school_year, n.next_year);
        assert_eq!(slot.seats_taken, slot.capacity);
        assert!(pairs.insert((w.slot, w.student)));
        ranks.entry(w.slot).or_default().push(w.rank);
        assert!(w.created_at <= now);
    }
    for list in ranks.values() {
        let expected: Vec<i32> = (1..=list.len() as i32).collect();
        assert_eq!(list, &expected);
    }

    // Staff.
    let logins: HashSet<&str> = n.staff.iter().map(|s| s.login.as_str()).collect();
    assert_eq!(logins.len(), n.staff.len());
    assert!(logins.contains("admin.demo") && logins.contains("resp.meudon"));
    assert!(logins.contains("agent.meudon"));
    for s in &n.staff {
        assert!(s.is_demo && !s.display_name.is_empty() && !s.sites.is_empty());
        assert_eq!(s.password, format!("demo-{}", s.login));
    }
    for site in 1..=8 {
        for role in ["responsable", "agent"] {
            assert!(
                n.staff
                    .iter()
                    .any(|s| s.role == role && s.sites.contains(&site))
            );
        }
    }

    // Dossiers.
    let mut students = HashSet::new();
    let mut client_ids = HashSet::new();
    let mut acks = HashSet::new();
    for r in &n.reinscriptions {
        assert!(students.insert(r.student), "two dossiers for one student");
        assert!(client_ids.insert(r.client_id));
        assert!(r.created_at <= r.updated_at && r.updated_at <= now);
        assert!(r.created_at >= campaign.opens_at);
        let validated = r.status == "validated";
        assert_eq!(r.accepted_at.is_some(), validated);
        assert_eq!(r.acknowledgement_number.is_some(), validated);
        assert_eq!(r.validated_by_kind.is_some(), validated);
        assert_eq!(r.validation_channel.is_some(), validated);
        assert_eq!(
            r.validated_by_staff.is_some(),
            r.validated_by_kind == Some("staff")
        );
        if let Some(staff) = r.validated_by_staff {
            assert!(
                n.staff[staff]
                    .sites
                    .contains(&n.students[r.student].site_id)
            );
        }
        if let Some(ack) = &r.acknowledgement_number {
            assert!(acks.insert(ack.clone()));
            assert!(ack.starts_with(&format!("AR-{}-", next.start_year)) && ack.len() == 14);
        }
        if r.status != "draft" {
            assert!(r.intent.is_some() && r.image_rights.is_some());
        }
        if let Some(reason) = &r.no_reason {
            assert_eq!(r.intent, Some("ne_pas_reinscrire"));
            // Stored as the app stores it: a label of its list, then the
            // free text if any.
            assert!(
                portee_domain::reinscription::NoReason::ALL.iter().any(
                    |k| reason == k.label() || reason.starts_with(&format!("{} : ", k.label()))
                ),
                "{reason}"
            );
        }
    }
    for rc in &n.reinscription_courses {
        let r = &n.reinscriptions[rc.reinscription];
        assert_eq!(r.intent, Some("reinscrire"));
        let course = &n.courses[rc.course];
        assert_eq!(course.school_year, n.next_year);
        assert_eq!(course.site_id, n.students[r.student].site_id);
        if let Some(slot) = rc.slot {
            assert_eq!(n.slots[slot].course, rc.course);
            assert_eq!(course.seat_mode, "slot");
            assert!(matches!(r.status, "submitted" | "validated"));
            // The seat is held by a next-year enrolment.
            assert!(
                n.enrolments.iter().any(|e| e.slot == Some(slot)
                    && e.student == r.student
                    && e.status == "active")
            );
        }
    }

    // Documents.
    let mut owed: Vec<HashSet<&str>> = vec![HashSet::new(); n.families.len()];
    for d in &n.documents {
        owed[d.family].insert(d.doc_type);
        let has_content = d.status != "missing";
        assert_eq!(d.content.is_some(), has_content);
        assert_eq!(d.rejection_reason.is_some(), d.status == "rejected");
        assert_eq!(
            d.reviewed_at.is_some(),
            matches!(d.status, "accepted" | "rejected")
        );
        if let Some(content) = &d.content {
            assert!(content.starts_with(b"%PDF-1.4") && content.ends_with(b"%%EOF\n"));
            assert_eq!(d.sha256.as_deref(), Some(sha256_hex(content).as_str()));
            assert_eq!(d.size_bytes, Some(content.len() as i64));
            assert_eq!(d.page_count, Some(1));
            assert!(d.file_name.as_deref().is_some_and(|f| f.ends_with(".pdf")));
            let uploaded = d.uploaded_at.unwrap();
            assert!(uploaded <= now && uploaded >= campaign.opens_at);
            assert_eq!(
                d.uploaded_by_staff.is_some(),
                d.uploaded_by_kind == Some("staff")
            );
            if d.status == "accepted" && d.doc_type == "justificatif_domicile" {
                let date = d.document_date.unwrap();
                assert!((uploaded.date_naive() - date).num_days() < 92);
            }
        } else {
            assert!(d.file_name.is_none() && d.uploaded_at.is_none() && d.sha256.is_none());
        }
    }
    let mut under_20 = vec![0; n.families.len()];
    for s in &n.students {
        if age(s.birth_date, today) < 20 {
            under_20[s.family] += 1;
        }
    }
    for (f, family) in n.families.iter().enumerate() {
        let types = &owed[f];
        assert!(types.contains("justificatif_domicile") && types.contains("avis_imposition"));
        assert_eq!(family.hosted, types.contains("attestation_hebergement"));
        assert_eq!(family.hosted, types.contains("piece_identite_hebergeant"));
        if under_20[f] >= 2 {
            assert!(types.contains("attestation_caf"));
        }
    }
}

#[test]
fn written_in_the_morning_the_past_ends_before_the_writing() {
    // 09:30 UTC: before the 16:00 the demo otherwise pretends to be.
    let taken_at = crate::util::at(today(), 9, 30);
    let n = generate(&DemoOptions {
        taken_at: Some(taken_at),
        ..options(300, 5)
    });
    assert!(n.generated_at < taken_at, "{}", n.generated_at);
    check(&n);
    // Without an instant, the same options give the usual 16:00.
    assert_eq!(
        generate(&options(50, 5)).generated_at,
        crate::util::at(today(), 16, 0)
    );
}
