//! A list of audit entries, newest first: when, who (family, staff or
//! system, each with its own badge), what, and the values before and after.

use portee_api::journal::HistoryEntry;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HistoryListProps {
    pub entries: Vec<HistoryEntry>,
    /// Show the entity and workstation of each entry (the whole log).
    #[prop_or_default]
    pub detailed: bool,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or(AttrValue::from("Aucune modification enregistrée."))]
    pub empty: AttrValue,
}

#[component]
pub fn HistoryList(props: &HistoryListProps) -> Html {
    if props.entries.is_empty() {
        return html! { <p class="empty" id={props.id.clone()}>{ props.empty.clone() }</p> };
    }
    html! {
        <ol class="history" id={props.id.clone()}>
            { for props.entries.iter().map(|e| {
                let badge = match e.actor_kind.as_str() {
                    "family" => "actor-family",
                    "staff" => "actor-staff",
                    _ => "actor-system",
                };
                html! {
                    <li class="history-entry" data-action={e.action.clone()} data-actor={e.actor_kind.clone()}>
                        <div class="history-head">
                            <time class="history-when">{ &e.when }</time>
                            <span class={classes!("actor-badge", badge)}>{ &e.actor_label }</span>
                            <strong class="history-what">{ &e.action_label }</strong>
                            if props.detailed {
                                <span class="history-entity">{ format!("{} · poste {}", e.entity_label, e.workstation) }</span>
                            }
                        </div>
                        if !e.changes.is_empty() {
                            <table class="changes">
                                <caption class="visually-hidden">{ "Valeurs modifiées" }</caption>
                                <thead><tr><th scope="col">{ "Champ" }</th><th scope="col">{ "Avant" }</th><th scope="col">{ "Après" }</th></tr></thead>
                                <tbody>
                                { for e.changes.iter().map(|c| html! {
                                    <tr><th scope="row">{ &c.field }</th><td class="before">{ &c.before }</td><td class="after">{ &c.after }</td></tr>
                                }) }
                                </tbody>
                            </table>
                        }
                    </li>
                }
            }) }
        </ol>
    }
}
