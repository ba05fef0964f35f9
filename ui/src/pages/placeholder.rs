//! An area that is not built yet says so plainly, and what it will offer.

use yew::prelude::*;

use crate::text::Area;

#[derive(Properties, PartialEq)]
pub struct PlaceholderProps {
    pub area: Area,
}

#[component]
pub fn PlaceholderPage(props: &PlaceholderProps) -> Html {
    html! {
        <section class="page" aria-labelledby="titre-page">
            <h1 id="titre-page">{ props.area.label() }</h1>
            <div class="notice" id="espace-a-venir">
                <p><strong>{ "Cet espace n'est pas encore disponible dans cette version de Portée." }</strong></p>
                <p>{ "Il permettra de :" }</p>
                <ul>{ for props.area.promise().iter().map(|line| html!{ <li>{ *line }</li> }) }</ul>
            </div>
        </section>
    }
}
