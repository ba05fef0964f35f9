//! Élèves & familles: search as you type, within the member's sites, then
//! the fiche élève of a result. The search stays as typed while a record
//! is open, so « Retour aux résultats » finds it again.

use portee_api::families::{SearchStudents, SearchStudentsRequest, StudentHit};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{DataTable, StatusKind, StatusMessage, TextField},
    pages::student::StudentPage,
    shared::SessionEvents,
};

#[derive(Properties, PartialEq)]
pub struct FamiliesPageProps {
    /// Reached with Ctrl+K: the search field takes the focus on mount.
    #[prop_or_default]
    pub focus_search: bool,
}

#[component]
pub fn FamiliesPage(props: &FamiliesPageProps) -> Html {
    let events = use_context::<SessionEvents>();
    let query = use_state(String::new);
    let results = use_state(|| None::<Vec<StudentHit>>);
    let error = use_state(|| None::<AttrValue>);
    let sequence = use_mut_ref(|| 0u64);
    let open = use_state(|| None::<i64>);
    {
        let focus = props.focus_search;
        use_effect_with((), move |_| {
            if focus {
                crate::shared::focus_by_id("recherche");
            }
        });
    }

    let oninput = {
        let (query, results, error, sequence) = (
            query.clone(),
            results.clone(),
            error.clone(),
            sequence.clone(),
        );
        Callback::from(move |text: String| {
            query.set(text.clone());
            *sequence.borrow_mut() += 1;
            let mine = *sequence.borrow();
            if text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                results.set(None);
                error.set(None);
                return;
            }
            let (results, error, sequence, events) = (
                results.clone(),
                error.clone(),
                sequence.clone(),
                events.clone(),
            );
            spawn_local(async move {
                let outcome =
                    api::call::<SearchStudents>(&SearchStudentsRequest { query: text }).await;
                if *sequence.borrow() != mine {
                    return; // a newer search is on its way
                }
                match outcome {
                    Ok(hits) => {
                        error.set(None);
                        results.set(Some(hits));
                    }
                    Err(e) => {
                        if let Some(e) = crate::shared::session_error(&events, e) {
                            error.set(Some(AttrValue::from(e.message)));
                        }
                    }
                }
            });
        })
    };
    let rows: Vec<Vec<Html>> = (*results)
        .iter()
        .flatten()
        .map(|h| {
            let onclick = {
                let (open, id) = (open.clone(), h.student_id);
                Callback::from(move |_: MouseEvent| open.set(Some(id)))
            };
            vec![
                html! { <button type="button" class="btn-link" id={format!("eleve-{}", h.student_id)} {onclick}>{ &h.last_name }</button> },
                html! { &h.first_name },
                html! { &h.birth_date },
                html! { <span class="cell-site">{ &h.site_name }</span> },
                html! { <code>{ &h.family_number }</code> },
                html! { <span class="dossier-status">{ &h.dossier_status }</span> },
            ]
        })
        .collect();
    if let Some(id) = *open {
        let back = {
            let open = open.clone();
            Callback::from(move |()| open.set(None))
        };
        let on_open = {
            let open = open.clone();
            Callback::from(move |id: i64| open.set(Some(id)))
        };
        return html! { <StudentPage key={id.to_string()} student_id={id} on_back={back} {on_open} /> };
    }
    html! {
        <section class="page" aria-labelledby="titre-page">
            <h1 id="titre-page">{ "Élèves & familles" }</h1>
            <div class="search-box">
                <TextField id="recherche" label="Rechercher un élève ou une famille"
                    value={AttrValue::from((*query).clone())} {oninput} error={(*error).clone()}
                    hint={Some(AttrValue::from(format!("Nom, prénom, n° de famille (F-…), date de naissance (JJ/MM/AAAA), téléphone ou courriel. Depuis tout écran : {}+K.", crate::text::shortcut_modifier())))}
                    autocomplete={Some(AttrValue::from("off"))} />
            </div>
            if let Some(hits) = &*results {
                <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("recherche-compte"))}>
                    { match hits.len() { 0 => "Aucun résultat.".to_owned(), 1 => "1 résultat.".to_owned(), n => format!("{n} résultats.") } }
                </StatusMessage>
                <DataTable id={Some(AttrValue::from("resultats"))} caption="Résultats de la recherche" caption_hidden=true
                    columns={vec![AttrValue::from("Nom"), AttrValue::from("Prénom"), AttrValue::from("Né(e) le"), AttrValue::from("Site"), AttrValue::from("N° de famille"), AttrValue::from("Réinscription")]}
                    {rows} empty="Aucun élève ne correspond à cette recherche dans vos sites." />
            }
        </section>
    }
}
