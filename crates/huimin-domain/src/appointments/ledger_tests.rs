use super::*;
use jiff::civil::date;
use proptest::prelude::*;

const HOUR: i64 = 3_600_000_000;

fn now() -> Timestamp {
    "2026-11-23T01:00:00Z".parse().unwrap()
}

fn tz() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

fn session(department: &str, day: i8, period: Period) -> SessionLedger {
    let at = now().as_microsecond();
    SessionLedger {
        facts: SessionFacts {
            hospital: "h".into(),
            department: department.into(),
            date: date(2026, 11, 24 + day),
            period,
            active: true,
            release_at: at - HOUR,
            ends_at: at + 30 * HOUR,
            reserved_release_at: at + 10 * HOUR,
        },
        pools: [
            (Pool::Online, (3, 0)),
            (Pool::Window, (1, 0)),
            (Pool::Elderly, (1, 0)),
            (Pool::Referral, (0, 0)),
        ]
        .into_iter()
        .collect(),
    }
}

fn slot(session_id: &str, capacity: i64) -> SlotLedger {
    SlotLedger {
        session_id: session_id.into(),
        starts_at: now().as_microsecond() + 24 * HOUR,
        capacity,
        booked: 0,
        held: 0,
        first_queue_number: 1,
        taken_numbers: BTreeSet::new(),
    }
}

fn ledger() -> Ledger {
    let mut ledger = Ledger::default();
    ledger
        .sessions
        .insert("am".into(), session("d1", 0, Period::Morning));
    ledger
        .sessions
        .insert("pm".into(), session("d1", 0, Period::Afternoon));
    ledger.slots.insert("a1".into(), slot("am", 2));
    ledger.slots.insert("a2".into(), slot("am", 3));
    ledger.slots.insert("p1".into(), slot("pm", 2));
    ledger
}

struct Rules {
    quota: QuotaRule,
    bans: BanRule,
    tz: TimeZone,
}

impl Rules {
    fn new() -> Self {
        Self {
            quota: QuotaRule::default(),
            bans: BanRule::default(),
            tz: tz(),
        }
    }

    fn ask<'a>(&'a self, slot_id: &'a str, patient_id: &'a str) -> Ask<'a> {
        Ask {
            slot_id,
            patient_id,
            channel: Channel::App,
            is_elderly: false,
            has_referral: false,
            hold: false,
            on_site: false,
            now: now(),
            tz: &self.tz,
            quota: &self.quota,
            bans: &self.bans,
        }
    }
}

fn refusal(result: Result<Taken, Refused>) -> BookingRefusal {
    match result {
        Err(Refused::Closed(Closed::Refused(r))) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn places_are_numbered_from_the_lowest_free_number() {
    let rules = Rules::new();
    let mut ledger = ledger();
    ledger.slots.get_mut("a2").unwrap().taken_numbers.insert(1);
    ledger.slots.get_mut("a2").unwrap().booked = 1;
    let taken = ledger.take(&rules.ask("a2", "p1")).unwrap();
    assert_eq!(
        taken,
        Taken {
            pool: Pool::Online,
            queue_number: 2
        }
    );
    assert_eq!(ledger.take(&rules.ask("a2", "p2")).unwrap().queue_number, 3);
    assert_eq!(
        refusal(ledger.take(&rules.ask("a2", "p3"))),
        BookingRefusal::SlotFull
    );
    assert!(ledger.is_full("a2"));
    assert_eq!(ledger.slots["a2"].booked, 3);
}

#[test]
fn a_second_place_in_the_same_session_is_refused_even_within_one_group() {
    let rules = Rules::new();
    let mut ledger = ledger();
    ledger.take(&rules.ask("a1", "p1")).unwrap();
    assert_eq!(
        refusal(ledger.take(&rules.ask("a2", "p1"))),
        BookingRefusal::SameSessionDepartment { limit: 1 }
    );
    // Another period of the same day is another session.
    ledger.take(&rules.ask("p1", "p1")).unwrap();
    // The refused request took nothing.
    assert_eq!(ledger.slots["a2"].booked, 0);
    assert_eq!(ledger.sessions["am"].pools[&Pool::Online], (3, 1));
}

#[test]
fn an_open_hold_blocks_a_second_hold_for_the_same_session() {
    let mut rules = Rules::new();
    rules.quota.per_session_department = 2;
    let mut ledger = ledger();
    let mut hold = rules.ask("a1", "p1");
    hold.hold = true;
    ledger.take(&hold).unwrap();
    assert_eq!(ledger.slots["a1"].held, 1);
    assert_eq!(
        refusal(ledger.take(&Ask {
            slot_id: "a2",
            ..hold.clone()
        })),
        BookingRefusal::HoldAlreadyOpen
    );
}

#[test]
fn pools_are_drawn_in_the_channel_order() {
    let rules = Rules::new();
    let mut ledger = ledger();
    // Online has 3 places: the fourth app booking in the session is refused although the
    // slots still have room, because only the window and elderly pools are left.
    for patient in ["p1", "p2", "p3"] {
        ledger.take(&rules.ask("a2", patient)).unwrap();
    }
    assert_eq!(
        refusal(ledger.take(&rules.ask("a1", "p4"))),
        BookingRefusal::SlotFull
    );
    // An elderly patient may use the elderly pool; the window uses its own.
    let elderly = Ask {
        is_elderly: true,
        ..rules.ask("a1", "p5")
    };
    assert_eq!(ledger.take(&elderly).unwrap().pool, Pool::Elderly);
    let window = Ask {
        channel: Channel::Window,
        ..rules.ask("a1", "p6")
    };
    assert_eq!(ledger.take(&window).unwrap().pool, Pool::Window);
}

#[test]
fn reserved_places_open_to_everyone_after_their_release() {
    let rules = Rules::new();
    let mut ledger = ledger();
    ledger
        .sessions
        .get_mut("am")
        .unwrap()
        .pools
        .insert(Pool::Online, (0, 0));
    assert_eq!(
        refusal(ledger.take(&rules.ask("a1", "p1"))),
        BookingRefusal::SlotFull
    );
    ledger
        .sessions
        .get_mut("am")
        .unwrap()
        .facts
        .reserved_release_at = now().as_microsecond();
    assert_eq!(
        ledger.take(&rules.ask("a1", "p1")).unwrap().pool,
        Pool::Elderly
    );
}

#[test]
fn closed_sessions_and_unknown_slots_are_refused() {
    let rules = Rules::new();
    let mut ledger = ledger();
    assert_eq!(
        ledger.take(&rules.ask("nope", "p1")),
        Err(Refused::NotFound)
    );
    ledger.sessions.get_mut("pm").unwrap().facts.active = false;
    assert_eq!(
        ledger.take(&rules.ask("p1", "p1")),
        Err(Refused::Closed(Closed::Suspended))
    );
    let am = &mut ledger.sessions.get_mut("am").unwrap().facts;
    am.release_at = now().as_microsecond() + 1;
    assert!(matches!(
        refusal(ledger.take(&rules.ask("a1", "p1"))),
        BookingRefusal::NotYetOpen { .. }
    ));
    let am = &mut ledger.sessions.get_mut("am").unwrap().facts;
    am.release_at = 0;
    ledger.slots.get_mut("a1").unwrap().starts_at = now().as_microsecond();
    assert_eq!(
        refusal(ledger.take(&rules.ask("a1", "p1"))),
        BookingRefusal::SessionStarted
    );
    // Staff booking in person may book until the session ends.
    let on_site = Ask {
        on_site: true,
        ..rules.ask("a1", "p1")
    };
    assert!(ledger.take(&on_site).is_ok());
}

#[test]
fn banned_patients_are_refused() {
    let rules = Rules::new();
    let mut ledger = ledger();
    ledger.patients.insert(
        "p1".into(),
        PatientLedger {
            active: Vec::new(),
            noshows: vec![date(2026, 3, 1), date(2026, 6, 1), date(2026, 10, 1)],
        },
    );
    assert!(matches!(
        refusal(ledger.take(&rules.ask("a1", "p1"))),
        BookingRefusal::Banned { .. }
    ));
}

#[test]
fn lowest_free_number_skips_taken_numbers_and_stops_at_capacity() {
    let taken = [1, 2, 4];
    assert_eq!(lowest_free_number(1, 4, |n| taken.contains(&n)), Some(3));
    assert_eq!(lowest_free_number(1, 2, |n| taken.contains(&n)), None);
    assert_eq!(lowest_free_number(10, 0, |_| false), Some(10));
}

proptest! {
    /// Whatever the requests, in whatever order: no slot or pool gives more places than it
    /// has, every active booking of a slot has its own number within the slot's range, and no
    /// patient exceeds a quota or holds two places in one session.
    #[test]
    fn a_group_never_oversells_or_breaks_a_quota(
        asks in prop::collection::vec(
            (0usize..5, 0usize..8, any::<bool>(), 0usize..3, any::<bool>()),
            1..80,
        ),
        per_week in 1u32..4,
        capacities in prop::collection::vec(1i64..4, 5),
    ) {
        let mut rules = Rules::new();
        rules.quota.per_week = per_week;
        let mut ledger = Ledger::default();
        let periods = [Period::Morning, Period::Afternoon, Period::Evening];
        for (n, period) in periods.iter().enumerate() {
            let mut s = session(if n == 2 { "d2" } else { "d1" }, n as i8, *period);
            s.pools.insert(Pool::Online, (4, 0));
            s.pools.insert(Pool::Window, (2, 0));
            ledger.sessions.insert(format!("s{n}"), s);
        }
        let slot_ids: Vec<String> = (0..5).map(|n| format!("slot{n}")).collect();
        for (n, id) in slot_ids.iter().enumerate() {
            ledger.slots.insert(id.clone(), slot(&format!("s{}", n % 3), capacities[n]));
        }
        let before = ledger.clone();
        let patient_ids: Vec<String> = (0..8).map(|n| format!("p{n}")).collect();
        let mut accepted: Vec<(usize, usize, Taken)> = Vec::new();
        for (slot, patient, hold, channel, elderly) in asks {
            let ask = Ask {
                hold,
                is_elderly: elderly,
                channel: [Channel::App, Channel::Window, Channel::Referral][channel],
                ..rules.ask(&slot_ids[slot], &patient_ids[patient])
            };
            if let Ok(taken) = ledger.take(&ask) {
                accepted.push((slot, patient, taken));
            }
        }
        for (n, id) in slot_ids.iter().enumerate() {
            let s = &ledger.slots[id];
            let granted = accepted.iter().filter(|(slot, _, _)| *slot == n).count() as i64;
            prop_assert!(s.booked + s.held <= s.capacity);
            prop_assert_eq!(s.booked + s.held, granted);
            let numbers: BTreeSet<i64> = accepted
                .iter()
                .filter(|(slot, _, _)| *slot == n)
                .map(|(_, _, t)| t.queue_number)
                .collect();
            prop_assert_eq!(numbers.len() as i64, granted);
            prop_assert!(numbers.iter().all(|q| (1..=s.capacity).contains(q)));
        }
        for (id, session) in &ledger.sessions {
            for (pool, (capacity, used)) in &session.pools {
                prop_assert!(used <= capacity, "{} {:?}", id, pool);
                prop_assert!(*used >= before.sessions[id].pools[pool].1);
            }
        }
        for (n, _) in patient_ids.iter().enumerate() {
            let mine: Vec<&str> = accepted
                .iter()
                .filter(|(_, p, _)| *p == n)
                .map(|(slot, _, _)| ledger.slots[&slot_ids[*slot]].session_id.as_str())
                .collect();
            let distinct: BTreeSet<&str> = mine.iter().copied().collect();
            prop_assert_eq!(distinct.len(), mine.len(), "two places in one session");
            // All three sessions fall in one ISO week (24–26 November 2026).
            prop_assert!(mine.len() as u32 <= per_week);
        }
    }
}
