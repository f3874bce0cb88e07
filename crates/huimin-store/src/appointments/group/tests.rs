//! A booking group on PostgreSQL binds its values: none of them is part of the text of a
//! statement it sends (which PostgreSQL shows in `pg_stat_activity` and writes into its log),
//! and hostile texts arrive exactly as they were.

use huimin_domain::appointments::{
    BanRule, Channel, ElderlyRule, PoolPercentages, QuotaRule, split,
};
use huimin_domain::directory::Departments;
use jiff::tz::TimeZone;
use sqlx::{AnyConnection, Connection, Row};

use super::decide_group;
use crate::appointments::hint::FullSlots;
use crate::appointments::{BookingMode, NewSession, NewSlot, PlaceRequest, Replay, keep_facts};
use crate::{ChainStatus, DataKey, DatabaseTarget, NewAuditRecord, Store};

/// The server at `HUIMIN_TEST_POSTGRES_URL`, or where the API tests find it.
fn server_url() -> String {
    std::env::var("HUIMIN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

async fn admin() -> AnyConnection {
    sqlx::any::install_default_drivers();
    AnyConnection::connect(&server_url())
        .await
        .expect("PostgreSQL at 127.0.0.1:5432 (see README)")
}

/// A store on a new database of its own; the database's name.
async fn fresh_store() -> (Store, String) {
    let name = format!("huimin_store_group_{}", uuid::Uuid::new_v4().simple());
    let sql = format!("CREATE DATABASE {name}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut admin().await)
        .await
        .unwrap();
    let base = server_url();
    let url = format!("{}/{name}", &base[..base.rfind('/').unwrap()]);
    let target = DatabaseTarget::Postgres { url };
    let store = Store::connect(&target, &DataKey::generate()).await.unwrap();
    (store, name)
}

/// A session of one slot with two online places, released long ago.
fn two_places(slot: &str) -> NewSession {
    let percentages = PoolPercentages {
        online: 100,
        window: 0,
        elderly: 0,
        referral: 0,
    };
    let start = "2030-03-11T00:30:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_microsecond();
    NewSession {
        id: "session-1".into(),
        hospital_id: "hm-first".into(),
        department_id: "dept-cardiology".into(),
        practitioner_role_id: None,
        room_id: None,
        session_date: "2030-03-11".into(),
        period: "morning".into(),
        starts_at: start,
        ends_at: start + 1_800_000_000,
        registration_class: "ordinary".into(),
        fee_fen: 0,
        release_at: 0,
        reserved_release_at: 0,
        pools: split(2, &percentages),
        slots: vec![NewSlot {
            id: slot.into(),
            starts_at: start,
            ends_at: start + 1_800_000_000,
            capacity: 2,
            first_queue_number: 1,
        }],
    }
}

/// The hospital's rules a request is decided under.
struct Rules {
    elderly: ElderlyRule,
    quota: QuotaRule,
    bans: BanRule,
    tz: TimeZone,
    departments: Departments,
}

impl Rules {
    fn new() -> Self {
        Self {
            elderly: ElderlyRule::default(),
            quota: QuotaRule::default(),
            bans: BanRule::default(),
            tz: TimeZone::fixed(jiff::tz::Offset::constant(8)),
            departments: Departments::default(),
        }
    }

    /// A booking of `patient` (on their own account) in `slot`, the day before the session.
    fn request<'a>(&'a self, slot: &'a str, patient: &'a str) -> PlaceRequest<'a> {
        PlaceRequest {
            slot_id: slot,
            patient_id: patient,
            account_id: Some(patient),
            channel: Channel::App,
            elderly: &self.elderly,
            has_referral: false,
            mode: BookingMode::Book,
            now: "2030-03-10T02:00:00Z".parse().unwrap(),
            tz: &self.tz,
            quota: &self.quota,
            bans: &self.bans,
            on_site: false,
            idempotency: None,
            audit: None,
            departments: &self.departments,
        }
    }
}

/// Closes the store and drops its database.
async fn drop_database(store: Store, name: &str) {
    store.close().await;
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut admin().await)
        .await
        .unwrap();
}

/// The texts of the statements prepared on the connection: all a booking group sends.
async fn prepared_statements(conn: &mut AnyConnection) -> Vec<String> {
    sqlx::query("SELECT statement FROM pg_prepared_statements")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[tokio::test]
async fn a_postgres_group_sends_no_personal_value_in_a_statements_text() {
    let (store, name) = fresh_store().await;
    // Hostile and personal texts: quotes, backslashes, placeholders, comments, non-ASCII.
    let patient = "病人 O'Brien \\' $1 --";
    let actor = "actor 王小明 '); DROP TABLE slots; --";
    let (key, hash) = ("key $$ 'k' \\x41 🙂", "hash ? $2");
    let source_ip = "203.0.113.77";
    let slot = "slot 'one'";
    store.create_session(&two_places(slot)).await.unwrap();
    let mut conn = store.pool.acquire().await.unwrap();
    keep_facts(&mut conn, patient, true, Some("1980-01-01"), Some("female"))
        .await
        .unwrap();

    let audit = NewAuditRecord {
        actor: actor.into(),
        role: "patient".into(),
        action: "create".into(),
        resource: "Appointment".into(),
        source_ip: source_ip.into(),
        outcome: "success".into(),
        detail: "detail \\ 'x'".into(),
    };
    let rules = Rules::new();
    let request = PlaceRequest {
        idempotency: Some((key, hash)),
        audit: Some(&audit),
        ..rules.request(slot, patient)
    };
    // The same request twice: a place, then its replay within the group.
    let requests = [request.clone(), request];
    let mut tx = conn.begin().await.unwrap();
    let outcomes = decide_group(
        &mut tx,
        &requests,
        &FullSlots::default(),
        store.chain_key(),
        true,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let booked = match &outcomes[..] {
        [Ok(Replay::Fresh(booked, _)), Ok(Replay::Replayed(again))] => {
            assert_eq!(booked, again);
            booked.clone()
        }
        other => panic!("unexpected answers {other:?}"),
    };

    // Every statement the group sent on this connection was prepared (kept for the session).
    let sent = prepared_statements(&mut conn).await;
    assert!(sent.len() >= 10, "the group's statements: {sent:?}");
    assert!(sent.iter().any(|s| s.contains("json_to_recordset")));
    for text in &sent {
        for value in [
            patient,
            actor,
            key,
            hash,
            source_ip,
            slot,
            "O'Brien",
            "王小明",
        ] {
            assert!(!text.contains(value), "{value:?} in {text:?}");
        }
    }

    // The values arrived as they were.
    // (The replay has its audit record too: two records.)
    let stored = store.appointment(&booked.id).await.unwrap().unwrap();
    assert_eq!(
        (stored.patient_id.as_str(), stored.slot_id.as_str()),
        (patient, slot)
    );
    assert_eq!(stored.account_id.as_deref(), Some(patient));
    let record = store.audit_record(1).await.unwrap().unwrap();
    assert_eq!(record.facts.actor, actor);
    assert_eq!(record.facts.source_ip, source_ip);
    assert_eq!(record.facts.resource, format!("Appointment/{}", booked.id));
    assert_eq!(
        store.verify_audit_chain().await.unwrap(),
        ChainStatus::Intact { records: 2 }
    );
    drop(conn);
    drop_database(store, &name).await;
}

/// A NUL character cannot be part of a PostgreSQL text: a group with one is refused by name
/// (and runs again request by request, where the database refuses it).
#[tokio::test]
async fn a_postgres_group_refuses_a_nul_character() {
    let (store, name) = fresh_store().await;
    let slot = "slot-1";
    store.create_session(&two_places(slot)).await.unwrap();
    let rules = Rules::new();
    let request = rules.request(slot, "p\0nul");
    let mut conn = store.pool.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let refused = decide_group(
        &mut tx,
        &[request],
        &FullSlots::default(),
        store.chain_key(),
        true,
    )
    .await;
    assert!(
        matches!(&refused, Err(crate::StoreError::Batch(m)) if m.contains("NUL")),
        "{:?}",
        refused.map(|_| ())
    );
    tx.rollback().await.unwrap();
    drop(conn);
    drop_database(store, &name).await;
}
