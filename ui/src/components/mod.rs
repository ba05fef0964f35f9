//! The component kit: every screen builds its forms and lists from these,
//! so that they look and behave the same everywhere (labels above fields,
//! one explanation of the required marker per form, errors linked to their
//! field through `aria-describedby`, visible keyboard focus).

mod button;
mod dialog;
mod field;
mod history;
mod logo;
mod status;
mod table;

pub use button::{Button, ButtonKind};
pub use dialog::Dialog;
pub use field::{DateField, RequiredLegend, SelectField, TextField, YesNo, field_error};
pub use history::HistoryList;
pub use logo::Logo;
pub use status::{StatusKind, StatusMessage};
pub use table::DataTable;
