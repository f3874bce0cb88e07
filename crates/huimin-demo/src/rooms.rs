//! Rooms: consulting rooms per clinical department, a waiting area and a
//! triage desk on every floor with departmental rooms, registration windows,
//! pharmacies, laboratory and imaging rooms.

use crate::campus::{self, EAST_MTB, EAST_OPD, MAIN_MTB, MAIN_OPD};
use crate::{DemoDepartment, DemoRoom, RoomKind};

/// Every clinical department gets 2–4 consulting rooms: one per doctor,
/// at least two, at most four.
pub(crate) fn consulting_room_count(doctors: usize) -> usize {
    doctors.clamp(2, 4)
}

pub(crate) fn consulting_room_key(department_key: &str, n: usize) -> String {
    format!("{department_key}-r{n}")
}

/// `doctors_in(department_key)` gives the number of doctors of a department.
pub(crate) fn rooms(
    departments: &[DemoDepartment],
    doctors_in: impl Fn(&str) -> usize,
) -> Vec<DemoRoom> {
    let mut out = Vec::new();
    for d in departments.iter().filter(|d| d.is_clinical()) {
        for n in 1..=consulting_room_count(doctors_in(d.key)) {
            out.push(DemoRoom {
                key: consulting_room_key(d.key, n),
                department_key: Some(d.key),
                campus_key: d.campus_key,
                building_key: d.building_key,
                floor: d.floor,
                name_zh: format!("{} {n} 诊室", d.name_zh),
                name_en: format!("{} Consulting Room {n}", d.name_en),
                kind: RoomKind::ConsultingRoom,
            });
        }
    }
    out.extend(FIXED.iter().map(
        |&(key, department_key, building_key, floor, name_zh, name_en, kind)| DemoRoom {
            key: key.to_owned(),
            department_key,
            campus_key: campus::campus_of(building_key),
            building_key,
            floor,
            name_zh: name_zh.to_owned(),
            name_en: name_en.to_owned(),
            kind,
        },
    ));

    // A waiting area and a triage desk on every floor that has departmental rooms.
    let mut floors: Vec<(&'static str, i32)> = Vec::new();
    for room in out.iter().filter(|r| r.department_key.is_some()) {
        if !floors.contains(&(room.building_key, room.floor)) {
            floors.push((room.building_key, room.floor));
        }
    }
    for (building_key, floor) in floors {
        let (bzh, ben) = campus::building_label(building_key);
        let shared = [
            ("waiting", "候诊区", "Waiting Area", RoomKind::WaitingArea),
            ("triage", "分诊台", "Triage Desk", RoomKind::TriageDesk),
        ];
        for (suffix, zh, en, kind) in shared {
            out.push(DemoRoom {
                key: format!("{building_key}-{floor}f-{suffix}"),
                department_key: None,
                campus_key: campus::campus_of(building_key),
                building_key,
                floor,
                name_zh: format!("{bzh} {floor} 层{zh}"),
                name_en: format!("{ben} {floor}F {en}"),
                kind,
            });
        }
    }
    out
}

type Fixed = (
    &'static str,
    Option<&'static str>,
    &'static str,
    i32,
    &'static str,
    &'static str,
    RoomKind,
);

const IMAGING: Option<&str> = Some("medical-imaging");
const LAB: Option<&str> = Some("laboratory");

#[rustfmt::skip]
const FIXED: &[Fixed] = &[
    ("main-reg-1", None, MAIN_OPD, 1, "挂号收费 1 号窗口", "Registration & Payment Window 1", RoomKind::RegistrationWindow),
    ("main-reg-2", None, MAIN_OPD, 1, "挂号收费 2 号窗口", "Registration & Payment Window 2", RoomKind::RegistrationWindow),
    ("main-reg-3", None, MAIN_OPD, 1, "挂号收费 3 号窗口（老年人、军人优先）", "Registration & Payment Window 3 (priority)", RoomKind::RegistrationWindow),
    ("main-pharmacy-western", None, MAIN_OPD, 1, "门诊西药房", "Outpatient Pharmacy (Western Medicine)", RoomKind::Pharmacy),
    ("main-pharmacy-tcm", None, MAIN_OPD, 1, "门诊中药房", "Outpatient Pharmacy (Chinese Herbal Medicine)", RoomKind::Pharmacy),
    ("imaging-dr", IMAGING, MAIN_MTB, 1, "DR 摄片室", "Digital Radiography Room", RoomKind::Imaging),
    ("imaging-ct", IMAGING, MAIN_MTB, 1, "CT 室", "CT Room", RoomKind::Imaging),
    ("imaging-mri", IMAGING, MAIN_MTB, 1, "磁共振室", "MRI Room", RoomKind::Imaging),
    ("imaging-ultrasound", IMAGING, MAIN_MTB, 1, "超声检查室", "Ultrasound Room", RoomKind::Imaging),
    ("lab-phlebotomy", LAB, MAIN_MTB, 2, "门诊采血室", "Outpatient Blood Sampling Room", RoomKind::Laboratory),
    ("lab-clinical", LAB, MAIN_MTB, 2, "临床检验室", "Clinical Testing Laboratory", RoomKind::Laboratory),
    ("east-reg-1", None, EAST_OPD, 1, "东院挂号收费 1 号窗口", "East Campus Registration & Payment Window 1", RoomKind::RegistrationWindow),
    ("east-reg-2", None, EAST_OPD, 1, "东院挂号收费 2 号窗口", "East Campus Registration & Payment Window 2", RoomKind::RegistrationWindow),
    ("east-pharmacy", None, EAST_OPD, 1, "东院门诊药房", "East Campus Outpatient Pharmacy", RoomKind::Pharmacy),
    ("east-lab-phlebotomy", LAB, EAST_MTB, 1, "东院采血室", "East Campus Blood Sampling Room", RoomKind::Laboratory),
    ("east-imaging-dr", IMAGING, EAST_MTB, 1, "东院 DR 摄片室", "East Campus Digital Radiography Room", RoomKind::Imaging),
];
