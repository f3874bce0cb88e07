//! The external result as kept and served: a DiagnosticReport standing alone.

use serde_json::json;
use serde_json::value::RawValue;

use super::import::{Layout, RawBundle};
use crate::error::ApiError;

/// The entry's JSON text with `urn:uuid:` references replaced and its `id` set: the digits of
/// every number are kept (no detour through `Value`).
fn rewritten(
    raw: &RawValue,
    id: &str,
    refs: &[(String, String)],
) -> Result<Box<RawValue>, ApiError> {
    let mut text = raw.get().to_owned();
    for (from, to) in refs {
        text = text.replace(&format!("\"{from}\""), &format!("\"{to}\""));
    }
    let mut fields: std::collections::BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(&text).map_err(|_| ApiError::internal())?;
    fields.insert(
        "id".into(),
        RawValue::from_string(json!(id).to_string()).map_err(|_| ApiError::internal())?,
    );
    let text = serde_json::to_string(&fields).map_err(|_| ApiError::internal())?;
    RawValue::from_string(text).map_err(|_| ApiError::internal())
}

/// The DiagnosticReport kept and served: its id the result's, the performer and the
/// observations `contained` (`#org`, `#o01`…, so the report stands alone and every reference
/// resolves), the patient this hospital's `Patient/{id}` (the sender's identity document is not
/// kept again).
pub(super) fn served_report(
    bundle: &RawBundle<'_>,
    layout: &Layout,
    id: &str,
    patient_id: &str,
) -> Result<String, ApiError> {
    let mut local: Vec<(usize, String)> = vec![(layout.organization, "org".to_owned())];
    for (n, &i) in layout.observations.iter().enumerate() {
        local.push((i, format!("o{:02}", n + 1)));
    }
    let mut refs: Vec<(String, String)> = Vec::new();
    for (i, local_id) in &local {
        if let Some(old) = bundle.entry[*i].full_url.clone() {
            refs.push((old, format!("#{local_id}")));
        }
    }
    if let Some(old) = bundle.entry[layout.patient].full_url.clone() {
        refs.push((old, format!("Patient/{patient_id}")));
    }
    let mut contained = Vec::new();
    for (i, local_id) in &local {
        contained.push(rewritten(bundle.entry[*i].resource, local_id, &refs)?);
    }
    let report = rewritten(bundle.entry[layout.report].resource, id, &refs)?;
    let mut fields: std::collections::BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(report.get()).map_err(|_| ApiError::internal())?;
    let contained = serde_json::to_string(&contained).map_err(|_| ApiError::internal())?;
    fields.insert(
        "contained".into(),
        RawValue::from_string(contained).map_err(|_| ApiError::internal())?,
    );
    serde_json::to_string(&fields).map_err(|_| ApiError::internal())
}
