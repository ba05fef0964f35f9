//! Form fields: label above, optional hint, error linked to the field.
//!
//! Every field takes an `id`; its hint is `{id}-aide` and its error
//! `{id}-erreur`, both listed in the control's `aria-describedby`.

use portee_domain::FrenchDate;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::text::REQUIRED_LEGEND;

/// The one explanation of the required marker, at the top of each form.
#[component]
pub fn RequiredLegend() -> Html {
    html! { <p class="required-legend">{ REQUIRED_LEGEND }</p> }
}

fn described_by(id: &str, hint: bool, error: bool) -> Option<AttrValue> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-aide"));
    }
    if error {
        ids.push(format!("{id}-erreur"));
    }
    (!ids.is_empty()).then(|| AttrValue::from(ids.join(" ")))
}

fn label_html(id: &AttrValue, label: &AttrValue, required: bool) -> Html {
    html! {
        <label for={id.clone()}>
            { label.clone() }
            if required { <span class="required-mark" aria-hidden="true">{ " *" }</span> }
        </label>
    }
}

fn hint_and_error(id: &AttrValue, hint: &Option<AttrValue>, error: &Option<AttrValue>) -> Html {
    html! {
        <>
            if let Some(h) = hint { <p class="hint" id={format!("{id}-aide")}>{ h.clone() }</p> }
            if let Some(e) = error { <p class="field-error" id={format!("{id}-erreur")}>{ e.clone() }</p> }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub onblur: Callback<()>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// `text`, `email`, `tel`, `password`…
    #[prop_or(AttrValue::from("text"))]
    pub input_type: AttrValue,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
}

#[component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onblur = {
        let cb = props.onblur.clone();
        Callback::from(move |_: FocusEvent| cb.emit(()))
    };
    html! {
        <div class={classes!("field", props.error.is_some().then_some("field-invalid"))}>
            { label_html(&props.id, &props.label, props.required) }
            <input
                id={props.id.clone()}
                type={props.input_type.clone()}
                value={props.value.clone()}
                required={props.required}
                aria-required={props.required.then_some("true")}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by(&props.id, props.hint.is_some(), props.error.is_some())}
                autocomplete={props.autocomplete.clone()}
                inputmode={props.inputmode.clone()}
                disabled={props.disabled}
                {oninput}
                {onblur}
            />
            { hint_and_error(&props.id, &props.hint, &props.error) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct DateFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    /// The text as typed (kept even when invalid, so nothing is lost).
    pub value: AttrValue,
    pub oninput: Callback<String>,
    /// The parsed date when the text is valid, on leaving the field.
    #[prop_or_default]
    pub onchange: Callback<Option<FrenchDate>>,
    #[prop_or_default]
    pub required: bool,
    /// An error from the backend; the field's own check comes first.
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

/// A date typed as JJ/MM/AAAA, checked with the same parser as the backend
/// when the field is left.
#[component]
pub fn DateField(props: &DateFieldProps) -> Html {
    let local_error = use_state(|| None::<AttrValue>);
    let onblur = {
        let value = props.value.clone();
        let local_error = local_error.clone();
        let onchange = props.onchange.clone();
        let required = props.required;
        Callback::from(move |()| {
            if value.trim().is_empty() {
                local_error.set(required.then(|| AttrValue::from("Ce champ est obligatoire.")));
                onchange.emit(None);
                return;
            }
            match FrenchDate::parse(&value) {
                Ok(date) => {
                    local_error.set(None);
                    onchange.emit(Some(date));
                }
                Err(e) => {
                    local_error.set(Some(AttrValue::from(e.message().to_owned())));
                    onchange.emit(None);
                }
            }
        })
    };
    let error = (*local_error).clone().or_else(|| props.error.clone());
    html! {
        <TextField
            id={props.id.clone()}
            label={props.label.clone()}
            value={props.value.clone()}
            oninput={props.oninput.clone()}
            {onblur}
            required={props.required}
            hint={Some(AttrValue::from("Format JJ/MM/AAAA, par exemple 05/09/2026."))}
            {error}
            inputmode={Some(AttrValue::from("numeric"))}
            autocomplete={Some(AttrValue::from("off"))}
        />
    }
}

#[derive(Properties, PartialEq)]
pub struct SelectFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    /// (value, label) pairs.
    pub options: Vec<(AttrValue, AttrValue)>,
    /// `None` shows the placeholder selected.
    pub value: Option<AttrValue>,
    /// The first, empty choice: « — Choisir — » in a form, « Tous » in a filter.
    #[prop_or(AttrValue::from("— Choisir —"))]
    pub placeholder: AttrValue,
    pub onchange: Callback<Option<String>>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

#[component]
pub fn SelectField(props: &SelectFieldProps) -> Html {
    let onchange = {
        let cb = props.onchange.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            cb.emit((!v.is_empty()).then_some(v));
        })
    };
    html! {
        <div class={classes!("field", props.error.is_some().then_some("field-invalid"))}>
            { label_html(&props.id, &props.label, props.required) }
            <select
                id={props.id.clone()}
                required={props.required}
                aria-required={props.required.then_some("true")}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by(&props.id, props.hint.is_some(), props.error.is_some())}
                {onchange}
            >
                <option value="" selected={props.value.is_none()}>{ props.placeholder.clone() }</option>
                { for props.options.iter().map(|(v, l)| html!{
                    <option value={v.clone()} selected={props.value.as_ref() == Some(v)}>{ l.clone() }</option>
                }) }
            </select>
            { hint_and_error(&props.id, &props.hint, &props.error) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct YesNoProps {
    pub id: AttrValue,
    pub legend: AttrValue,
    /// `None` until the user answers: no answer is preselected.
    pub value: Option<bool>,
    pub onchange: Callback<bool>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

/// A yes/no question as two radio buttons in a fieldset.
#[component]
pub fn YesNo(props: &YesNoProps) -> Html {
    let choice = |answer: bool| {
        let cb = props.onchange.clone();
        Callback::from(move |_: Event| cb.emit(answer))
    };
    let radio_id = |answer: bool| format!("{}-{}", props.id, if answer { "oui" } else { "non" });
    html! {
        <fieldset
            id={props.id.clone()}
            class={classes!("field", "yes-no", props.error.is_some().then_some("field-invalid"))}
            aria-describedby={described_by(&props.id, props.hint.is_some(), props.error.is_some())}
            aria-required={props.required.then_some("true")}
        >
            <legend>
                { props.legend.clone() }
                if props.required { <span class="required-mark" aria-hidden="true">{ " *" }</span> }
            </legend>
            <div class="yes-no-options">
                { for [true, false].into_iter().map(|answer| html!{
                    <label class="choice" for={radio_id(answer)}>
                        <input
                            type="radio"
                            id={radio_id(answer)}
                            name={props.id.clone()}
                            value={if answer { "oui" } else { "non" }}
                            checked={props.value == Some(answer)}
                            onchange={choice(answer)}
                        />
                        { if answer { "Oui" } else { "Non" } }
                    </label>
                }) }
            </div>
            { hint_and_error(&props.id, &props.hint, &props.error) }
        </fieldset>
    }
}

/// The message of `error` when it concerns `field` (an `ApiError` names the
/// request field it refuses), for that field's `error` prop.
pub fn field_error(error: &Option<portee_api::ApiError>, field: &str) -> Option<AttrValue> {
    error
        .as_ref()
        .filter(|e| e.field.as_deref() == Some(field))
        .map(|e| AttrValue::from(e.message.clone()))
}
