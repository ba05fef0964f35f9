//! After a reset, the temporary password must be replaced before anything
//! else (the backend refuses data until then).

use portee_api::{
    ApiError,
    auth::{ChangeOwnPassword, ChangeOwnPasswordRequest, SessionInfo},
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::{
    api,
    components::{
        Button, ButtonKind, Logo, RequiredLegend, StatusKind, StatusMessage, TextField, field_error,
    },
};

#[derive(Properties, PartialEq)]
pub struct ChangePasswordProps {
    pub session: SessionInfo,
    pub on_changed: Callback<()>,
    pub on_sign_out: Callback<()>,
}

#[component]
pub fn ChangePasswordPage(props: &ChangePasswordProps) -> Html {
    let current = use_state(String::new);
    let new = use_state(String::new);
    let confirmation = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (current, new, confirmation, error, busy) = (
            current.clone(),
            new.clone(),
            confirmation.clone(),
            error.clone(),
            busy.clone(),
        );
        let on_changed = props.on_changed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = ChangeOwnPasswordRequest {
                current_password: (*current).clone(),
                new_password: (*new).clone(),
                confirmation: (*confirmation).clone(),
            };
            let (error, busy, on_changed) = (error.clone(), busy.clone(), on_changed.clone());
            busy.set(true);
            spawn_local(async move {
                match api::call::<ChangeOwnPassword>(&request).await {
                    Ok(()) => on_changed.emit(()),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let err_for = |field: &str| field_error(&error, field);
    html! {
        <main class="fullscreen" id="changer-mot-de-passe">
            <div class="fullscreen-card signin-card">
                <Logo />
                <h1>{ "Nouveau mot de passe" }</h1>
                <p>{ format!("{}, votre mot de passe est provisoire : choisissez-en un nouveau pour continuer.", props.session.display_name) }</p>
                <form {onsubmit} novalidate=true>
                    <RequiredLegend />
                    <TextField id="mdp-actuel" label="Mot de passe provisoire" required=true input_type="password"
                        value={AttrValue::from((*current).clone())} oninput={let s = current.clone(); Callback::from(move |v| s.set(v))}
                        autocomplete={Some(AttrValue::from("current-password"))} />
                    <TextField id="mdp-nouveau" label="Nouveau mot de passe" required=true input_type="password"
                        value={AttrValue::from((*new).clone())} oninput={let s = new.clone(); Callback::from(move |v| s.set(v))}
                        hint={Some(AttrValue::from("Au moins 12 caractères, mêlant lettres et chiffres ou autres caractères."))}
                        autocomplete={Some(AttrValue::from("new-password"))} />
                    <TextField id="mdp-confirmation" label="Confirmation" required=true input_type="password"
                        value={AttrValue::from((*confirmation).clone())} oninput={let s = confirmation.clone(); Callback::from(move |v| s.set(v))}
                        error={err_for("confirmation")} autocomplete={Some(AttrValue::from("new-password"))} />
                    if let Some(e) = (*error).as_ref().filter(|e| e.field.is_none()) {
                        <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("mdp-erreur"))}>{ e.message.clone() }</StatusMessage>
                    }
                    <div class="actions">
                        <Button submit=true busy={*busy}>{ "Enregistrer" }</Button>
                        <Button kind={ButtonKind::Secondary} onclick={props.on_sign_out.clone()}>{ "Se déconnecter" }</Button>
                    </div>
                </form>
            </div>
        </main>
    }
}
