//! The demo patients' past visits (`huimin_demo::DemoVisit`), written at a first start through
//! the same store steps and rules a visit takes, at the times they would have happened: a
//! morning session on that day, a place taken at the window before it opens, check-in (which
//! opens the visit), the allergies, the draft, the tests ordered and paid at the window, the
//! doctor's Ed25519 signature, the end of the visit, then the tests' reports (`results`). The
//! booking sends no message (the place is held and confirmed, as a paid window booking is); the
//! payment and the final reports write their messages as they would have then.

use huimin_clock::Clock;
use huimin_demo::{DemoHospital, DemoVisit};
use huimin_domain::appointments::{AppointmentStatus, Channel, PaymentMethod, Period};
use huimin_domain::records::{Allergy, Icd10Code, Note, NoteInput, Section};
use huimin_store::appointments::{BookingMode, PlaceRequest};
use huimin_store::records::{AllergyRecord, NewNote, NoteRecord};
use huimin_store::{Store, instant_text};
use jiff::{Span, Timestamp};

use super::DemoError;
use crate::appointments::planning::{SessionPlan, plan_session};
use crate::records::views::{self, NoteFacts, VersionKind};
use crate::records::visits::{Seal, content_of, seal_at};
use crate::state::rule_book::RuleSet;

/// Writes every past visit of `demo.history`; `patient_ids` are the demo patients' ids in
/// `demo.patients`' order. How many visits were written.
pub async fn load_history(
    store: &Store,
    rules: &RuleSet,
    clock: &Clock,
    demo: &DemoHospital,
    patient_ids: &[String],
) -> Result<usize, DemoError> {
    let mut written = 0;
    let received = clock
        .now()
        .checked_sub(Span::new().hours(24 * 120))
        .expect("120 days ago");
    super::prescriptions::load_stock(store, clock.today(), received).await?;
    for visit in &demo.history {
        let at = demo
            .patients
            .iter()
            .position(|p| p.name_zh == visit.patient)
            .ok_or_else(|| DemoError::Invalid(visit.doctor_key.into(), "unknown patient".into()))?;
        let patient_id = patient_ids
            .get(at)
            .ok_or_else(|| DemoError::Invalid(visit.doctor_key.into(), "no patient id".into()))?;
        // Who the visit's steps name: the doctor's demo account where there is one.
        let doctor_user = demo
            .staff_accounts
            .iter()
            .find(|a| a.practitioner_key == Some(visit.doctor_key))
            .map_or(visit.doctor_key, |a| a.username);
        past_visit(store, rules, clock, visit, patient_id, doctor_user).await?;
        written += 1;
    }
    super::results::load_external(store, clock, demo).await?;
    Ok(written)
}

fn invalid(visit: &DemoVisit, what: impl std::fmt::Display) -> DemoError {
    DemoError::Invalid(
        format!("visit of {} days ago", visit.days_ago),
        what.to_string(),
    )
}

async fn past_visit(
    store: &Store,
    rules: &RuleSet,
    clock: &Clock,
    visit: &DemoVisit,
    patient_id: &str,
    doctor_user: &str,
) -> Result<(), DemoError> {
    let date = clock
        .today()
        .checked_sub(Span::new().days(i64::from(visit.days_ago)))
        .map_err(|e| invalid(visit, e))?;
    let plan = SessionPlan {
        practitioner_role: format!("role-{}", visit.doctor_key),
        date,
        period: Period::Morning,
        start: None,
        end: None,
        capacity: 12,
        length: None,
    };
    let session = plan_session(store, rules, &plan)
        .await
        .map_err(|e| invalid(visit, format!("{e:?}")))?;
    store.create_session(&session).await?;
    let opens = Timestamp::from_microsecond(session.starts_at).map_err(|e| invalid(visit, e))?;
    // Times of the morning: the place is taken half an hour before the session, the patient
    // checks in ten minutes before, is seen from the start, the note is signed within the
    // quarter hour.
    let minutes = |m: i64| {
        opens
            .checked_add(Span::new().minutes(m))
            .expect("a morning's minutes")
    };
    let slot = session
        .slots
        .first()
        .ok_or_else(|| invalid(visit, "a session without slots"))?;
    let settings = rules.hospital();
    let booked_at = minutes(-30);
    let request = PlaceRequest {
        slot_id: &slot.id,
        patient_id,
        account_id: None,
        channel: Channel::Window,
        elderly: &settings.rules.elderly,
        has_referral: false,
        mode: BookingMode::Hold {
            expires_at: settings.rules.hold.expires_at(booked_at).as_microsecond(),
        },
        on_site: true,
        now: booked_at,
        tz: &settings.time_zone,
        quota: &settings.rules.quota,
        bans: &settings.rules.bans,
        idempotency: None,
        audit: None,
        departments: rules.directory(),
    };
    let place = store
        .take_place(&request)
        .await
        .map_err(|e| invalid(visit, format!("{e:?}")))?;
    let appointment = place.appointment().id.clone();
    let fail = |e: huimin_store::appointments::BookingError| invalid(visit, format!("{e:?}"));
    store
        .confirm_hold(&appointment, booked_at)
        .await
        .map_err(fail)?;
    store
        .transition_appointment(&appointment, AppointmentStatus::CheckedIn, minutes(-10), 0)
        .await
        .map_err(fail)?;
    let encounter = store
        .encounter_of_appointment(&appointment)
        .await?
        .ok_or_else(|| invalid(visit, "check-in opened no visit"))?;
    let role = encounter
        .practitioner_role_id
        .clone()
        .ok_or_else(|| invalid(visit, "a session without a doctor"))?;
    let seen = minutes(5).as_microsecond();
    for (substance, reaction, severity) in &visit.allergies {
        let allergy = Allergy::parse("allergy", substance, reaction, severity)
            .map_err(|p| invalid(visit, p.text.en))?;
        let id = uuid::Uuid::now_v7().to_string();
        let resource = views::allergy(
            &id,
            patient_id,
            Some(&encounter.id),
            &role,
            &instant_text(seen),
            &allergy,
        );
        store
            .add_allergy(&AllergyRecord {
                id,
                patient_id: patient_id.to_owned(),
                encounter_id: Some(encounter.id.clone()),
                content: serde_json::to_value(&resource).map_err(|e| invalid(visit, e))?,
                recorded_by: role.clone(),
                recorded_at: seen,
            })
            .await?;
    }
    let note = note_of(store, visit).await?;
    let head = NoteRecord {
        id: uuid::Uuid::now_v7().to_string(),
        encounter_id: encounter.id.clone(),
        patient_id: patient_id.to_owned(),
        author_role_id: role.clone(),
        author_practitioner_id: visit.doctor_key.to_owned(),
        department_id: encounter.department_id.clone(),
        status: "draft".into(),
        version: 1,
        created_at: seen,
        updated_at: seen,
    };
    let allergy_ids: Vec<String> = store
        .allergies_of(patient_id)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let drafted = minutes(10).as_microsecond();
    let facts = NoteFacts {
        head: &head,
        version: 1,
        kind: VersionKind::Draft,
        date: instant_text(drafted),
        allergies: &allergy_ids,
    };
    let content = content_of(&note, &facts, None);
    let draft = store
        .save_note_draft(
            NewNote {
                id: &head.id,
                encounter_id: &head.encounter_id,
                patient_id: &head.patient_id,
                author_role_id: &head.author_role_id,
                author_practitioner_id: &head.author_practitioner_id,
                department_id: &head.department_id,
                content: &content,
            },
            drafted,
        )
        .await
        .map_err(|e| invalid(visit, e))?;
    let patient = store
        .read_resource("Patient", patient_id)
        .await?
        .map(|r| r.content)
        .unwrap_or_default();
    let allergies = store
        .allergies_of(patient_id)
        .await?
        .iter()
        .filter_map(|a| a.content["code"]["text"].as_str().map(str::to_owned))
        .collect();
    let facts = super::prescriptions::VisitFacts {
        encounter_id: &encounter.id,
        patient_id,
        role_id: &role,
        doctor_user,
        allergies,
        age_months: crate::prescriptions::input::age_months(&patient, date),
    };
    let prescribed = super::prescriptions::write(store, visit, &facts, minutes(6)).await?;
    let placed = super::results::place(
        store,
        visit,
        &encounter.id,
        &appointment,
        &role,
        doctor_user,
        minutes(8),
    )
    .await?;
    if prescribed.is_some() && visit.orders.is_empty() {
        store
            .pay_visit(
                &appointment,
                PaymentMethod::Cash,
                "registrar",
                None,
                minutes(9),
            )
            .await
            .map_err(|e| invalid(visit, format!("{e:?}")))?;
    }
    let signed = minutes(12).as_microsecond();
    seal_at(
        store,
        &draft,
        visit.doctor_key,
        patient_id,
        &note,
        Seal::First,
        signed,
    )
    .await
    .map_err(|e| invalid(visit, format!("{e:?}")))?;
    store
        .finish_encounter(&encounter.id, minutes(13).as_microsecond())
        .await?;
    if let Some(id) = &prescribed {
        super::prescriptions::dispense(store, visit, id, minutes(20)).await?;
    }
    super::results::report(store, clock, visit, &placed, doctor_user, minutes(25)).await?;
    Ok(())
}

/// The visit's note, checked as a signed note is, its diagnoses named from the ICD-10 table.
async fn note_of(store: &Store, visit: &DemoVisit) -> Result<Note, DemoError> {
    let mut diagnoses = Vec::new();
    for (code, confirmed) in &visit.diagnoses {
        let code = Icd10Code::parse(code).map_err(|e| invalid(visit, e))?;
        let entry = store.icd10_lookup(&code).await?.ok_or_else(|| {
            invalid(
                visit,
                format!("{} is not in the ICD-10 table", code.as_str()),
            )
        })?;
        let certainty = if *confirmed {
            "confirmed"
        } else {
            "provisional"
        };
        diagnoses.push((
            code.as_str().to_owned(),
            entry.name_zh,
            certainty.to_owned(),
        ));
    }
    let sections = vec![
        (Section::ChiefComplaint, visit.chief_complaint.to_owned()),
        (Section::PresentIllness, visit.present_illness.to_owned()),
        (Section::PastHistory, visit.past_history.to_owned()),
        (Section::PhysicalExam, visit.physical_exam.to_owned()),
        (Section::Auxiliary, visit.auxiliary.to_owned()),
        (Section::Plan, visit.plan.to_owned()),
    ];
    Note::for_signing(&NoteInput {
        sections,
        diagnoses,
    })
    .map_err(|p| invalid(visit, p.text.en))
}
