//! Medical insurance on the ledger (`docs/design/insurance.md`): the local insurer's record of
//! each insured patient, the settlement of what is due on a bill (the rules are
//! `huimin_domain::billing::insurance`), and its reversal when the money goes back.
//!
//! An insured bill is paid in three entries at once: the pool fund (`medical-insurance`), the
//! personal account (`insurance-account`) and the patient's cash part (the gateway's or the
//! desk's method). The patient's year figures change in the same transaction.

use huimin_domain::billing::insurance::{
    Catalogue, ClaimItem, Cover, HospitalLevel, InsuredState, Occasion, Policy, Scheme, Settlement,
    settle,
};
use huimin_domain::billing::price_list::PriceCategory;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::sheet::{BillSheet, EntryRecord};
use crate::{Store, StoreError};

/// The rules a settlement applies: the scheme's policy, the catalogue of item classes and the
/// hospital's level.
#[derive(Clone, Debug)]
pub struct InsuranceRules {
    pub policy: Policy,
    pub catalogue: Catalogue,
    pub level: HospitalLevel,
}

/// An insured patient as the local insurer keeps them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverRecord {
    pub patient_id: String,
    /// The insurance number (医保编号) on the patient's card or e-voucher.
    pub insured_no: String,
    pub state: InsuredState,
}

pub(crate) async fn cover_in(
    conn: &mut AnyConnection,
    patient: &str,
) -> Result<Option<CoverRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT insured_no, scheme, retired, year, account_balance_fen, deductible_used_fen, \
         pool_paid_fen FROM insurance_cover WHERE patient_id = $1",
    )
    .bind(patient)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let scheme: String = row.try_get(1)?;
    let scheme = Scheme::from_code(&scheme)
        .ok_or_else(|| StoreError::Corrupt(format!("insurance scheme {scheme}")))?;
    let year: i64 = row.try_get(3)?;
    Ok(Some(CoverRecord {
        patient_id: patient.to_owned(),
        insured_no: row.try_get(0)?,
        state: InsuredState {
            scheme,
            retired: row.try_get::<i64, _>(2)? != 0,
            year: i32::try_from(year).map_err(|_| StoreError::Corrupt("cover year".into()))?,
            account_balance: row.try_get(4)?,
            deductible_used: row.try_get(5)?,
            pool_paid: row.try_get(6)?,
        },
    }))
}

async fn write_cover_in(
    conn: &mut AnyConnection,
    patient: &str,
    insured_no: &str,
    state: &InsuredState,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO insurance_cover (patient_id, insured_no, scheme, retired, year, \
         account_balance_fen, deductible_used_fen, pool_paid_fen, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (patient_id) DO UPDATE SET \
         insured_no = excluded.insured_no, scheme = excluded.scheme, retired = excluded.retired, \
         year = excluded.year, account_balance_fen = excluded.account_balance_fen, \
         deductible_used_fen = excluded.deductible_used_fen, \
         pool_paid_fen = excluded.pool_paid_fen, updated_at = excluded.updated_at",
    )
    .bind(patient)
    .bind(insured_no)
    .bind(state.scheme.code())
    .bind(i64::from(state.retired))
    .bind(i64::from(state.year))
    .bind(state.account_balance)
    .bind(state.deductible_used)
    .bind(state.pool_paid)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The settlement of what is due on the bill for its patient's cover; `None` for a patient
/// the insurer does not know (self-paying).
pub(crate) async fn presettle_in(
    conn: &mut AnyConnection,
    sheet: &BillSheet,
    rules: &InsuranceRules,
    year: i32,
) -> Result<Option<Settlement>, StoreError> {
    let Some(cover) = cover_in(conn, &sheet.bill.patient_id).await? else {
        return Ok(None);
    };
    let claims: Vec<ClaimItem> = sheet
        .numbers()
        .payment_plan()
        .into_iter()
        .filter_map(|(id, amount)| {
            let item = sheet.items.iter().find(|i| i.id == id)?;
            let category = PriceCategory::from_code(&item.category);
            Some(ClaimItem {
                class: rules.catalogue.class_of(&item.code, category),
                code: item.code.clone(),
                id,
                amount,
            })
        })
        .collect();
    let occasion = Occasion {
        level: rules.level,
        year,
        use_account: true,
    };
    let cover = Cover::Insured(cover.state.rolled_to(year));
    settle(&rules.policy, &cover, occasion, &claims)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("insurance settlement: {e:?}")))
}

/// Pays the bill (locked by the caller) as `settlement` splits it, the cash part by `channel`;
/// records the settlement and moves the patient's figures on.
pub(crate) async fn pay_settled_in(
    conn: &mut AnyConnection,
    sheet: &BillSheet,
    settlement: &Settlement,
    channel: &str,
    order: Option<&str>,
    by: Option<&str>,
    now: i64,
) -> Result<Vec<EntryRecord>, StoreError> {
    let part = |pick: fn(&huimin_domain::billing::insurance::Split) -> i64| {
        settlement
            .lines
            .iter()
            .map(|l| (l.item.id.clone(), pick(&l.split)))
            .collect::<Vec<_>>()
    };
    let entries = super::ledger::pay_parts_in(
        conn,
        &sheet.bill.id,
        vec![
            ("medical-insurance", part(|s| s.pool)),
            ("insurance-account", part(|s| s.account)),
            (channel, part(|s| s.self_pay)),
        ],
        by,
        now,
    )
    .await?;
    let cover = cover_in(conn, &sheet.bill.patient_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = Cover::Insured(cover.state.rolled_to(settlement.occasion.year));
    let Cover::Insured(after) = before
        .apply(&settlement.delta)
        .map_err(|e| StoreError::Corrupt(format!("insurance state: {e:?}")))?
    else {
        return Err(StoreError::Corrupt("insurance cover lost".into()));
    };
    write_cover_in(conn, &cover.patient_id, &cover.insured_no, &after, now).await?;
    let lines: Vec<serde_json::Value> = settlement
        .lines
        .iter()
        .map(|l| {
            json!({
                "item": l.item.id,
                "code": l.item.code,
                "pool": l.split.pool,
                "account": l.split.account,
                "self": l.split.self_pay,
                "reasons": l.reasons.iter().map(|r| r.text().zh).collect::<Vec<_>>(),
            })
        })
        .collect();
    sqlx::query(
        "INSERT INTO insurance_settlements (id, bill_id, patient_id, order_id, policy_version, \
         year, pool_fen, account_fen, self_fen, deductible_delta, lines, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'settled', $12)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(&sheet.bill.id)
    .bind(&sheet.bill.patient_id)
    .bind(order)
    .bind(&settlement.policy_version)
    .bind(i64::from(settlement.occasion.year))
    .bind(settlement.totals.pool)
    .bind(settlement.totals.account)
    .bind(settlement.totals.self_pay)
    .bind(settlement.delta.deductible_used)
    .bind(serde_json::Value::from(lines).to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(entries)
}

/// A refund went back through an insurance entry: the fund takes back what the pool paid
/// (the year's pool figure goes down) and the account gets back what it paid. When the bill
/// holds no money any more, its settlements are reversed whole: the deductible they used is
/// given back too.
pub(crate) async fn refunded_in(
    conn: &mut AnyConnection,
    refund: &EntryRecord,
    now: i64,
) -> Result<(), StoreError> {
    let (pool, account) = match refund.method.as_str() {
        "medical-insurance" => (refund.amount_fen, 0),
        "insurance-account" => (0, refund.amount_fen),
        _ => return Ok(()),
    };
    let Some(cover) = cover_in(conn, &refund.patient_id).await? else {
        return Ok(());
    };
    let mut state = cover.state.clone();
    state.pool_paid = (state.pool_paid - pool).max(0);
    state.account_balance += account;
    write_cover_in(conn, &cover.patient_id, &cover.insured_no, &state, now).await
}

/// Reverses the deductible of the bill's settlements once the bill holds no money.
pub(crate) async fn bill_emptied_in(
    conn: &mut AnyConnection,
    bill: &str,
    patient: &str,
    now: i64,
) -> Result<(), StoreError> {
    let rows = sqlx::query(
        "SELECT id, year, deductible_delta FROM insurance_settlements \
         WHERE bill_id = $1 AND status = 'settled'",
    )
    .bind(bill)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let Some(cover) = cover_in(conn, patient).await? else {
        return Ok(());
    };
    let mut state = cover.state.clone();
    for row in &rows {
        let year: i64 = row.try_get(1)?;
        let used: i64 = row.try_get(2)?;
        if year == i64::from(state.year) {
            state.deductible_used = (state.deductible_used - used).max(0);
        }
        sqlx::query(
            "UPDATE insurance_settlements SET status = 'reversed', reversed_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(row.try_get::<String, _>(0)?)
        .execute(&mut *conn)
        .await?;
    }
    write_cover_in(conn, &cover.patient_id, &cover.insured_no, &state, now).await
}

impl Store {
    pub async fn insurance_cover(&self, patient: &str) -> Result<Option<CoverRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        cover_in(&mut conn, patient).await
    }

    /// Records (or replaces) what the insurer knows of a patient.
    pub async fn set_insurance_cover(
        &self,
        cover: &CoverRecord,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        write_cover_in(
            &mut conn,
            &cover.patient_id,
            &cover.insured_no,
            &cover.state,
            now,
        )
        .await
    }
}
