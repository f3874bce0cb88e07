use huimin_store::NewAuditRecord;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// Outcome words stored in the trail.
pub const SUCCESS: &str = "success";
pub const DENIED: &str = "denied";
/// The request was understood and refused (a file with bad lines).
pub const REFUSED: &str = "refused";

/// The record of what the caller did, for the store to write (see [`record`]).
pub fn new_record(
    ctx: &Ctx,
    action: &str,
    resource: &str,
    outcome: &str,
    detail: &str,
) -> NewAuditRecord {
    let (actor, role) = ctx.actor();
    NewAuditRecord {
        actor,
        role,
        action: action.to_owned(),
        resource: resource.to_owned(),
        source_ip: ctx.ip.to_string(),
        outcome: outcome.to_owned(),
        detail: detail.to_owned(),
    }
}

/// Writes one audit record and waits until it is committed. A failure to audit fails the
/// request: clinical data is never served unaudited.
pub async fn record(
    state: &AppState,
    ctx: &Ctx,
    action: &str,
    resource: &str,
    outcome: &str,
    detail: &str,
) -> Result<(), ApiError> {
    state
        .store
        .audit(new_record(ctx, action, resource, outcome, detail))
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "could not write the audit record");
            if err.is_unavailable() {
                ApiError::unavailable()
            } else {
                ApiError::internal()
            }
        })?;
    Ok(())
}
