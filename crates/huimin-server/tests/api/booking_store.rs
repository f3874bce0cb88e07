//! The booking engine's storage on both databases: exactly-once places under concurrency,
//! quotas, bans, holds, idempotency, cancellation and pools.

use huimin_domain::appointments::{
    AppointmentStatus, BanRule, BookingRefusal, CancellationRule, Channel, ElderlyRule, Pool,
    PoolPercentages, QuotaRule, split,
};
use huimin_domain::identity::resident_id_check_char;
use huimin_server::fhir::kinds::PATIENT;
use huimin_store::ResourceWrite;
use huimin_store::appointments::{
    BookingError, BookingMode, NewSession, NewSlot, PlaceRequest, Promotion, Replay,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;

use crate::helpers::*;
use crate::on_both;

/// Patients `p-0` … `p-59`, each with a checked resident ID: the store books only patients
/// that exist and carry a validated identity document.
const PATIENTS: usize = 60;

async fn spawn(db: Db) -> TestApp {
    let app = TestApp::spawn(db).await;
    for n in 0..PATIENTS {
        let number = resident_id("19800101", n as u32);
        write_patient(&app, &format!("p-{n}"), Some(&number)).await;
    }
    app
}

/// A Patient written as the API writes it (checked, indexed, sealed), with or without an
/// identity document.
async fn write_patient(app: &TestApp, id: &str, resident_id: Option<&str>) {
    store_patient(app, id, resident_id, false).await;
}

/// [`write_patient`], creating the Patient or (`replace`) writing its next version.
async fn store_patient(app: &TestApp, id: &str, resident_id: Option<&str>, replace: bool) {
    let mut patient = json!({"resourceType": "Patient", "name": [{"text": id}]});
    if let Some(number) = resident_id {
        patient["identifier"] =
            json!([{"system": "urn:huimin:sid:cn-resident-id", "value": number}]);
    }
    (PATIENT.check)(&mut patient, None, app.state.clock.today()).unwrap();
    patient["id"] = json!(id);
    let (index, unique) = PATIENT.index(&patient);
    let write = ResourceWrite {
        resource_type: "Patient",
        id,
        content: &patient,
        index: &index,
        unique: &unique,
        sealed: true,
    };
    match replace {
        true => app.store.update_resource(write, None).await.unwrap(),
        false => app.store.create_resource(write).await.unwrap(),
    };
}

/// A valid resident ID of someone born on `born` (`YYYYMMDD`), numbered `n`.
fn resident_id(born: &str, n: u32) -> String {
    let first17 = format!("110101{born}{n:03}");
    format!("{first17}{}", resident_id_check_char(&first17).unwrap())
}

fn china() -> TimeZone {
    huimin_clock::Clock::default().zone().clone()
}

/// "Now" in these tests: a fixed instant the day before the sessions.
fn now() -> Timestamp {
    "2030-03-10T02:00:00Z".parse().unwrap()
}

fn minutes(ts: Timestamp, m: i64) -> Timestamp {
    ts.checked_add(jiff::Span::new().minutes(m)).unwrap()
}

/// A session of `slots` × 30-minute slots with `per_slot` places each, released long ago.
async fn session(
    app: &TestApp,
    department: &str,
    date: &str,
    period: &str,
    slots: u32,
    per_slot: u32,
    percentages: PoolPercentages,
) -> (String, Vec<String>) {
    let id = format!("s-{}", uuid::Uuid::new_v4().simple());
    let start: Timestamp = format!("{date}T00:30:00Z").parse().unwrap();
    let slot_list: Vec<NewSlot> = (0..slots)
        .map(|i| NewSlot {
            id: format!("{id}-{i}"),
            starts_at: minutes(start, 30 * i64::from(i)).as_microsecond(),
            ends_at: minutes(start, 30 * i64::from(i + 1)).as_microsecond(),
            capacity: per_slot,
            first_queue_number: 1 + i * per_slot,
        })
        .collect();
    let new = NewSession {
        id: id.clone(),
        hospital_id: "hm-first".into(),
        department_id: department.into(),
        practitioner_role_id: Some(format!("role-{id}")),
        room_id: None,
        session_date: date.into(),
        period: period.into(),
        starts_at: start.as_microsecond(),
        ends_at: minutes(start, 30 * i64::from(slots)).as_microsecond(),
        registration_class: "ordinary".into(),
        fee_fen: 1500,
        release_at: 0,
        reserved_release_at: minutes(start, -24 * 60).as_microsecond(),
        pools: split(slots * per_slot, &percentages),
        slots: slot_list.clone(),
    };
    app.store.create_session(&new).await.unwrap();
    (id, slot_list.into_iter().map(|s| s.id).collect())
}

/// A session of one slot with one place, all of it online.
async fn one_place(app: &TestApp) -> (String, Vec<String>) {
    cardiology_morning(app, 1, 1).await
}

/// [`one_place`], booked by `p-1`: the session, its slot and the booking.
async fn one_place_taken(app: &TestApp, rules: &Rules) -> (String, Vec<String>, Replay) {
    let (session_id, slot) = one_place(app).await;
    let first = app
        .store
        .take_place(&rules.request(&slot[0], "p-1", BookingMode::Book, now()))
        .await
        .unwrap();
    (session_id, slot, first)
}

/// A session of cardiology on the morning of 2030-03-11, every place online: its id and its
/// slots' ids.
async fn cardiology_morning(app: &TestApp, slots: u32, per_slot: u32) -> (String, Vec<String>) {
    session(
        app,
        "dept-cardiology",
        "2030-03-11",
        "morning",
        slots,
        per_slot,
        all_online(),
    )
    .await
}

fn all_online() -> PoolPercentages {
    PoolPercentages {
        online: 100,
        window: 0,
        elderly: 0,
        referral: 0,
    }
}

struct Rules {
    tz: TimeZone,
    quota: QuotaRule,
    bans: BanRule,
    elderly: ElderlyRule,
    departments: huimin_domain::directory::Departments,
}

impl Rules {
    fn new() -> Self {
        Self {
            tz: china(),
            quota: QuotaRule::default(),
            bans: BanRule::default(),
            elderly: ElderlyRule::default(),
            departments: huimin_domain::directory::Departments::default(),
        }
    }

    fn request<'a>(
        &'a self,
        slot: &'a str,
        patient: &'a str,
        mode: BookingMode,
        at: Timestamp,
    ) -> PlaceRequest<'a> {
        PlaceRequest {
            slot_id: slot,
            patient_id: patient,
            account_id: Some(patient),
            channel: Channel::App,
            elderly: &self.elderly,
            has_referral: false,
            mode,
            now: at,
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

fn refusal(result: Result<Replay, BookingError>) -> BookingRefusal {
    match result {
        Err(BookingError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn fifty_concurrent_bookings_of_a_one_place_slot_book_exactly_once(db: Db) {
    let app = spawn(db).await;
    let (_, slots) = one_place(&app).await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (store, slot) = (app.store.clone(), slots[0].clone());
        tasks.push(tokio::spawn(async move {
            let rules = Rules::new();
            let patient = format!("p-{i}");
            store
                .take_place(&rules.request(&slot, &patient, BookingMode::Book, now()))
                .await
        }));
    }
    let (mut booked, mut full) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(Replay::Fresh(..)) => booked += 1,
            Err(BookingError::Refused(BookingRefusal::SlotFull)) => full += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((booked, full), (1, 49));
    let slot = app.store.slot(&slots[0]).await.unwrap().unwrap();
    assert_eq!((slot.booked, slot.held), (1, 0));
    app.finish().await;
}
on_both!(fifty_concurrent_bookings_of_a_one_place_slot_book_exactly_once);

async fn a_busy_session_never_exceeds_capacity_and_queue_numbers_are_unique(db: Db) {
    let app = spawn(db).await;
    let (session_id, slots) = cardiology_morning(&app, 4, 3).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (store, slot) = (app.store.clone(), slots[i % slots.len()].clone());
        tasks.push(tokio::spawn(async move {
            let rules = Rules::new();
            store
                .take_place(&rules.request(&slot, &format!("p-{i}"), BookingMode::Book, now()))
                .await
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        if let Ok(replay) = task.await.unwrap() {
            numbers.push(replay.appointment().queue_number);
        }
    }
    assert_eq!(numbers.len(), 12, "4 slots × 3 places");
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=12).collect::<Vec<_>>(),
        "numbers 1–12, each once"
    );
    for slot in app.store.session_slots(&session_id).await.unwrap() {
        assert_eq!(slot.booked, 3);
        let in_slot = app.store.slot_appointments(&slot.id).await.unwrap();
        assert!(
            in_slot
                .iter()
                .all(|a| a.queue_number >= slot.first_queue_number
                    && a.queue_number < slot.first_queue_number + 3)
        );
    }
    let pools = app.store.session_pool_usage(&session_id).await.unwrap();
    assert!(pools.iter().all(|(_, capacity, used)| used <= capacity));
    app.finish().await;
}
on_both!(a_busy_session_never_exceeds_capacity_and_queue_numbers_are_unique);

async fn quotas_limit_one_booking_per_department_period_and_per_week(db: Db) {
    let app = spawn(db).await;
    let (_, a) = cardiology_morning(&app, 1, 5).await;
    let (_, b) = cardiology_morning(&app, 1, 5).await;
    let (_, c) = session(
        &app,
        "dept-respiratory",
        "2030-03-12",
        "morning",
        1,
        5,
        all_online(),
    )
    .await;
    let (_, d) = session(
        &app,
        "dept-neurology",
        "2030-03-13",
        "morning",
        1,
        5,
        all_online(),
    )
    .await;
    let mut rules = Rules::new();
    rules.quota.per_week = 2;
    assert!(
        app.store
            .take_place(&rules.request(&a[0], "p-1", BookingMode::Book, now()))
            .await
            .is_ok()
    );
    let same = refusal(
        app.store
            .take_place(&rules.request(&b[0], "p-1", BookingMode::Book, now()))
            .await,
    );
    assert!(
        matches!(same, BookingRefusal::SameSessionDepartment { .. }),
        "{same:?}"
    );
    assert!(
        app.store
            .take_place(&rules.request(&c[0], "p-1", BookingMode::Book, now()))
            .await
            .is_ok()
    );
    let weekly = refusal(
        app.store
            .take_place(&rules.request(&d[0], "p-1", BookingMode::Book, now()))
            .await,
    );
    assert_eq!(weekly.rule_code(), "quota-week");
    assert!(
        app.store
            .take_place(&rules.request(&d[0], "p-2", BookingMode::Book, now()))
            .await
            .is_ok(),
        "quotas are per patient"
    );
    app.finish().await;
}
on_both!(quotas_limit_one_booking_per_department_period_and_per_week);

async fn three_no_shows_in_a_year_suspend_booking(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    for day in ["2030-03-11", "2030-03-12", "2030-03-13"] {
        let (_, slot) = session(&app, "dept-cardiology", day, "morning", 1, 1, all_online()).await;
        app.store
            .take_place(&rules.request(&slot[0], "p-1", BookingMode::Book, now()))
            .await
            .unwrap();
    }
    let after: Timestamp = "2030-03-14T00:00:00Z".parse().unwrap();
    assert_eq!(app.store.mark_noshows(after).await.unwrap(), 3);
    let (_, later) = session(
        &app,
        "dept-cardiology",
        "2030-03-20",
        "morning",
        1,
        1,
        all_online(),
    )
    .await;
    let banned = refusal(
        app.store
            .take_place(&rules.request(&later[0], "p-1", BookingMode::Book, after))
            .await,
    );
    assert_eq!(banned.rule_code(), "banned");
    assert!(
        banned.message().zh.contains("爽约") || banned.message().zh.contains("暂停"),
        "{}",
        banned.message().zh
    );
    app.finish().await;
}
on_both!(three_no_shows_in_a_year_suspend_booking);

async fn expired_holds_free_their_place_and_cannot_be_confirmed(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    let (_, slot) = one_place(&app).await;
    let hold = BookingMode::Hold {
        expires_at: minutes(now(), 15).as_microsecond(),
    };
    let held = app
        .store
        .take_place(&rules.request(&slot[0], "p-1", hold, now()))
        .await
        .unwrap();
    assert_eq!(held.appointment().status, AppointmentStatus::Pending);
    let full = refusal(
        app.store
            .take_place(&rules.request(&slot[0], "p-2", BookingMode::Book, minutes(now(), 5)))
            .await,
    );
    assert_eq!(
        full,
        BookingRefusal::SlotFull,
        "a live hold keeps its place"
    );
    let again = refusal(
        app.store
            .take_place(&rules.request(&slot[0], "p-1", hold, minutes(now(), 5)))
            .await,
    );
    assert_eq!(again.rule_code(), "hold-open");
    let later = minutes(now(), 20);
    let taken = app
        .store
        .take_place(&rules.request(&slot[0], "p-2", BookingMode::Book, later))
        .await
        .unwrap();
    assert_eq!(taken.appointment().status, AppointmentStatus::Booked);
    assert!(matches!(
        app.store.confirm_hold(&held.appointment().id, later).await,
        Err(BookingError::HoldExpired)
    ));
    let expired = app
        .store
        .appointment(&held.appointment().id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(expired.status, AppointmentStatus::Cancelled);
    let slot = app.store.slot(&slot[0]).await.unwrap().unwrap();
    assert_eq!((slot.booked, slot.held), (1, 0));
    app.finish().await;
}
on_both!(expired_holds_free_their_place_and_cannot_be_confirmed);

/// A patient's lapsed hold in a session the group does not book into gives its place back
/// when the patient books elsewhere (on PostgreSQL its slot and pool are locked after the
/// group's own), and the place is bookable at once.
async fn a_lapsed_hold_elsewhere_is_given_back_when_its_patient_books(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    let (_, held_slot) = one_place(&app).await;
    let (_, other) = session(
        &app,
        "dept-neurology",
        "2030-03-12",
        "morning",
        1,
        1,
        all_online(),
    )
    .await;
    let hold = BookingMode::Hold {
        expires_at: minutes(now(), 15).as_microsecond(),
    };
    let held = app
        .store
        .take_place(&rules.request(&held_slot[0], "p-1", hold, now()))
        .await
        .unwrap();
    let later = minutes(now(), 20);
    let booked = app
        .store
        .take_place(&rules.request(&other[0], "p-1", BookingMode::Book, later))
        .await
        .unwrap();
    assert_eq!(booked.appointment().status, AppointmentStatus::Booked);
    let lapsed = app.store.appointment(&held.appointment().id).await.unwrap();
    assert_eq!(lapsed.unwrap().status, AppointmentStatus::Cancelled);
    let freed = app.store.slot(&held_slot[0]).await.unwrap().unwrap();
    assert_eq!((freed.booked, freed.held), (0, 0));
    let retaken = app
        .store
        .take_place(&rules.request(&held_slot[0], "p-2", BookingMode::Book, later))
        .await
        .unwrap();
    assert_eq!(retaken.appointment().status, AppointmentStatus::Booked);
    let (total, inconsistent) = app.store.booking_totals().await.unwrap();
    assert_eq!((total, inconsistent), (2, 0));
    app.finish().await;
}
on_both!(a_lapsed_hold_elsewhere_is_given_back_when_its_patient_books);

async fn a_confirmed_hold_is_booked_once_however_often_it_is_confirmed(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    let (_, slot) = cardiology_morning(&app, 1, 2).await;
    let hold = BookingMode::Hold {
        expires_at: minutes(now(), 15).as_microsecond(),
    };
    let held = app
        .store
        .take_place(&rules.request(&slot[0], "p-1", hold, now()))
        .await
        .unwrap();
    let id = held.appointment().id.clone();
    for _ in 0..3 {
        let booked = app
            .store
            .confirm_hold(&id, minutes(now(), 1))
            .await
            .unwrap();
        assert_eq!(booked.status, AppointmentStatus::Booked);
    }
    let slot = app.store.slot(&slot[0]).await.unwrap().unwrap();
    assert_eq!((slot.booked, slot.held), (1, 0));
    assert_eq!(
        app.store
            .release_expired_holds(minutes(now(), 60))
            .await
            .unwrap(),
        0
    );
    app.finish().await;
}
on_both!(a_confirmed_hold_is_booked_once_however_often_it_is_confirmed);

async fn a_retried_request_with_the_same_idempotency_key_books_once(db: Db) {
    let app = spawn(db).await;
    let (_, slot) = cardiology_morning(&app, 1, 5).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (store, slot) = (app.store.clone(), slot[0].clone());
        tasks.push(tokio::spawn(async move {
            let rules = Rules::new();
            let mut request = rules.request(&slot, "p-1", BookingMode::Book, now());
            request.idempotency = Some(("key-1", "hash-a"));
            store
                .take_place(&request)
                .await
                .map(|r| r.appointment().id.clone())
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(
            task.await
                .unwrap()
                .expect("every retry answers with the booking"),
        );
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one appointment for ten retries");
    let rules = Rules::new();
    let mut other = rules.request(&slot[0], "p-1", BookingMode::Book, now());
    other.idempotency = Some(("key-1", "hash-b"));
    assert!(matches!(
        app.store.take_place(&other).await,
        Err(BookingError::IdempotencyMismatch)
    ));
    assert_eq!(app.store.slot(&slot[0]).await.unwrap().unwrap().booked, 1);
    app.finish().await;
}
on_both!(a_retried_request_with_the_same_idempotency_key_books_once);

async fn cancelling_returns_the_place_at_once_within_the_cut_off(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    let (_, slot) = one_place(&app).await;
    let first = app
        .store
        .take_place(&rules.request(&slot[0], "p-1", BookingMode::Book, now()))
        .await
        .unwrap();
    let cut_off = CancellationRule::default();
    let cancelled = app
        .store
        .cancel_appointment(&first.appointment().id, now(), Some(&cut_off))
        .await
        .unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    let second = app
        .store
        .take_place(&rules.request(&slot[0], "p-2", BookingMode::Book, now()))
        .await
        .unwrap();
    assert_eq!(
        second.appointment().queue_number,
        first.appointment().queue_number,
        "the freed number is reused"
    );
    let too_late: Timestamp = "2030-03-10T20:00:00Z".parse().unwrap();
    let refused = app
        .store
        .cancel_appointment(&second.appointment().id, too_late, Some(&cut_off))
        .await;
    assert!(matches!(
        refused,
        Err(BookingError::Refused(
            BookingRefusal::PastCancellationCutoff { .. }
        ))
    ));
    assert!(
        app.store
            .cancel_appointment(&second.appointment().id, too_late, None)
            .await
            .is_ok(),
        "staff may cancel late"
    );
    app.finish().await;
}
on_both!(cancelling_returns_the_place_at_once_within_the_cut_off);

async fn reserved_pools_serve_their_channel_until_released(db: Db) {
    let app = spawn(db).await;
    let half = PoolPercentages {
        online: 50,
        window: 50,
        elderly: 0,
        referral: 0,
    };
    let (session_id, slot) =
        session(&app, "dept-cardiology", "2030-03-11", "morning", 1, 4, half).await;
    let rules = Rules::new();
    for p in ["p-1", "p-2"] {
        app.store
            .take_place(&rules.request(&slot[0], p, BookingMode::Book, now()))
            .await
            .unwrap();
    }
    let refused = refusal(
        app.store
            .take_place(&rules.request(&slot[0], "p-3", BookingMode::Book, now()))
            .await,
    );
    assert_eq!(
        refused,
        BookingRefusal::SlotFull,
        "online pool used up although the slot has room"
    );
    let mut window = rules.request(&slot[0], "p-3", BookingMode::Book, now());
    window.channel = Channel::Window;
    assert!(
        app.store.take_place(&window).await.is_ok(),
        "the window pool serves the desk"
    );
    let usage = app.store.session_pool_usage(&session_id).await.unwrap();
    assert!(usage.iter().all(|(_, c, u)| u <= c));
    app.finish().await;
}
on_both!(reserved_pools_serve_their_channel_until_released);

/// A slot of four places, two online and two kept for the elderly.
async fn half_for_the_elderly(app: &TestApp) -> String {
    let half = PoolPercentages {
        online: 50,
        window: 0,
        elderly: 50,
        referral: 0,
    };
    let (_, slots) = session(app, "dept-cardiology", "2030-03-11", "morning", 1, 4, half).await;
    slots[0].clone()
}

/// Books `slot` for `patient` two hours before now, so before the reserved pools return to
/// the general ones (a day before the session).
async fn book_before_reserved_release(
    app: &TestApp,
    rules: &Rules,
    slot: &str,
    patient: &str,
) -> Result<Replay, BookingError> {
    let request = rules.request(slot, patient, BookingMode::Book, minutes(now(), -120));
    app.store.take_place(&request).await
}

/// Who a place is for is checked as it is taken, from the Patient's index: it must exist and
/// carry an identity document; its birth date (here from the resident ID) opens the elderly pool.
async fn places_go_to_known_verified_patients_and_the_elderly_pool_to_the_elderly(db: Db) {
    let app = spawn(db).await;
    write_patient(&app, "anonymous", None).await;
    // Born 1940-05-05: 89 on the day of the session.
    write_patient(&app, "elder", Some(&resident_id("19400505", 1))).await;
    let slot = half_for_the_elderly(&app).await;
    let rules = Rules::new();
    let book = |patient| book_before_reserved_release(&app, &rules, &slot, patient);
    assert!(matches!(
        book("nobody").await,
        Err(BookingError::UnknownPatient(id)) if id == "nobody"
    ));
    assert_eq!(
        refusal(book("anonymous").await),
        BookingRefusal::IdentityNotVerified
    );
    for p in ["p-1", "p-2"] {
        assert_eq!(book(p).await.unwrap().appointment().pool, Pool::Online);
    }
    assert_eq!(
        refusal(book("p-3").await),
        BookingRefusal::SlotFull,
        "a 50-year-old may not take the elderly pool"
    );
    assert_eq!(
        book("elder").await.unwrap().appointment().pool,
        Pool::Elderly
    );
    app.finish().await;
}
on_both!(places_go_to_known_verified_patients_and_the_elderly_pool_to_the_elderly);

/// What bookings check of a patient (kept beside their booking lock, migration 13) follows
/// every write of the Patient, in its transaction: an id booked before its Patient existed,
/// a Patient without an identity document, the same Patient given one that makes them
/// elderly.
async fn a_patients_booking_facts_follow_every_write_of_the_patient(db: Db) {
    let app = spawn(db).await;
    let slot = half_for_the_elderly(&app).await;
    let rules = Rules::new();
    let book = |patient| book_before_reserved_release(&app, &rules, &slot, patient);
    // The refused booking leaves a lock row for the id (PostgreSQL upserts it) that says so.
    assert!(matches!(
        book("later").await,
        Err(BookingError::UnknownPatient(id)) if id == "later"
    ));
    write_patient(&app, "later", None).await;
    assert_eq!(
        refusal(book("later").await),
        BookingRefusal::IdentityNotVerified
    );
    for p in ["p-1", "p-2"] {
        assert_eq!(book(p).await.unwrap().appointment().pool, Pool::Online);
    }
    store_patient(&app, "later", Some(&resident_id("19400505", 7)), true).await;
    assert_eq!(
        book("later").await.unwrap().appointment().pool,
        Pool::Elderly,
        "verified and 89 once the Patient says so"
    );
    app.finish().await;
}
on_both!(a_patients_booking_facts_follow_every_write_of_the_patient);

/// Migration 13 fills the booking-lock rows of the Patients stored before it from their
/// index rows: run again on rows whose facts are gone, it restores exactly what the writes
/// had kept.
async fn migration_13_fills_the_facts_of_patients_stored_before_it(db: Db) {
    use sqlx::{Connection, Row};
    let app = spawn(db).await;
    write_patient(&app, "anonymous", None).await;
    write_patient(&app, "elder", Some(&resident_id("19400505", 1))).await;
    let url = match &app.settings.database {
        Some(huimin_store::DatabaseTarget::Postgres { url }) => url.clone(),
        _ => format!("sqlite://{}", app.dir.path().join("huimin.db").display()),
    };
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    let facts = "SELECT patient_id, verified, birth_date FROM patient_booking_locks \
                 ORDER BY patient_id";
    let read = |rows: Vec<sqlx::any::AnyRow>| -> Vec<(String, Option<i64>, Option<String>)> {
        rows.iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    };
    let kept = read(sqlx::query(facts).fetch_all(&mut conn).await.unwrap());
    assert_eq!(kept.len(), PATIENTS + 2);
    assert!(kept.contains(&("anonymous".into(), Some(0), None)));
    assert!(kept.contains(&("elder".into(), Some(1), Some("1940-05-05".into()))));
    assert!(kept.contains(&("p-7".into(), Some(1), Some("1980-01-01".into()))));

    sqlx::query("DELETE FROM patient_booking_locks WHERE patient_id <> 'elder'")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("UPDATE patient_booking_locks SET verified = NULL, birth_date = NULL")
        .execute(&mut conn)
        .await
        .unwrap();
    let migration = include_str!("../../../huimin-store/migrations/0013_patient_facts_row.sql");
    let fill = migration
        .find("-- The Patients stored before this migration")
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(migration[fill..].to_owned()))
        .execute(&mut conn)
        .await
        .unwrap();
    let filled = read(sqlx::query(facts).fetch_all(&mut conn).await.unwrap());
    assert_eq!(filled, kept);
    conn.close().await.ok();
    app.finish().await;
}
on_both!(migration_13_fills_the_facts_of_patients_stored_before_it);

async fn sessions_cannot_be_booked_before_release_or_after_start(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    let (_, slot) = one_place(&app).await;
    let started: Timestamp = "2030-03-11T01:00:00Z".parse().unwrap();
    let refused = refusal(
        app.store
            .take_place(&rules.request(&slot[0], "p-1", BookingMode::Book, started))
            .await,
    );
    assert_eq!(refused.rule_code(), "session-started");
    let before_release: Timestamp = "1960-01-01T00:00:00Z".parse().unwrap();
    let refused = refusal(
        app.store
            .take_place(&rules.request(&slot[0], "p-1", BookingMode::Book, before_release))
            .await,
    );
    assert_eq!(refused.rule_code(), "not-yet-open");
    assert!(matches!(
        app.store
            .take_place(&rules.request("nope", "p-1", BookingMode::Book, now()))
            .await,
        Err(BookingError::NotFound)
    ));
    app.finish().await;
}
on_both!(sessions_cannot_be_booked_before_release_or_after_start);

/// A second store on the app's database, standing for a second server process, and a
/// morning session of `slots` slots with `per_slot` online places each.
async fn second_process_and_session(
    app: &TestApp,
    slots: u32,
    per_slot: u32,
) -> (huimin_store::Store, String, Vec<String>) {
    let key = huimin_store::DataKey::load(&app.dir.path().join("data.key"))
        .unwrap()
        .expect("the key file");
    let second = huimin_store::Store::connect(&app.settings.database_target(), &key)
        .await
        .unwrap();
    let (session_id, slots) = cardiology_morning(app, slots, per_slot).await;
    (second, session_id, slots)
}

/// The appointments of a slot that hold a place.
async fn active_places(
    store: &huimin_store::Store,
    slot: &str,
) -> Vec<huimin_store::appointments::AppointmentRecord> {
    let all = store.slot_appointments(slot).await.unwrap();
    all.into_iter().filter(|a| a.status.is_active()).collect()
}

/// The audit record a booking is written with.
fn booking_audit(actor: &str, role: &str, detail: &str) -> huimin_store::NewAuditRecord {
    huimin_store::NewAuditRecord {
        actor: actor.into(),
        role: role.into(),
        action: "create".into(),
        resource: "Appointment".into(),
        source_ip: String::new(),
        outcome: "success".into(),
        detail: detail.into(),
    }
}

/// Two independent stores on one database stand for two server processes.
async fn two_processes_on_one_database_never_double_book(db: Db) {
    let app = spawn(db).await;
    let (second, session_id, slots) = second_process_and_session(&app, 2, 5).await;
    let mut tasks = Vec::new();
    for i in 0..60 {
        let store = if i % 2 == 0 {
            app.store.clone()
        } else {
            second.clone()
        };
        let slot = slots[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            let rules = Rules::new();
            store
                .take_place(&rules.request(&slot, &format!("p-{i}"), BookingMode::Book, now()))
                .await
                .is_ok()
        }));
    }
    let mut booked = 0;
    for task in tasks {
        booked += usize::from(task.await.unwrap());
    }
    assert_eq!(
        booked, 10,
        "2 slots × 5 places, whichever process took them"
    );
    for slot in app.store.session_slots(&session_id).await.unwrap() {
        assert_eq!(slot.booked, 5);
        assert_eq!(
            app.store.slot_appointments(&slot.id).await.unwrap().len(),
            5
        );
    }
    second.close().await;
    app.finish().await;
}
on_both!(two_processes_on_one_database_never_double_book);

/// Two processes book the same patients at once, each patient asking through both, in
/// slots where earlier holds have lapsed: booking groups in different processes lock their
/// patients, lapsed holds, slots and pools before deciding, so the places, the queue numbers
/// and the one-per-session quota hold across them, and no group has to fall back to one
/// request at a time.
async fn two_processes_booking_the_same_patients_keep_every_quota(db: Db) {
    let app = spawn(db).await;
    let (second, session_id, slots) = second_process_and_session(&app, 3, 4).await;
    // Six places are held first by patients who then let their holds lapse: the crowd's
    // groups give them back, in both processes, while they book.
    let rules = Rules::new();
    let lapses = BookingMode::Hold {
        expires_at: minutes(now(), 1).as_microsecond(),
    };
    for n in 50..56 {
        let (patient, slot) = (format!("p-{n}"), &slots[n % 3]);
        let request = rules.request(slot, &patient, lapses, now());
        app.store.take_place(&request).await.unwrap();
    }
    let later = minutes(now(), 5);
    let mut tasks = Vec::new();
    for i in 0..40 {
        for (process, store) in [app.store.clone(), second.clone()].into_iter().enumerate() {
            // Each patient asks for a different slot in each process.
            let slot = slots[(i + process) % 3].clone();
            tasks.push(tokio::spawn(async move {
                let (rules, patient) = (Rules::new(), format!("p-{i}"));
                let request = rules.request(&slot, &patient, BookingMode::Book, later);
                store.take_place(&request).await.is_ok()
            }));
        }
    }
    let mut booked = 0;
    for task in tasks {
        booked += usize::from(task.await.unwrap());
    }
    assert_eq!(
        booked, 12,
        "3 slots × 4 places, whichever process took them"
    );
    let mut patients = std::collections::HashSet::new();
    for slot in app.store.session_slots(&session_id).await.unwrap() {
        let places = active_places(&app.store, &slot.id).await;
        assert_eq!(
            (slot.booked, slot.held, places.len()),
            (4, 0, 4),
            "the lapsed holds gave their places back; counters and rows agree"
        );
        let numbers: std::collections::HashSet<i64> =
            places.iter().map(|a| a.queue_number).collect();
        assert_eq!(numbers.len(), 4, "queue numbers are unique in the slot");
        for place in places {
            assert!(
                patients.insert(place.patient_id),
                "one place per patient and session"
            );
        }
    }
    {
        let stats = second.booking_group_stats();
        assert_eq!(
            stats.fell_back, 0,
            "the second process's groups fell back: {stats:?}"
        );
    }
    second.close().await;
    app.finish().await;
}
on_both!(two_processes_booking_the_same_patients_keep_every_quota);

/// PostgreSQL: a connection in a transaction that holds the audit chain's head, which every
/// booking writes last, so a booking of another connection stops just before its commit
/// until [`let_the_audit_go`]. SQLite: none (its one writer orders everything anyway).
async fn hold_the_audit_head(app: &TestApp) -> Option<sqlx::PgConnection> {
    use sqlx::Connection;
    let Some(huimin_store::DatabaseTarget::Postgres { url }) = &app.settings.database else {
        return None;
    };
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    for statement in ["BEGIN", "UPDATE audit_head SET seq = seq WHERE id = 1"] {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    Some(conn)
}

async fn let_the_audit_go(head: Option<sqlx::PgConnection>) {
    if let Some(mut conn) = head {
        sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
    }
}

/// A bound for the order of events in the races below, not for speed: were it too short, the
/// stop-clinic would simply come first and the test pass without showing anything.
const LET_IT_START: std::time::Duration = std::time::Duration::from_millis(300);

/// Stops the clinic of `session` (no move) on a task of its own; `Some` when it was active.
fn stop_clinic_in_background(
    store: huimin_store::Store,
    session: String,
) -> tokio::task::JoinHandle<Option<Vec<huimin_store::appointments::Affected>>> {
    tokio::spawn(async move {
        let plan = huimin_store::appointments::StopClinic {
            move_to: None,
            reply_by: 0,
        };
        store.suspend_session(&session, &plan).await.unwrap()
    })
}

/// The race was run, not avoided: the booking was made and the stop-clinic cancelled it (had
/// the stop-clinic come first, the booking would have been refused as suspended).
fn assert_cancelled_by_the_stop(
    affected: Option<Vec<huimin_store::appointments::Affected>>,
    booked: &str,
) {
    let affected = affected.expect("the session was active");
    let cancelled: Vec<&str> = affected.iter().map(|a| a.cancelled.id.as_str()).collect();
    assert_eq!(cancelled, [booked], "the stop-clinic cancelled the booking");
}

async fn assert_no_place_survives(store: &huimin_store::Store, session_id: &str) {
    for slot in store.session_slots(session_id).await.unwrap() {
        let active = active_places(store, &slot.id).await.len();
        assert_eq!(
            (active, slot.booked + slot.held),
            (0, 0),
            "no place survives the stop-clinic"
        );
    }
}

/// A stop-clinic in one process while the other process's booking group is between its
/// reads and its commit: the stop-clinic waits for the group (its shared lock on the session)
/// and then cancels what the group booked, so no place survives in the stopped session.
async fn a_stop_clinic_while_another_process_decides_a_group_leaves_no_place_behind(db: Db) {
    let app = spawn(db).await;
    let (second, session_id, slots) = second_process_and_session(&app, 3, 4).await;
    let head = hold_the_audit_head(&app).await;
    let slot = slots[0].clone();
    let booking = tokio::spawn(async move {
        let rules = Rules::new();
        let audit = booking_audit("p-1", "patient", "$book");
        let mut request = rules.request(&slot, "p-1", BookingMode::Book, now());
        request.audit = Some(&audit);
        second
            .take_place(&request)
            .await
            .map(|taken| taken.appointment().id.clone())
    });
    tokio::time::sleep(LET_IT_START).await;
    let stop = stop_clinic_in_background(app.store.clone(), session_id.clone());
    tokio::time::sleep(LET_IT_START).await;
    let_the_audit_go(head).await;
    let booked = booking
        .await
        .unwrap()
        .expect("the group books before the stop-clinic");
    assert_cancelled_by_the_stop(stop.await.unwrap(), &booked);
    assert_no_place_survives(&app.store, &session_id).await;
    app.finish().await;
}
on_both!(a_stop_clinic_while_another_process_decides_a_group_leaves_no_place_behind);

/// The same race with a waitlist promotion, which takes its place alone (not in a group):
/// it too locks the session before it reads it, so the stop-clinic cancels the place it took.
/// Without that lock the promotion, which read the session before the stop-clinic, committed
/// its booking after it, in the stopped session.
async fn a_stop_clinic_while_another_process_promotes_from_the_waitlist_leaves_no_place_behind(
    db: Db,
) {
    let app = spawn(db).await;
    let (second, session_id, slots) = second_process_and_session(&app, 1, 1).await;
    // p-1 takes the one place, p-2 waits for it, p-1 gives it back.
    let rules = Rules::new();
    let first = app
        .store
        .take_place(&rules.request(&slots[0], "p-1", BookingMode::Book, now()))
        .await
        .unwrap();
    let entry = app
        .store
        .join_waitlist(&session_id, "p-2", Some("p-2"))
        .await
        .unwrap()
        .unwrap();
    app.store
        .cancel_appointment(&first.appointment().id, now(), None)
        .await
        .unwrap();
    let head = hold_the_audit_head(&app).await;
    let slot = slots[0].clone();
    let promotion = tokio::spawn(async move {
        let rules = Rules::new();
        let audit = booking_audit("system:waitlist", "system", "waitlist");
        let mut request = rules.request(&slot, "p-2", BookingMode::Book, now());
        request.audit = Some(&audit);
        let promotion = Promotion {
            entry_id: &entry.id,
            status: "booked",
        };
        second
            .take_waitlist_place(&request, &promotion)
            .await
            .map(|promoted| promoted.map(|taken| taken.appointment().id.clone()))
    });
    tokio::time::sleep(LET_IT_START).await;
    let stop = stop_clinic_in_background(app.store.clone(), session_id.clone());
    tokio::time::sleep(LET_IT_START).await;
    let_the_audit_go(head).await;
    let promoted = promotion
        .await
        .unwrap()
        .unwrap()
        .expect("the promotion books before the stop-clinic");
    assert_cancelled_by_the_stop(stop.await.unwrap(), &promoted);
    assert_no_place_survives(&app.store, &session_id).await;
    app.finish().await;
}
on_both!(a_stop_clinic_while_another_process_promotes_from_the_waitlist_leaves_no_place_behind);

/// Polls `pg_stat_activity` (of the test's own database) until some backend waits for a lock:
/// the stop-clinic, waiting for the booking the test's connection holds.
async fn wait_until_a_backend_waits_for_a_lock(url: &str) {
    use sqlx::Connection;
    let mut watcher = sqlx::PgConnection::connect(url).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut watcher)
        .await
        .unwrap();
        if waiting > 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the stop-clinic never waited for the booking"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// PostgreSQL only (SQLite's one writer cannot deadlock): a stop-clinic that deadlocks is
/// run again rather than failing. Here a bare connection plays a writer that locks in the
/// other order (as a booking group cancelling a lapsed hold of the session before it locks
/// the session does): it locks a booking of the session; the stop-clinic locks the session
/// and waits for that booking; the connection then asks for the session. PostgreSQL ends the
/// stop-clinic's transaction (the first to wait is the first to look for a deadlock), and
/// once the connection has let go, the stop-clinic's second attempt cancels the booking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_clinic_that_deadlocks_is_run_again() {
    use sqlx::Connection;
    let app = spawn(Db::Postgres).await;
    let Some(huimin_store::DatabaseTarget::Postgres { url }) = app.settings.database.clone() else {
        unreachable!("spawned on PostgreSQL");
    };
    let rules = Rules::new();
    let (session_id, slots) = cardiology_morning(&app, 1, 2).await;
    let booked = app
        .store
        .take_place(&rules.request(&slots[0], "p-1", BookingMode::Book, now()))
        .await
        .unwrap();
    let booked = booked.appointment().id.clone();
    let mut other = sqlx::PgConnection::connect(&url).await.unwrap();
    // Only the stop-clinic's backend may be the one to find the deadlock (after the server's
    // `deadlock_timeout`, 1 s by default): this connection waits far longer before looking.
    sqlx::query("SET deadlock_timeout = '60s'")
        .execute(&mut other)
        .await
        .unwrap();
    sqlx::query("BEGIN").execute(&mut other).await.unwrap();
    sqlx::query("SELECT id FROM appointments WHERE id = $1 FOR UPDATE")
        .bind(&booked)
        .execute(&mut other)
        .await
        .unwrap();
    let stop = stop_clinic_in_background(app.store.clone(), session_id.clone());
    wait_until_a_backend_waits_for_a_lock(&url).await;
    // Returns once PostgreSQL has ended the stop-clinic's first attempt.
    sqlx::query("SELECT id FROM clinic_sessions WHERE id = $1 FOR SHARE")
        .bind(&session_id)
        .execute(&mut other)
        .await
        .unwrap();
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let affected = stop.await.unwrap().expect("the session was active");
    assert_eq!(affected.len(), 1);
    assert_eq!(affected[0].cancelled.id, booked);
    assert_no_place_survives(&app.store, &session_id).await;
    app.finish().await;
}

async fn the_worker_step_returns_expired_holds_places(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    let (_, slot) = cardiology_morning(&app, 1, 2).await;
    let hold = BookingMode::Hold {
        expires_at: minutes(now(), 15).as_microsecond(),
    };
    app.store
        .take_place(&rules.request(&slot[0], "p-1", hold, now()))
        .await
        .unwrap();
    app.store
        .take_place(&rules.request(&slot[0], "p-2", hold, now()))
        .await
        .unwrap();
    assert_eq!(
        app.store
            .release_expired_holds(minutes(now(), 10))
            .await
            .unwrap(),
        0,
        "not yet expired"
    );
    assert_eq!(
        app.store
            .release_expired_holds(minutes(now(), 16))
            .await
            .unwrap(),
        2
    );
    let slot = app.store.slot(&slot[0]).await.unwrap().unwrap();
    assert_eq!((slot.booked, slot.held), (0, 0));
    app.finish().await;
}
on_both!(the_worker_step_returns_expired_holds_places);

async fn staff_on_site_may_book_a_started_slot_until_the_session_ends(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    let (_, slots) = cardiology_morning(&app, 2, 1).await;
    // 10 minutes into the first slot: too late online, fine at the window.
    let during: Timestamp = "2030-03-11T00:40:00Z".parse().unwrap();
    let online = refusal(
        app.store
            .take_place(&rules.request(&slots[0], "p-1", BookingMode::Book, during))
            .await,
    );
    assert_eq!(online.rule_code(), "session-started");
    let mut walk_in = rules.request(&slots[0], "p-1", BookingMode::Book, during);
    walk_in.on_site = true;
    walk_in.channel = Channel::Window;
    assert!(
        app.store.take_place(&walk_in).await.is_ok(),
        "walk-in during the session"
    );
    let after: Timestamp = "2030-03-11T02:00:00Z".parse().unwrap();
    let mut late = rules.request(&slots[1], "p-2", BookingMode::Book, after);
    late.on_site = true;
    late.channel = Channel::Window;
    assert_eq!(
        refusal(app.store.take_place(&late).await).rule_code(),
        "session-started",
        "not after the session ends"
    );
    app.finish().await;
}
on_both!(staff_on_site_may_book_a_started_slot_until_the_session_ends);

/// Concurrent requests share a commit on SQLite (one transaction, a savepoint each): the
/// refused ones (second booking of one patient in a session, a full slot) roll back alone and
/// every accepted one is committed.
async fn refusals_in_a_crowd_do_not_undo_the_accepted_bookings(db: Db) {
    let app = spawn(db).await;
    let (_, slots) = cardiology_morning(&app, 2, 5).await;
    let mut tasks = Vec::new();
    // 30 requests: patients p-0 … p-14, each twice, alternating slots.
    for i in 0..30 {
        let (store, slot) = (app.store.clone(), slots[i % 2].clone());
        tasks.push(tokio::spawn(async move {
            let rules = Rules::new();
            let patient = format!("p-{}", i / 2);
            store
                .take_place(&rules.request(&slot, &patient, BookingMode::Book, now()))
                .await
        }));
    }
    let mut booked = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(replay) => booked.push(replay.appointment().clone()),
            Err(BookingError::Refused(_)) => {}
            Err(other) => panic!("unexpected failure: {other}"),
        }
    }
    assert_eq!(booked.len(), 10, "2 slots × 5 places");
    let mut patients: Vec<_> = booked.iter().map(|a| a.patient_id.clone()).collect();
    patients.sort();
    patients.dedup();
    assert_eq!(patients.len(), 10, "nobody twice in one session");
    for appointment in &booked {
        let stored = app.store.appointment(&appointment.id).await.unwrap();
        assert_eq!(
            stored.as_ref(),
            Some(appointment),
            "answered means committed"
        );
    }
    let (total, inconsistent) = app.store.booking_totals().await.unwrap();
    assert_eq!((total, inconsistent), (10, 0));
    app.finish().await;
}
on_both!(refusals_in_a_crowd_do_not_undo_the_accepted_bookings);

/// After a slot has been answered "full" from memory, a cancellation in it makes the place
/// bookable at once.
async fn a_cancelled_place_is_bookable_right_after_a_sold_out_answer(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    let (_, slot, first) = one_place_taken(&app, &rules).await;
    for _ in 0..2 {
        // The first answer reads the database and remembers; the second comes from memory.
        let answer = app
            .store
            .sold_out_answer(&rules.request(&slot[0], "p-2", BookingMode::Book, now()))
            .await;
        assert!(matches!(
            answer,
            Err(BookingError::Refused(BookingRefusal::SlotFull))
        ));
    }
    app.store
        .cancel_appointment(&first.appointment().id, now(), None)
        .await
        .unwrap();
    let request = rules.request(&slot[0], "p-2", BookingMode::Book, now());
    assert!(matches!(
        app.store.sold_out_answer(&request).await,
        Ok(None)
    ));
    assert!(app.store.take_place(&request).await.is_ok());
    app.finish().await;
}
on_both!(a_cancelled_place_is_bookable_right_after_a_sold_out_answer);

/// A place freed by any other write than a booking group's, of this process or of another
/// one, is seen by the next group.
async fn a_place_freed_by_another_write_is_seen_by_the_next_group(db: Db) {
    let app = spawn(db).await;
    let (second, _, slots) = second_process_and_session(&app, 1, 1).await;
    let rules = Rules::new();
    let book = |patient: &'static str| rules.request(&slots[0], patient, BookingMode::Book, now());
    let first = app.store.take_place(&book("p-0")).await.unwrap();
    let refused = app.store.take_place(&book("p-1")).await;
    assert_eq!(refusal(refused), BookingRefusal::SlotFull);

    // Freed by this process's own writer connection, outside the booking groups.
    app.store
        .cancel_appointment(&first.appointment().id, now(), None)
        .await
        .unwrap();
    let taken_again = app.store.take_place(&book("p-1")).await.unwrap();
    let refused = app.store.take_place(&book("p-2")).await;
    assert_eq!(refusal(refused), BookingRefusal::SlotFull);

    // Freed by another process, on its own connection.
    second
        .cancel_appointment(&taken_again.appointment().id, now(), None)
        .await
        .unwrap();
    let booked = app.store.take_place(&book("p-2")).await.unwrap();
    let places = active_places(&app.store, &slots[0]).await;
    assert_eq!(places.len(), 1);
    assert_eq!(places[0].id, booked.appointment().id);
    second.close().await;
    app.finish().await;
}
on_both!(a_place_freed_by_another_write_is_seen_by_the_next_group);

/// A waitlist promotion is one transaction: the place, the entry's new status, the patient's
/// message and the audit record all land together, or (the patient left the waitlist
/// meanwhile) none of them do.
async fn a_waitlist_promotion_takes_its_place_settles_and_tells_at_once(db: Db) {
    let app = spawn(db).await;
    let rules = Rules::new();
    let (session_id, slot, first) = one_place_taken(&app, &rules).await;
    let join = |patient: &'static str| {
        let (store, session_id) = (app.store.clone(), session_id.clone());
        async move {
            store
                .join_waitlist(&session_id, patient, Some(patient))
                .await
                .unwrap()
                .unwrap()
        }
    };
    let (left, waiting) = (join("p-3").await, join("p-2").await);
    app.store
        .cancel_appointment(&first.appointment().id, now(), None)
        .await
        .unwrap();
    assert!(
        app.store
            .settle_waitlist_entry(&left.id, "cancelled", None, None)
            .await
            .unwrap()
    );
    let audit = booking_audit("system:waitlist", "system", "waitlist");
    let promote = |entry: String, patient: &'static str| {
        let (store, slot, rules, audit) = (app.store.clone(), slot[0].clone(), &rules, &audit);
        async move {
            let mut request = rules.request(&slot, patient, BookingMode::Book, now());
            request.audit = Some(audit);
            let promotion = Promotion {
                entry_id: &entry,
                status: "booked",
            };
            store.take_waitlist_place(&request, &promotion).await
        }
    };

    let gone = promote(left.id.clone(), "p-3").await.unwrap();
    assert!(gone.is_none(), "an entry no longer waiting gets no place");
    assert!(
        app.store.free_slot(&session_id).await.unwrap().is_some(),
        "and the place stays free"
    );

    let taken = promote(waiting.id.clone(), "p-2").await.unwrap().unwrap();
    let appointment = taken.appointment().clone();
    let entries = app
        .store
        .patient_waitlist(&["p-2".to_owned()])
        .await
        .unwrap();
    assert_eq!(entries[0].status, "booked");
    assert_eq!(
        entries[0].appointment_id.as_deref(),
        Some(appointment.id.as_str())
    );
    let told = app.store.events_of("p-2").await.unwrap();
    let told: Vec<(&str, &str)> = told
        .iter()
        .map(|(_, kind, reference)| (kind.as_str(), reference.as_str()))
        .collect();
    let reference = format!("Appointment/{}", appointment.id);
    assert_eq!(told, [("waitlist-promoted", reference.as_str())]);
    let trail = app
        .store
        .audit_page(
            Some("system:waitlist"),
            Some(&format!("Appointment/{}", appointment.id)),
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!(trail.total, 1);
    assert!(app.store.free_slot(&session_id).await.unwrap().is_none());
    app.finish().await;
}
on_both!(a_waitlist_promotion_takes_its_place_settles_and_tells_at_once);

/// PostgreSQL leaves room in the pages of the rows a booking rush updates over and over
/// (migration 0012), so that their counter updates stay on their page without new index
/// entries; SQLite, which has no such setting, runs the same migration as a no-op (every
/// SQLite test starts from it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_leaves_room_for_the_counters_to_change_in_place() {
    use sqlx::Connection;
    let app = TestApp::spawn(Db::Postgres).await;
    let Some(huimin_store::DatabaseTarget::Postgres { url }) = &app.settings.database else {
        panic!("a PostgreSQL test app");
    };
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let options: Vec<(String, Vec<String>)> = sqlx::query_as(
        "SELECT relname::text, reloptions FROM pg_class \
         WHERE relname IN ('slots', 'session_pools', 'patient_booking_locks') ORDER BY relname",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.ok();
    let expected = [
        ("patient_booking_locks", "fillfactor=80"),
        ("session_pools", "fillfactor=50"),
        ("slots", "fillfactor=50"),
    ];
    let expected: Vec<(String, Vec<String>)> = expected
        .iter()
        .map(|(table, option)| ((*table).to_owned(), vec![(*option).to_owned()]))
        .collect();
    assert_eq!(options, expected);
    app.finish().await;
}
