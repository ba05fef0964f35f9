//! Élèves & familles: search as you type, within the member's sites.

use portee_api::{
    ErrorCode,
    families::{SearchStudents, SearchStudentsRequest, StudentHit},
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    app::SessionEvents,
    components::{DataTable, StatusKind, StatusMessage, TextField},
};

#[component]
pub fn FamiliesPage() -> Html {
    let events = use_context::<SessionEvents>();
    let query = use_state(String::new);
    let results = use_state(|| None::<Vec<StudentHit>>);
    let error = use_state(|| None::<AttrValue>);
    let sequence = use_mut_ref(|| 0u64);

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
                    Err(e)
                        if matches!(
                            e.code,
                            ErrorCode::SessionLocked | ErrorCode::Unauthenticated
                        ) =>
                    {
                        if let Some(ev) = &events {
                            ev.report.emit(e);
                        }
                    }
                    Err(e) => error.set(Some(AttrValue::from(e.message))),
                }
            });
        })
    };
    let rows: Vec<Vec<Html>> = (*results)
        .iter()
        .flatten()
        .map(|h| {
            vec![
                html! { &h.last_name },
                html! { &h.first_name },
                html! { &h.birth_date },
                html! { <span class="cell-site">{ &h.site_name }</span> },
                html! { <code>{ &h.family_number }</code> },
            ]
        })
        .collect();
    html! {
        <section class="page" aria-labelledby="titre-page">
            <h1 id="titre-page">{ "Élèves & familles" }</h1>
            <div class="search-box">
                <TextField id="recherche" label="Rechercher un élève ou une famille"
                    value={AttrValue::from((*query).clone())} {oninput} error={(*error).clone()}
                    hint={Some(AttrValue::from("Nom, prénom, n° de famille (F-…), date de naissance (JJ/MM/AAAA), téléphone ou courriel."))}
                    autocomplete={Some(AttrValue::from("off"))} />
            </div>
            if let Some(hits) = &*results {
                <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("recherche-compte"))}>
                    { match hits.len() { 0 => "Aucun résultat.".to_owned(), 1 => "1 résultat.".to_owned(), n => format!("{n} résultats.") } }
                </StatusMessage>
                <DataTable id={Some(AttrValue::from("resultats"))} caption="Résultats de la recherche" caption_hidden=true
                    columns={vec![AttrValue::from("Nom"), AttrValue::from("Prénom"), AttrValue::from("Né(e) le"), AttrValue::from("Site"), AttrValue::from("N° de famille")]}
                    {rows} empty="Aucun élève ne correspond à cette recherche dans vos sites." />
            }
        </section>
    }
}
