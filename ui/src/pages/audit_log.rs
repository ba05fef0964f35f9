//! Journal des modifications (administrators): the whole audit log,
//! filtered by dates, author, kind of action and record, and exported as a
//! CSV file for a spreadsheet.

use portee_api::{
    ApiError,
    journal::{
        ActionGroup, AuditLog, AuditLogFilter, AuditLogOptions, AuditLogRequest, ExportAuditLog,
        ExportAuditLogRequest, HistoryEntry,
    },
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{
        Button, ButtonKind, HistoryList, SelectField, StatusKind, StatusMessage, TextField,
        field_error,
    },
    shared::{SessionEvents, session_error},
};

#[component]
pub fn AuditLogPanel() -> Html {
    let events = use_context::<SessionEvents>();
    let groups = use_state(Vec::<ActionGroup>::new);
    let filter = use_state(AuditLogFilter::default);
    let entries = use_state(|| None::<Vec<HistoryEntry>>);
    let next = use_state(|| None::<i64>);
    let error = use_state(|| None::<ApiError>);
    let message = use_state(|| None::<(StatusKind, String)>);
    let busy = use_state(|| false);

    {
        let (groups, events) = (groups.clone(), events.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::call::<AuditLogOptions>(&()).await {
                    Ok(g) => groups.set(g),
                    Err(e) => {
                        session_error(&events, e);
                    }
                }
            });
        });
    }
    // Reads the first page (`None`) or the page before an entry.
    let load = {
        let (filter, entries, next, error, events, busy) = (
            filter.clone(),
            entries.clone(),
            next.clone(),
            error.clone(),
            events.clone(),
            busy.clone(),
        );
        Callback::from(move |before_id: Option<i64>| {
            let request = AuditLogRequest {
                filter: (*filter).clone(),
                before_id,
            };
            let (entries, next, error, events, busy) = (
                entries.clone(),
                next.clone(),
                error.clone(),
                events.clone(),
                busy.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                match api::call::<AuditLog>(&request).await {
                    Ok(page) => {
                        let mut all = match (&*entries, before_id) {
                            (Some(old), Some(_)) => old.clone(),
                            _ => Vec::new(),
                        };
                        all.extend(page.entries);
                        entries.set(Some(all));
                        next.set(page.next_before_id);
                        error.set(None);
                    }
                    Err(e) => error.set(session_error(&events, e)),
                }
                busy.set(false);
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(None));
    }
    let onsubmit = {
        let load = load.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            load.emit(None);
        })
    };
    let export = {
        let (filter, message, error, events) = (
            filter.clone(),
            message.clone(),
            error.clone(),
            events.clone(),
        );
        Callback::from(move |()| {
            let request = ExportAuditLogRequest {
                filter: (*filter).clone(),
            };
            let (message, error, events) = (message.clone(), error.clone(), events.clone());
            message.set(Some((StatusKind::Info, "Export en cours…".into())));
            spawn_local(async move {
                match api::call::<ExportAuditLog>(&request).await {
                    Ok(r) => {
                        error.set(None);
                        message.set(Some((
                            StatusKind::Success,
                            format!("{} entrée(s) exportée(s) dans {}", r.rows, r.path),
                        )));
                    }
                    Err(e) => {
                        message.set(None);
                        error.set(session_error(&events, e));
                    }
                }
            });
        })
    };
    let set = |f: fn(&mut AuditLogFilter, String)| {
        let filter = filter.clone();
        Callback::from(move |v: String| {
            let mut next = (*filter).clone();
            f(&mut next, v);
            filter.set(next);
        })
    };
    let field_error = |field: &str| field_error(&error, field);
    let clear = {
        let filter = filter.clone();
        Callback::from(move |()| filter.set(AuditLogFilter::default()))
    };
    let actor_options = vec![
        (
            AttrValue::from("family"),
            AttrValue::from("Famille (extranet)"),
        ),
        (AttrValue::from("staff"), AttrValue::from("Personnel")),
        (AttrValue::from("system"), AttrValue::from("Système")),
    ];
    let group_options: Vec<(AttrValue, AttrValue)> = groups
        .iter()
        .map(|g| {
            (
                AttrValue::from(g.prefix.clone()),
                AttrValue::from(g.label.clone()),
            )
        })
        .collect();
    html! {
        <section aria-labelledby="titre-journal" id="journal">
            <h2 id="titre-journal">{ "Journal des modifications" }</h2>
            <form id="journal-filtres" class="form filters" novalidate=true {onsubmit}>
                <div class="field-row">
                    <TextField id="journal-du" label="Du (JJ/MM/AAAA)" value={AttrValue::from(filter.from.clone())}
                        oninput={set(|f, v| f.from = v)} error={field_error("from")} inputmode={Some(AttrValue::from("numeric"))} />
                    <TextField id="journal-au" label="Au (JJ/MM/AAAA)" value={AttrValue::from(filter.to.clone())}
                        oninput={set(|f, v| f.to = v)} error={field_error("to")} inputmode={Some(AttrValue::from("numeric"))} />
                    <TextField id="journal-compte" label="Identifiant du membre du personnel" value={AttrValue::from(filter.staff_login.clone())}
                        oninput={set(|f, v| f.staff_login = v)} error={field_error("staff_login")} autocomplete={Some(AttrValue::from("off"))} />
                </div>
                <div class="field-row">
                    <SelectField id="journal-auteur" label="Auteur" options={actor_options} placeholder="Tous"
                        value={filter.actor_kind.clone().map(AttrValue::from)} error={field_error("actor_kind")}
                        onchange={let f = filter.clone(); Callback::from(move |v| { let mut n = (*f).clone(); n.actor_kind = v; f.set(n); })} />
                    <SelectField id="journal-action" label="Type d'action" options={group_options} placeholder="Toutes"
                        value={filter.action_group.clone().map(AttrValue::from)} error={field_error("action_group")}
                        onchange={let f = filter.clone(); Callback::from(move |v| { let mut n = (*f).clone(); n.action_group = v; f.set(n); })} />
                    <TextField id="journal-fiche" label="Fiche concernée" value={AttrValue::from(filter.entity.clone())}
                        oninput={set(|f, v| f.entity = v)} error={field_error("entity")}
                        hint={Some(AttrValue::from("« famille 12 », « élève 34 », « document 56 », « compte 7 » ou F-000012."))} />
                </div>
                <div class="actions">
                    <Button submit=true busy={*busy} id={Some(AttrValue::from("journal-filtrer"))}>{ "Filtrer" }</Button>
                    <Button kind={ButtonKind::Secondary} onclick={clear}>{ "Effacer les filtres" }</Button>
                    <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("journal-exporter"))} onclick={export}>{ "Exporter en CSV" }</Button>
                </div>
            </form>
            if let Some(e) = (*error).as_ref().filter(|e| e.field.is_none()) {
                <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage>
            }
            if let Some((kind, text)) = &*message {
                <StatusMessage kind={*kind} id={Some(AttrValue::from("journal-message"))}>{ text.clone() }</StatusMessage>
            }
            if let Some(list) = &*entries {
                <p class="hint" id="journal-compte-rendu">{ format!("{} entrée(s) affichée(s), les plus récentes d'abord.", list.len()) }</p>
                <HistoryList id={Some(AttrValue::from("journal-entrees"))} entries={list.clone()} detailed=true
                    empty="Aucune entrée ne correspond à ces filtres." />
                if let Some(before) = *next {
                    <div class="actions">
                        <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("journal-plus"))}
                            onclick={load.reform(move |()| Some(before))}>{ "Afficher les entrées plus anciennes" }</Button>
                    </div>
                }
            }
        </section>
    }
}
