//! What a booking needs to know of the patient it is for: that the Patient exists, that it
//! carries a validated identity document (real-name booking), and its birth date (the
//! elderly pool).
//!
//! These come from the Patient's plain index rows, read in the booking's own transaction, so
//! taking a place neither reads nor decrypts the sealed Patient record (that read was one
//! round trip to a reader connection per booking, a sixth of a booking's cost under load):
//! - `unique_identifiers` holds a Patient's identity documents, and nothing else: the
//!   Patient kind declares exactly its checked documents unique (one patient per document);
//! - `search_tokens` holds its `birthdate` search value ([`BIRTH_DATE_PARAM`]), `YYYY-MM-DD`.
//!
//! Both are rewritten with the Patient in one transaction, so they are never staler than it.

use std::collections::HashMap;

use huimin_domain::appointments::BookingRefusal;
use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::booking::{BookingError, PlaceRequest};
use crate::StoreError;

/// The Patient search parameter whose index value is the birth date.
pub const BIRTH_DATE_PARAM: &str = "birthdate";

/// A patient as the booking rules see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Holder {
    /// Holds a validated identity document.
    pub verified: bool,
    pub birth_date: Option<Date>,
}

/// One row per existing Patient among `ids` (placeholders): id, verified (1 or 0), birth date.
/// Every part is an index lookup: the resource's primary key, `unique_identifiers_owner`, and
/// `search_tokens_owner`, which covers the parameter and its value (migration 0011).
pub(crate) fn holders_query(ids: &str) -> String {
    format!(
        "SELECT r.id AS id, \
           CASE WHEN EXISTS (SELECT 1 FROM unique_identifiers u \
                             WHERE u.resource_type = 'Patient' AND u.id = r.id) THEN 1 ELSE 0 END \
             AS verified, \
           (SELECT MIN(t.value) FROM search_tokens t \
             WHERE t.resource_type = 'Patient' AND t.id = r.id AND t.param = '{BIRTH_DATE_PARAM}') \
             AS birth \
         FROM resources r WHERE r.resource_type = 'Patient' AND r.id IN ({ids})"
    )
}

/// [`holders_query`] as one row: a JSON array of `[id, verified, birth date]` (for the
/// booking group), in SQLite's or PostgreSQL's JSON functions. sqlx hands rows over one at a
/// time, each a wake-up of the group's thread and a copy of the column names; a row per
/// patient was a third of those a group had.
pub(crate) fn holders_json_query(ids: &str, postgres: bool) -> String {
    let rows = holders_query(ids);
    if postgres {
        format!(
            "SELECT CAST(COALESCE(json_agg(json_build_array(h.id, h.verified, h.birth)), \
             CAST('[]' AS json)) AS TEXT) FROM ({rows}) h"
        )
    } else {
        format!("SELECT json_group_array(json_array(h.id, h.verified, h.birth)) FROM ({rows}) h")
    }
}

/// The patients of [`holders_json_query`]'s one row, by id.
pub(crate) fn holders_from_json(text: &str) -> Result<HashMap<String, Holder>, StoreError> {
    let rows: Vec<(String, i64, Option<String>)> = serde_json::from_str(text)
        .map_err(|err| StoreError::Corrupt(format!("patients read as JSON: {err}")))?;
    Ok(rows
        .into_iter()
        .map(|(id, verified, birth)| (id, holder_of(verified, birth)))
        .collect())
}

fn holder_of(verified: i64, birth: Option<String>) -> Holder {
    Holder {
        verified: verified == 1,
        birth_date: birth.and_then(|text| text.parse().ok()),
    }
}

/// The rows of [`holders_query`] by patient id. A birth date that does not parse counts as
/// unknown (the Patient kind only stores full dates, but a partial one must not fail a booking).
pub(crate) fn holders_from(rows: &[AnyRow]) -> Result<HashMap<String, Holder>, StoreError> {
    let mut holders = HashMap::with_capacity(rows.len());
    for row in rows {
        holders.insert(row.try_get(0)?, holder_of(row.try_get(1)?, row.try_get(2)?));
    }
    Ok(holders)
}

/// The one patient of a request, on its transaction.
pub(crate) async fn holder(
    conn: &mut AnyConnection,
    patient_id: &str,
) -> Result<Option<Holder>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(holders_query("$1")))
        .bind(patient_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(holders_from(&rows)?.remove(patient_id))
}

/// Whether a place may be taken for the request's patient, and if so whether they count as
/// elderly today (in the hospital's time zone).
pub(crate) fn admit(holder: Option<&Holder>, r: &PlaceRequest<'_>) -> Result<bool, BookingError> {
    let holder = holder.ok_or_else(|| BookingError::UnknownPatient(r.patient_id.to_owned()))?;
    if !holder.verified {
        return Err(BookingRefusal::IdentityNotVerified.into());
    }
    let today = r.tz.to_datetime(r.now).date();
    Ok(holder
        .birth_date
        .is_some_and(|birth| r.elderly.applies(birth, today)))
}

#[cfg(test)]
mod tests {
    use huimin_domain::appointments::{BanRule, Channel, ElderlyRule, QuotaRule};
    use jiff::tz::TimeZone;

    use super::*;
    use crate::appointments::BookingMode;

    fn decide(holder: Option<Holder>, now: &str) -> Result<bool, BookingError> {
        let (tz, quota, bans) = (
            TimeZone::fixed(jiff::tz::Offset::constant(8)),
            QuotaRule::default(),
            BanRule::default(),
        );
        let elderly = ElderlyRule { age: 65 };
        let request = PlaceRequest {
            slot_id: "s",
            patient_id: "p",
            account_id: None,
            channel: Channel::App,
            elderly: &elderly,
            has_referral: false,
            mode: BookingMode::Book,
            now: now.parse().unwrap(),
            tz: &tz,
            quota: &quota,
            bans: &bans,
            on_site: false,
            idempotency: None,
            audit: None,
        };
        admit(holder.as_ref(), &request)
    }

    fn born(date: &str) -> Option<Holder> {
        Some(Holder {
            verified: true,
            birth_date: Some(date.parse().unwrap()),
        })
    }

    #[test]
    fn an_unknown_patient_is_not_found() {
        let refused = decide(None, "2030-03-10T02:00:00Z");
        assert!(matches!(refused, Err(BookingError::UnknownPatient(id)) if id == "p"));
    }

    #[test]
    fn a_patient_without_an_identity_document_is_refused() {
        let unverified = Holder {
            verified: false,
            birth_date: Some("1940-01-01".parse().unwrap()),
        };
        assert!(matches!(
            decide(Some(unverified), "2030-03-10T02:00:00Z"),
            Err(BookingError::Refused(BookingRefusal::IdentityNotVerified))
        ));
    }

    #[test]
    fn the_elderly_age_is_reached_on_the_birthday_in_the_hospitals_time_zone() {
        // 2030-03-10T17:00Z is already 11 March in China (UTC+8).
        assert!(!decide(born("1965-03-11"), "2030-03-10T15:59:59Z").unwrap());
        assert!(decide(born("1965-03-11"), "2030-03-10T16:00:00Z").unwrap());
        assert!(decide(born("1900-01-01"), "2030-03-10T02:00:00Z").unwrap());
    }

    #[test]
    fn an_unknown_birth_date_is_not_elderly() {
        let unknown = Holder {
            verified: true,
            birth_date: None,
        };
        assert!(!decide(Some(unknown), "2030-03-10T02:00:00Z").unwrap());
    }

    #[test]
    fn the_group_reads_its_patients_as_one_json_array() {
        let holders =
            holders_from_json(r#"[["p1",1,"1940-01-01"],["p2",0,null],["p3",1,"1940"]]"#).unwrap();
        assert_eq!(holders.get("p1"), born("1940-01-01").as_ref());
        assert_eq!(
            holders.get("p2"),
            Some(&Holder {
                verified: false,
                birth_date: None
            })
        );
        // A partial birth date counts as unknown, as in the row-by-row read.
        assert_eq!(holders.get("p3").map(|h| h.birth_date), Some(None));
        assert!(holders_from_json("[]").unwrap().is_empty());
        assert!(matches!(
            holders_from_json(r#"[["p1","yes",null]]"#),
            Err(StoreError::Corrupt(_))
        ));
    }
}
