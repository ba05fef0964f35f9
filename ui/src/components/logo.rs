//! The Portée mark, shown in the header and on the full-screen pages.

use yew::prelude::*;

/// The Portée mark: a five-line staff with a note (icons/portee.svg).
#[component]
pub fn Logo() -> Html {
    html! {
        <svg class="logo" viewBox="0 0 64 64" width="40" height="40" aria-hidden="true" focusable="false">
            <rect width="64" height="64" rx="14" fill="#1b2a4a"/>
            <g stroke="#e8edf7" stroke-width="2.4" stroke-linecap="round">
                <line x1="10" y1="18" x2="54" y2="18"/>
                <line x1="10" y1="25" x2="54" y2="25"/>
                <line x1="10" y1="32" x2="54" y2="32"/>
                <line x1="10" y1="39" x2="54" y2="39"/>
                <line x1="10" y1="46" x2="54" y2="46"/>
            </g>
            <ellipse cx="30" cy="42.5" rx="7" ry="5.2" transform="rotate(-22 30 42.5)" fill="#f2b134"/>
            <rect x="35.2" y="12" width="3" height="30" rx="1.2" fill="#f2b134"/>
        </svg>
    }
}
