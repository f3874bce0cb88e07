//! The organization and its campuses and buildings.

use crate::{DemoBuilding, DemoCampus, DemoHours, DemoOrganization};

pub(crate) const MAIN: &str = "main";
pub(crate) const EAST: &str = "east";
pub(crate) const MAIN_OPD: &str = "main-opd";
pub(crate) const MAIN_MTB: &str = "main-mtb";
pub(crate) const MAIN_IPD: &str = "main-ipd";
pub(crate) const EAST_OPD: &str = "east-opd";
pub(crate) const EAST_MTB: &str = "east-mtb";
pub(crate) const EAST_IPD: &str = "east-ipd";

pub(crate) fn organization() -> DemoOrganization {
    DemoOrganization {
        key: "hm-first",
        name_zh: "惠民市第一人民医院",
        name_en: "Huimin First People's Hospital",
        alias_zh: "惠民一院",
        level_zh: "三级甲等",
        phone: "0543-5186000",
        address_line_zh: "健康路 1 号",
        city_zh: "惠民市",
        district_zh: "北城区",
        province_zh: "山东省",
        postal_code: "251700",
        license_no: "PDY00001X37162111A1001",
    }
}

/// Outpatient opening hours of both campuses: weekdays all day, weekend mornings (the
/// emergency department is open around the clock).
const OUTPATIENT_HOURS: &[DemoHours] = &[
    DemoHours {
        days: &["mon", "tue", "wed", "thu", "fri"],
        opens: "08:00",
        closes: "17:30",
    },
    DemoHours {
        days: &["sat", "sun"],
        opens: "08:00",
        closes: "12:00",
    },
];

pub(crate) fn campuses() -> Vec<DemoCampus> {
    vec![
        DemoCampus {
            key: MAIN,
            name_zh: "本部",
            name_en: "Main Campus",
            address_line_zh: "北城区健康路 1 号",
            phone: "0543-5186000",
            hours: OUTPATIENT_HOURS,
            buildings: vec![
                building(MAIN_OPD, "门诊楼", "Outpatient Building", 6),
                building(MAIN_MTB, "医技楼", "Medical Technology Building", 5),
                building(MAIN_IPD, "住院部", "Inpatient Building", 22),
            ],
        },
        DemoCampus {
            key: EAST,
            name_zh: "东院",
            name_en: "East Campus",
            address_line_zh: "东城区滨河东路 288 号",
            phone: "0543-5187000",
            hours: OUTPATIENT_HOURS,
            buildings: vec![
                building(EAST_OPD, "门诊楼", "Outpatient Building", 4),
                building(EAST_MTB, "医技楼", "Medical Technology Building", 3),
                building(EAST_IPD, "住院部", "Inpatient Building", 12),
            ],
        },
    ]
}

fn building(
    key: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    floors: i32,
) -> DemoBuilding {
    DemoBuilding {
        key,
        name_zh,
        name_en,
        floors,
    }
}

/// The campus a building belongs to.
pub(crate) fn campus_of(building_key: &str) -> &'static str {
    if building_key.starts_with("east-") {
        EAST
    } else {
        MAIN
    }
}

/// "本部门诊楼" / "Main Campus Outpatient Building" for a building key.
pub(crate) fn building_label(building_key: &str) -> (String, String) {
    let campuses = campuses();
    for campus in &campuses {
        for b in &campus.buildings {
            if b.key == building_key {
                return (
                    format!("{}{}", campus.name_zh, b.name_zh),
                    format!("{} {}", campus.name_en, b.name_en),
                );
            }
        }
    }
    (building_key.to_owned(), building_key.to_owned())
}
