//! Why a settlement or a re-settlement is refused. Nothing is changed by a refusal: the
//! functions here only compute.

use crate::i18n::Text;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettleError {
    #[error("item {item}: the amount must not be negative")]
    NegativeAmount { item: String },
    #[error("item {item}: the amount is above the largest accepted")]
    AmountTooLarge { item: String },
    #[error("item {item} is listed twice")]
    DuplicateItem { item: String },
    #[error("too many items in one settlement")]
    TooManyItems,
    #[error("the insured state is for {state}, the settlement for {settlement}")]
    WrongYear { state: i32, settlement: i32 },
    #[error("the insured state holds a negative or impossibly large figure")]
    BadState,
    #[error("the change does not fit this insured state")]
    DeltaMismatch,
    #[error("settled under policy {settled}, not {given}")]
    PolicyChanged { settled: String, given: String },
    #[error("item {item} was not on the settlement being redone")]
    NotPreviouslySettled { item: String },
    #[error("item {item} differs from the settled one (code, class, or a larger amount)")]
    ItemChanged { item: String },
}

impl SettleError {
    pub fn message(&self) -> Text {
        let zh = match self {
            Self::NegativeAmount { item } => format!("项目 {item} 金额不能为负数"),
            Self::AmountTooLarge { item } => format!("项目 {item} 金额过大"),
            Self::DuplicateItem { item } => format!("项目 {item} 重复"),
            Self::TooManyItems => "一次结算的项目过多".to_owned(),
            Self::WrongYear { state, settlement } => {
                format!("参保人累计信息属于 {state} 年，结算年度为 {settlement} 年")
            }
            Self::BadState => "参保人累计信息有误（负数或数额过大）".to_owned(),
            Self::DeltaMismatch => "变更与参保人当前信息不符".to_owned(),
            Self::PolicyChanged { settled, given } => {
                format!("原结算使用政策 {settled}，当前为 {given}")
            }
            Self::NotPreviouslySettled { item } => format!("项目 {item} 不在原结算中"),
            Self::ItemChanged { item } => format!("项目 {item} 与原结算不一致"),
        };
        Text::new(zh, self.to_string())
    }
}
