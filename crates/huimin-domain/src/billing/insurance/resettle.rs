//! Reversal (冲正/撤销结算) and re-settlement for a partial refund (全退重结).
//!
//! Why the whole bill is redone rather than the refunded item alone: the deductible, the
//! annual cap and the account were used up item by item in the bill's order, so an item's
//! split depends on the items settled before it. Taking one item's split back would leave
//! the others split as if it were still there (the deductible it used stays used, for
//! instance). Chinese HIS systems and the national platform therefore cancel the whole
//! settlement and settle what the patient keeps as a new one; what each fund gets back is
//! the difference of the two (pool back, account back, cash back).

use std::collections::{HashMap, HashSet};

use super::SettleError;
use super::policy::Policy;
use super::settle::{ClaimItem, Settlement, Split, settle};
use super::state::{Cover, StateDelta};

/// The change that exactly undoes a settlement's change to the patient's state.
pub fn reverse(settlement: &Settlement) -> StateDelta {
    settlement.delta.negated()
}

/// A partial refund: the previous settlement reversed and the kept items settled anew.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resettlement {
    /// Undoes the previous settlement's change.
    pub reversal: StateDelta,
    /// The kept items, settled from the state before the previous settlement.
    pub settlement: Settlement,
    /// What goes back per fund: previous totals − new totals. Their sum is the refunded
    /// amount. A part is negative only in the rare case that per-item rounding or the order
    /// of the deductible shifts a fen between funds.
    pub back: Split,
}

impl Resettlement {
    /// The net change to the patient's state: the reversal and the new settlement together.
    pub fn net_delta(&self) -> StateDelta {
        let new = &self.settlement.delta;
        StateDelta {
            year: new.year,
            deductible_used: self.reversal.deductible_used + new.deductible_used,
            pool_paid: self.reversal.pool_paid + new.pool_paid,
            account_balance: self.reversal.account_balance + new.account_balance,
        }
    }
}

/// Redoes `previous` with only `remaining` (items of it, each at most its settled amount:
/// fewer units of an item are refunded that way). `before` is the state the previous
/// settlement started from — in practice the patient's current state with `previous`
/// reversed. The kept items are settled in the previous order, on the same occasion.
pub fn resettle(
    policy: &Policy,
    previous: &Settlement,
    remaining: &[ClaimItem],
    before: &Cover,
) -> Result<Resettlement, SettleError> {
    if policy.version != previous.policy_version {
        return Err(SettleError::PolicyChanged {
            settled: previous.policy_version.clone(),
            given: policy.version.clone(),
        });
    }
    let scheme = match before {
        Cover::SelfPaying => None,
        Cover::Insured(state) => Some(state.scheme),
    };
    if scheme != previous.scheme {
        return Err(SettleError::DeltaMismatch);
    }
    // The previous change must fit the state it is said to have started from.
    before.apply(&previous.delta)?;
    let kept = kept_in_order(previous, remaining)?;
    let settlement = settle(policy, before, previous.occasion, &kept)?;
    Ok(Resettlement {
        reversal: reverse(previous),
        back: previous.totals.minus(&settlement.totals),
        settlement,
    })
}

/// `remaining`, checked against the previous lines and put in their order.
fn kept_in_order(
    previous: &Settlement,
    remaining: &[ClaimItem],
) -> Result<Vec<ClaimItem>, SettleError> {
    let position: HashMap<&str, (usize, &ClaimItem)> = previous
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| (line.item.id.as_str(), (i, &line.item)))
        .collect();
    let mut seen = HashSet::new();
    let mut kept = Vec::with_capacity(remaining.len());
    for item in remaining {
        let Some(&(at, was)) = position.get(item.id.as_str()) else {
            return Err(SettleError::NotPreviouslySettled {
                item: item.id.clone(),
            });
        };
        if item.code != was.code || item.class != was.class || item.amount > was.amount {
            return Err(SettleError::ItemChanged {
                item: item.id.clone(),
            });
        }
        if !seen.insert(item.id.as_str()) {
            return Err(SettleError::DuplicateItem {
                item: item.id.clone(),
            });
        }
        kept.push((at, item.clone()));
    }
    kept.sort_by_key(|(at, _)| *at);
    Ok(kept.into_iter().map(|(_, item)| item).collect())
}
