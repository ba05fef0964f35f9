//! A modal dialog on the native `<dialog>` element: focus stays inside,
//! Échap closes it, focus returns to what opened it.

use wasm_bindgen::JsCast;
use web_sys::HtmlDialogElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DialogProps {
    pub open: bool,
    pub title: AttrValue,
    pub on_close: Callback<()>,
    pub children: Html,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[component]
pub fn Dialog(props: &DialogProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.open, move |open| {
            if let Some(dialog) = node.cast::<HtmlDialogElement>() {
                if *open && !dialog.open() {
                    let _ = dialog.show_modal();
                } else if !*open && dialog.open() {
                    dialog.close();
                }
            }
        });
    }
    // Échap fires `cancel`; the parent decides (it will set open = false).
    let oncancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: Event| {
            e.prevent_default();
            on_close.emit(());
        })
    };
    let onclose_click = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let title_id = format!("{}-titre", props.id.as_deref().unwrap_or("dialogue"));
    // The dialog itself is the event target of a click on the backdrop.
    let onclick = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: MouseEvent| {
            let on_backdrop = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlDialogElement>().ok())
                .is_some();
            if on_backdrop {
                on_close.emit(());
            }
        })
    };
    html! {
        <dialog ref={node} id={props.id.clone()} class="dialog" aria-labelledby={title_id.clone()} {oncancel} {onclick}>
            <div class="dialog-body">
                <header class="dialog-header">
                    <h2 id={title_id}>{ props.title.clone() }</h2>
                    <button type="button" class="btn-icon" aria-label="Fermer" onclick={onclose_click}>{ "×" }</button>
                </header>
                { props.children.clone() }
            </div>
        </dialog>
    }
}
