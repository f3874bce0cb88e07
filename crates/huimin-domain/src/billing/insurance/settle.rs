//! Settling a bill's items: each item's amount split exactly into pool (统筹基金),
//! personal account (个人账户) and the patient's own money (个人现金), item by item in the
//! order given, because the deductible and the cap are used up in that order.

use std::collections::HashSet;

use super::SettleError;
use super::policy::{Policy, SchemeRules};
use super::reason::Reason;
use super::state::{Cover, InsuredState, StateDelta};
use super::types::{HospitalLevel, ItemClass, Rate, Scheme};

/// Largest item amount accepted, in fen (¥100,000,000), and most items in one settlement:
/// together they keep every sum far inside i64.
pub const MAX_ITEM_FEN: i64 = 10_000_000_000;
pub const MAX_ITEMS: usize = 10_000;
/// Largest figure an insured state may hold, in fen.
pub const MAX_STATE_FEN: i64 = 100_000_000_000_000;

/// One item to settle: the bill item's id, its price-list or formulary code, its class in
/// the insurance catalogue and its amount in fen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimItem {
    pub id: String,
    pub code: String,
    pub class: ItemClass,
    pub amount: i64,
}

/// Where an amount goes; the three parts of a line sum to its amount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Split {
    /// 统筹基金支付.
    pub pool: i64,
    /// 个人账户支付.
    pub account: i64,
    /// 个人现金支付: what the patient pays at the desk.
    pub self_pay: i64,
}

impl Split {
    pub fn total(&self) -> i64 {
        self.pool + self.account + self.self_pay
    }

    fn add(&mut self, other: &Split) {
        self.pool += other.pool;
        self.account += other.account;
        self.self_pay += other.self_pay;
    }

    /// `self − other`, fund by fund.
    pub fn minus(&self, other: &Split) -> Split {
        Split {
            pool: self.pool - other.pool,
            account: self.account - other.account,
            self_pay: self.self_pay - other.self_pay,
        }
    }
}

/// One settled item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettledLine {
    pub item: ClaimItem,
    pub split: Split,
    pub reasons: Vec<Reason>,
}

/// The visit's circumstances that the rules read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occasion {
    pub level: HospitalLevel,
    /// The settlement's calendar year (the caller's clock, in the hospital's time zone).
    pub year: i32,
    /// Whether the patient lets the personal account pay.
    pub use_account: bool,
}

/// A settled bill: its lines, their totals and the change to the patient's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub policy_version: String,
    /// `None` for a self-paying patient.
    pub scheme: Option<Scheme>,
    pub occasion: Occasion,
    pub lines: Vec<SettledLine>,
    pub totals: Split,
    pub delta: StateDelta,
}

/// What the rules have left to give as the items are settled.
struct Running {
    deductible_left: i64,
    cap_left: i64,
    balance: i64,
}

/// Settles `items` for `cover` under `policy`. Refused (nothing computed) for a negative or
/// outsized amount, an id listed twice, or a state of another year
/// ([`InsuredState::rolled_to`] first) or out of range.
pub fn settle(
    policy: &Policy,
    cover: &Cover,
    occasion: Occasion,
    items: &[ClaimItem],
) -> Result<Settlement, SettleError> {
    check_items(items)?;
    let mut settlement = Settlement {
        policy_version: policy.version.clone(),
        scheme: None,
        occasion,
        lines: Vec::with_capacity(items.len()),
        totals: Split::default(),
        delta: StateDelta {
            year: occasion.year,
            ..StateDelta::default()
        },
    };
    let Cover::Insured(state) = cover else {
        for item in items {
            let split = Split {
                self_pay: item.amount,
                ..Split::default()
            };
            settlement.push(item, split, vec![Reason::SelfPayingPatient]);
        }
        return Ok(settlement);
    };
    check_state(state, occasion.year)?;
    let rules = policy.rules(state.scheme);
    let ratio = rules.ratio(occasion.level, state.retired);
    let mut run = Running {
        deductible_left: (rules.deductible(state.retired) - state.deductible_used).max(0),
        cap_left: (rules.annual_cap - state.pool_paid).max(0),
        balance: state.account_balance,
    };
    let start = (run.deductible_left, run.cap_left, run.balance);
    for item in items {
        let (split, reasons) = settle_item(rules, ratio, occasion.use_account, item, &mut run);
        settlement.push(item, split, reasons);
    }
    settlement.scheme = Some(state.scheme);
    settlement.delta.deductible_used = start.0 - run.deductible_left;
    settlement.delta.pool_paid = start.1 - run.cap_left;
    settlement.delta.account_balance = run.balance - start.2;
    Ok(settlement)
}

impl Settlement {
    fn push(&mut self, item: &ClaimItem, split: Split, reasons: Vec<Reason>) {
        self.totals.add(&split);
        self.lines.push(SettledLine {
            item: item.clone(),
            split,
            reasons,
        });
    }
}

fn check_items(items: &[ClaimItem]) -> Result<(), SettleError> {
    if items.len() > MAX_ITEMS {
        return Err(SettleError::TooManyItems);
    }
    let mut seen = HashSet::new();
    for item in items {
        let id = || item.id.clone();
        if item.amount < 0 {
            return Err(SettleError::NegativeAmount { item: id() });
        }
        if item.amount > MAX_ITEM_FEN {
            return Err(SettleError::AmountTooLarge { item: id() });
        }
        if !seen.insert(item.id.as_str()) {
            return Err(SettleError::DuplicateItem { item: id() });
        }
    }
    Ok(())
}

fn check_state(state: &InsuredState, year: i32) -> Result<(), SettleError> {
    if state.year != year {
        return Err(SettleError::WrongYear {
            state: state.year,
            settlement: year,
        });
    }
    let figures = [
        state.account_balance,
        state.deductible_used,
        state.pool_paid,
    ];
    if figures.iter().all(|f| (0..=MAX_STATE_FEN).contains(f)) {
        Ok(())
    } else {
        Err(SettleError::BadState)
    }
}

/// The rules in the order municipal rules apply them: class, fixed consultation payment,
/// deductible, pool ratio within the cap, then the account for what is left to the patient.
fn settle_item(
    rules: &SchemeRules,
    ratio: Rate,
    use_account: bool,
    item: &ClaimItem,
    run: &mut Running,
) -> (Split, Vec<Reason>) {
    let mut reasons = Vec::new();
    // The patient's share within scope (自付) and outside it (自费): the account may pay
    // them under different rules.
    let (mut scope, mut copay, mut self_funded) = (0, 0, 0);
    match item.class {
        ItemClass::SelfFunded => {
            self_funded = item.amount;
            reasons.push(Reason::SelfFundedItem);
        }
        ItemClass::A => scope = item.amount,
        ItemClass::B { first_self_pay } => {
            let rate = first_self_pay.unwrap_or(rules.b_first_self_pay);
            let fen = rate.of(item.amount);
            copay = fen;
            scope = item.amount - fen;
            if fen > 0 {
                reasons.push(Reason::FirstSelfPay { rate, fen });
            }
        }
    }
    let mut pool = 0;
    if scope > 0 && rules.consultation_pool > 0 && rules.is_consultation(&item.code) {
        let wanted = scope.min(rules.consultation_pool);
        let fen = pay_from_pool(wanted, run);
        if fen > 0 {
            reasons.push(Reason::ConsultationFixed { fen });
        }
        over_cap(wanted - fen, &mut reasons);
        pool += fen;
        scope -= fen;
    }
    let deductible = scope.min(run.deductible_left);
    if deductible > 0 {
        run.deductible_left -= deductible;
        copay += deductible;
        scope -= deductible;
        reasons.push(Reason::Deductible { fen: deductible });
    }
    if scope > 0 {
        let wanted = ratio.of(scope);
        let fen = pay_from_pool(wanted, run);
        if fen > 0 {
            reasons.push(Reason::Pool { rate: ratio, fen });
        }
        over_cap(wanted - fen, &mut reasons);
        pool += fen;
        copay += scope - fen;
    }
    let mut eligible = 0;
    if use_account && rules.account_pays_copay {
        eligible += copay;
        if rules.account_pays_self_funded {
            eligible += self_funded;
        }
    }
    let account = eligible.min(run.balance);
    run.balance -= account;
    if account > 0 {
        reasons.push(Reason::Account { fen: account });
    }
    if account < eligible {
        reasons.push(Reason::AccountShort {
            fen: eligible - account,
        });
    }
    let split = Split {
        pool,
        account,
        self_pay: item.amount - pool - account,
    };
    (split, reasons)
}

/// Takes up to `wanted` from what the annual cap leaves.
fn pay_from_pool(wanted: i64, run: &mut Running) -> i64 {
    let fen = wanted.min(run.cap_left);
    run.cap_left -= fen;
    fen
}

fn over_cap(fen: i64, reasons: &mut Vec<Reason>) {
    if fen > 0 {
        reasons.push(Reason::OverCap { fen });
    }
}

#[cfg(test)]
#[path = "settle_tests.rs"]
mod tests;
