//! Paying a visit's registration fee at the desk: the bill is opened if need be and its
//! balance paid, in the transaction that confirms a pending hold (paying is what a hold
//! waits for). Paying a visit with nothing due answers with its last payment, so a payment
//! is never applied twice.

use huimin_domain::appointments::{AppointmentStatus, PaymentMethod};
use jiff::Timestamp;

use super::booking::{BookingError, fetch_appointment};
use super::lifecycle::{confirm_in, lock_appointment};
use crate::Store;
use crate::billing::{Payment, open_bill_in, pay_in};

impl Store {
    /// Pays what is due on the appointment's visit by `method`.
    pub async fn pay_visit(
        &self,
        appointment_id: &str,
        method: PaymentMethod,
        paid_by: &str,
        now: Timestamp,
    ) -> Result<Payment, BookingError> {
        let now = now.as_microsecond();
        let mut tx = self.writer.begin().await?;
        lock_appointment(&mut tx, appointment_id).await?;
        let appointment = fetch_appointment(&mut tx, appointment_id)
            .await?
            .ok_or(BookingError::NotFound)?;
        match appointment.status {
            AppointmentStatus::Pending => {
                if !confirm_in(&mut tx, appointment_id, now).await? {
                    return Err(BookingError::HoldExpired);
                }
            }
            AppointmentStatus::Booked
            | AppointmentStatus::CheckedIn
            | AppointmentStatus::Fulfilled => {}
            status => return Err(BookingError::NotPayable { status }),
        }
        let bill = open_bill_in(&mut tx, &appointment, Some(paid_by), now).await?;
        let fresh = pay_in(&mut tx, &bill, method.code(), Some(paid_by), now).await?;
        let sheet = crate::billing::load(&mut tx, &bill).await?;
        let payment = match fresh {
            Some(entry) => Payment {
                entry,
                sheet,
                fresh: true,
            },
            None => match sheet.payments().last().cloned() {
                Some(entry) => Payment {
                    entry,
                    sheet,
                    fresh: false,
                },
                // Nothing due and nothing ever paid: a free clinic.
                None => return Err(BookingError::NoFee),
            },
        };
        tx.commit().await?;
        Ok(payment)
    }
}
