//! End-to-end: the real server with its pages, driven in headless Chromium (Debian
//! `chromium` + `chromium-driver`, fonts from `fonts-noto-cjk`). Screenshots land in
//! `target/e2e-screenshots/`.

mod admin_journey;
mod admin_prices;
mod cashier_journey;
mod csp_journey;
mod deliveries_journey;
mod demo_records_journey;
mod departments_journey;
mod desk_journey;
mod harness;
mod identity_journey;
mod messages_journey;
mod money_journey;
mod moves_journey;
mod my_bookings_journey;
mod online_payment_journey;
mod patient_journey;
mod prescriptions_journey;
mod prescriptions_skin_test;
mod queue_journey;
mod recognition_journey;
mod records_journey;
mod redirect_journey;
mod reports_journey;
mod results_journey;
mod search_journey;
mod sessions_journey;
mod verify_journey;
mod waitlist_journey;
