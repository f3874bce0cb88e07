//! SQLite's dialect of a booking group. The group writer's connection is the only writer,
//! and the read batch's first statement (the lapsed holds' cancellation) is a write: the group
//! holds the database's write lock from its first read, so everything it reads stays as read
//! until its commit, the audit chain's head included.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::super::booking::lapse_statement;
use super::super::holder::{Holder, holders_from_json, holders_json_query};
use super::read::{Asked, HoldersAt, Lead};
use crate::audit::{HEAD_QUERY, push_append};
use crate::sql::Batch;
use crate::{NewAuditRecord, StoreError};

/// The read batch's lead: (when `release`) the lapsed holds of the group's patients and slots
/// cancelled, and (when `read_holders`) who the patients are, as one JSON row.
pub(super) fn push_lead(
    batch: &mut Batch,
    asked: &Asked<'_>,
    release: bool,
    read_holders: bool,
) -> Lead {
    let lapsed = release.then(|| {
        let now = batch.arg(asked.now);
        let patients = batch.json_list(&asked.patient_list);
        let slots = batch.json_list(&asked.slot_list);
        let until = batch.arg(asked.now);
        let condition = format!("(patient_id IN ({patients}) OR slot_id IN ({slots}))");
        batch.push(&lapse_statement(now, &condition, until))
    });
    let holders = read_holders.then(|| {
        let ids = batch.json_list(&asked.patient_list);
        HoldersAt::Json(batch.push(&holders_json_query(&ids)))
    });
    Lead { lapsed, holders }
}

/// The patients of the one row of `holders_json_query` (`json_group_array` answers one row,
/// `[]` when no patient exists: no row is a fault, not "nobody exists", which would refuse
/// the whole group).
pub(super) fn holders_from_row(rows: &[AnyRow]) -> Result<HashMap<String, Holder>, StoreError> {
    let row = rows
        .first()
        .ok_or_else(|| StoreError::Corrupt("no row of patients".into()))?;
    holders_from_json(&row.try_get::<String, _>(0)?)
}

/// Reads the audit chain's head with the rest of the group's state.
pub(super) fn push_head(batch: &mut Batch) -> usize {
    batch.push(HEAD_QUERY)
}

/// The audit chain's head `(seq, hash)` from the rows of [`push_head`].
pub(super) fn head_from(rows: &[AnyRow]) -> Result<(i64, String), StoreError> {
    let head = rows
        .first()
        .ok_or_else(|| StoreError::Corrupt("no audit head".into()))?;
    Ok((head.try_get(0)?, head.try_get(1)?))
}

/// The group's audit records, in its write batch, chained from the head it read.
pub(super) fn push_audit(
    batch: &mut Batch,
    key: &huimin_domain::audit::ChainKey,
    records: &[&NewAuditRecord],
    head: (i64, String),
) {
    push_append(batch, key, records, head);
}
