//! What the fund knows of a patient between visits: the scheme, whether retired, the
//! personal-account balance and the year-to-date figures the yearly rules count against.
//! A settlement changes them by a [`StateDelta`]; its reversal is the negated delta.

use super::SettleError;
use super::types::Scheme;

/// An insured patient's state for one calendar year (the YTD figures restart each year).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsuredState {
    pub scheme: Scheme,
    pub retired: bool,
    /// The year the YTD figures count; see [`InsuredState::rolled_to`].
    pub year: i32,
    /// 个人账户余额, fen.
    pub account_balance: i64,
    /// 起付线 already paid this year, fen.
    pub deductible_used: i64,
    /// What the pool has paid this year, fen (against the annual cap).
    pub pool_paid: i64,
}

impl InsuredState {
    /// The state as a settlement in `year` sees it: a later year starts with nothing used
    /// (the account balance carries over). An earlier year is left as it is: `settle` refuses it.
    pub fn rolled_to(&self, year: i32) -> InsuredState {
        if year > self.year {
            InsuredState {
                year,
                deductible_used: 0,
                pool_paid: 0,
                ..self.clone()
            }
        } else {
            self.clone()
        }
    }
}

/// The patient as a settlement sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cover {
    /// 自费患者: not insured, or chose not to use the insurance for this visit.
    SelfPaying,
    Insured(InsuredState),
}

impl Cover {
    /// The state after `delta`; refused when the years differ or a figure would go negative
    /// (a delta applied to the wrong state).
    pub fn apply(&self, delta: &StateDelta) -> Result<Cover, SettleError> {
        let Cover::Insured(state) = self else {
            return if delta.is_zero() {
                Ok(Cover::SelfPaying)
            } else {
                Err(SettleError::DeltaMismatch)
            };
        };
        if delta.is_zero() {
            return Ok(self.clone());
        }
        if delta.year != state.year {
            return Err(SettleError::WrongYear {
                state: state.year,
                settlement: delta.year,
            });
        }
        let add = |a: i64, b: i64| a.checked_add(b).filter(|v| *v >= 0);
        Ok(Cover::Insured(InsuredState {
            account_balance: add(state.account_balance, delta.account_balance)
                .ok_or(SettleError::DeltaMismatch)?,
            deductible_used: add(state.deductible_used, delta.deductible_used)
                .ok_or(SettleError::DeltaMismatch)?,
            pool_paid: add(state.pool_paid, delta.pool_paid).ok_or(SettleError::DeltaMismatch)?,
            ..state.clone()
        }))
    }
}

/// A change to an [`InsuredState`] in one year: what a settlement adds (deductible used +x,
/// pool paid +y, account −z) or its reversal takes back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateDelta {
    pub year: i32,
    pub deductible_used: i64,
    pub pool_paid: i64,
    /// Negative when the account paid.
    pub account_balance: i64,
}

impl StateDelta {
    pub fn is_zero(&self) -> bool {
        self.deductible_used == 0 && self.pool_paid == 0 && self.account_balance == 0
    }

    /// The change that exactly undoes this one.
    pub fn negated(&self) -> StateDelta {
        StateDelta {
            year: self.year,
            deductible_used: -self.deductible_used,
            pool_paid: -self.pool_paid,
            account_balance: -self.account_balance,
        }
    }
}
