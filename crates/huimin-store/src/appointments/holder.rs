//! What a booking needs to know of the patient it is for: that the Patient exists, that it
//! carries a validated identity document (real-name booking), its birth date (the elderly
//! pool, departments' age limits) and its sex (departments that see one sex).
//!
//! These are kept in the patient's booking-lock row (`patient_booking_locks`, migration 13),
//! written with the Patient in its transaction whenever it is created or replaced
//! ([`keep_facts`]), so they are never staler than it, and taking a place neither reads nor
//! decrypts the sealed Patient record. Every booking locks that row first: on PostgreSQL the
//! lock's upsert returns them (no read at all); SQLite reads them by primary key. Before,
//! they came from three index lookups per patient (the Patient's row, its identity documents
//! in `unique_identifiers`, its `birthdate` search value): a fifth of a PostgreSQL booking
//! group's database time.

use std::collections::HashMap;

use huimin_domain::appointments::{Booker, BookingRefusal, Channel, check_admission};
use huimin_domain::directory::{PatientFacts, RegistrationClass};
use huimin_domain::identity::Sex;
use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::booking::{BookingError, PlaceRequest, parse_date};
use super::sessions::SessionRecord;
use crate::StoreError;

/// The Patient search parameter whose index value is the birth date.
pub const BIRTH_DATE_PARAM: &str = "birthdate";
/// The Patient search parameter whose index value is the FHIR gender.
pub const GENDER_PARAM: &str = "gender";

/// A patient as the booking rules see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Holder {
    /// Holds a validated identity document.
    pub verified: bool,
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
}

impl Holder {
    pub(crate) fn facts(&self) -> PatientFacts {
        PatientFacts {
            birth_date: self.birth_date,
            sex: self.sex,
        }
    }
}

/// One row per existing Patient among `ids` (placeholders): id, verified (1 or 0), birth
/// date, sex.
pub(crate) fn holders_query(ids: &str) -> String {
    format!(
        "SELECT patient_id AS id, verified, birth_date AS birth, sex FROM patient_booking_locks \
         WHERE patient_id IN ({ids}) AND verified IS NOT NULL"
    )
}

/// The columns of [`holders_query`], for the `RETURNING` of the lock's upsert: `verified` is
/// NULL when no Patient of the id exists (the upsert may have just made the row).
pub(crate) const HOLDER_COLUMNS: &str = "patient_id, verified, birth_date, sex";

/// Keeps a Patient's facts in its booking-lock row, inside the transaction that writes the
/// Patient (`resources.rs`): verified when it holds an identity document (the Patient kind
/// declares exactly its checked documents unique), and its `birthdate` and `gender` search
/// values (a gender other than female or male is kept as unknown).
pub(crate) async fn keep_facts(
    conn: &mut AnyConnection,
    patient_id: &str,
    verified: bool,
    birth_date: Option<&str>,
    gender: Option<&str>,
) -> Result<(), StoreError> {
    let sex = gender.and_then(sex_of).map(Sex::fhir_gender);
    sqlx::query(
        "INSERT INTO patient_booking_locks (patient_id, version, verified, birth_date, sex) \
         VALUES ($1, 1, $2, $3, $4) ON CONFLICT (patient_id) DO UPDATE \
         SET verified = excluded.verified, birth_date = excluded.birth_date, sex = excluded.sex",
    )
    .bind(patient_id)
    .bind(i64::from(verified))
    .bind(birth_date)
    .bind(sex)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn sex_of(gender: &str) -> Option<Sex> {
    match gender {
        "female" => Some(Sex::Female),
        "male" => Some(Sex::Male),
        _ => None,
    }
}

/// [`holders_query`] as one row: a JSON array of `[id, verified, birth date, sex]`, for SQLite's
/// booking group (PostgreSQL's gets the patients back from its locks). sqlx hands rows over
/// one at a time, each a wake-up of the group's thread and a copy of the column names; a row
/// per patient was a third of those a group had.
pub(crate) fn holders_json_query(ids: &str) -> String {
    let rows = holders_query(ids);
    format!("SELECT json_group_array(json_array(h.id, h.verified, h.birth, h.sex)) FROM ({rows}) h")
}

/// The patients of [`holders_json_query`]'s one row, by id.
pub(crate) fn holders_from_json(text: &str) -> Result<HashMap<String, Holder>, StoreError> {
    type Row = (String, i64, Option<String>, Option<String>);
    let rows: Vec<Row> = serde_json::from_str(text)
        .map_err(|err| StoreError::Corrupt(format!("patients read as JSON: {err}")))?;
    Ok(rows
        .into_iter()
        .map(|(id, verified, birth, sex)| (id, holder_of(verified, birth, sex)))
        .collect())
}

fn holder_of(verified: i64, birth: Option<String>, sex: Option<String>) -> Holder {
    Holder {
        verified: verified == 1,
        birth_date: birth.and_then(|text| text.parse().ok()),
        sex: sex.as_deref().and_then(sex_of),
    }
}

/// The rows of [`holders_query`] (or of [`HOLDER_COLUMNS`]) by patient id: a row whose
/// `verified` is NULL is no patient. A birth date that does not parse counts as
/// unknown (the Patient kind only stores full dates, but a partial one must not fail a booking).
pub(crate) fn holders_from(rows: &[AnyRow]) -> Result<HashMap<String, Holder>, StoreError> {
    let mut holders = HashMap::with_capacity(rows.len());
    for row in rows {
        if let Some(verified) = row.try_get(1)? {
            let facts = holder_of(verified, row.try_get(2)?, row.try_get(3)?);
            holders.insert(row.try_get(0)?, facts);
        }
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

impl crate::Store {
    /// What booking knows of each existing Patient among `ids` (birth date, sex), for pages
    /// that say before a booking whom a department would refuse.
    pub async fn patient_facts(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, PatientFacts>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let sql = holders_query(&marks.join(", "));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id.clone());
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(holders_from(&rows)?
            .into_iter()
            .map(|(id, holder)| (id, holder.facts()))
            .collect())
    }
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

/// Whether the session's department takes the request's patient (its kind, and its limits
/// for the session's class on the session's date): the domain's one rule, on the facts read
/// with the booking.
pub(crate) fn admit_to(
    holder: Option<&Holder>,
    r: &PlaceRequest<'_>,
    session: &SessionRecord,
) -> Result<(), BookingError> {
    let Some(holder) = holder else {
        return Err(BookingError::UnknownPatient(r.patient_id.to_owned()));
    };
    let booker = match r.channel {
        Channel::Window => Booker::Staff,
        Channel::App | Channel::Referral => Booker::Patient,
    };
    check_admission(
        r.departments.get(&session.department_id),
        RegistrationClass::from_code(&session.registration_class),
        &holder.facts(),
        parse_date(&session.session_date)?,
        booker,
    )
    .map_err(BookingError::Refused)
}

#[cfg(test)]
mod tests {
    use huimin_domain::appointments::{BanRule, Channel, ElderlyRule, QuotaRule};
    use huimin_domain::directory::Departments;
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
            departments: &Departments::default(),
        };
        admit(holder.as_ref(), &request)
    }

    fn born(date: &str) -> Option<Holder> {
        Some(Holder {
            verified: true,
            birth_date: Some(date.parse().unwrap()),
            sex: None,
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
            sex: Some(Sex::Female),
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
            sex: None,
        };
        assert!(!decide(Some(unknown), "2030-03-10T02:00:00Z").unwrap());
    }

    #[test]
    fn the_group_reads_its_patients_as_one_json_array() {
        let holders = holders_from_json(
            r#"[["p1",1,"1940-01-01",null],["p2",0,null,"female"],["p3",1,"1940","other"]]"#,
        )
        .unwrap();
        assert_eq!(holders.get("p1"), born("1940-01-01").as_ref());
        assert_eq!(
            holders.get("p2"),
            Some(&Holder {
                verified: false,
                birth_date: None,
                sex: Some(Sex::Female),
            })
        );
        // A gender other than female or male counts as unknown.
        assert_eq!(holders.get("p3").map(|h| h.sex), Some(None));
        // A partial birth date counts as unknown, as in the row-by-row read.
        assert_eq!(holders.get("p3").map(|h| h.birth_date), Some(None));
        assert!(holders_from_json("[]").unwrap().is_empty());
        assert!(matches!(
            holders_from_json(r#"[["p1","yes",null,null]]"#),
            Err(StoreError::Corrupt(_))
        ));
    }
}
