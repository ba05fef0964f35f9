//! Staff accounts (administrators): list, create, disable or enable, reset a
//! password (changed at the next sign-in), role and sites.

use portee_api::{
    ApiError,
    auth::SiteOption,
    staff::{
        ChangeStaff, ChangeStaffRequest, CreateStaff, CreateStaffRequest, ListStaff, StaffAction,
        StaffSummary,
    },
};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::{
    api,
    components::{
        Button, ButtonKind, DataTable, Dialog, RequiredLegend, SelectField, StatusKind,
        StatusMessage, TextField, field_error,
    },
    shared::SessionEvents,
};

#[derive(Properties, PartialEq)]
pub struct StaffAdminProps {
    pub sites: Vec<SiteOption>,
}

fn roles() -> Vec<(AttrValue, AttrValue)> {
    vec![
        ("agent".into(), "Agent de secrétariat".into()),
        ("responsable".into(), "Responsable de site".into()),
        ("admin".into(), "Administrateur".into()),
    ]
}

/// Checkboxes for the sites of an account.
fn site_checkboxes(prefix: &str, sites: &[SiteOption], chosen: &UseStateHandle<Vec<i16>>) -> Html {
    html! {
        <fieldset class="field sites-choice" id={format!("{prefix}-sites")}>
            <legend>{ "Sites" }</legend>
            <div class="checks">
            { for sites.iter().map(|s| {
                let id = s.id;
                let checked = chosen.contains(&id);
                let chosen = chosen.clone();
                let onchange = Callback::from(move |e: Event| {
                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                    let mut v = (*chosen).clone();
                    v.retain(|x| *x != id);
                    if on { v.push(id); }
                    chosen.set(v);
                });
                html! {
                    <label class="choice">
                        <input type="checkbox" id={format!("{prefix}-site-{id}")} {checked} {onchange} />
                        { &s.name }
                    </label>
                }
            }) }
            </div>
        </fieldset>
    }
}

#[component]
pub fn StaffAdmin(props: &StaffAdminProps) -> Html {
    let events = use_context::<SessionEvents>();
    let staff = use_state(|| None::<Vec<StaffSummary>>);
    let message = use_state(|| None::<(StatusKind, String)>);
    let reload = {
        let (staff, message, events) = (staff.clone(), message.clone(), events.clone());
        Callback::from(move |()| {
            let (staff, message, events) = (staff.clone(), message.clone(), events.clone());
            spawn_local(async move {
                match api::call::<ListStaff>(&()).await {
                    Ok(list) => staff.set(Some(list)),
                    Err(e) => report(&events, &message, e),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }

    // Creation form.
    let login = use_state(String::new);
    let name = use_state(String::new);
    let role = use_state(|| None::<String>);
    let sites = use_state(Vec::<i16>::new);
    let password = use_state(String::new);
    let form_error = use_state(|| None::<ApiError>);
    let create = {
        let (login, name, role, sites, password, form_error, message, reload) = (
            login.clone(),
            name.clone(),
            role.clone(),
            sites.clone(),
            password.clone(),
            form_error.clone(),
            message.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = CreateStaffRequest {
                login: (*login).clone(),
                display_name: (*name).clone(),
                role: (*role).clone(),
                site_ids: (*sites).clone(),
                temporary_password: (*password).clone(),
            };
            let (login, name, password, form_error, message, reload) = (
                login.clone(),
                name.clone(),
                password.clone(),
                form_error.clone(),
                message.clone(),
                reload.clone(),
            );
            spawn_local(async move {
                match api::call::<CreateStaff>(&request).await {
                    Ok(created) => {
                        form_error.set(None);
                        login.set(String::new());
                        name.set(String::new());
                        password.set(String::new());
                        message.set(Some((StatusKind::Success, format!("Compte « {} » créé ; le mot de passe provisoire sera changé à la première connexion.", created.login))));
                        reload.emit(());
                    }
                    Err(e) => form_error.set(Some(e)),
                }
            });
        })
    };
    let field_error = |field: &str| field_error(&form_error, field);

    // Role and sites dialog.
    let editing = use_state(|| None::<StaffSummary>);
    let edit_role = use_state(|| None::<String>);
    let edit_sites = use_state(Vec::<i16>::new);

    // Password reset dialog.
    let resetting = use_state(|| None::<StaffSummary>);
    let reset_password = use_state(String::new);
    let reset_error = use_state(|| None::<String>);

    let change = {
        let (message, reload, events) = (message.clone(), reload.clone(), events.clone());
        Callback::from(move |(who, action): (StaffSummary, StaffAction)| {
            let (message, reload, events) = (message.clone(), reload.clone(), events.clone());
            spawn_local(async move {
                let request = ChangeStaffRequest {
                    id: who.id,
                    version: who.version,
                    action,
                };
                match api::call::<ChangeStaff>(&request).await {
                    Ok(s) => {
                        message.set(Some((
                            StatusKind::Success,
                            format!("Compte « {} » modifié.", s.login),
                        )));
                        reload.emit(());
                    }
                    Err(e) => {
                        report(&events, &message, e);
                        reload.emit(());
                    }
                }
            });
        })
    };

    let rows: Vec<Vec<Html>> = (*staff)
        .iter()
        .flatten()
        .map(|s| {
            let toggle = {
                let (change, s) = (change.clone(), s.clone());
                let action = if s.active { StaffAction::Disable } else { StaffAction::Enable };
                Callback::from(move |_: MouseEvent| change.emit((s.clone(), action.clone())))
            };
            let open_edit = {
                let (editing, edit_role, edit_sites, s) =
                    (editing.clone(), edit_role.clone(), edit_sites.clone(), s.clone());
                Callback::from(move |_: MouseEvent| {
                    edit_role.set(Some(s.role.clone()));
                    edit_sites.set(s.site_ids.clone());
                    editing.set(Some(s.clone()));
                })
            };
            let open_reset = {
                let (resetting, s) = (resetting.clone(), s.clone());
                Callback::from(move |_: MouseEvent| resetting.set(Some(s.clone())))
            };
            let state = match (s.active, s.locked, s.must_change_password) {
                (false, _, _) => "désactivé",
                (true, true, _) => "verrouillé",
                (true, false, true) => "mot de passe à changer",
                _ => "actif",
            };
            vec![
                html! { <><code>{ &s.login }</code>{ if s.is_demo { html!{ <>{ " " }<span class="tag-demo">{ "démo" }</span></> } } else { html!{} } }</> },
                html! { &s.display_name },
                html! { &s.role_label },
                html! { if s.site_names.is_empty() { { "tous" } } else { { s.site_names.join(", ") } } },
                html! { <span class="staff-state">{ state }</span> },
                html! {
                    <span class="row-actions">
                        <button type="button" class="btn-link" id={format!("compte-{}-activer", s.login)} onclick={toggle}>
                            { if s.active { "Désactiver" } else { "Réactiver" } }
                        </button>
                        <button type="button" class="btn-link" id={format!("compte-{}-role", s.login)} onclick={open_edit}>{ "Rôle et sites" }</button>
                        <button type="button" class="btn-link" id={format!("compte-{}-reinitialiser", s.login)} onclick={open_reset}>{ "Nouveau mot de passe" }</button>
                    </span>
                },
            ]
        })
        .collect();

    let confirm_reset = {
        let (resetting, reset_password, reset_error, change) = (
            resetting.clone(),
            reset_password.clone(),
            reset_error.clone(),
            change.clone(),
        );
        Callback::from(move |()| {
            let Some(who) = (*resetting).clone() else {
                return;
            };
            let pw = (*reset_password).clone();
            if pw.chars().count() < 12 {
                reset_error.set(Some(
                    "Le mot de passe doit compter au moins 12 caractères.".into(),
                ));
                return;
            }
            change.emit((
                who,
                StaffAction::ResetPassword {
                    temporary_password: pw,
                },
            ));
            reset_password.set(String::new());
            reset_error.set(None);
            resetting.set(None);
        })
    };

    let confirm_edit = {
        let (editing, edit_role, edit_sites, change) = (
            editing.clone(),
            edit_role.clone(),
            edit_sites.clone(),
            change.clone(),
        );
        Callback::from(move |()| {
            let Some(who) = (*editing).clone() else {
                return;
            };
            change.emit((
                who,
                StaffAction::RoleAndSites {
                    role: (*edit_role).clone().unwrap_or_default(),
                    site_ids: (*edit_sites).clone(),
                },
            ));
            editing.set(None);
        })
    };

    html! {
        <section aria-labelledby="titre-comptes" id="comptes">
            <h2 id="titre-comptes">{ "Comptes du personnel" }</h2>
            if let Some((kind, text)) = &*message {
                <StatusMessage kind={*kind} id={Some(AttrValue::from("comptes-message"))}>{ text.clone() }</StatusMessage>
            }
            <DataTable id={Some(AttrValue::from("table-comptes"))} caption="Comptes du personnel" caption_hidden=true
                columns={vec!["Identifiant".into(), "Nom".into(), "Rôle".into(), "Sites".into(), "État".into(), "Actions".into()]}
                {rows} empty="Chargement…" />
            <details class="kit">
                <summary>{ "Créer un compte" }</summary>
                <form onsubmit={create} novalidate=true id="formulaire-compte" class="kit-body">
                    <RequiredLegend />
                    <TextField id="compte-identifiant" label="Identifiant" required=true value={AttrValue::from((*login).clone())}
                        oninput={let s = login.clone(); Callback::from(move |v| s.set(v))} error={field_error("login")} />
                    <TextField id="compte-nom" label="Nom affiché" required=true value={AttrValue::from((*name).clone())}
                        oninput={let s = name.clone(); Callback::from(move |v| s.set(v))} error={field_error("display_name")} />
                    <SelectField id="compte-role" label="Rôle" required=true options={roles()} value={(*role).clone().map(AttrValue::from)}
                        onchange={let s = role.clone(); Callback::from(move |v| s.set(v))} error={field_error("role")} />
                    { site_checkboxes("compte", &props.sites, &sites) }
                    if let Some(e) = field_error("site_ids") { <p class="field-error">{ e }</p> }
                    <TextField id="compte-mot-de-passe" label="Mot de passe provisoire" required=true input_type="password"
                        value={AttrValue::from((*password).clone())}
                        oninput={let s = password.clone(); Callback::from(move |v| s.set(v))}
                        hint={Some(AttrValue::from("Au moins 12 caractères ; à changer à la première connexion."))}
                        error={field_error("temporary_password")} autocomplete={Some(AttrValue::from("new-password"))} />
                    if let Some(e) = (*form_error).as_ref().filter(|e| e.field.is_none()) {
                        <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage>
                    }
                    <div class="actions"><Button submit=true>{ "Créer le compte" }</Button></div>
                </form>
            </details>
            <Dialog id={Some(AttrValue::from("dialogue-role"))} open={editing.is_some()}
                title={AttrValue::from(format!("Rôle et sites de {}", editing.as_ref().map_or("", |s| s.login.as_str())))}
                on_close={let r = editing.clone(); Callback::from(move |()| r.set(None))}>
                <SelectField id="role-role" label="Rôle" required=true options={roles()} value={(*edit_role).clone().map(AttrValue::from)}
                    onchange={let s = edit_role.clone(); Callback::from(move |v| s.set(v))} />
                { site_checkboxes("role", &props.sites, &edit_sites) }
                <p class="hint">{ "Un administrateur voit tous les sites ; un agent ou un responsable, seulement les siens. Le changement vaut dès sa prochaine connexion." }</p>
                <div class="actions">
                    <Button id={Some(AttrValue::from("role-valider"))} onclick={confirm_edit}>{ "Enregistrer" }</Button>
                    <Button kind={ButtonKind::Secondary} onclick={let r = editing.clone(); Callback::from(move |()| r.set(None))}>{ "Annuler" }</Button>
                </div>
            </Dialog>
            <Dialog id={Some(AttrValue::from("dialogue-reinitialiser"))} open={resetting.is_some()}
                title={AttrValue::from(format!("Réinitialiser le mot de passe de {}", resetting.as_ref().map_or("", |s| s.login.as_str())))}
                on_close={let r = resetting.clone(); Callback::from(move |()| r.set(None))}>
                <TextField id="reinit-mot-de-passe" label="Mot de passe provisoire" required=true input_type="password"
                    value={AttrValue::from((*reset_password).clone())}
                    oninput={let s = reset_password.clone(); Callback::from(move |v| s.set(v))}
                    error={(*reset_error).clone().map(AttrValue::from)} autocomplete={Some(AttrValue::from("new-password"))} />
                <div class="actions">
                    <Button id={Some(AttrValue::from("reinit-valider"))} onclick={confirm_reset}>{ "Réinitialiser" }</Button>
                    <Button kind={ButtonKind::Secondary} onclick={let r = resetting.clone(); Callback::from(move |()| r.set(None))}>{ "Annuler" }</Button>
                </div>
            </Dialog>
        </section>
    }
}

fn report(
    events: &Option<SessionEvents>,
    message: &UseStateHandle<Option<(StatusKind, String)>>,
    e: ApiError,
) {
    if let Some(e) = crate::shared::session_error(events, e) {
        message.set(Some((StatusKind::Error, e.message)));
    }
}
