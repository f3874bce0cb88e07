//! Pure domain rules of Huimin.
//!
//! Everything here is parse-don't-validate: a value of a type from this crate
//! has already passed its rules, so inner layers never re-check. The crate
//! does no I/O and never reads the clock: rules that depend on "today" take it
//! as an argument, so callers decide the hospital time zone and tests stay
//! deterministic.

pub mod appointments;
pub mod audit;
pub mod billing;
pub mod csv_table;
pub mod directory;
pub mod i18n;
pub mod identity;
pub mod masking;
pub mod messages;
pub mod money;
pub mod orders;
pub mod person;
pub mod phone;
pub mod prescriptions;
pub mod recognition;
pub mod records;
pub mod results;
pub mod roles;
pub mod search;
pub mod signin;

pub use audit::{
    AuditFacts, BreakReason, ChainBreak, GENESIS_HASH, chain_hash, verify_chain, verify_chain_from,
};
pub use directory::{DepartmentCode, DepartmentCodeError, PractitionerTitle, RegistrationClass};
pub use i18n::{Lang, Text};
pub use identity::{
    DocumentKind, IdentityDocument, IdentityError, ResidentId, Sex, resident_id_check_char,
};
pub use masking::{mask_document_number, mask_name, mask_phone};
pub use money::{Money, MoneyError};
pub use person::{
    NameError, Password, PasswordError, PersonName, check_password_policy,
    check_staff_password_policy,
};
pub use phone::{Phone, PhoneError};
pub use roles::{Role, RoleParseError};
