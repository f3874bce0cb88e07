//! Black-box tests of the HTTP API. Every test runs twice: on SQLite and on PostgreSQL.

mod helpers;

mod admission;
mod audit;
mod auth;
mod booking_api;
mod booking_rules;
mod booking_store;
mod calling;
mod client_address;
mod concurrency;
mod data_key;
mod desk_codes;
mod desk_payments;
mod directory;
mod directory_search;
mod family;
mod fhir_basics;
mod fhir_search;
mod fuzz;
mod messages;
mod my_bookings;
mod on_site;
mod outbox;
mod patient_access;
mod patients;
mod price_list;
mod records;
mod records_codes;
mod scheduling_fhir;
mod screens;
mod session_overlap;
mod transaction;
mod transfer;
