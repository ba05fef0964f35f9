//! The screen shown when the database cannot be opened: the reason, the
//! database concerned, what to do, and a way to try again.

use portee_api::{ApiError, ErrorCode, system::AppInfoResponse};
use yew::prelude::*;

use crate::components::{Button, Logo, StatusKind, StatusMessage};

#[derive(Properties, PartialEq)]
pub struct UnavailableProps {
    pub error: ApiError,
    pub info: Option<AppInfoResponse>,
    pub on_retry: Callback<()>,
}

#[component]
pub fn UnavailablePage(props: &UnavailableProps) -> Html {
    let title = match props.error.code {
        ErrorCode::Configuration => "La configuration de Portée est à corriger",
        _ => "Impossible d'ouvrir la base de données",
    };
    let retry = {
        let on_retry = props.on_retry.clone();
        Callback::from(move |()| on_retry.emit(()))
    };
    html! {
        <main class="fullscreen" id="base-indisponible">
            <div class="fullscreen-card">
                <Logo />
                <h1>{ title }</h1>
                <StatusMessage kind={StatusKind::Error} id={Some(AttrValue::from("raison"))}>
                    { &props.error.message }
                </StatusMessage>
                if let Some(info) = &props.info {
                    <dl class="facts">
                        <dt>{ "Base configurée" }</dt><dd><code id="base-configuree">{ &info.database_target }</code></dd>
                        <dt>{ "Fichier de configuration" }</dt><dd><code>{ &info.config_file }</code></dd>
                        <dt>{ "Journaux" }</dt><dd><code>{ &info.log_dir }</code></dd>
                    </dl>
                }
                <h2>{ "Que faire ?" }</h2>
                <ol class="steps">
                    <li>{ "Vérifiez que le serveur de base de données est démarré et joignable depuis ce poste (réseau, pare-feu)." }</li>
                    <li>{ "Vérifiez l'adresse de la base : variable d'environnement PORTEE_DATABASE_URL, ou database_url dans le fichier de configuration ci-dessus. Elle commence par postgres:// ou sqlite:." }</li>
                    <li>{ "Sans base partagée, retirez ce réglage : Portée utilisera sa base SQLite intégrée à ce poste." }</li>
                    <li>{ "Si le problème persiste, contactez l'administrateur de Portée en lui transmettant le journal." }</li>
                </ol>
                <Button id={Some(AttrValue::from("reessayer"))} onclick={retry}>{ "Réessayer" }</Button>
            </div>
        </main>
    }
}
