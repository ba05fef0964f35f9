//! A data table with a caption, header cells with scope, and a plain
//! sentence when there is nothing to show.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DataTableProps {
    /// Read by screen readers; visually hidden when `caption_hidden`.
    pub caption: AttrValue,
    #[prop_or_default]
    pub caption_hidden: bool,
    pub columns: Vec<AttrValue>,
    pub rows: Vec<Vec<Html>>,
    #[prop_or(AttrValue::from("Aucun élément à afficher."))]
    pub empty: AttrValue,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[component]
pub fn DataTable(props: &DataTableProps) -> Html {
    html! {
        <div class="table-wrap">
            <table id={props.id.clone()} class="data-table">
                <caption class={classes!(props.caption_hidden.then_some("visually-hidden"))}>
                    { props.caption.clone() }
                </caption>
                <thead>
                    <tr>
                        { for props.columns.iter().map(|c| html!{ <th scope="col">{ c.clone() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    if props.rows.is_empty() {
                        <tr><td class="empty" colspan={props.columns.len().to_string()}>{ props.empty.clone() }</td></tr>
                    } else {
                        { for props.rows.iter().map(|row| html!{
                            <tr>{ for row.iter().map(|cell| html!{ <td>{ cell.clone() }</td> }) }</tr>
                        }) }
                    }
                </tbody>
            </table>
        </div>
    }
}
