//! Status messages announced to screen readers: `role="status"` (polite)
//! for information and success, `role="alert"` (assertive) for errors.

use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Success,
    Error,
}

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    pub kind: StatusKind,
    pub children: Html,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[component]
pub fn StatusMessage(props: &StatusProps) -> Html {
    let (role, live, class) = match props.kind {
        StatusKind::Info => ("status", "polite", "status status-info"),
        StatusKind::Success => ("status", "polite", "status status-success"),
        StatusKind::Error => ("alert", "assertive", "status status-error"),
    };
    html! {
        <div id={props.id.clone()} {role} aria-live={live} {class}>
            { props.children.clone() }
        </div>
    }
}
