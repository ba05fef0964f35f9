//! Administration: this workstation's settings, and a reference of the
//! interface components for the team (every later form is built from them).

use portee_api::system::AppInfoResponse;
use portee_domain::FrenchDate;
use yew::prelude::*;

use crate::components::{
    Button, ButtonKind, DataTable, DateField, Dialog, RequiredLegend, SelectField, StatusKind,
    StatusMessage, TextField, YesNo,
};

#[derive(Properties, PartialEq)]
pub struct AdministrationProps {
    pub info: Option<AppInfoResponse>,
    /// Staff administration is offered to administrators (the backend
    /// refuses it to anyone else whatever the screen shows).
    pub is_admin: bool,
    pub sites: Vec<portee_api::auth::SiteOption>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Accounts,
    Campaigns,
    Journal,
    Retention,
    Workstation,
}

#[component]
pub fn AdministrationPage(props: &AdministrationProps) -> Html {
    let section = use_state(|| {
        if props.is_admin {
            Section::Accounts
        } else {
            Section::Workstation
        }
    });
    let tab = |s: Section, slug: &str, label: &str| {
        let selected = *section == s;
        let onclick = {
            let section = section.clone();
            Callback::from(move |_: MouseEvent| section.set(s))
        };
        html! {
            <button type="button" role="tab" id={format!("admin-onglet-{slug}")}
                aria-selected={if selected { "true" } else { "false" }}
                class={classes!("tab", selected.then_some("tab-current"))} {onclick}>{ label.to_owned() }</button>
        }
    };
    html! {
        <section class="page" aria-labelledby="titre-page">
            <h1 id="titre-page">{ "Administration" }</h1>
            <div class="tabs" role="tablist" aria-label="Administration">
                if props.is_admin {
                    { tab(Section::Accounts, "comptes", "Comptes du personnel") }
                    { tab(Section::Campaigns, "campagnes", "Campagnes") }
                    { tab(Section::Journal, "journal", "Journal des modifications") }
                    { tab(Section::Retention, "conservation", "Conservation") }
                }
                { tab(Section::Workstation, "poste", "Ce poste") }
            </div>
            <div class="tab-panel" role="tabpanel">
            { match *section {
                Section::Accounts if props.is_admin => html! { <crate::pages::staff_admin::StaffAdmin sites={props.sites.clone()} /> },
                Section::Campaigns if props.is_admin => html! { <crate::pages::campaigns_admin::CampaignsAdmin /> },
                Section::Journal if props.is_admin => html! { <crate::pages::audit_log::AuditLogPanel /> },
                Section::Retention if props.is_admin => html! { <crate::pages::retention_admin::RetentionAdmin /> },
                _ => html! {
                    <>
                        if !props.is_admin {
                            <div class="notice"><p>{ "La gestion des comptes, le journal des modifications et la conservation des documents sont réservés aux administrateurs." }</p></div>
                        }
                        <h2>{ "Ce poste" }</h2>
                        if let Some(info) = &props.info {
                            <dl class="facts">
                                <dt>{ "Base configurée" }</dt><dd><code>{ &info.database_target }</code></dd>
                                <dt>{ "Fichier de configuration" }</dt><dd><code>{ &info.config_file }</code></dd>
                                <dt>{ "Dossier des données" }</dt><dd><code>{ &info.data_dir }</code></dd>
                                <dt>{ "Journaux" }</dt><dd><code>{ &info.log_dir }</code></dd>
                            </dl>
                        }
                        <details class="kit" id="apercu-composants">
                            <summary>{ "Aperçu des composants d'interface (référence pour l'équipe)" }</summary>
                            <ComponentsPreview />
                        </details>
                    </>
                },
            } }
            </div>
        </section>
    }
}

/// Each kit component once, wired as a real form would wire it. Nothing
/// typed here is saved.
#[component]
fn ComponentsPreview() -> Html {
    let name = use_state(String::new);
    let name_error = use_state(|| None::<AttrValue>);
    let date = use_state(String::new);
    let parsed = use_state(|| None::<FrenchDate>);
    let photo = use_state(|| None::<bool>);
    let site = use_state(|| None::<String>);
    let dialog_open = use_state(|| false);
    let submitted = use_state(|| None::<String>);

    let onsubmit = {
        let name = name.clone();
        let name_error = name_error.clone();
        let submitted = submitted.clone();
        let parsed = parsed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if name.trim().is_empty() {
                name_error.set(Some("Indiquez un nom.".into()));
                submitted.set(None);
            } else {
                name_error.set(None);
                submitted.set(Some(match *parsed {
                    Some(d) => format!("Formulaire valide : {} , date lue {d}.", name.trim()),
                    None => format!("Formulaire valide : {}.", name.trim()),
                }));
            }
        })
    };
    let clear = {
        let (name, name_error, date, parsed, photo, site, submitted) = (
            name.clone(),
            name_error.clone(),
            date.clone(),
            parsed.clone(),
            photo.clone(),
            site.clone(),
            submitted.clone(),
        );
        Callback::from(move |()| {
            name.set(String::new());
            name_error.set(None);
            date.set(String::new());
            parsed.set(None);
            photo.set(None);
            site.set(None);
            submitted.set(None);
        })
    };
    let sites: Vec<(AttrValue, AttrValue)> = portee_domain::Site::ALL
        .iter()
        .map(|s| (AttrValue::from(s.code()), AttrValue::from(s.name())))
        .collect();
    let rows: Vec<Vec<Html>> = portee_domain::Site::ALL
        .iter()
        .take(3)
        .map(|s| vec![html! { s.name() }, html! { <code>{ s.code() }</code> }])
        .collect();
    html! {
        <div class="kit-body">
            <StatusMessage kind={StatusKind::Info}>{ "Rien de ce qui est saisi ici n'est enregistré." }</StatusMessage>
            <form id="formulaire-apercu" novalidate=true {onsubmit}>
                <RequiredLegend />
                <TextField
                    id="apercu-nom" label="Nom de l'élève" required=true
                    value={AttrValue::from((*name).clone())}
                    oninput={let n = name.clone(); Callback::from(move |v| n.set(v))}
                    error={(*name_error).clone()}
                    autocomplete={Some(AttrValue::from("off"))}
                />
                <DateField
                    id="apercu-date" label="Date de naissance"
                    value={AttrValue::from((*date).clone())}
                    oninput={let d = date.clone(); Callback::from(move |v| d.set(v))}
                    onchange={let p = parsed.clone(); Callback::from(move |v| p.set(v))}
                />
                <YesNo
                    id="apercu-droit-image" legend="Droit à l'image" required=true
                    value={*photo}
                    onchange={let p = photo.clone(); Callback::from(move |v| p.set(Some(v)))}
                />
                <SelectField
                    id="apercu-site" label="Site" options={sites}
                    value={(*site).clone().map(AttrValue::from)}
                    onchange={let s = site.clone(); Callback::from(move |v| s.set(v))}
                />
                <div class="actions">
                    <Button submit=true>{ "Vérifier" }</Button>
                    <Button kind={ButtonKind::Danger} onclick={clear}>{ "Effacer" }</Button>
                    <Button kind={ButtonKind::Secondary} id={Some(AttrValue::from("apercu-ouvrir-dialogue"))}
                        onclick={let o = dialog_open.clone(); Callback::from(move |()| o.set(true))}>
                        { "Ouvrir une boîte de dialogue" }
                    </Button>
                </div>
                if let Some(msg) = &*submitted {
                    <StatusMessage kind={StatusKind::Success} id={Some(AttrValue::from("apercu-resultat"))}>{ msg.clone() }</StatusMessage>
                }
            </form>
            <DataTable caption="Exemple de tableau : trois sites du réseau" columns={vec![AttrValue::from("Site"), AttrValue::from("Code")]} {rows} />
            <Dialog id={Some(AttrValue::from("apercu-dialogue"))} open={*dialog_open} title="Boîte de dialogue"
                on_close={let o = dialog_open.clone(); Callback::from(move |()| o.set(false))}>
                <p>{ "Échap ou le bouton Fermer referment cette boîte ; le focus revient au bouton qui l'a ouverte." }</p>
                <div class="actions">
                    <Button onclick={let o = dialog_open.clone(); Callback::from(move |()| o.set(false))}>{ "Compris" }</Button>
                </div>
            </Dialog>
        </div>
    }
}
