use std::collections::{HashMap, HashSet};

use huimin_demo::{DEMO_PASSWORD, DemoHospital, RoomKind, demo_hospital};
use huimin_domain::directory::{DepartmentCode, PractitionerTitle, RegistrationClass};
use huimin_domain::identity::ResidentId;
use huimin_domain::roles::Role;
use jiff::civil::date;

fn hospital() -> DemoHospital {
    demo_hospital()
}

fn assert_unique<'a>(what: &str, items: impl IntoIterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for item in items {
        assert!(seen.insert(item), "duplicate {what}: {item}");
    }
}

#[test]
fn is_deterministic() {
    assert_eq!(
        format!("{:?}", demo_hospital()),
        format!("{:?}", demo_hospital())
    );
    assert_eq!(DEMO_PASSWORD, "Huimin@2026!");
}

#[test]
fn organization_and_campuses() {
    let h = hospital();
    assert_eq!(h.organization.key, "hm-first");
    assert_eq!(h.organization.name_zh, "惠民市第一人民医院");
    assert_eq!(h.organization.level_zh, "三级甲等");
    assert_eq!(h.campuses.len(), 2);
    assert_unique("campus key", h.campuses.iter().map(|c| c.key));
    assert_unique(
        "building key",
        h.campuses
            .iter()
            .flat_map(|c| c.buildings.iter().map(|b| b.key)),
    );
    for c in &h.campuses {
        let names: Vec<_> = c.buildings.iter().map(|b| b.name_zh).collect();
        assert_eq!(names, ["门诊楼", "医技楼", "住院部"], "{}", c.key);
    }
}

#[test]
fn departments_are_coded_and_placed() {
    let h = hospital();
    assert!(h.departments.len() >= 20);
    assert_unique("department key", h.departments.iter().map(|d| d.key));
    assert_unique("department code", h.departments.iter().map(|d| d.code));
    for d in &h.departments {
        DepartmentCode::parse(d.code).unwrap_or_else(|e| panic!("{}: {e}", d.key));
        let campus = h
            .campuses
            .iter()
            .find(|c| c.key == d.campus_key)
            .expect("campus");
        let building = campus
            .buildings
            .iter()
            .find(|b| b.key == d.building_key)
            .unwrap_or_else(|| panic!("{}: building not on its campus", d.key));
        assert!((1..=building.floors).contains(&d.floor), "{}", d.key);
        let cats = ["内科", "外科", "妇儿", "五官", "医技", "中医", "急诊"];
        assert!(cats.contains(&d.category_zh), "{}", d.key);
        assert!(!d.description_zh.is_empty() && !d.description_en.is_empty());
    }
}

#[test]
fn rooms_reference_known_places() {
    let h = hospital();
    assert_unique("room key", h.rooms.iter().map(|r| r.key.as_str()));
    for r in &h.rooms {
        if let Some(dk) = r.department_key {
            assert!(h.departments.iter().any(|d| d.key == dk), "{}", r.key);
        }
        let campus = h
            .campuses
            .iter()
            .find(|c| c.key == r.campus_key)
            .expect("campus");
        let building = campus.buildings.iter().find(|b| b.key == r.building_key);
        assert!(
            building.is_some_and(|b| (1..=b.floors).contains(&r.floor)),
            "{}",
            r.key
        );
    }
    for kind in [
        RoomKind::WaitingArea,
        RoomKind::TriageDesk,
        RoomKind::Pharmacy,
        RoomKind::Laboratory,
        RoomKind::Imaging,
        RoomKind::RegistrationWindow,
    ] {
        assert!(h.rooms.iter().any(|r| r.kind == kind), "{kind:?}");
    }
    // Every floor with consulting rooms has a waiting area and a triage desk.
    for r in h
        .rooms
        .iter()
        .filter(|r| r.kind == RoomKind::ConsultingRoom)
    {
        for kind in [RoomKind::WaitingArea, RoomKind::TriageDesk] {
            assert!(
                h.rooms.iter().any(|o| o.kind == kind
                    && o.building_key == r.building_key
                    && o.floor == r.floor),
                "{}: no {kind:?} on its floor",
                r.key
            );
        }
    }
}

#[test]
fn clinical_departments_are_staffed() {
    let h = hospital();
    assert!(h.doctors.len() >= 60);
    for d in h.departments.iter().filter(|d| d.is_clinical()) {
        let doctors = h
            .doctors
            .iter()
            .filter(|x| x.department_key == d.key)
            .count();
        let rooms = h
            .rooms
            .iter()
            .filter(|r| r.kind == RoomKind::ConsultingRoom && r.department_key == Some(d.key))
            .count();
        assert!(doctors >= 2, "{} has {doctors} doctors", d.key);
        assert!(
            (2..=4).contains(&rooms),
            "{} has {rooms} consulting rooms",
            d.key
        );
    }
}

#[test]
fn doctors_are_consistent() {
    let h = hospital();
    assert_unique("doctor key", h.doctors.iter().map(|d| d.key));
    assert_unique("doctor name", h.doctors.iter().map(|d| d.name_zh));
    assert_unique("licence", h.doctors.iter().map(|d| d.license_no.as_str()));
    for d in &h.doctors {
        let dept = h
            .departments
            .iter()
            .find(|x| x.key == d.department_key)
            .expect("dept");
        assert!(dept.is_clinical(), "{}", d.key);
        let room = h.rooms.iter().find(|r| r.key == d.room_key).expect("room");
        assert_eq!(room.kind, RoomKind::ConsultingRoom, "{}", d.key);
        assert_eq!(room.department_key, Some(d.department_key), "{}", d.key);
        assert!(d.license_no.len() == 15 && d.license_no.bytes().all(|b| b.is_ascii_digit()));
        assert!(!d.specialties_zh.is_empty(), "{}", d.key);
        assert_eq!(d.specialties_zh.len(), d.specialties_en.len(), "{}", d.key);
        assert!(d.bio_zh.contains(d.name_zh) && d.bio_en.contains(d.name_pinyin));

        use PractitionerTitle::*;
        use RegistrationClass::*;
        let fees = match (d.title, d.registration_class) {
            (AttendingPhysician | ResidentPhysician, Ordinary) => 1000..=2000,
            (ChiefPhysician | AssociateChiefPhysician, Expert) => 3000..=6000,
            (ChiefPhysician, SpecialNeeds) => 10000..=30000,
            other => panic!("{}: class does not follow title: {other:?}", d.key),
        };
        assert!(fees.contains(&d.fee_fen), "{}: fee {}", d.key, d.fee_fen);
    }
    let share = |t: PractitionerTitle| {
        h.doctors.iter().filter(|d| d.title == t).count() * 100 / h.doctors.len()
    };
    assert!((12..=20).contains(&share(PractitionerTitle::ChiefPhysician)));
    assert!((20..=30).contains(&share(PractitionerTitle::AssociateChiefPhysician)));
    assert!((35..=45).contains(&share(PractitionerTitle::AttendingPhysician)));
    assert!((15..=25).contains(&share(PractitionerTitle::ResidentPhysician)));
    assert!(
        h.doctors
            .iter()
            .any(|d| d.registration_class == RegistrationClass::SpecialNeeds)
    );
}

#[test]
fn staff_accounts() {
    let h = hospital();
    assert_unique("username", h.staff_accounts.iter().map(|a| a.username));
    let by_name: HashMap<_, _> = h.staff_accounts.iter().map(|a| (a.username, a)).collect();
    let expected = [
        ("admin", Role::Admin),
        ("registrar", Role::Registrar),
        ("registrar2", Role::Registrar),
        ("doctor", Role::Doctor),
        ("doctor2", Role::Doctor),
        ("nurse", Role::Nurse),
        ("pharmacist", Role::Pharmacist),
        ("technician", Role::Technician),
    ];
    for (username, role) in expected {
        assert_eq!(by_name[username].role, role, "{username}");
    }
    for (username, dept) in [("doctor", "cardiology"), ("doctor2", "respiratory")] {
        let account = by_name[username];
        let key = account.practitioner_key.expect("doctor account is linked");
        let doctor = h
            .doctors
            .iter()
            .find(|d| d.key == key)
            .expect("linked doctor");
        assert_eq!(doctor.department_key, dept);
        assert_eq!(account.display_name_zh, doctor.name_zh);
    }
    for a in h.staff_accounts.iter().filter(|a| a.role != Role::Doctor) {
        assert_eq!(a.practitioner_key, None, "{}", a.username);
    }
}

#[test]
fn patients_have_valid_resident_ids() {
    let h = hospital();
    let today = date(2026, 11, 23);
    assert_eq!(h.patients.len(), 6);
    assert_unique(
        "resident id",
        h.patients.iter().map(|p| p.resident_id.as_str()),
    );
    assert_unique("phone", h.patients.iter().map(|p| p.phone));
    let provinces: HashSet<_> = h.patients.iter().map(|p| &p.resident_id[..2]).collect();
    assert!(provinces.len() >= 4);
    let mut ages = Vec::new();
    for p in &h.patients {
        let id = ResidentId::parse(&p.resident_id, today)
            .unwrap_or_else(|e| panic!("{}: {e}", p.name_zh));
        assert_eq!(id.sex(), p.sex, "{}", p.name_zh);
        assert_eq!(id.birth_date().to_string(), p.birth_date, "{}", p.name_zh);
        assert!(p.phone.len() == 11 && p.phone.starts_with('1'));
        assert!(p.phone.bytes().all(|b| b.is_ascii_digit()));
        ages.push(id.birth_date().until(today).unwrap().get_days() / 365);
    }
    assert!(ages.iter().any(|&a| a >= 75), "{ages:?}");
    assert!(ages.iter().any(|&a| a < 14), "{ages:?}");
    let with_accounts: Vec<_> = h
        .patients
        .iter()
        .filter(|p| p.account)
        .map(|p| p.phone)
        .collect();
    assert_eq!(with_accounts, ["13800000001", "13800000002"]);
    assert!(h.patients[0].account && h.patients[1].account);
}
