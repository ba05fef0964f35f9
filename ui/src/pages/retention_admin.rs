//! Administration › Conservation: the retention rule of the families'
//! proof documents — its two delays, what it would remove now (listed),
//! and the removal itself after a confirmation. The content goes; the
//! facts and the journal stay.

use portee_api::documents::{PurgeDocuments, PurgeDocumentsRequest, PurgeOutcome};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{Button, ButtonKind, StatusKind, StatusMessage},
    shared::{SessionEvents, session_error},
};

#[component]
pub fn RetentionAdmin() -> Html {
    let events = use_context::<SessionEvents>();
    let tax = use_state(|| "30".to_owned());
    let campaign = use_state(|| "365".to_owned());
    let busy = use_state(|| false);
    // The last listing (dry run), which the removal confirms.
    let listed = use_state(|| None::<Result<PurgeOutcome, String>>);
    let done = use_state(|| None::<Result<String, String>>);
    let run = {
        let (tax, campaign, busy, listed, done, events) = (
            tax.clone(),
            campaign.clone(),
            busy.clone(),
            listed.clone(),
            done.clone(),
            events.clone(),
        );
        Callback::from(move |dry_run: bool| {
            if *busy {
                return;
            }
            let parse = |v: &str| v.trim().parse::<u32>().ok();
            let (Some(tax_days), Some(campaign_days)) = (parse(&tax), parse(&campaign)) else {
                done.set(Some(Err("Les délais sont des nombres de jours.".into())));
                return;
            };
            let request = PurgeDocumentsRequest {
                dry_run,
                tax_days,
                campaign_days,
            };
            let (busy, listed, done, events) =
                (busy.clone(), listed.clone(), done.clone(), events.clone());
            busy.set(true);
            done.set(None);
            spawn_local(async move {
                match api::call::<PurgeDocuments>(&request).await {
                    Ok(outcome) if dry_run => listed.set(Some(Ok(outcome))),
                    Ok(outcome) => {
                        listed.set(None);
                        done.set(Some(Ok(outcome.message)));
                    }
                    Err(e) => {
                        if let Some(e) = session_error(&events, e) {
                            if dry_run {
                                listed.set(Some(Err(e.message)));
                            } else {
                                done.set(Some(Err(e.message)));
                            }
                        }
                    }
                }
                busy.set(false);
            });
        })
    };
    let field = |id: &'static str, label: &'static str, value: &UseStateHandle<String>| {
        let oninput = {
            let (value, listed) = (value.clone(), listed.clone());
            Callback::from(move |e: InputEvent| {
                value.set(
                    e.target_unchecked_into::<web_sys::HtmlInputElement>()
                        .value(),
                );
                // Another rule: the listing no longer says what it removes.
                listed.set(None);
            })
        };
        html! {
            <div class="field">
                <label for={id}>{ label }</label>
                <input id={id} type="text" inputmode="numeric" value={(**value).clone()} {oninput} />
            </div>
        }
    };
    html! {
        <section aria-labelledby="conservation-titre">
            <h2 id="conservation-titre">{ "Conservation des pièces justificatives" }</h2>
            <p>{ "Une pièce n'est utile que jusqu'à son examen. La règle retire le fichier (PDF) et garde les faits : type, statut, dates, examinateur, quotient familial, revenu fiscal de référence. Une pièce en attente d'examen n'est jamais retirée. Chaque retrait est inscrit au journal." }</p>
            <div class="filters">
                { field("conservation-fiscal", "Avis d'imposition et attestations CAF : jours après l'acceptation", &tax) }
                { field("conservation-campagne", "Toute pièce examinée : jours après la clôture de la campagne", &campaign) }
            </div>
            <div class="form-actions">
                <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("conservation-lister"))} busy={*busy}
                    onclick={let run = run.clone(); Callback::from(move |()| run.emit(true))}>{ "Voir ce qui serait retiré" }</Button>
            </div>
            if let Some(Err(e)) = &*listed {
                <StatusMessage kind={StatusKind::Error}>{ e.clone() }</StatusMessage>
            }
            if let Some(Ok(l)) = &*listed {
                <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("conservation-liste"))}>{ l.message.clone() }</StatusMessage>
                if !l.lines.is_empty() {
                    <ul class="plain-list" id="conservation-pieces">
                        { for l.lines.iter().map(|line| html! { <li>{ line.clone() }</li> }) }
                        if l.count > l.lines.len() {
                            <li>{ format!("… et {} autre(s).", l.count - l.lines.len()) }</li>
                        }
                    </ul>
                    <div class="form-actions">
                        <Button kind={ButtonKind::Danger} id={Some(AttrValue::from("conservation-retirer"))} busy={*busy}
                            onclick={let run = run.clone(); Callback::from(move |()| run.emit(false))}>
                            { format!("Retirer ces {} document(s)", l.count) }
                        </Button>
                    </div>
                }
            }
            if let Some(result) = &*done {
                <StatusMessage kind={if result.is_ok() { StatusKind::Success } else { StatusKind::Error }} id={Some(AttrValue::from("conservation-resultat"))}>
                    { result.clone().unwrap_or_else(|e| e) }
                </StatusMessage>
            }
        </section>
    }
}
