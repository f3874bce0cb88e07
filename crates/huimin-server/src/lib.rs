//! Huimin's HTTP layer: OAuth2 token endpoint and registration, the FHIR R4 REST API with
//! authorisation and audit, and server start-up.

pub mod accounts;
pub mod app;
pub mod appointments;
mod audit;
pub mod auth;
pub mod billing;
pub mod client_addr;
pub mod config;
mod context;
pub mod demo;
pub mod directory;
pub mod error;
pub mod fhir;
pub mod identity;
pub mod localise;
pub mod logging;
pub mod messages;
pub mod openapi;
pub mod records;
pub mod state;

pub use app::{App, StartError, open_store};
pub use config::{PasswordCost, Secret, Settings};
