//! Sign-in, as on the families' extranet: site, identifiant, mot de passe.
//! A demo database lists its demo accounts, marked as such.

use portee_api::{
    ApiError,
    auth::{AuthStatusResponse, SessionInfo, SignIn, SignInRequest},
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{
        Button, DataTable, Logo, RequiredLegend, SelectField, StatusKind, StatusMessage, TextField,
    },
};

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    pub status: AuthStatusResponse,
    pub on_signed_in: Callback<SessionInfo>,
}

#[component]
pub fn SignInPage(props: &SignInProps) -> Html {
    let site = use_state(|| None::<String>);
    let login = use_state(String::new);
    let password = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (site, login, password, error, busy) = (
            site.clone(),
            login.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
        );
        let on_signed_in = props.on_signed_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let request = SignInRequest {
                site_id: site.as_ref().and_then(|s| s.parse().ok()),
                login: (*login).clone(),
                password: (*password).clone(),
            };
            let (error, busy, password, on_signed_in) = (
                error.clone(),
                busy.clone(),
                password.clone(),
                on_signed_in.clone(),
            );
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                match api::call::<SignIn>(&request).await {
                    Ok(session) => on_signed_in.emit(session),
                    Err(e) => {
                        password.set(String::new());
                        error.set(Some(e));
                    }
                }
                busy.set(false);
            });
        })
    };
    let field_error = |field: &str| {
        (*error)
            .as_ref()
            .filter(|e| e.field.as_deref() == Some(field))
            .map(|e| AttrValue::from(e.message.clone()))
    };
    let general_error = (*error)
        .as_ref()
        .filter(|e| e.field.is_none())
        .map(|e| e.message.clone());
    let sites: Vec<(AttrValue, AttrValue)> = props
        .status
        .sites
        .iter()
        .map(|s| {
            (
                AttrValue::from(s.id.to_string()),
                AttrValue::from(s.name.clone()),
            )
        })
        .collect();
    let demo_rows: Vec<Vec<Html>> = props
        .status
        .demo_accounts
        .iter()
        .map(|a| {
            let fill = {
                let (login, password, site) = (login.clone(), password.clone(), site.clone());
                let (l, p) = (a.login.clone(), a.password.clone());
                let first_site = a.sites.first().cloned();
                let sites = props.status.sites.clone();
                Callback::from(move |_: MouseEvent| {
                    login.set(l.clone());
                    password.set(p.clone());
                    if let Some(name) = &first_site {
                        site.set(sites.iter().find(|s| &s.name == name).map(|s| s.id.to_string()));
                    }
                })
            };
            vec![
                html! { <><code>{ &a.login }</code>{ " " }<span class="tag-demo">{ "démo" }</span></> },
                html! { &a.role_label },
                html! { if a.sites.is_empty() { { "tous les sites" } } else { { a.sites.join(", ") } } },
                html! { <code>{ &a.password }</code> },
                html! { <button type="button" class="btn-link" onclick={fill}>{ "Utiliser" }</button> },
            ]
        })
        .collect();
    html! {
        <main class="fullscreen signin" id="connexion">
            <div class="fullscreen-card signin-card">
                <div class="signin-brand"><Logo /><span class="brand-name">{ "Portée" }</span></div>
                <h1>{ "Connexion" }</h1>
                if let Some(why) = props.status.session_ended.clone() {
                    <StatusMessage kind={StatusKind::Info} id={Some(AttrValue::from("connexion-fin-de-session"))}>{ why }</StatusMessage>
                }
                <form {onsubmit} novalidate=true id="connexion-formulaire">
                    <RequiredLegend />
                    <SelectField id="connexion-site" label="Site" required=true options={sites}
                        value={(*site).clone().map(AttrValue::from)}
                        onchange={let s = site.clone(); Callback::from(move |v| s.set(v))}
                        error={field_error("site_id")} />
                    <TextField id="connexion-identifiant" label="Identifiant" required=true
                        value={AttrValue::from((*login).clone())}
                        oninput={let l = login.clone(); Callback::from(move |v| l.set(v))}
                        autocomplete={Some(AttrValue::from("username"))} />
                    <TextField id="connexion-mot-de-passe" label="Mot de passe" required=true input_type="password"
                        value={AttrValue::from((*password).clone())}
                        oninput={let p = password.clone(); Callback::from(move |v| p.set(v))}
                        autocomplete={Some(AttrValue::from("current-password"))} />
                    if let Some(message) = general_error {
                        <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("connexion-erreur"))}>{ message }</StatusMessage>
                    }
                    <div class="actions">
                        <Button submit=true busy={*busy} id={Some(AttrValue::from("connexion-valider"))}>{ "Se connecter" }</Button>
                    </div>
                </form>
                if !props.status.demo_accounts.is_empty() {
                    <section id="comptes-demo" class="demo-accounts" aria-labelledby="titre-demo">
                        <h2 id="titre-demo">{ "Comptes de démonstration" }</h2>
                        <p class="hint">{ "Cette base contient des données fictives ; ces comptes n'existent que pour essayer Portée." }</p>
                        <DataTable caption="Comptes de démonstration" caption_hidden=true
                            columns={vec![AttrValue::from("Identifiant"), AttrValue::from("Rôle"), AttrValue::from("Sites"), AttrValue::from("Mot de passe"), AttrValue::from("")]}
                            rows={demo_rows} />
                    </section>
                }
            </div>
        </main>
    }
}
