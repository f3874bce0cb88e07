//! Test figures chosen so each rule's effect is easy to compute by hand (not the demo policy).

use super::*;

pub const YEAR: i32 = 2026;

pub fn rules(account_pays_self_funded: bool) -> SchemeRules {
    let pct = |p| Rate::from_percent(p).unwrap_or(Rate::ZERO);
    SchemeRules {
        deductible: 10_000,
        retired_deductible: 5_000,
        annual_cap: 100_000,
        ratio: [pct(90), pct(80), pct(70)],
        retired_ratio: [pct(95), pct(85), pct(75)],
        b_first_self_pay: pct(10),
        account_pays_copay: true,
        account_pays_self_funded,
        consultation_codes: vec!["110200001".to_owned()],
        consultation_pool: 0,
    }
}

pub fn policy() -> Policy {
    let pct = |p| Rate::from_percent(p).unwrap_or(Rate::ZERO);
    let resident = SchemeRules {
        ratio: [pct(60), pct(50), pct(40)],
        retired_ratio: [pct(60), pct(50), pct(40)],
        account_pays_copay: false,
        account_pays_self_funded: false,
        consultation_pool: 1_000,
        ..rules(false)
    };
    Policy {
        version: "test-1".to_owned(),
        employee: rules(false),
        resident,
    }
}

pub fn insured(scheme: Scheme, retired: bool, balance: i64, used: i64, paid: i64) -> Cover {
    Cover::Insured(InsuredState {
        scheme,
        retired,
        year: YEAR,
        account_balance: balance,
        deductible_used: used,
        pool_paid: paid,
    })
}

pub fn item(id: &str, class: ItemClass, amount: i64) -> ClaimItem {
    ClaimItem {
        id: id.to_owned(),
        code: format!("X-{id}"),
        class,
        amount,
    }
}

pub fn b(pct: Option<u32>) -> ItemClass {
    ItemClass::B {
        first_self_pay: pct.and_then(Rate::from_percent),
    }
}

pub fn at(level: HospitalLevel, use_account: bool) -> Occasion {
    Occasion {
        level,
        year: YEAR,
        use_account,
    }
}

pub fn split(pool: i64, account: i64, self_pay: i64) -> Split {
    Split {
        pool,
        account,
        self_pay,
    }
}
