//! The first start on an empty database asks for the first administrator
//! (there is no default password anywhere).

use portee_api::{
    ApiError,
    auth::{CreateFirstAdmin, CreateFirstAdminRequest},
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{Button, Logo, RequiredLegend, StatusKind, StatusMessage, TextField, field_error},
};

#[derive(Properties, PartialEq)]
pub struct FirstAdminProps {
    pub on_created: Callback<()>,
}

#[component]
pub fn FirstAdminPage(props: &FirstAdminProps) -> Html {
    let login = use_state(String::new);
    let name = use_state(String::new);
    let password = use_state(String::new);
    let confirmation = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (login, name, password, confirmation, error, busy) = (
            login.clone(),
            name.clone(),
            password.clone(),
            confirmation.clone(),
            error.clone(),
            busy.clone(),
        );
        let on_created = props.on_created.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = CreateFirstAdminRequest {
                login: (*login).clone(),
                display_name: (*name).clone(),
                password: (*password).clone(),
                password_confirmation: (*confirmation).clone(),
            };
            let (error, busy, on_created) = (error.clone(), busy.clone(), on_created.clone());
            busy.set(true);
            spawn_local(async move {
                match api::call::<CreateFirstAdmin>(&request).await {
                    Ok(()) => on_created.emit(()),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let err_for = |field: &str| field_error(&error, field);
    html! {
        <main class="fullscreen" id="premier-administrateur">
            <div class="fullscreen-card signin-card">
                <Logo />
                <h1>{ "Premier administrateur" }</h1>
                <p>{ "Cette base ne contient encore aucun compte. Créez le compte de l'administrateur, qui créera ensuite ceux du personnel." }</p>
                <form {onsubmit} novalidate=true>
                    <RequiredLegend />
                    <TextField id="admin-identifiant" label="Identifiant" required=true value={AttrValue::from((*login).clone())}
                        oninput={let s = login.clone(); Callback::from(move |v| s.set(v))}
                        hint={Some(AttrValue::from("Lettres sans accent, chiffres, point ou tiret, par exemple c.martin."))} />
                    <TextField id="admin-nom" label="Nom affiché" required=true value={AttrValue::from((*name).clone())}
                        oninput={let s = name.clone(); Callback::from(move |v| s.set(v))} />
                    <TextField id="admin-mot-de-passe" label="Mot de passe" required=true input_type="password"
                        value={AttrValue::from((*password).clone())}
                        oninput={let s = password.clone(); Callback::from(move |v| s.set(v))}
                        hint={Some(AttrValue::from("Au moins 12 caractères, mêlant lettres et chiffres ou autres caractères."))}
                        autocomplete={Some(AttrValue::from("new-password"))} />
                    <TextField id="admin-confirmation" label="Confirmation du mot de passe" required=true input_type="password"
                        value={AttrValue::from((*confirmation).clone())}
                        oninput={let s = confirmation.clone(); Callback::from(move |v| s.set(v))}
                        error={err_for("password_confirmation")}
                        autocomplete={Some(AttrValue::from("new-password"))} />
                    if let Some(e) = (*error).as_ref().filter(|e| e.field.is_none()) {
                        <StatusMessage kind={StatusKind::Error}>{ e.message.clone() }</StatusMessage>
                    }
                    <div class="actions"><Button submit=true busy={*busy}>{ "Créer le compte" }</Button></div>
                </form>
            </div>
        </main>
    }
}
