//! What every handler shares, built once at start-up: the store, the hospital's clock, the
//! token keys, password hashing, login throttling, the caller cache, the booking guard and the
//! booking rules in force.
//!
//! This is the bottom of the crate's feature layers: the modules here depend only on the
//! bottom modules (`config`, `context`, `error`) and on other crates; the features (`auth`,
//! `appointments`, `fhir`, …) depend on them, never the other way round.

pub mod booking;
pub mod callers;
pub mod codes;
pub mod department_book;
pub mod drug_book;
pub mod guard;
pub mod passwords;
pub mod pdf_font;
pub mod rule_book;
pub mod throttle;
pub mod tokens;

use std::ops::Deref;
use std::sync::Arc;

use huimin_clock::Clock;
use huimin_store::Store;

use crate::config::Settings;
use callers::CallerCache;
use codes::CodeBook;
use drug_book::DrugBook;
use guard::BookingGuard;
use passwords::Passwords;
use pdf_font::PdfFonts;
use rule_book::RuleBook;
use throttle::LoginThrottle;
use tokens::TokenKeys;

/// Shared by every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    /// The hospital's clock, in the booking time zone: "today" and wall-clock times.
    pub clock: Clock,
    pub tokens: TokenKeys,
    pub passwords: Passwords,
    pub throttle: LoginThrottle,
    pub guard: BookingGuard,
    pub callers: CallerCache,
    /// The font printed records are set in (loaded on first use).
    pub pdf_fonts: PdfFonts,
    /// Booking thresholds in force (stored per hospital and department).
    pub rules: RuleBook,
    /// The ICD-10 table, indexed in memory.
    pub codes: CodeBook,
    /// The formulary, interaction and allergen tables, parsed in memory.
    pub drugs: DrugBook,
    /// The medical-insurance rules settlements apply (the demonstration policy and catalogue).
    pub insurance: huimin_store::billing::InsuranceRules,
    /// The payment gateways configured (`billing::gateways`).
    pub gateways: crate::billing::gateways::Gateways,
    /// Where this server is reached (`public_url`, else its listening address): the base of
    /// the addresses gateways call back.
    pub self_url: String,
    /// The client for calls to the outside (gateways; loopback for the sandbox).
    pub http: reqwest::Client,
    pub settings: Settings,
}

impl AppState {
    pub fn new(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
