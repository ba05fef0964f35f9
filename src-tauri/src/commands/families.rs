//! Students and families, within the signed-in member's sites.

use portee_api::{
    ApiError,
    families::{SearchStudentsRequest, StudentHit},
};
use portee_domain::{Site, auth::Action, search::SearchQuery};
use tauri::State;

use crate::{AppState, error::store_error};

#[tauri::command]
#[tracing::instrument(skip(state, request), err)]
pub async fn search_students(
    state: State<'_, AppState>,
    request: SearchStudentsRequest,
) -> Result<Vec<StudentHit>, ApiError> {
    let member = state.sessions().require()?;
    member
        .scope
        .authorize(Action::ViewFamilies, None)
        .map_err(|e| ApiError::new(portee_api::ErrorCode::Forbidden, e.message()))?;
    let query = SearchQuery::parse(&request.query)
        .map_err(|e| ApiError::validation("query", e.message()))?;
    let db = state.database(false).await?;
    let hits = db
        .search_students_in(&query, 50, member.scope.visible_sites())
        .await
        .map_err(store_error)?;
    Ok(hits
        .into_iter()
        .map(|h| StudentHit {
            student_id: h.student_id,
            last_name: h.last_name,
            first_name: h.first_name,
            birth_date: h.birth_date.format("%d/%m/%Y").to_string(),
            site_name: Site::ALL
                .get((h.site_id - 1) as usize)
                .map_or("?", |s| s.name())
                .to_owned(),
            family_number: h.family_number,
        })
        .collect())
}
