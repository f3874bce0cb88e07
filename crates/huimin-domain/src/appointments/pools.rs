//! Slot pools: shares of a slot's places kept for groups who cannot book
//! online or who come by referral (DOMAIN §1, D3).

use super::shift;
use crate::i18n::Text;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// A share of places. Order of the variants is the tie-break order when
/// rounding, so online (the largest pool) absorbs a lone extra place first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pool {
    Online,
    Window,
    Elderly,
    Referral,
}

impl Pool {
    pub const ALL: [Pool; 4] = [Pool::Online, Pool::Window, Pool::Elderly, Pool::Referral];

    pub fn code(self) -> &'static str {
        self.names().0
    }

    pub fn label(self) -> Text {
        let (_, zh, en) = self.names();
        Text::new(zh, en)
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Pool::Online => ("online", "线上", "Online"),
            Pool::Window => ("window", "窗口", "Window"),
            Pool::Elderly => ("elderly", "老年及特殊人群", "Elderly and special groups"),
            Pool::Referral => ("referral", "家庭医生转诊", "Family-doctor referral"),
        }
    }
}

/// How a booking reaches the hospital.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// The patient's own app, mini-program or web booking.
    App,
    /// A registration window or self-service kiosk staffed on site.
    Window,
    /// A contracted family doctor booking on the patient's behalf.
    Referral,
}

/// Percentages of a slot's places per pool; must sum to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolPercentages {
    pub online: u8,
    pub window: u8,
    pub elderly: u8,
    pub referral: u8,
}

impl Default for PoolPercentages {
    fn default() -> Self {
        PoolPercentages {
            online: 60,
            window: 20,
            elderly: 10,
            referral: 10,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    #[error("Pool percentages must add up to 100; they add up to {sum}")]
    BadSum { sum: u32 },
}

impl PoolError {
    /// The message in both languages; `en` equals `Display`.
    pub fn message(&self) -> Text {
        let PoolError::BadSum { sum } = self;
        Text::new(
            format!("各号源池比例之和须为 100，当前为 {sum}"),
            self.to_string(),
        )
    }
}

impl PoolPercentages {
    pub fn validate(&self) -> Result<(), PoolError> {
        match self.shares().iter().sum::<u32>() {
            100 => Ok(()),
            sum => Err(PoolError::BadSum { sum }),
        }
    }

    fn shares(&self) -> [u32; 4] {
        [self.online, self.window, self.elderly, self.referral].map(u32::from)
    }
}

/// Places per pool for one slot (or what is left of them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSplit {
    pub online: u32,
    pub window: u32,
    pub elderly: u32,
    pub referral: u32,
}

impl PoolSplit {
    pub fn get(&self, pool: Pool) -> u32 {
        match pool {
            Pool::Online => self.online,
            Pool::Window => self.window,
            Pool::Elderly => self.elderly,
            Pool::Referral => self.referral,
        }
    }

    pub fn total(&self) -> u64 {
        Pool::ALL.iter().map(|&p| u64::from(self.get(p))).sum()
    }
}

/// Splits `capacity` by largest remainder, so the pools always add up to
/// exactly `capacity`: no place is lost or invented by rounding. Unvalidated
/// percentages are taken relative to their own sum (all online if zero), so
/// the total still holds.
pub fn split(capacity: u32, percentages: &PoolPercentages) -> PoolSplit {
    let shares = percentages.shares();
    let sum: u32 = shares.iter().sum();
    if sum == 0 {
        return PoolSplit {
            online: capacity,
            ..PoolSplit::default()
        };
    }
    let exact = shares.map(|s| u64::from(capacity) * u64::from(s));
    // Each floor is at most `capacity`, so it fits back into u32.
    let mut places = exact.map(|e| (e / u64::from(sum)) as u32);
    let mut leftover = capacity - places.iter().sum::<u32>();
    let mut order = [0usize, 1, 2, 3];
    // Stable sort keeps Pool order among equal remainders.
    order.sort_by_key(|&i| std::cmp::Reverse(exact[i] % u64::from(sum)));
    for i in order {
        if leftover == 0 {
            break;
        }
        places[i] += 1;
        leftover -= 1;
    }
    let [online, window, elderly, referral] = places;
    PoolSplit {
        online,
        window,
        elderly,
        referral,
    }
}

/// Hands unused elderly and referral places to online booking so they are
/// not wasted once the reserve has served its purpose.
pub fn release_reserved(split: PoolSplit) -> PoolSplit {
    PoolSplit {
        online: split
            .online
            .saturating_add(split.elderly)
            .saturating_add(split.referral),
        window: split.window,
        elderly: 0,
        referral: 0,
    }
}

/// When reserved places go back to online booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReservedRelease {
    pub hours_before: u32,
}

impl Default for ReservedRelease {
    fn default() -> Self {
        ReservedRelease { hours_before: 24 }
    }
}

impl ReservedRelease {
    pub fn is_due(&self, now: Timestamp, session_start: Timestamp) -> bool {
        now >= shift(
            session_start,
            -SignedDuration::from_hours(i64::from(self.hours_before)),
        )
    }
}

/// The pools a booking may draw from, most preferred first. A booking made
/// through the referral channel without a referral letter draws only on
/// online places, so the referral reserve cannot be used as a back door.
pub fn pools_for(channel: Channel, is_elderly: bool, has_referral: bool) -> Vec<Pool> {
    match channel {
        Channel::App if is_elderly => vec![Pool::Online, Pool::Elderly],
        Channel::App => vec![Pool::Online],
        // Window staff serve whoever is in front of them, including those
        // the elderly pool exists for.
        Channel::Window => vec![Pool::Window, Pool::Elderly, Pool::Online],
        Channel::Referral if has_referral => vec![Pool::Referral, Pool::Online],
        Channel::Referral => vec![Pool::Online],
    }
}

/// Age threshold for the elderly pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ElderlyRule {
    pub age: u8,
}

impl Default for ElderlyRule {
    fn default() -> Self {
        ElderlyRule { age: 65 }
    }
}

impl ElderlyRule {
    pub fn applies(&self, birth_date: Date, today: Date) -> bool {
        is_elderly(birth_date, today, self.age)
    }
}

/// Whether someone born on `birth_date` is at least `age` on `today`. People
/// born on 29 February turn a year older on 1 March in common years.
pub fn is_elderly(birth_date: Date, today: Date, age: u8) -> bool {
    crate::directory::age_on(birth_date, today) >= i32::from(age)
}

#[cfg(test)]
#[path = "pools_tests.rs"]
mod tests;
