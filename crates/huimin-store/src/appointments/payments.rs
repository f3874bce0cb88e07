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
    /// Pays what is due on the appointment's visit by `method`. With `insurance` (the rules
    /// and the year), an insured patient's bill is settled first and `method` pays only the
    /// cash part; the pool and the personal account pay theirs in the same transaction.
    pub async fn pay_visit(
        &self,
        appointment_id: &str,
        method: PaymentMethod,
        paid_by: &str,
        insurance: Option<(&crate::billing::InsuranceRules, i32)>,
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
        let insured = matches!(
            method,
            PaymentMethod::MedicalInsurance | PaymentMethod::InsuranceAccount
        );
        let settlement = match insurance {
            // Paying by an insurance method itself is the desk's own split: no settlement.
            Some((rules, year)) if !insured => {
                let sheet = crate::billing::load(&mut tx, &bill).await?;
                if sheet.numbers().due() > 0 {
                    crate::billing::presettle_in(&mut tx, &sheet, rules, year).await?
                } else {
                    None
                }
            }
            _ => None,
        };
        let fresh = match settlement {
            Some(settlement) => {
                let sheet = crate::billing::load(&mut tx, &bill).await?;
                let entries = crate::billing::pay_settled_in(
                    &mut tx,
                    &sheet,
                    &settlement,
                    method.code(),
                    None,
                    Some(paid_by),
                    now,
                )
                .await?;
                // The desk's own entry when the patient paid something, else the fund's.
                let mine = entries.iter().find(|e| e.method == method.code()).cloned();
                mine.or_else(|| entries.last().cloned())
            }
            None => pay_in(&mut tx, &bill, method.code(), Some(paid_by), now).await?,
        };
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
