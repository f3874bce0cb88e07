//! Huimin's own names on the wire: the URLs of its extensions and the systems of its codes and
//! identifiers. The API writes them and its clients (the pages among them) read them, so they
//! live beside the resources they appear in rather than in either side.
//!
//! Patients' identity-document systems (`urn:huimin:sid:cn-resident-id`, …) are not here: each
//! belongs to a `DocumentKind` of `huimin-domain`, which also checks the numbers.

// Extensions (`extension.url`).

/// Places a slot has (Slot, `valueInteger`).
pub const SLOT_CAPACITY_EXT: &str = "urn:huimin:ext:slot-capacity";
/// Places still free in a slot (Slot, `valueInteger`).
pub const SLOT_REMAINING_EXT: &str = "urn:huimin:ext:slot-remaining";
/// A slot added to a session beyond its plan (加号) (Slot, `valueBoolean`).
pub const EXTRA_SLOT_EXT: &str = "urn:huimin:ext:extra-slot";
/// When a session's places are released for booking (Schedule and Slot, `valueDateTime`).
pub const RELEASE_AT_EXT: &str = "urn:huimin:ext:release-at";
/// A booking's number in its session's line (Appointment, `valueInteger`).
pub const QUEUE_NUMBER_EXT: &str = "urn:huimin:ext:queue-number";
/// The share of places a booking was taken from: online, window, elderly, referral
/// (Appointment, `valueCode`).
pub const POOL_EXT: &str = "urn:huimin:ext:booking-pool";
/// Until when a held place waits for its fee (pending Appointment, `valueDateTime`).
pub const HOLD_EXPIRES_EXT: &str = "urn:huimin:ext:hold-expires";
/// The department a clinic session belongs to (Schedule, `valueReference` to the department's
/// `Organization`): R4 allows no Organization among `Schedule.actor`.
pub const DEPARTMENT_EXT: &str = "urn:huimin:ext:department";
/// ServiceRequest: the step of the closed loop the order has reached (`valueCode`: ordered,
/// paid, scheduled, collected, performed, reported, reviewed, cancelled).
pub const ORDER_STEP_EXT: &str = "urn:huimin:ext:order-step";
/// ServiceRequest: the order has been in service longer than its turnaround (`valueBoolean`).
pub const ORDER_STALLED_EXT: &str = "urn:huimin:ext:order-stalled";
/// The codes of the hospital's orderable catalogue (`data/orderables.toml`).
pub const ORDERABLE_SYSTEM: &str = "urn:huimin:cs:orderable";
/// The session a waitlist entry waits for (waitlist Appointment, `valueReference`).
pub const WAITLIST_SCHEDULE_EXT: &str = "urn:huimin:ext:waitlist-schedule";
/// A waiting entry's place in its session's waitlist, 1 for the next to get a place
/// (waitlist Appointment, `valueInteger`).
pub const WAITLIST_POSITION_EXT: &str = "urn:huimin:ext:waitlist-position";
/// The last instant a patient may cancel online: a booking of the Slot, or the Appointment
/// (`valueDateTime`). An Appointment without it has no such limit (moved by a stop-clinic) or
/// can no longer be cancelled (its status says which).
pub const CANCEL_BY_EXT: &str = "urn:huimin:ext:cancel-by";
/// How a patient pays a session's fee: `desk` (book at once, pay at the hospital) or
/// `online` (hold the place, pay online before it lapses) (Schedule, `valueCode`).
pub const FEE_PAYMENT_EXT: &str = "urn:huimin:ext:fee-payment";
/// 普通号 / 专家号 / 特需号: `ordinary`, `expert`, `special-needs` (PractitionerRole and
/// Schedule, `valueCode`).
pub const REGISTRATION_CLASS_EXT: &str = "urn:huimin:ext:registration-class";
/// The registration fee (PractitionerRole and Schedule, `valueMoney` in CNY).
pub const REGISTRATION_FEE_EXT: &str = "urn:huimin:ext:registration-fee";

/// Money paid, refunded and still due on a bill (Invoice, `valueMoney` in CNY).
pub const PAID_EXT: &str = "urn:huimin:ext:paid";
pub const REFUNDED_EXT: &str = "urn:huimin:ext:refunded";
pub const BALANCE_DUE_EXT: &str = "urn:huimin:ext:balance-due";
/// The appointment a move replaced, and the patient's answer (Appointment, complex:
/// `from` valueReference, `kind` valueCode, `reply` valueCode, `replyBy` valueDateTime).
pub const MOVED_FROM_EXT: &str = "urn:huimin:ext:moved-from";
/// The appointment that replaced a moved one (Appointment, `valueReference`).
pub const MOVED_TO_EXT: &str = "urn:huimin:ext:moved-to";
/// The lot a dispense was taken from 批号 (MedicationDispense, `valueString`): R4's
/// MedicationDispense has no lot element.
pub const LOT_NUMBER_EXT: &str = "urn:huimin:ext:lot-number";
/// The expiry date of that lot 有效期至 (MedicationDispense, `valueDate`).
pub const LOT_EXPIRY_EXT: &str = "urn:huimin:ext:lot-expiry";

// Code systems (`coding.system`).

/// The hospital's price list item codes (ChargeItem.code).
pub const PRICE_ITEM_SYSTEM: &str = "urn:huimin:cs:price-item";
/// Why an appointment was cancelled (Appointment.cancelationReason).
pub const CANCEL_REASON_SYSTEM: &str = "urn:huimin:cs:cancel-reason";
/// How a waitlist entry ended: `left`, `skipped`, `lapsed`, … (waitlist
/// Appointment.cancelationReason).
pub const WAITLIST_END_SYSTEM: &str = "urn:huimin:cs:waitlist-end";

/// The hospital's drug dictionary 药品字典: one code per drug, form and strength (`EM0012`
/// 阿莫西林胶囊 0.25 g), in Medication.code and as Medication.identifier's system.
pub const DRUG_CODE_SYSTEM: &str = "urn:huimin:cs:drug";
/// Dosage forms 剂型 (Medication.form): `tablet` 片, `capsule` 胶囊, `sr-tablet` 缓释片,
/// `granules` 颗粒, `injection` 注射液, `ointment` 软膏, …
pub const DOSAGE_FORM_SYSTEM: &str = "urn:huimin:cs:dosage-form";
/// Routes 给药途径 (Dosage.route): `oral` 口服, `iv` 静注, `ivgtt` 静滴, `im` 肌注, `sc` 皮下,
/// `topical` 外用, `inhalation` 吸入, …
pub const ROUTE_SYSTEM: &str = "urn:huimin:cs:route";
/// Dose frequencies 用药频次 (Dosage.timing.code): `QD` 每日一次, `BID` 每日两次, `TID` 每日三次,
/// `QID` 每日四次, `QN` 每晚一次, `Q8H` 每8小时一次, `Q12H` 每12小时一次, `QW` 每周一次,
/// `PRN` 必要时, `ST` 立即.
pub const DOSE_FREQUENCY_SYSTEM: &str = "urn:huimin:cs:dose-frequency";

// Identifier systems (`identifier.system`) of Huimin's own documents.

/// A prescription's number 处方号, shared by its items (MedicationRequest.groupIdentifier).
pub const PRESCRIPTION_NUMBER_SYSTEM: &str = "urn:huimin:sid:prescription-number";
/// One item of a prescription (MedicationRequest.identifier).
pub const PRESCRIPTION_ITEM_SYSTEM: &str = "urn:huimin:sid:prescription-item";
/// A dispensing's number 发药单号 (MedicationDispense.identifier).
pub const DISPENSE_NUMBER_SYSTEM: &str = "urn:huimin:sid:dispense-number";

/// National outpatient department codes (诊疗科目名录), also an Organization identifier system.
pub const DEPARTMENT_CODE_SYSTEM: &str = "urn:huimin:cs:department-code";
/// 主任医师 / 副主任医师 / 主治医师 / 住院医师, in PractitionerRole.code.
pub const TITLE_SYSTEM: &str = "urn:huimin:cs:practitioner-title";
/// A doctor's specialties as the hospital lists them, in PractitionerRole.specialty.
pub const SPECIALTY_SYSTEM: &str = "urn:huimin:cs:specialty";
/// Morning, afternoon or evening clinic, in Schedule, Slot and Appointment `serviceType`.
pub const PERIOD_SYSTEM: &str = "urn:huimin:cs:clinic-period";
/// The booking rule that refused a request (`quota-week`, …), in an OperationOutcome
/// issue's `details.coding`.
pub const BOOKING_RULE_SYSTEM: &str = "urn:huimin:cs:booking-rule";

/// An institution's qualification for mutual recognition of results (on `Organization`):
/// sub-extensions `level` (`valueString`, the hospital level such as 三级甲等) and
/// `recognition-scope` (`valueCode`: national, province, city or alliance, the widest
/// recognition mark it is entitled to).
pub const INSTITUTION_QUALIFICATION_EXT: &str = "urn:huimin:ext:institution-qualification";
/// An institution's unified social credit code 统一社会信用代码 (`Organization.identifier`).
pub const CREDIT_CODE_SYSTEM: &str = "urn:huimin:sid:unified-social-credit-code";
/// A medical institution's licence registration number 医疗机构执业许可证登记号.
pub const INSTITUTION_LICENCE_SYSTEM: &str = "urn:huimin:sid:medical-institution-licence";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_huimin_urns_of_their_kind() {
        let extensions = [
            INSTITUTION_QUALIFICATION_EXT,
            ORDER_STEP_EXT,
            ORDER_STALLED_EXT,
            SLOT_CAPACITY_EXT,
            SLOT_REMAINING_EXT,
            EXTRA_SLOT_EXT,
            RELEASE_AT_EXT,
            QUEUE_NUMBER_EXT,
            POOL_EXT,
            HOLD_EXPIRES_EXT,
            DEPARTMENT_EXT,
            WAITLIST_SCHEDULE_EXT,
            WAITLIST_POSITION_EXT,
            CANCEL_BY_EXT,
            FEE_PAYMENT_EXT,
            REGISTRATION_CLASS_EXT,
            REGISTRATION_FEE_EXT,
            PAID_EXT,
            REFUNDED_EXT,
            BALANCE_DUE_EXT,
            MOVED_FROM_EXT,
            MOVED_TO_EXT,
            LOT_NUMBER_EXT,
            LOT_EXPIRY_EXT,
        ];
        let systems = [
            PRICE_ITEM_SYSTEM,
            CANCEL_REASON_SYSTEM,
            WAITLIST_END_SYSTEM,
            DEPARTMENT_CODE_SYSTEM,
            TITLE_SYSTEM,
            SPECIALTY_SYSTEM,
            PERIOD_SYSTEM,
            BOOKING_RULE_SYSTEM,
            ORDERABLE_SYSTEM,
            DRUG_CODE_SYSTEM,
            DOSAGE_FORM_SYSTEM,
            ROUTE_SYSTEM,
            DOSE_FREQUENCY_SYSTEM,
        ];
        let identifiers = [
            CREDIT_CODE_SYSTEM,
            INSTITUTION_LICENCE_SYSTEM,
            PRESCRIPTION_NUMBER_SYSTEM,
            PRESCRIPTION_ITEM_SYSTEM,
            DISPENSE_NUMBER_SYSTEM,
        ];
        assert!(extensions.iter().all(|e| e.starts_with("urn:huimin:ext:")));
        assert!(systems.iter().all(|s| s.starts_with("urn:huimin:cs:")));
        assert!(identifiers.iter().all(|s| s.starts_with("urn:huimin:sid:")));
        let mut all: Vec<&str> = extensions
            .iter()
            .chain(&systems)
            .chain(&identifiers)
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(
            all.len(),
            extensions.len() + systems.len() + identifiers.len(),
            "a name twice"
        );
    }
}
