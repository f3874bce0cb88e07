//! The demo tertiary hospital (三级甲等) used by `huimin serve --demo` to fill
//! an empty database: one organization, two campuses, departments, rooms,
//! doctors, staff accounts and patients.
//!
//! Everything here is pure and deterministic: no I/O, no randomness. Calling
//! [`demo_hospital`] twice yields identical data. Names, addresses, phone
//! numbers, licence numbers and resident IDs are fictional; resident IDs are
//! nevertheless structurally valid (GB 11643) so the domain parser accepts them.

mod campus;
mod departments;
mod doctors;
mod history;
mod people;
mod profiles;
mod rooms;
mod specialties;

use huimin_domain::directory::{PractitionerTitle, RegistrationClass};
use huimin_domain::identity::Sex;
use huimin_domain::roles::Role;

pub use history::{DemoExternalResult, DemoPrescription, DemoRxLine, DemoVisit};

/// The password of every demo account (staff usernames and patient phones).
pub const DEMO_PASSWORD: &str = "Huimin@2026!";

/// Builds the whole demo hospital.
pub fn demo_hospital() -> DemoHospital {
    let departments = departments::departments();
    let doctor_rows = doctors::rows();
    let rooms = rooms::rooms(&departments, |key| {
        doctor_rows
            .iter()
            .filter(|r| r.department_key == key)
            .count()
    });
    let doctors = doctors::doctors(doctor_rows, &departments);
    let staff_accounts = people::staff_accounts(&doctors);
    DemoHospital {
        organization: campus::organization(),
        campuses: campus::campuses(),
        departments,
        rooms,
        doctors,
        staff_accounts,
        patients: people::patients(),
        profiles: profiles::profiles(),
        department_heads: vec![people::DOCTOR_KEY],
        history: history::visits(),
        external_results: history::external_results(),
    }
}

#[derive(Clone, Debug)]
pub struct DemoHospital {
    pub organization: DemoOrganization,
    pub campuses: Vec<DemoCampus>,
    pub departments: Vec<DemoDepartment>,
    pub rooms: Vec<DemoRoom>,
    pub doctors: Vec<DemoDoctor>,
    pub staff_accounts: Vec<DemoAccount>,
    pub patients: Vec<DemoPatient>,
    /// Departments' kinds and whom they see, by department key (the others are open
    /// clinics).
    pub profiles: Vec<(&'static str, huimin_domain::directory::DepartmentProfile)>,
    /// Doctors who head their department (科主任): they see its break-the-glass reads.
    pub department_heads: Vec<&'static str>,
    /// The demo patients' past visits (see [`DemoVisit`]).
    pub history: Vec<DemoVisit>,
    /// Results from other hospitals the demo patients brought (结果互认).
    pub external_results: Vec<DemoExternalResult>,
}

#[derive(Clone, Debug)]
pub struct DemoOrganization {
    /// Stable key, `"hm-first"`.
    pub key: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub alias_zh: &'static str,
    /// 医院等级, e.g. 三级甲等.
    pub level_zh: &'static str,
    pub phone: &'static str,
    pub address_line_zh: &'static str,
    pub city_zh: &'static str,
    pub district_zh: &'static str,
    pub province_zh: &'static str,
    pub postal_code: &'static str,
    /// 医疗机构执业许可证登记号.
    pub license_no: &'static str,
}

#[derive(Clone, Debug)]
pub struct DemoCampus {
    pub key: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub address_line_zh: &'static str,
    /// The campus's switchboard.
    pub phone: &'static str,
    /// Outpatient opening hours.
    pub hours: &'static [DemoHours],
    pub buildings: Vec<DemoBuilding>,
}

/// Opening hours on some days of the week (FHIR `daysOfWeek` codes, `HH:MM`).
#[derive(Clone, Debug)]
pub struct DemoHours {
    pub days: &'static [&'static str],
    pub opens: &'static str,
    pub closes: &'static str,
}

#[derive(Clone, Debug)]
pub struct DemoBuilding {
    /// Unique across campuses, e.g. `"main-opd"`.
    pub key: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub floors: i32,
}

#[derive(Clone, Debug)]
pub struct DemoDepartment {
    /// Stable slug, e.g. `"cardiology"`.
    pub key: &'static str,
    /// National 诊疗科目 code, e.g. `"03.04"`.
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// 内科 / 外科 / 妇儿 / 五官 / 医技 / 中医 / 急诊.
    pub category_zh: &'static str,
    pub category_en: &'static str,
    pub campus_key: &'static str,
    pub building_key: &'static str,
    pub floor: i32,
    pub phone: &'static str,
    pub description_zh: &'static str,
    pub description_en: &'static str,
}

impl DemoDepartment {
    /// Clinical departments see outpatients and have doctors and consulting
    /// rooms; 医技 departments (laboratory, imaging) do not.
    pub fn is_clinical(&self) -> bool {
        self.category_zh != departments::MEDTECH.zh
    }
}

#[derive(Clone, Debug)]
pub struct DemoRoom {
    /// Unique, e.g. `"cardiology-r1"`.
    pub key: String,
    /// The owning department; `None` for shared spaces (waiting areas,
    /// triage desks, registration windows, pharmacies).
    pub department_key: Option<&'static str>,
    pub campus_key: &'static str,
    pub building_key: &'static str,
    pub floor: i32,
    pub name_zh: String,
    pub name_en: String,
    pub kind: RoomKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoomKind {
    ConsultingRoom,
    WaitingArea,
    TriageDesk,
    Pharmacy,
    Laboratory,
    Imaging,
    RegistrationWindow,
}

#[derive(Clone, Debug)]
pub struct DemoDoctor {
    /// Stable key, `"dr-001"` …
    pub key: &'static str,
    pub name_zh: &'static str,
    /// Given as "Surname Given", e.g. "Zhang Wei".
    pub name_pinyin: &'static str,
    pub sex: Sex,
    pub title: PractitionerTitle,
    pub department_key: &'static str,
    pub specialties_zh: Vec<&'static str>,
    pub specialties_en: Vec<&'static str>,
    pub registration_class: RegistrationClass,
    /// Registration fee (挂号费 incl. 诊察费) in fen.
    pub fee_fen: i64,
    /// 医师执业证书编码, 15 digits (fictional).
    pub license_no: String,
    /// The consulting room (`DemoRoom::key`) the doctor usually sits in.
    pub room_key: String,
    pub bio_zh: String,
    pub bio_en: String,
}

#[derive(Clone, Debug)]
pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub display_name_zh: &'static str,
    /// The doctor (`DemoDoctor::key`) behind a Doctor account.
    pub practitioner_key: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub struct DemoPatient {
    pub name_zh: &'static str,
    pub name_pinyin: &'static str,
    /// 18-character resident ID, valid under GB 11643.
    pub resident_id: String,
    pub sex: Sex,
    /// ISO date, e.g. `"1957-03-12"`.
    pub birth_date: &'static str,
    /// 11-digit mobile number.
    pub phone: &'static str,
    pub address_zh: &'static str,
    /// `true`: can log in with `phone` + [`DEMO_PASSWORD`].
    pub account: bool,
}
