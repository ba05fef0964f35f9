//! Buttons with a visible keyboard focus (see `.btn:focus-visible`).

use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonKind {
    #[default]
    Primary,
    Secondary,
    Danger,
}

#[derive(Properties, PartialEq)]
pub struct ButtonProps {
    pub children: Html,
    #[prop_or_default]
    pub kind: ButtonKind,
    #[prop_or_default]
    pub onclick: Callback<()>,
    /// A submit button of its form rather than a plain button.
    #[prop_or_default]
    pub submit: bool,
    #[prop_or_default]
    pub disabled: bool,
    /// Shown as busy (and disabled) while an action runs.
    #[prop_or_default]
    pub busy: bool,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[component]
pub fn Button(props: &ButtonProps) -> Html {
    let class = match props.kind {
        ButtonKind::Primary => "btn btn-primary",
        ButtonKind::Secondary => "btn btn-secondary",
        ButtonKind::Danger => "btn btn-danger",
    };
    let onclick = {
        let cb = props.onclick.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <button
            id={props.id.clone()}
            type={if props.submit { "submit" } else { "button" }}
            {class}
            disabled={props.disabled || props.busy}
            aria-busy={props.busy.then_some("true")}
            {onclick}
        >
            { if props.busy { html!{ <span class="spinner" aria-hidden="true"></span> } } else { html!{} } }
            { props.children.clone() }
        </button>
    }
}
