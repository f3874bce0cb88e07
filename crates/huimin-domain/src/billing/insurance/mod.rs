//! Medical-insurance outpatient settlement (医保门诊结算): the local stand-in for the national
//! platform, with the rules of a typical municipal scheme (演示规则, `docs/design/insurance.md`).
//!
//! The model: each item has a class in the catalogue ([`Catalogue`]: 甲类 in scope, 乙类 after a
//! first self-pay share, 丙类/自费 outside). Within scope the patient first pays the year's
//! deductible (起付线), then the pool (统筹基金) pays the ratio of the scheme, hospital level and
//! retirement, until its annual cap; an employee's personal account (个人账户) may pay what is
//! left to the patient. [`settle`] splits every item exactly into pool, account and cash, item
//! by item in the bill's order, with a [`Reason`] for each move, and returns the change to the
//! patient's year-to-date state; [`reverse`] undoes that change, and [`resettle`] redoes a bill
//! after a partial refund (全退重结). Pure: the year comes from the caller, nothing is stored.

mod catalogue;
mod error;
mod policy;
mod reason;
mod resettle;
mod settle;
mod state;
mod types;

pub use catalogue::{Catalogue, parse_catalogue};
pub use error::SettleError;
pub use policy::{Policy, PolicyError, SchemeRules};
pub use reason::Reason;
pub use resettle::{Resettlement, resettle, reverse};
pub use settle::{
    ClaimItem, MAX_ITEM_FEN, MAX_ITEMS, Occasion, SettledLine, Settlement, Split, settle,
};
pub use state::{Cover, InsuredState, StateDelta};
pub use types::{HospitalLevel, ItemClass, Rate, Scheme};

/// The shipped demonstration files.
pub mod seed {
    pub use super::catalogue::SEED as CATALOGUE;
    pub use super::policy::SEED as POLICY;
}

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod props_tests;
#[cfg(test)]
mod resettle_tests;
