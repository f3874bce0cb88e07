//! Orders 检查检验医嘱 with a closed loop 闭环 (docs/design/orders.md): the orderable catalogue
//! as data (`catalogue`), the steps an order takes from ordered to reviewed by its doctor
//! (`status`), and the same-day return with results that skips a second queue (`returns`).

mod catalogue;
mod returns;
mod status;

#[cfg(test)]
mod catalogue_tests;

pub use catalogue::{Catalogue, CatalogueProblem, OrderCategory, Orderable};
pub use returns::{ReturnFacts, ReturnRefusal, ReturnWaits, check_return, return_key};
pub use status::{OrderStatus, Step, StepRefusal, is_stalled};
