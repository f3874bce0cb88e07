//! `--demo`: fills an empty database with the demo hospital from `huimin-demo`, through the
//! same parse, rule and index path as the FHIR API, so demo data is never shaped differently
//! from data entered by users.

use huimin_demo::{DEMO_PASSWORD, DemoHospital, RoomKind, demo_hospital};
use huimin_domain::identity::DocumentKind;
use huimin_domain::person::PersonName;
use huimin_fhir::names::{
    DEPARTMENT_CODE_SYSTEM, REGISTRATION_CLASS_EXT, REGISTRATION_FEE_EXT, SPECIALTY_SYSTEM,
    TITLE_SYSTEM,
};
use huimin_store::{NewUser, ResourceWrite, Store, StoreError};
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::fhir::kinds::{KindSpec, PATIENT, by_name};
use crate::records::access::DEPARTMENT_HEAD_EXT;

mod history;
mod prescriptions;
mod results;
use crate::state::passwords::Passwords;
pub use history::load_history;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo {0} is invalid: {1}")]
    Invalid(String, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What was loaded, for the log line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub departments: usize,
    pub doctors: usize,
    pub rooms: usize,
    pub patients: usize,
    pub accounts: usize,
}

/// Loads the demo hospital unless the database already has an organisation: what was loaded
/// and the demo patients' ids (in `DemoHospital::patients`' order, for [`load_history`]).
pub async fn load_if_empty(
    store: &Store,
    passwords: &Passwords,
    today: Date,
) -> Result<Option<(DemoSummary, Vec<String>)>, DemoError> {
    if store.count_resources("Organization").await? > 0 {
        return Ok(None);
    }
    load(store, passwords, &demo_hospital(), today)
        .await
        .map(Some)
}

async fn put(
    store: &Store,
    kind_name: &str,
    id: &str,
    mut resource: Value,
    today: Date,
) -> Result<Value, DemoError> {
    let kind: &KindSpec = by_name(kind_name).expect("served kind");
    resource["resourceType"] = json!(kind_name);
    resource["id"] = json!(id);
    let bytes = serde_json::to_vec(&resource).expect("serialisable");
    let mut parsed = (kind.parse)(&bytes).map_err(|e| {
        DemoError::Invalid(
            format!("{kind_name}/{id}"),
            format!("{}: {}", e.path, e.message),
        )
    })?;
    (kind.check)(&mut parsed, None, today)
        .map_err(|issues| DemoError::Invalid(format!("{kind_name}/{id}"), format!("{issues:?}")))?;
    let (index, unique) = kind.index(&parsed);
    let write = ResourceWrite {
        resource_type: kind_name,
        id,
        content: &parsed,
        index: &index,
        unique: &unique,
        sealed: kind.sealed,
    };
    store.create_resource(write).await?;
    Ok(parsed)
}

fn reference(kind: &str, id: &str, display: &str) -> Value {
    let mut reference = json!({"reference": format!("{kind}/{id}")});
    if !display.is_empty() {
        reference["display"] = json!(display);
    }
    reference
}

/// A Chinese text's English translation, as its primitive's extension (`_name`, `_text`).
fn english(text: &str) -> Value {
    serde_json::to_value(huimin_fhir::PrimitiveExtension::translation("en", text))
        .expect("serialisable")
}

fn physical_type(code: &str, display: &str) -> Value {
    json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/location-physical-type", "code": code, "display": display}]})
}

/// Loads the demo hospital: its buildings, departments, rooms, doctors and their rosters,
/// staff accounts and patients. `today` (the hospital's) is the day the rules check against.
pub async fn load(
    store: &Store,
    passwords: &Passwords,
    demo: &DemoHospital,
    today: Date,
) -> Result<(DemoSummary, Vec<String>), DemoError> {
    let loader = Loader { store, demo, today };
    loader.hospital().await?;
    loader.sites().await?;
    loader.departments().await?;
    loader.department_profiles().await?;
    loader.rooms().await?;
    loader.doctors().await?;
    loader.rosters().await?;
    let hash = passwords.hash(DEMO_PASSWORD);
    let (patient_accounts, patient_ids) = loader.patients(&hash).await?;
    insure(store, &patient_ids, today).await?;
    let accounts = loader.staff_accounts(&hash).await? + patient_accounts;
    let summary = DemoSummary {
        departments: demo.departments.len(),
        doctors: demo.doctors.len(),
        rooms: demo.rooms.len(),
        patients: demo.patients.len(),
        accounts,
    };
    Ok((summary, patient_ids))
}

/// Demo patients are insured, as most patients are: employees (with a personal account) and
/// residents in turn, the first an employee with ¥1,200 in the account.
async fn insure(store: &Store, patients: &[String], today: Date) -> Result<(), DemoError> {
    use huimin_domain::billing::insurance::{InsuredState, Scheme};
    for (n, patient) in patients.iter().enumerate() {
        let scheme = if n % 2 == 0 {
            Scheme::Employee
        } else {
            Scheme::Resident
        };
        let cover = huimin_store::billing::CoverRecord {
            patient_id: patient.clone(),
            insured_no: format!("DEMO{:010}", 3_301_000_000u64 + n as u64),
            state: InsuredState {
                scheme,
                retired: false,
                year: i32::from(today.year()),
                account_balance: if scheme == Scheme::Employee {
                    120_000
                } else {
                    0
                },
                deductible_used: 0,
                pool_paid: 0,
            },
        };
        store
            .set_insurance_cover(&cover, huimin_clock::now().as_microsecond())
            .await?;
    }
    Ok(())
}

/// A campus (site): where it is, its phone and outpatient hours.
fn campus_location(org: &huimin_demo::DemoOrganization, campus: &huimin_demo::DemoCampus) -> Value {
    let hours: Vec<Value> = campus
        .hours
        .iter()
        .map(|h| json!({"daysOfWeek": h.days, "openingTime": format!("{}:00", h.opens), "closingTime": format!("{}:00", h.closes)}))
        .collect();
    json!({
        "status": "active", "name": campus.name_zh, "alias": [campus.name_en], "mode": "instance",
        "physicalType": physical_type("si", "Site"),
        "telecom": [{"system": "phone", "value": campus.phone, "use": "work"}],
        "address": {"text": format!("{}{}", org.city_zh, campus.address_line_zh), "line": [campus.address_line_zh],
            "city": org.city_zh, "state": org.province_zh, "country": "CN"},
        "hoursOfOperation": hours,
        "managingOrganization": reference("Organization", org.key, org.name_zh),
    })
}

/// The id of a floor's Location.
fn floor_id(campus: &str, building: &str, floor: i32) -> String {
    format!("{campus}-{building}-{floor}f")
}

/// The demo hospital being written to a store, one kind of record at a time.
struct Loader<'a> {
    store: &'a Store,
    demo: &'a DemoHospital,
    today: Date,
}

impl Loader<'_> {
    /// A resource through the API's parse, rule and index path.
    async fn put(&self, kind_name: &str, id: &str, resource: Value) -> Result<Value, DemoError> {
        put(self.store, kind_name, id, resource, self.today).await
    }

    /// The hospital itself.
    async fn hospital(&self) -> Result<(), DemoError> {
        let org = &self.demo.organization;
        let hospital_id = org.key;
        self.put("Organization", hospital_id, json!({
            "active": true,
            "identifier": [{"system": "urn:huimin:sid:medical-institution-licence", "value": org.license_no}],
            "type": [
                {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov", "display": "Healthcare Provider"}]},
                {"coding": [{"system": "urn:huimin:cs:hospital-level", "code": "3A", "display": org.level_zh}], "text": org.level_zh},
            ],
            "name": org.name_zh,
            "alias": [org.alias_zh, org.name_en],
            "telecom": [{"system": "phone", "value": org.phone, "use": "work"}],
            "address": [{"use": "work", "text": format!("{}{}{}{}", org.province_zh, org.city_zh, org.district_zh, org.address_line_zh),
                "line": [org.address_line_zh], "city": org.city_zh, "district": org.district_zh, "state": org.province_zh,
                "postalCode": org.postal_code, "country": "CN"}],
        })).await?;
        Ok(())
    }

    /// Campuses, their buildings, and the floors that have rooms.
    async fn sites(&self) -> Result<(), DemoError> {
        let org = &self.demo.organization;
        let hospital_id = org.key;
        for campus in &self.demo.campuses {
            self.put("Location", campus.key, campus_location(org, campus))
                .await?;
            for building in &campus.buildings {
                let building_id = format!("{}-{}", campus.key, building.key);
                self.put("Location", &building_id, json!({
                    "status": "active", "name": building.name_zh, "alias": [building.name_en], "mode": "instance",
                    "physicalType": physical_type("bu", "Building"),
                    "managingOrganization": reference("Organization", hospital_id, org.name_zh),
                    "partOf": reference("Location", campus.key, campus.name_zh),
                })).await?;
            }
        }
        let mut floors_done = std::collections::HashSet::new();
        for room in &self.demo.rooms {
            let floor = floor_id(room.campus_key, room.building_key, room.floor);
            if floors_done.insert(floor.clone()) {
                // Named within its building: the pages show campus, building and floor.
                self.put("Location", &floor, json!({
                    "status": "active", "name": format!("{} 层", room.floor), "alias": [format!("{}F", room.floor)], "mode": "instance",
                    "physicalType": physical_type("lvl", "Level"),
                    "managingOrganization": reference("Organization", hospital_id, org.name_zh),
                    "partOf": reference("Location", &format!("{}-{}", room.campus_key, room.building_key), ""),
                })).await?;
            }
        }
        Ok(())
    }

    /// Departments, each with the outpatient service patients book.
    async fn departments(&self) -> Result<(), DemoError> {
        let org = &self.demo.organization;
        let hospital_id = org.key;
        for dept in &self.demo.departments {
            let dept_id = format!("dept-{}", dept.key);
            let code = json!({"coding": [{"system": DEPARTMENT_CODE_SYSTEM, "code": dept.code, "display": dept.name_zh}], "text": dept.name_zh});
            self.put("Organization", &dept_id, json!({
                "active": true,
                "identifier": [{"system": DEPARTMENT_CODE_SYSTEM, "value": dept.code}],
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "dept", "display": "Hospital Department"}]}],
                "name": dept.name_zh, "_name": english(dept.name_en),
                "telecom": [{"system": "phone", "value": dept.phone, "use": "work"}],
                "partOf": reference("Organization", hospital_id, org.name_zh),
            })).await?;
            self.put("HealthcareService", &format!("svc-{}", dept.key), json!({
                "active": true,
                "providedBy": reference("Organization", &dept_id, dept.name_zh),
                "category": [{"coding": [{"system": "urn:huimin:cs:department-category", "code": dept.category_en.to_lowercase().replace(' ', "-"), "display": dept.category_zh}], "text": dept.category_zh}],
                "type": [code],
                "location": [reference("Location", &floor_id(dept.campus_key, dept.building_key, dept.floor), "")],
                "name": format!("{}门诊", dept.name_zh),
                "comment": dept.description_zh,
                "extraDetails": dept.description_en,
                "telecom": [{"system": "phone", "value": dept.phone, "use": "work"}],
                "appointmentRequired": true,
            })).await?;
        }
        Ok(())
    }

    /// Departments' kinds and whom they see, as the administrators' settings.
    async fn department_profiles(&self) -> Result<(), DemoError> {
        for (key, profile) in &self.demo.profiles {
            let text = serde_json::to_string(profile).expect("profile serialises");
            let setting = format!(
                "{}dept-{key}",
                crate::state::department_book::PROFILE_PREFIX
            );
            self.store.put_setting(&setting, &text).await?;
        }
        Ok(())
    }

    /// Consulting rooms, waiting areas, desks and the other rooms.
    async fn rooms(&self) -> Result<(), DemoError> {
        let org = &self.demo.organization;
        let hospital_id = org.key;
        for room in &self.demo.rooms {
            let (code, display) = match room.kind {
                RoomKind::ConsultingRoom => ("CONSULT", "诊室"),
                RoomKind::WaitingArea => ("WAIT", "候诊区"),
                RoomKind::TriageDesk => ("TRIAGE", "分诊台"),
                RoomKind::Pharmacy => ("PHARM", "药房"),
                RoomKind::Laboratory => ("LAB", "检验科"),
                RoomKind::Imaging => ("RADDX", "影像检查室"),
                RoomKind::RegistrationWindow => ("REG", "挂号收费窗口"),
            };
            let mut location = json!({
                "status": "active", "name": room.name_zh, "alias": [room.name_en], "mode": "instance",
                "type": [{"coding": [{"system": "urn:huimin:cs:room-kind", "code": code, "display": display}]}],
                "physicalType": physical_type("ro", "Room"),
                "managingOrganization": reference("Organization", hospital_id, org.name_zh),
                "partOf": reference("Location", &floor_id(room.campus_key, room.building_key, room.floor), ""),
            });
            if let Some(dept) = room.department_key {
                location["managingOrganization"] =
                    reference("Organization", &format!("dept-{dept}"), "");
            }
            self.put("Location", &room.key, location).await?;
        }
        Ok(())
    }

    /// Doctors and their posts (title, registration class and fee).
    async fn doctors(&self) -> Result<(), DemoError> {
        for doctor in &self.demo.doctors {
            let name = PersonName::parse(doctor.name_zh)
                .map_err(|e| DemoError::Invalid(doctor.key.into(), e.message().en))?;
            let (latin_given, latin_family) = doctor
                .name_pinyin
                .rsplit_once(' ')
                .map(|(f, g)| (g, f))
                .unwrap_or((doctor.name_pinyin, ""));
            let dept = self
                .demo
                .departments
                .iter()
                .find(|d| d.key == doctor.department_key)
                .expect("demo keys are consistent");
            self.put("Practitioner", doctor.key, json!({
                "active": true,
                "identifier": [{"system": "urn:huimin:sid:physician-licence", "value": doctor.license_no}],
                "name": [
                    {"use": "official", "text": name.as_str(), "family": name.family(), "given": [name.given()]},
                    {"use": "usual", "text": doctor.name_pinyin, "family": latin_family, "given": [latin_given]},
                ],
                "gender": doctor.sex.fhir_gender(),
                "qualification": [{"code": {"text": doctor.title.zh()}, "identifier": [{"system": "urn:huimin:sid:physician-licence", "value": doctor.license_no}]}],
            })).await?;
            let fee = doctor.fee_fen as f64 / 100.0;
            let mut specialty = vec![
                json!({"coding": [{"system": DEPARTMENT_CODE_SYSTEM, "code": dept.code, "display": dept.name_zh}]}),
            ];
            specialty.extend(doctor.specialties_zh.iter().zip(&doctor.specialties_en).map(|(zh, en)| json!({"text": zh, "_text": english(en), "coding": [{"system": SPECIALTY_SYSTEM, "code": en.to_lowercase().replace(' ', "-"), "display": zh}]})));
            let mut extension = vec![
                json!({"url": REGISTRATION_CLASS_EXT, "valueCode": doctor.registration_class.code()}),
                json!({"url": REGISTRATION_FEE_EXT, "valueMoney": {"value": fee, "currency": "CNY"}}),
            ];
            if self.demo.department_heads.contains(&doctor.key) {
                extension.push(json!({"url": DEPARTMENT_HEAD_EXT, "valueBoolean": true}));
            }
            self.put("PractitionerRole", &format!("role-{}", doctor.key), json!({
                "active": true,
                "extension": extension,
                "practitioner": reference("Practitioner", doctor.key, doctor.name_zh),
                "organization": reference("Organization", &format!("dept-{}", dept.key), dept.name_zh),
                "code": [{"coding": [{"system": TITLE_SYSTEM, "code": doctor.title.code(), "display": doctor.title.zh()}], "text": doctor.title.zh()}],
                "specialty": specialty,
                "location": [reference("Location", &doctor.room_key, "")],
                "healthcareService": [reference("HealthcareService", &format!("svc-{}", dept.key), "")],
            })).await?;
        }
        Ok(())
    }

    /// Each doctor's weekly rosters.
    async fn rosters(&self) -> Result<(), DemoError> {
        for (i, doctor) in self.demo.doctors.iter().enumerate() {
            // Two half-days a week, spread over the weekdays; fewer places for senior titles.
            let capacity = match doctor.registration_class {
                huimin_domain::directory::RegistrationClass::Ordinary => 30,
                huimin_domain::directory::RegistrationClass::Expert => 20,
                huimin_domain::directory::RegistrationClass::SpecialNeeds => 10,
            };
            for (weekday, period, start, end) in [
                (i % 5 + 1, "morning", "08:00", "12:00"),
                ((i + 2) % 5 + 1, "afternoon", "13:30", "17:30"),
            ] {
                self.store
                    .create_roster(&huimin_store::appointments::RosterRecord {
                        id: format!("roster-{}-{period}", doctor.key),
                        practitioner_role_id: format!("role-{}", doctor.key),
                        weekday: weekday as i64,
                        period: period.into(),
                        start_time: start.into(),
                        end_time: end.into(),
                        capacity,
                        slot_minutes: 30,
                        active: true,
                    })
                    .await?;
            }
        }
        Ok(())
    }

    /// Staff accounts not there yet; how many were made.
    async fn staff_accounts(&self, hash: &str) -> Result<usize, DemoError> {
        let mut accounts = 0;
        for account in &self.demo.staff_accounts {
            if self
                .store
                .user_by_username(account.username)
                .await?
                .is_some()
            {
                continue;
            }
            self.store
                .create_user(NewUser {
                    username: account.username.to_owned(),
                    password_hash: hash.to_owned(),
                    role: account.role.as_str().to_owned(),
                    display_name: account.display_name_zh.to_owned(),
                    practitioner_id: account.practitioner_key.map(str::to_owned),
                })
                .await?;
            accounts += 1;
        }
        Ok(accounts)
    }

    /// Patients, some with an account: how many accounts were made, and the patients' ids.
    async fn patients(&self, hash: &str) -> Result<(usize, Vec<String>), DemoError> {
        let mut accounts = 0;
        let mut ids = Vec::new();
        let org = &self.demo.organization;
        let hospital_id = org.key;
        for patient in &self.demo.patients {
            let name = PersonName::parse(patient.name_zh)
                .map_err(|e| DemoError::Invalid(patient.name_pinyin.into(), e.message().en))?;
            let mut resource = json!({
                "resourceType": "Patient", "active": true,
                "identifier": [{"use": "official", "system": DocumentKind::ResidentId.fhir_system(), "value": patient.resident_id}],
                "name": [{"use": "official", "text": name.as_str(), "family": name.family(), "given": [name.given()]}],
                "telecom": [{"system": "phone", "value": patient.phone, "use": "mobile"}],
                "gender": patient.sex.fhir_gender(),
                "birthDate": patient.birth_date,
                "address": [{"use": "home", "text": patient.address_zh, "line": [patient.address_zh], "country": "CN"}],
                "managingOrganization": reference("Organization", hospital_id, org.name_zh),
            });
            (PATIENT.check)(&mut resource, None, self.today).map_err(|issues| {
                DemoError::Invalid(patient.name_pinyin.into(), format!("{issues:?}"))
            })?;
            let id = uuid::Uuid::new_v4().to_string();
            ids.push(id.clone());
            resource["id"] = json!(id);
            let (index, unique) = PATIENT.index(&resource);
            let write = ResourceWrite {
                resource_type: "Patient",
                id: &id,
                content: &resource,
                index: &index,
                unique: &unique,
                sealed: true,
            };
            if patient.account {
                let user = NewUser {
                    username: crate::auth::account_key(self.store, patient.phone),
                    password_hash: hash.to_owned(),
                    role: "patient".into(),
                    display_name: name.as_str().to_owned(),
                    practitioner_id: None,
                };
                self.store
                    .register_patient_account(user, write, None)
                    .await?;
                accounts += 1;
            } else {
                self.store.create_resource(write).await?;
            }
        }
        Ok((accounts, ids))
    }
}

/// The demo `doctor` account's post (心血管内科).
const DEMO_DOCTOR_ROLE: &str = "role-dr-016";

/// So that booking, check-in and the doctor's workbench can be tried at any hour, the demo
/// `doctor` gets a session today from the next half hour (for up to three hours), unless the
/// day is nearly over or they already work that period. Whether one was opened.
pub async fn open_session_today(
    store: &Store,
    rules: &crate::state::rule_book::RuleSet,
    clock: &huimin_clock::Clock,
) -> Result<bool, crate::appointments::planning::PlanError> {
    use crate::appointments::planning::{SessionPlan, plan_session};
    use huimin_domain::appointments::Period;
    let now = clock.wall_now();
    let minutes = i32::from(now.hour()) * 60 + i32::from(now.minute());
    let start = (minutes / 30 + 1) * 30;
    let end = (start + 180).min(23 * 60 + 30);
    if end - start < 60 {
        return Ok(false);
    }
    let at = |m: i32| {
        jiff::civil::time(
            i8::try_from(m / 60).unwrap_or(0),
            i8::try_from(m % 60).unwrap_or(0),
            0,
            0,
        )
    };
    let period = match start / 60 {
        0..12 => Period::Morning,
        12..18 => Period::Afternoon,
        _ => Period::Evening,
    };
    let plan = SessionPlan {
        practitioner_role: DEMO_DOCTOR_ROLE.into(),
        date: now.date(),
        period,
        start: Some(at(start)),
        end: Some(at(end)),
        capacity: 12,
        length: None,
    };
    let session = plan_session(store, rules, &plan).await?;
    match store.create_session(&session).await {
        Ok(()) => Ok(true),
        Err(StoreError::Duplicate { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
