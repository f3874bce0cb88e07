//! Orders storage (docs/design/orders.md): each ordered item (FHIR ServiceRequest) with the
//! charge item it put on the visit's bill, every step of its closed loop with who and when,
//! and same-day returns to the doctor's line (`returns`). The rules of the loop are
//! `huimin_domain::orders`; here they are kept, one transaction per change, each change a
//! conditional update on the status the rules were checked against.

mod returns;
mod steps;

use huimin_domain::orders::{OrderStatus, Orderable, StepRefusal};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::recognition::NewDecision;
use crate::sql::InFilter;
use crate::{Store, StoreError};

pub(crate) use returns::called_in;
pub use returns::{ReturnError, ReturnRecord};
pub(crate) use steps::paid_in;
pub use steps::{StepRecord, order_reported_in};

/// One order as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    pub id: String,
    pub encounter_id: String,
    pub appointment_id: String,
    pub patient_id: String,
    pub department_id: String,
    /// The ordering doctor and the post they ordered from.
    pub orderer_practitioner_id: String,
    pub orderer_role_id: String,
    pub item_code: String,
    pub category: String,
    pub charge_item_id: String,
    pub status: OrderStatus,
    pub ordered_at: i64,
    pub paid_at: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("no such order")]
    NotFound,
    #[error("the visit is not open")]
    VisitClosed,
    #[error("the visit's bill is cancelled")]
    BillCancelled,
    /// An item's offered result was already reused on this visit.
    #[error("already reused on this visit")]
    AlreadyReused,
    #[error("step refused: {0:?}")]
    Refused(StepRefusal),
    #[error("the order changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for OrderError {
    fn from(e: sqlx::Error) -> Self {
        OrderError::Store(e.into())
    }
}

/// Which orders a search wants; `None` is any.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    pub patients: Option<Vec<String>>,
    pub encounter: Option<String>,
    pub statuses: Option<Vec<OrderStatus>>,
    pub category: Option<String>,
    pub limit: u32,
}

pub(crate) const COLUMNS: &str = "id, encounter_id, appointment_id, patient_id, department_id, \
     orderer_practitioner_id, orderer_role_id, item_code, category, charge_item_id, status, \
     ordered_at, paid_at, version, updated_at";

pub(crate) fn from_row(row: &AnyRow) -> Result<OrderRecord, StoreError> {
    let status: String = row.try_get(10)?;
    Ok(OrderRecord {
        id: row.try_get(0)?,
        encounter_id: row.try_get(1)?,
        appointment_id: row.try_get(2)?,
        patient_id: row.try_get(3)?,
        department_id: row.try_get(4)?,
        orderer_practitioner_id: row.try_get(5)?,
        orderer_role_id: row.try_get(6)?,
        item_code: row.try_get(7)?,
        category: row.try_get(8)?,
        charge_item_id: row.try_get(9)?,
        status: OrderStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("order status {status}")))?,
        ordered_at: row.try_get(11)?,
        paid_at: row.try_get(12)?,
        version: row.try_get(13)?,
        updated_at: row.try_get(14)?,
    })
}

pub(crate) async fn order_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<OrderRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// One order and its charge item, in the ordering transaction.
#[allow(clippy::too_many_arguments)]
async fn place_one(
    tx: &mut AnyConnection,
    bill: &str,
    encounter_id: &str,
    appointment: &crate::appointments::AppointmentRecord,
    department_id: &str,
    item: &Orderable,
    orderer: &Orderer<'_>,
    now: i64,
) -> Result<String, OrderError> {
    let id = uuid::Uuid::now_v7().to_string();
    let charge = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO charge_items (id, bill_id, patient_id, code, name_zh, name_en, quantity, \
         unit_price_fen, amount_fen, list_price_fen, context, status, performed_at, entered_by, \
         created_at, updated_at, category) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, NULL, $9, 'billable', NULL, $10, $11, $12, $13)",
    )
    .bind(&charge)
    .bind(bill)
    .bind(&appointment.patient_id)
    .bind(&item.price_code)
    .bind(&item.name.zh)
    .bind(&item.name.en)
    .bind(item.price.fen())
    .bind(item.price.fen())
    .bind(format!("ServiceRequest/{id}"))
    .bind(orderer.username)
    .bind(now)
    .bind(now)
    .bind(item.category.price_category())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO orders (id, encounter_id, appointment_id, patient_id, department_id, \
         orderer_practitioner_id, orderer_role_id, item_code, category, charge_item_id, \
         status, ordered_at, paid_at, version, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'ordered', $11, NULL, 1, $12)",
    )
    .bind(&id)
    .bind(encounter_id)
    .bind(&appointment.id)
    .bind(&appointment.patient_id)
    .bind(department_id)
    .bind(orderer.practitioner_id)
    .bind(orderer.role_id)
    .bind(&item.code)
    .bind(item.category.code())
    .bind(&charge)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    steps::record_step(
        &mut *tx,
        &id,
        OrderStatus::Ordered,
        now,
        Some(orderer.username),
        Some("doctor"),
    )
    .await?;
    Ok(id)
}

/// Who orders: the doctor, the post on the visit, the account acting.
#[derive(Clone, Debug)]
pub struct Orderer<'a> {
    pub practitioner_id: &'a str,
    pub role_id: &'a str,
    pub username: &'a str,
}

impl Store {
    /// One order (patient, visit, orderer, item, status).
    pub async fn order(&self, id: &str) -> Result<Option<OrderRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        order_in(&mut conn, id).await
    }

    /// Orders matching the filter, oldest first.
    pub async fn search_orders(
        &self,
        filter: &OrderFilter,
    ) -> Result<Vec<OrderRecord>, StoreError> {
        let mut query = InFilter::new(format!("SELECT {COLUMNS} FROM orders WHERE 1 = 1"));
        if let Some(patients) = &filter.patients {
            if patients.is_empty() {
                return Ok(Vec::new());
            }
            query.push_in("patient_id", patients);
        }
        if let Some(e) = &filter.encounter {
            query.push_in("encounter_id", std::slice::from_ref(e));
        }
        if let Some(statuses) = &filter.statuses {
            if statuses.is_empty() {
                return Ok(Vec::new());
            }
            let codes: Vec<String> = statuses.iter().map(|s| s.code().to_owned()).collect();
            query.push_in("status", &codes);
        }
        if let Some(c) = &filter.category {
            query.push_in("category", std::slice::from_ref(c));
        }
        query.sql.push_str(&format!(
            " ORDER BY ordered_at, id LIMIT {}",
            filter.limit.clamp(1, 500)
        ));
        let mut sql = sqlx::query(sqlx::AssertSqlSafe(query.sql));
        for b in query.binds {
            sql = sql.bind(b);
        }
        let query = sql;
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// Orders the items on an open visit, each with its charge item on the visit's bill
    /// (opened if need be), in one transaction.
    pub async fn place_orders(
        &self,
        encounter_id: &str,
        items: &[Orderable],
        orderer: &Orderer<'_>,
        now: i64,
    ) -> Result<Vec<OrderRecord>, OrderError> {
        self.place_orders_recognising(encounter_id, items, &[], orderer, now)
            .await
    }

    /// Orders the items as [`place_orders`](Self::place_orders) does and, in the same
    /// transaction, records the doctor's decisions about offered results (a reuse orders
    /// nothing; a retest names the order placed for its item).
    pub async fn place_orders_recognising(
        &self,
        encounter_id: &str,
        items: &[Orderable],
        decisions: &[NewDecision],
        orderer: &Orderer<'_>,
        now: i64,
    ) -> Result<Vec<OrderRecord>, OrderError> {
        let mut tx = self.writer.begin().await?;
        let encounter: Option<(String, String, String)> = sqlx::query_as(
            "SELECT appointment_id, status, department_id FROM encounters WHERE id = $1",
        )
        .bind(encounter_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (appointment_id, _, department_id) = encounter.ok_or(OrderError::NotFound)?;
        crate::appointments::lock_appointment(&mut tx, &appointment_id).await?;
        // Read again under the appointment's lock: finishing the visit takes it too.
        let status: String = sqlx::query_scalar("SELECT status FROM encounters WHERE id = $1")
            .bind(encounter_id)
            .fetch_one(&mut *tx)
            .await?;
        if !matches!(status.as_str(), "arrived" | "in-progress") {
            return Err(OrderError::VisitClosed);
        }
        let appointment = crate::appointments::fetch_appointment(&mut tx, &appointment_id)
            .await?
            .ok_or(OrderError::NotFound)?;
        let mut placed: Vec<String> = Vec::new();
        let mut by_item: Vec<(String, String)> = Vec::new();
        if !items.is_empty() {
            let bill =
                crate::billing::open_bill_in(&mut tx, &appointment, Some(orderer.username), now)
                    .await?;
            let bill_status: String = sqlx::query_scalar("SELECT status FROM bills WHERE id = $1")
                .bind(&bill)
                .fetch_one(&mut *tx)
                .await?;
            if bill_status == "cancelled" {
                return Err(OrderError::BillCancelled);
            }
            for item in items {
                let id = place_one(
                    &mut tx,
                    &bill,
                    encounter_id,
                    &appointment,
                    &department_id,
                    item,
                    orderer,
                    now,
                )
                .await?;
                by_item.push((item.code.clone(), id.clone()));
                placed.push(id);
            }
            crate::billing::write_status(&mut tx, &bill, now).await?;
        }
        let visit = crate::recognition::VisitFacts {
            encounter_id,
            patient_id: &appointment.patient_id,
            department_id: &department_id,
            by: orderer.username,
            at: now,
        };
        if !crate::recognition::record_decisions_in(&mut tx, self, &visit, decisions, &by_item)
            .await?
        {
            return Err(OrderError::AlreadyReused);
        }
        let mut orders = Vec::new();
        for id in &placed {
            orders.push(order_in(&mut tx, id).await?.ok_or(OrderError::NotFound)?);
        }
        tx.commit().await?;
        Ok(orders)
    }

    /// Takes an order one step (scheduled, collected, performed, reported, reviewed,
    /// cancelled), with its charge item following: cancelled aborts it (and refunds what was
    /// paid for it), collected or performed marks it given (no longer refundable).
    pub async fn step_order(
        &self,
        id: &str,
        to: OrderStatus,
        by_user: &str,
        by_role: &str,
        now: i64,
    ) -> Result<OrderRecord, OrderError> {
        let mut tx = self.writer.begin().await?;
        let order = steps::step_in(&mut tx, id, to, by_user, by_role, now).await?;
        tx.commit().await?;
        Ok(order)
    }
}
