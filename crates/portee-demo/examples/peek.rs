use chrono::NaiveDate;
fn main() {
    let n = portee_demo::generate(&portee_demo::DemoOptions {
        students: 8000,
        seed: 42,
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    });
    println!("{:#?}", n.school_years);
    println!("{:#?}", n.campaigns);
    for f in 0..3 {
        println!("{:?}", n.families[f]);
    }
    for g in n.guardians.iter().take(5) {
        println!("{:?}", g);
    }
    for s in n.students.iter().take(6) {
        println!("{:?}", s);
    }
    for s in n.students.iter().filter(|s| s.cham).take(2) {
        println!("{:?}", s);
    }
    for c in n.courses.iter().step_by(37).take(12) {
        println!("{:?}", c);
    }
    for s in n.slots.iter().step_by(97).take(12) {
        println!("{} | {:?}", n.courses[s.course].name, s);
    }
    let st = 5;
    for e in n.enrolments.iter().filter(|e| e.student == st) {
        println!(
            "{} y{} {:?} {:?} {:?}",
            n.courses[e.course].name, e.school_year, e.slot, e.status, e.outcome
        );
    }
    for r in n.reinscriptions.iter().take(4) {
        println!("{:?}", r);
    }
    for r in n
        .reinscriptions
        .iter()
        .filter(|r| r.validated_by_kind == Some("staff"))
        .take(1)
    {
        println!("{:?}", r);
    }
    for r in n
        .reinscriptions
        .iter()
        .filter(|r| r.additional_info.is_some())
        .take(1)
    {
        println!("{:?}", r);
    }
    for rc in n.reinscription_courses.iter().take(6) {
        println!("{:?} {}", rc, n.courses[rc.course].name);
    }
    for w in n.waiting_list.iter().take(4) {
        println!("{:?}", w);
    }
    for s in &n.staff {
        println!("{} {} {} {:?}", s.login, s.display_name, s.role, s.sites);
    }
    for d in n.documents.iter().filter(|d| d.status != "missing").take(3) {
        let mut d = d.clone();
        let len = d.content.take().map(|c| c.len());
        println!("{:?} {:?}", d, len);
    }
    for d in n
        .documents
        .iter()
        .filter(|d| d.status == "rejected")
        .take(3)
    {
        println!(
            "{:?} {:?} {:?}",
            d.doc_type, d.rejection_reason, d.document_date
        );
    }
    let d = n
        .documents
        .iter()
        .find(|d| d.doc_type == "attestation_hebergement" && d.content.is_some())
        .unwrap();
    std::fs::write("/tmp/heb.pdf", d.content.as_ref().unwrap()).unwrap();
    let d = n
        .documents
        .iter()
        .find(|d| d.doc_type == "justificatif_domicile" && d.content.is_some())
        .unwrap();
    std::fs::write("/tmp/just.pdf", d.content.as_ref().unwrap()).unwrap();
    let d = n
        .documents
        .iter()
        .find(|d| d.doc_type == "avis_imposition" && d.content.is_some())
        .unwrap();
    std::fs::write("/tmp/avis.pdf", d.content.as_ref().unwrap()).unwrap();
    let teachers: std::collections::BTreeSet<_> = n
        .slots
        .iter()
        .filter(|s| n.courses[s.course].site_id == 5 && n.courses[s.course].school_year == 3)
        .map(|s| (s.teacher.clone(), s.room.clone()))
        .collect();
    println!(
        "{} teachers at Meudon: {:?}",
        teachers.len(),
        teachers.iter().take(10).collect::<Vec<_>>()
    );
    let mut sched: Vec<_> = n
        .slots
        .iter()
        .filter(|s| {
            n.courses[s.course].site_id == 5
                && n.courses[s.course].school_year == 3
                && s.teacher == teachers.iter().next().unwrap().0
        })
        .map(|s| {
            (
                s.day_of_week,
                s.starts_at.clone(),
                s.ends_at.clone(),
                n.courses[s.course].name.clone(),
                s.seats_taken,
                s.capacity,
            )
        })
        .collect();
    sched.sort();
    for x in sched {
        println!("  {:?}", x);
    }
}
