//! Huimin storage: one code path over embedded SQLite and PostgreSQL.
//!
//! Queries go through sqlx's `Any` driver with portable SQL (`$n` placeholders, TEXT ids,
//! BIGINT microsecond timestamps), so every query is the same on both databases and the test
//! suite runs each storage test on both. Writes that must not conflict are single atomic
//! statements (conditional `UPDATE … WHERE version_id = $n`, primary-key inserts) or start
//! with a write that takes the lock (`audit_head`), never a read-then-write.
//!
//! Sensitive fields never reach the database in clear text: whole resources of sensitive
//! types are sealed with AES-256-GCM and their searchable identifiers and phone numbers are
//! blind-indexed with a keyed HMAC (see [`crypto`]).

mod account_sessions;
pub mod appointments;
mod audit;
pub mod backup;
pub mod billing;
mod connection;
pub mod crypto;
mod db;
mod desk_codes;
mod error;
mod family;
pub mod gauges;
pub mod keycheck;
pub mod messages;
mod migrations;
pub mod orders;
mod pool;
pub mod prescriptions;
pub mod recognition;
pub mod records;
mod reindex;
mod resources;
pub mod results;
mod retry;
pub mod sandbox;
pub mod search;
mod settings;
mod sql;
mod target;
mod throttle;
mod users;

pub use account_sessions::{
    FIRST_PARTY_CLIENT, NewSession, PASSWORD_GRANT, SessionRecord, ended as session_ended,
};
pub use audit::{AuditBatcher, AuditPage, AuditRecord, ChainStatus, NewAuditRecord};
pub use crypto::DataKey;
pub use db::Store;
pub use desk_codes::{CodeUse, DeskCodeRecord, NewDeskCode};
pub use error::StoreError;
pub use family::{AccountLink, LinkRefusal, Unlink};
pub use keycheck::{KeyCheckError, KeySource};
pub use resources::{
    IndexEntry, IndexValue, ResourceWrite, StoredResource, UniqueKey, instant_text,
};
pub use search::{Bound, Match, SearchClause, SearchQuery, SearchResult, SortField, SortKey};
pub use target::{Backend, DatabaseTarget};
pub use users::{NewUser, UserRecord};

/// Microseconds since the Unix epoch, the storage layer's one time representation.
pub fn now_micros() -> i64 {
    huimin_clock::now().as_microsecond()
}
