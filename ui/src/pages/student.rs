//! The fiche élève: tabs Identité, Coordonnées (the family's, editable),
//! Cours (this year and earlier ones), Documents, and « Historique des
//! modifications », where family edits and staff edits are told apart.

use portee_api::{
    ApiError, ErrorCode,
    families::{
        DocumentView, GetStudent, GetStudentRequest, OpenDocument, OpenDocumentRequest, Period,
        StudentRecordView, UpdateContact, UpdateContactRequest,
    },
    journal::{History, HistoryEntry, HistoryRequest, HistorySubject},
};
use portee_domain::family::{ContactInput, GuardianContactInput};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{
        Button, ButtonKind, DataTable, HistoryList, RequiredLegend, StatusKind, StatusMessage,
        TextField, field_error,
    },
    pages::reinscription::ReinscriptionFlow,
    shared::{SessionEvents, session_error},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Identity,
    Contact,
    Courses,
    Documents,
    Reinscription,
    History,
}

impl Tab {
    const ALL: [Tab; 6] = [
        Tab::Identity,
        Tab::Contact,
        Tab::Courses,
        Tab::Documents,
        Tab::Reinscription,
        Tab::History,
    ];

    fn label(self) -> &'static str {
        match self {
            Tab::Identity => "Identité",
            Tab::Contact => "Coordonnées",
            Tab::Courses => "Cours",
            Tab::Documents => "Documents",
            Tab::Reinscription => "Réinscription",
            Tab::History => "Historique des modifications",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Tab::Identity => "identite",
            Tab::Contact => "coordonnees",
            Tab::Courses => "cours",
            Tab::Documents => "documents",
            Tab::Reinscription => "reinscription",
            Tab::History => "historique",
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct StudentPageProps {
    pub student_id: i64,
    pub on_back: Callback<()>,
    /// Opens a sibling's record.
    pub on_open: Callback<i64>,
    /// Opens on the Réinscription tab (from the Réinscriptions list).
    #[prop_or_default]
    pub reinscription: bool,
}

#[component]
pub fn StudentPage(props: &StudentPageProps) -> Html {
    let events = use_context::<SessionEvents>();
    let record = use_state(|| None::<Result<StudentRecordView, ApiError>>);
    let tab = {
        let first = if props.reinscription {
            Tab::Reinscription
        } else {
            Tab::Identity
        };
        use_state(move || first)
    };
    // Bumped after a save: the record (and the history) are read again.
    let generation = use_state(|| 0u32);
    // Hooks come before any early return (Yew needs the same order each render).
    let notice = use_state(|| None::<String>);
    let whole_family = use_state(|| false);
    {
        let (record, events) = (record.clone(), events.clone());
        use_effect_with((props.student_id, *generation), move |(id, _)| {
            let request = GetStudentRequest { student_id: *id };
            spawn_local(async move {
                match api::call::<GetStudent>(&request).await {
                    Ok(r) => record.set(Some(Ok(r))),
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            record.set(Some(Err(e)));
                        }
                    }
                }
            });
        });
    }
    // The fiche, once loaded the first time, takes the focus on its title
    // (announced; Tab goes on to its tabs). Not after a save, not when it
    // opens on the réinscription, whose step title takes it.
    {
        let focused = use_mut_ref(|| false);
        let loaded = matches!(*record, Some(Ok(_)));
        let to_title = !props.reinscription;
        use_effect_with(loaded, move |loaded| {
            if *loaded && to_title && !*focused.borrow() {
                *focused.borrow_mut() = true;
                crate::shared::focus_by_id("titre-page");
            }
        });
    }
    let back = html! {
        <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("fiche-retour"))} onclick={props.on_back.clone()}>
            { "← Retour aux résultats" }
        </Button>
    };
    let r = match &*record {
        None => {
            return html! { <section class="page" aria-busy="true">{ back }<p>{ "Chargement de la fiche…" }</p></section> };
        }
        Some(Err(e)) => {
            return html! {
                <section class="page">{ back }
                    <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("fiche-erreur"))}>{ e.message.clone() }</StatusMessage>
                </section>
            };
        }
        Some(Ok(r)) => r.clone(),
    };
    let tabs = Tab::ALL.iter().map(|&t| {
        let selected = *tab == t;
        let onclick = {
            let tab = tab.clone();
            Callback::from(move |_: MouseEvent| tab.set(t))
        };
        html! {
            <button type="button" role="tab" id={format!("onglet-{}", t.slug())}
                aria-selected={if selected { "true" } else { "false" }}
                aria-controls="fiche-panneau"
                class={classes!("tab", selected.then_some("tab-current"))} {onclick}>{ t.label() }</button>
        }
    });
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    let on_saved = {
        let (generation, notice) = (generation.clone(), notice.clone());
        Callback::from(move |()| {
            notice.set(Some(
                "Coordonnées enregistrées. La modification figure dans l'historique.".into(),
            ));
            generation.set(*generation + 1);
        })
    };
    let panel = match *tab {
        Tab::Identity => identity(&r, &props.on_open),
        // Keyed by version: a new version (saved here or elsewhere) starts
        // the form again from what is stored.
        Tab::Contact => html! {
            <>
                if let Some(text) = &*notice {
                    <StatusMessage kind={StatusKind::Success} id={Some(AttrValue::from("coord-message"))}>{ text.clone() }</StatusMessage>
                }
                <ContactForm key={r.family.version.to_string()} record={r.clone()} {on_saved}
                    on_reload={let (n, r) = (notice.clone(), reload.clone()); Callback::from(move |()| { n.set(None); r.emit(()); })} />
            </>
        },
        Tab::Courses => courses(&r),
        Tab::Documents => {
            html! { <DocumentsTab documents={r.documents.clone()} family_id={r.family.id} /> }
        }
        Tab::Reinscription => {
            // The flow's Identité and Coordonnées steps show the fiche's
            // own panels (the same form, the same versioned save).
            let contact = html! {
                <>
                    if let Some(text) = &*notice {
                        <StatusMessage kind={StatusKind::Success} id={Some(AttrValue::from("coord-message"))}>{ text.clone() }</StatusMessage>
                    }
                    <ContactForm key={r.family.version.to_string()} record={r.clone()} on_saved={on_saved.clone()}
                        on_reload={let (n, r) = (notice.clone(), reload.clone()); Callback::from(move |()| { n.set(None); r.emit(()); })} />
                </>
            };
            html! { <ReinscriptionFlow student_id={r.student.id} on_done={reload.clone()}
            identity={identity(&r, &props.on_open)} {contact} /> }
        }
        Tab::History => html! {
            <>
                <fieldset class="field scope-choice">
                    <legend class="visually-hidden">{ "Étendue de l'historique" }</legend>
                    <div class="yes-no-options">
                        <label class="choice"><input type="radio" name="historique-etendue" id="historique-eleve"
                            checked={!*whole_family} onchange={let w = whole_family.clone(); Callback::from(move |_: Event| w.set(false))} />
                            { format!("{} et sa famille", r.student.first_name) }</label>
                        <label class="choice"><input type="radio" name="historique-etendue" id="historique-famille"
                            checked={*whole_family} onchange={let w = whole_family.clone(); Callback::from(move |_: Event| w.set(true))} />
                            { "Toute la famille (frères et sœurs compris)" }</label>
                    </div>
                </fieldset>
                <HistoryTab subject={if *whole_family { HistorySubject::Family(r.family.id) } else { HistorySubject::Student(r.student.id) }}
                    generation={*generation} />
            </>
        },
    };
    let s = &r.student;
    html! {
        <section class="page" id="fiche-eleve" aria-labelledby="titre-page" data-student={s.id.to_string()}>
            { back }
            <h1 id="titre-page" tabindex="-1">{ format!("{} {}", s.first_name, s.last_name) }</h1>
            <p class="subtitle">
                { format!("Né(e) le {} · {} · famille ", s.birth_date, s.site_name) }
                <code>{ &r.family.family_number }</code>
                if s.cham { <span class="tag">{ "CHAM" }</span> }
            </p>
            <div class="tabs" role="tablist" aria-label="Fiche élève">{ for tabs }</div>
            <div class="tab-panel" id="fiche-panneau" role="tabpanel" aria-labelledby={format!("onglet-{}", tab.slug())}>
                { panel }
            </div>
        </section>
    }
}

fn or_dash(v: &Option<String>) -> String {
    v.clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".to_owned())
}

fn identity(r: &StudentRecordView, on_open: &Callback<i64>) -> Html {
    let s = &r.student;
    html! {
        <>
            <dl class="facts" id="identite">
                <dt>{ "Nom" }</dt><dd>{ &s.last_name }</dd>
                <dt>{ "Prénom" }</dt><dd>{ &s.first_name }</dd>
                <dt>{ "Date de naissance" }</dt><dd>{ &s.birth_date }</dd>
                <dt>{ "Sexe" }</dt><dd>{ &s.sex_label }</dd>
                <dt>{ "Niveau scolaire" }</dt><dd>{ or_dash(&s.school_level) }</dd>
                <dt>{ "Établissement scolaire" }</dt><dd>{ or_dash(&s.school_name) }</dd>
                <dt>{ "Nationalité" }</dt><dd>{ or_dash(&s.nationality) }</dd>
                <dt>{ "Site" }</dt><dd>{ &s.site_name }</dd>
                <dt>{ "Classe CHAM" }</dt><dd>{ if s.cham { "oui" } else { "non" } }</dd>
            </dl>
            <h2>{ "Responsables légaux" }</h2>
            <ul class="plain">
                { for r.guardians.iter().map(|g| html! {
                    <li>{ format!("{} {} ({})", g.first_name, g.last_name, g.relationship_label) }</li>
                }) }
            </ul>
            if !r.siblings.is_empty() {
                <h2>{ "Frères et sœurs" }</h2>
                <ul class="plain" id="fratrie">
                    { for r.siblings.iter().map(|b| {
                        if let (true, Some(id)) = (b.visible, b.student_id) {
                            let on_open = on_open.clone();
                            html! { <li><button type="button" class="btn-link" onclick={Callback::from(move |_: MouseEvent| on_open.emit(id))}>{ &b.name }</button>{ format!(" · {}", b.site_name) }</li> }
                        } else {
                            // No name for a site this account does not cover.
                            html! { <li class="hint">{ format!("{} ({})", b.name, b.site_name) }</li> }
                        }
                    }) }
                </ul>
            }
        </>
    }
}

fn courses(r: &StudentRecordView) -> Html {
    let rows = |period: Period| -> Vec<Vec<Html>> {
        r.enrolments
            .iter()
            .filter(|e| e.period == period)
            .map(|e| {
                vec![
                    html! { &e.school_year },
                    html! { &e.course_name },
                    html! { &e.schedule },
                    html! { or_dash(&e.teacher) },
                    html! { e.outcome_label.clone().map_or_else(|| e.status_label.clone(), |o| format!("{} · {o}", e.status_label)) },
                ]
            })
            .collect()
    };
    let columns = || {
        vec![
            AttrValue::from("Année"),
            AttrValue::from("Cours"),
            AttrValue::from("Horaire"),
            AttrValue::from("Professeur"),
            AttrValue::from("État"),
        ]
    };
    html! {
        <>
            <h2>{ "Cours de l'année" }</h2>
            <DataTable id={Some(AttrValue::from("cours-annee"))} caption="Cours de l'année" caption_hidden=true
                columns={columns()} rows={rows(Period::Current)} empty="Aucun cours cette année." />
            if r.enrolments.iter().any(|e| e.period == Period::Next) {
                <h2>{ "Cours de l'an prochain (réinscription)" }</h2>
                <DataTable id={Some(AttrValue::from("cours-an-prochain"))} caption="Cours de l'an prochain" caption_hidden=true
                    columns={columns()} rows={rows(Period::Next)} />
            }
            <h2>{ "Historique des cours" }</h2>
            <DataTable id={Some(AttrValue::from("cours-historique"))} caption="Cours des années précédentes" caption_hidden=true
                columns={columns()} rows={rows(Period::Past)} empty="Aucun cours les années précédentes." />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ContactFormProps {
    record: StudentRecordView,
    on_saved: Callback<()>,
    /// Read the record again (after a conflict).
    on_reload: Callback<()>,
}

fn input_of(r: &StudentRecordView) -> ContactInput {
    let f = &r.family;
    ContactInput {
        address_line: f.address_line.clone(),
        address_extra: f.address_extra.clone().unwrap_or_default(),
        postcode: f.postcode.clone(),
        town: f.town.clone(),
        guardians: r
            .guardians
            .iter()
            .map(|g| GuardianContactInput {
                guardian_id: g.id,
                phone_mobile: g.phone_mobile.clone().unwrap_or_default(),
                phone_home: g.phone_home.clone().unwrap_or_default(),
                phone_work: g.phone_work.clone().unwrap_or_default(),
                email: g.email.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

/// The family's coordonnées. What is typed stays on screen whatever the
/// backend answers (a conflict, a refused value, a lost database).
#[component]
fn ContactForm(props: &ContactFormProps) -> Html {
    let events = use_context::<SessionEvents>();
    let input = use_state(|| input_of(&props.record));
    // The version the typed values started from.
    let version = use_state(|| props.record.family.version);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let editable = props.record.can_edit;

    let set = |f: fn(&mut ContactInput, String)| {
        let input = input.clone();
        Callback::from(move |v: String| {
            let mut next = (*input).clone();
            f(&mut next, v);
            input.set(next);
        })
    };
    let set_guardian = |i: usize, f: fn(&mut GuardianContactInput, String)| {
        let input = input.clone();
        Callback::from(move |v: String| {
            let mut next = (*input).clone();
            if let Some(g) = next.guardians.get_mut(i) {
                f(g, v);
            }
            input.set(next);
        })
    };
    let field_error = |field: &str| field_error(&error, field);
    let onsubmit = {
        let (input, version, error, busy, events, on_saved) = (
            input.clone(),
            version.clone(),
            error.clone(),
            busy.clone(),
            events.clone(),
            props.on_saved.clone(),
        );
        let family_id = props.record.family.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let request = UpdateContactRequest {
                family_id,
                version: *version,
                contact: (*input).clone(),
            };
            let (version, error, busy, events, on_saved) = (
                version.clone(),
                error.clone(),
                busy.clone(),
                events.clone(),
                on_saved.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                match api::call::<UpdateContact>(&request).await {
                    Ok(family) => {
                        version.set(family.version);
                        error.set(None);
                        on_saved.emit(());
                    }
                    Err(e) => error.set(session_error(&events, e)),
                }
                busy.set(false);
            });
        })
    };
    // What was typed is replaced by the stored version only on request.
    let reload = props.on_reload.clone();
    let conflict = (*error)
        .as_ref()
        .is_some_and(|e| e.code == ErrorCode::Conflict);
    let guardians = props.record.guardians.iter().enumerate().map(|(i, g)| {
        let Some(gi) = input.guardians.get(i).cloned() else {
            return html! {};
        };
        let id = |suffix: &str| AttrValue::from(format!("coord-g{i}-{suffix}"));
        let err = |f: &str| field_error(&format!("guardians.{i}.{f}"));
        html! {
            <fieldset class="guardian">
                <legend>{ format!("{} {} ({})", g.first_name, g.last_name, g.relationship_label) }</legend>
                <TextField id={id("portable")} label="Téléphone portable" required={i == 0} input_type="tel" inputmode={Some(AttrValue::from("tel"))}
                    value={AttrValue::from(gi.phone_mobile.clone())} oninput={set_guardian(i, |g, v| g.phone_mobile = v)}
                    error={err("phone_mobile")} disabled={!editable}
                    hint={(i == 0).then(|| AttrValue::from("Au moins un numéro pour le premier responsable, par exemple 06 12 34 56 78."))} />
                <TextField id={id("domicile")} label="Téléphone domicile" input_type="tel" inputmode={Some(AttrValue::from("tel"))}
                    value={AttrValue::from(gi.phone_home.clone())} oninput={set_guardian(i, |g, v| g.phone_home = v)}
                    error={err("phone_home")} disabled={!editable} />
                <TextField id={id("travail")} label="Téléphone professionnel" input_type="tel" inputmode={Some(AttrValue::from("tel"))}
                    value={AttrValue::from(gi.phone_work.clone())} oninput={set_guardian(i, |g, v| g.phone_work = v)}
                    error={err("phone_work")} disabled={!editable} />
                <TextField id={id("courriel")} label="Courriel" input_type="email"
                    value={AttrValue::from(gi.email.clone())} oninput={set_guardian(i, |g, v| g.email = v)}
                    error={err("email")} disabled={!editable}
                    hint={(i == 0).then(|| AttrValue::from("L'accusé de réception part à cette adresse."))} />
            </fieldset>
        }
    });
    html! {
        <form id="coordonnees" class="form" novalidate=true {onsubmit}>
            <RequiredLegend />
            if !editable {
                <StatusMessage kind={StatusKind::Info}>{ "Votre rôle permet de consulter ces coordonnées, pas de les modifier." }</StatusMessage>
            }
            <TextField id="coord-adresse" label="Adresse (numéro et voie)" required=true value={AttrValue::from(input.address_line.clone())}
                oninput={set(|c, v| c.address_line = v)} error={field_error("address_line")} disabled={!editable}
                autocomplete={Some(AttrValue::from("address-line1"))} />
            <TextField id="coord-complement" label="Complément d'adresse" value={AttrValue::from(input.address_extra.clone())}
                oninput={set(|c, v| c.address_extra = v)} error={field_error("address_extra")} disabled={!editable}
                autocomplete={Some(AttrValue::from("address-line2"))} />
            <div class="field-row">
                <TextField id="coord-code-postal" label="Code postal" required=true inputmode={Some(AttrValue::from("numeric"))}
                    value={AttrValue::from(input.postcode.clone())} oninput={set(|c, v| c.postcode = v)}
                    error={field_error("postcode")} disabled={!editable} autocomplete={Some(AttrValue::from("postal-code"))} />
                <TextField id="coord-commune" label="Commune" required=true value={AttrValue::from(input.town.clone())}
                    oninput={set(|c, v| c.town = v)} error={field_error("town")} disabled={!editable}
                    autocomplete={Some(AttrValue::from("address-level2"))} />
            </div>
            { for guardians }
            if let Some(e) = (*error).as_ref().filter(|e| e.field.is_none() || e.field.as_deref() == Some("guardians")) {
                <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("coord-erreur"))}>{ e.message.clone() }</StatusMessage>
            }
            if editable {
                <div class="actions">
                    <Button submit=true busy={*busy} id={Some(AttrValue::from("coord-enregistrer"))}>{ "Enregistrer les coordonnées" }</Button>
                    if conflict {
                        <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("coord-recharger"))} onclick={reload}>{ "Recharger la fiche (abandonne mes saisies)" }</Button>
                    }
                </div>
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct DocumentsTabProps {
    documents: Vec<DocumentView>,
    family_id: i64,
}

#[component]
fn DocumentsTab(props: &DocumentsTabProps) -> Html {
    let events = use_context::<SessionEvents>();
    let message = use_state(|| None::<(StatusKind, String)>);
    let rows: Vec<Vec<Html>> = props
        .documents
        .iter()
        .map(|d| {
            let open = {
                let (message, events, id) = (message.clone(), events.clone(), d.id);
                Callback::from(move |_: MouseEvent| {
                    let (message, events) = (message.clone(), events.clone());
                    message.set(Some((StatusKind::Info, "Ouverture du document…".into())));
                    spawn_local(async move {
                        match api::call::<OpenDocument>(&OpenDocumentRequest { document_id: id }).await {
                            Ok(r) => message.set(Some((
                                if r.opened { StatusKind::Success } else { StatusKind::Info },
                                r.message,
                            ))),
                            Err(e) => match session_error(&events, e) {
                                Some(e) => message.set(Some((StatusKind::Error, e.message))),
                                None => message.set(None),
                            },
                        }
                    });
                })
            };
            vec![
                html! { &d.campaign_label },
                html! { <>{ &d.doc_type_label }if d.sensitive { <span class="tag" title="Chaque consultation est enregistrée.">{ " consultation tracée" }</span> }</> },
                html! { <span class={classes!("doc-status", format!("doc-{}", d.status))}>{ &d.status_label }</span> },
                html! { d.rejection_reason.clone().unwrap_or_default() },
                html! { d.document_date.clone().unwrap_or_else(|| "—".into()) },
                html! { match (&d.uploaded_by, &d.uploaded_on) { (Some(by), Some(on)) => format!("{on} · {by}"), _ => "—".into() } },
                html! {
                    if d.can_open {
                        <button type="button" class="btn-link" id={format!("document-{}-ouvrir", d.id)} onclick={open}>{ "Ouvrir" }</button>
                    }
                },
            ]
        })
        .collect();
    let archive = {
        let (message, events, family_id) = (message.clone(), events.clone(), props.family_id);
        Callback::from(move |_: MouseEvent| {
            let (message, events) = (message.clone(), events.clone());
            message.set(Some((StatusKind::Info, "Préparation de l'archive…".into())));
            spawn_local(async move {
                match api::call::<portee_api::documents::ExportFamilyArchive>(
                    &portee_api::documents::FamilyArchiveRequest { family_id },
                )
                .await
                {
                    Ok(done) => message.set(Some((StatusKind::Success, done.message))),
                    Err(e) => match session_error(&events, e) {
                        Some(e) => message.set(Some((StatusKind::Error, e.message))),
                        None => message.set(None),
                    },
                }
            });
        })
    };
    html! {
        <>
            if let Some((kind, text)) = &*message {
                <StatusMessage kind={*kind} id={Some(AttrValue::from("document-message"))}>{ text.clone() }</StatusMessage>
            }
            <DataTable id={Some(AttrValue::from("documents-famille"))} caption="Documents de la famille" caption_hidden=true
                columns={vec!["Campagne".into(), "Document".into(), "État".into(), "Motif du refus".into(), "Daté du".into(), "Déposé".into(), "".into()]}
                {rows} empty="Aucun document pour cette famille." />
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" id="famille-archive" onclick={archive}>
                    { "Archive des données de la famille (droit d'accès)…" }
                </button>
            </div>
            <p class="hint">{ "Un fichier .zip dans le dossier des exports : les données, l'historique et les documents encore conservés. L'export est tracé dans le journal." }</p>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct HistoryTabProps {
    pub subject: HistorySubject,
    /// Changes when the record was saved: the history is read again.
    #[prop_or_default]
    pub generation: u32,
}

/// The history of a record, read a page at a time.
#[component]
pub fn HistoryTab(props: &HistoryTabProps) -> Html {
    let events = use_context::<SessionEvents>();
    let entries = use_state(Vec::<HistoryEntry>::new);
    let next = use_state(|| None::<i64>);
    let loaded = use_state(|| false);
    let error = use_state(|| None::<String>);
    let load = {
        let (entries, next, loaded, error, events) = (
            entries.clone(),
            next.clone(),
            loaded.clone(),
            error.clone(),
            events.clone(),
        );
        let subject = props.subject;
        Callback::from(move |before_id: Option<i64>| {
            let (entries, next, loaded, error, events) = (
                entries.clone(),
                next.clone(),
                loaded.clone(),
                error.clone(),
                events.clone(),
            );
            spawn_local(async move {
                match api::call::<History>(&HistoryRequest { subject, before_id }).await {
                    Ok(page) => {
                        let mut all = if before_id.is_some() {
                            (*entries).clone()
                        } else {
                            Vec::new()
                        };
                        all.extend(page.entries);
                        entries.set(all);
                        next.set(page.next_before_id);
                        error.set(None);
                    }
                    Err(e) => error.set(session_error(&events, e).map(|e| e.message)),
                }
                loaded.set(true);
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((props.subject, props.generation), move |_| load.emit(None));
    }
    let families = entries.iter().filter(|e| e.actor_kind == "family").count();
    let staff = entries.iter().filter(|e| e.actor_kind == "staff").count();
    html! {
        <section aria-labelledby="titre-historique">
            <h2 id="titre-historique">{ "Historique des modifications" }</h2>
            if let Some(e) = &*error {
                <StatusMessage kind={StatusKind::Error}>{ e.clone() }</StatusMessage>
            }
            if *loaded {
                <p class="hint" id="historique-resume">
                    { format!("{} entrée(s) affichée(s) : {families} par la famille sur l'extranet, {staff} par le personnel.", entries.len()) }
                </p>
                <HistoryList id={Some(AttrValue::from("historique"))} entries={(*entries).clone()} />
                if let Some(before) = *next {
                    <div class="actions">
                        <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("historique-plus"))}
                            onclick={load.reform(move |()| Some(before))}>{ "Afficher les modifications plus anciennes" }</Button>
                    </div>
                }
            } else {
                <p aria-busy="true">{ "Chargement de l'historique…" }</p>
            }
        </section>
    }
}
