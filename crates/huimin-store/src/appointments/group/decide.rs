//! Stage 2: each request of the group decided in arrival order by the pure ledger, on the
//! state the read stage found. Nothing is written here; a request's `Idempotency-Key` used
//! before this group is answered with the appointment it made (one read).

use std::collections::HashMap;
use std::sync::Arc;

use huimin_domain::appointments::{Ask, Closed, Ledger, Refused};
use sqlx::AnyConnection;

use super::super::AppointmentRecord;
use super::super::booking::{
    BookingError, BookingMode, PlaceRequest, Replay, fetch_appointment, new_place,
};
use super::super::hint::FullSlots;
use super::super::holder::{admit, admit_to};
use super::read::{Asked, KeyUse, State};
use crate::StoreError;

/// A new `Idempotency-Key` of the group: `(account, key, request hash, appointment id)`.
pub(super) type NewKey<'a> = (&'a str, &'a str, &'a str, String);

/// A group decided, not yet written.
pub(super) struct Decided<'r> {
    /// The answers, in request order.
    pub outcomes: Vec<Result<Replay, BookingError>>,
    pub new_keys: Vec<NewKey<'r>>,
    /// SQLite: the audit chain's head as read.
    pub audit_head: Option<(i64, String)>,
    ledger: Ledger,
    earliest_hold: HashMap<String, i64>,
}

impl Decided<'_> {
    /// The places taken, with the hospital of each (the answers' records, not copies).
    pub(super) fn written(&self) -> Vec<(&AppointmentRecord, &str)> {
        self.outcomes
            .iter()
            .filter_map(|outcome| match outcome {
                Ok(Replay::Fresh(record, taken_in)) => {
                    Some((record, taken_in.session.hospital_id.as_str()))
                }
                _ => None,
            })
            .collect()
    }

    /// Remembers the group's slots it left full, for the sold-out fast path.
    pub(super) fn note_full_slots(&self, full_slots: &FullSlots, asked: &Asked<'_>) {
        for slot in &asked.slots {
            if self.ledger.is_full(slot) {
                let earliest = self.earliest_hold.get(*slot).copied();
                full_slots.mark_full(slot, asked.now, earliest);
            }
        }
    }
}

/// Decides every request of the group on `state`.
pub(super) async fn decide<'r>(
    tx: &mut AnyConnection,
    requests: &'r [PlaceRequest<'_>],
    mut state: State,
) -> Result<Decided<'r>, StoreError> {
    let audit_head = state.audit_head.take();
    let mut deciding = Deciding {
        state,
        outcomes: Vec::with_capacity(requests.len()),
        new_keys: Vec::new(),
    };
    for (index, r) in requests.iter().enumerate() {
        let outcome = deciding.request(tx, index, r).await?;
        deciding.outcomes.push(outcome);
    }
    Ok(Decided {
        outcomes: deciding.outcomes,
        new_keys: deciding.new_keys,
        audit_head,
        ledger: deciding.state.ledger,
        earliest_hold: deciding.state.earliest_hold,
    })
}

/// The group's state as its requests are decided one after another.
struct Deciding<'r> {
    state: State,
    outcomes: Vec<Result<Replay, BookingError>>,
    new_keys: Vec<NewKey<'r>>,
}

impl<'r> Deciding<'r> {
    /// The answer to request number `index`: a replay of its key's earlier use, a refusal,
    /// or a place taken in the ledger with its appointment row.
    async fn request(
        &mut self,
        tx: &mut AnyConnection,
        index: usize,
        r: &'r PlaceRequest<'_>,
    ) -> Result<Result<Replay, BookingError>, StoreError> {
        let key = r.account_id.zip(r.idempotency);
        if let Some((account, (key, hash))) = key
            && let Some(used) = self.state.keys.get(&(account.to_owned(), key.to_owned()))
        {
            return replay(tx, used, hash, &self.outcomes).await;
        }
        let holder = self.state.holders.get(r.patient_id);
        let is_elderly = match admit(holder, r) {
            Ok(is_elderly) => is_elderly,
            Err(refused) => return Ok(Err(refused)),
        };
        // A slot outside the read is answered by the ledger (not found).
        if let Some(taken_in) = self.state.places.get(r.slot_id)
            && let Err(refused) = admit_to(holder, r, &taken_in.session)
        {
            return Ok(Err(refused));
        }
        let taken = match self.state.ledger.take(&ask(r, is_elderly)) {
            Ok(taken) => taken,
            Err(refused) => return Ok(Err(refusal(refused))),
        };
        // The answers share the slot's and session's records as read: one copy per slot.
        let taken_in = self
            .state
            .places
            .get(r.slot_id)
            .map(Arc::clone)
            .ok_or_else(|| StoreError::Corrupt("slot left the group's read".into()))?;
        let record = new_place(r, &taken_in.session, taken.pool, taken.queue_number);
        if let Some(expiry) = record.hold_expires_at {
            let earliest = self.state.earliest_hold.entry(r.slot_id.to_owned());
            let earliest = earliest.or_insert(expiry);
            *earliest = (*earliest).min(expiry);
        }
        if let Some((account, (key, hash))) = key {
            let used = KeyUse::InGroup(hash.to_owned(), index);
            self.state
                .keys
                .insert((account.to_owned(), key.to_owned()), used);
            self.new_keys.push((account, key, hash, record.id.clone()));
        }
        Ok(Ok(Replay::Fresh(record, taken_in)))
    }
}

/// What the ledger is asked for a request of a patient who is (or not) elderly.
fn ask<'a>(r: &'a PlaceRequest<'_>, is_elderly: bool) -> Ask<'a> {
    Ask {
        slot_id: r.slot_id,
        patient_id: r.patient_id,
        channel: r.channel,
        is_elderly,
        has_referral: r.has_referral,
        hold: matches!(r.mode, BookingMode::Hold { .. }),
        on_site: r.on_site,
        now: r.now,
        tz: r.tz,
        quota: r.quota,
        bans: r.bans,
    }
}

fn refusal(refused: Refused) -> BookingError {
    match refused {
        Refused::NotFound => BookingError::NotFound,
        Refused::Closed(Closed::Suspended) => BookingError::Suspended,
        Refused::Closed(Closed::Refused(refusal)) => BookingError::Refused(refusal),
    }
}

/// The answer to a request whose key was used before: the same appointment when the request
/// is the same (same hash), a mismatch otherwise.
async fn replay(
    tx: &mut AnyConnection,
    used: &KeyUse,
    hash: &str,
    outcomes: &[Result<Replay, BookingError>],
) -> Result<Result<Replay, BookingError>, StoreError> {
    let (stored_hash, record) = match used {
        KeyUse::Stored(stored_hash, appointment_id) => {
            (stored_hash, fetch_appointment(tx, appointment_id).await?)
        }
        KeyUse::InGroup(stored_hash, index) => {
            let record = match outcomes.get(*index) {
                Some(Ok(first)) => Some(first.appointment().clone()),
                _ => None,
            };
            (stored_hash, record)
        }
    };
    if stored_hash != hash {
        return Ok(Err(BookingError::IdempotencyMismatch));
    }
    Ok(record.map(Replay::Replayed).ok_or(BookingError::NotFound))
}
