//! Huimin's HTTP layer: OAuth2 token endpoint and registration, the FHIR R4 REST API with
//! authorisation and audit, and server start-up.

pub mod accounts;
mod api_docs;
pub mod app;
pub mod appointments;
mod audit;
pub mod auth;
mod bare_errors;
pub mod billing;
pub mod client_addr;
pub mod config;
pub mod context;
pub mod demo;
pub mod directory;
pub mod error;
pub mod fhir;
pub mod headers;
pub mod identity;
pub mod localise;
pub mod logging;
pub mod messages;
pub mod metrics;
pub mod openapi;
pub mod orders;
pub mod prescriptions;
pub mod recognition;
pub mod records;
pub mod results;
pub mod serve;
pub mod state;

pub use app::{App, StartError, key_source, open_store};
pub use config::{PasswordCost, Secret, Settings};
