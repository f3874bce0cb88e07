//! Staff accounts and demo patients.

use huimin_domain::identity::{Sex, resident_id_check_char};
use huimin_domain::roles::Role;

use crate::{DemoAccount, DemoDoctor, DemoPatient};

/// The 心血管内科 doctor behind the `doctor` account.
pub(crate) const DOCTOR_KEY: &str = "dr-016";
/// The 呼吸内科 doctor behind the `doctor2` account.
pub(crate) const DOCTOR2_KEY: &str = "dr-008";
/// A second 心血管内科 doctor, behind the `doctor3` account (the `doctor` account heads the
/// department).
pub(crate) const DOCTOR3_KEY: &str = "dr-017";

pub(crate) fn staff_accounts(doctors: &[DemoDoctor]) -> Vec<DemoAccount> {
    let doctor_name = |key: &str| {
        doctors
            .iter()
            .find(|d| d.key == key)
            .map(|d| d.name_zh)
            .expect("demo account doctor exists")
    };
    let account = |username, role, display_name_zh, practitioner_key| DemoAccount {
        username,
        role,
        display_name_zh,
        practitioner_key,
    };
    vec![
        account("admin", Role::Admin, "系统管理员", None),
        account("registrar", Role::Registrar, "刘芳", None),
        account("registrar2", Role::Registrar, "赵磊", None),
        account(
            "doctor",
            Role::Doctor,
            doctor_name(DOCTOR_KEY),
            Some(DOCTOR_KEY),
        ),
        account(
            "doctor2",
            Role::Doctor,
            doctor_name(DOCTOR2_KEY),
            Some(DOCTOR2_KEY),
        ),
        account(
            "doctor3",
            Role::Doctor,
            doctor_name(DOCTOR3_KEY),
            Some(DOCTOR3_KEY),
        ),
        account("nurse", Role::Nurse, "陈静", None),
        account("pharmacist", Role::Pharmacist, "周敏", None),
        account("technician", Role::Technician, "吴涛", None),
    ]
}

struct PatientRow {
    name_zh: &'static str,
    name_pinyin: &'static str,
    /// 6-digit administrative division code of the ID's issuing place.
    region: &'static str,
    /// 3-digit sequence code: odd for men, even for women.
    sequence: &'static str,
    sex: Sex,
    birth_date: &'static str,
    phone: &'static str,
    address_zh: &'static str,
    account: bool,
}

#[rustfmt::skip]
fn patient_rows() -> Vec<PatientRow> {
    use Sex::{Female as F, Male as M};
    let p = |name_zh, name_pinyin, region, sequence, sex, birth_date, phone, address_zh, account| {
        PatientRow { name_zh, name_pinyin, region, sequence, sex, birth_date, phone, address_zh, account }
    };
    vec![
        // 济南市历下区
        p("陈志强", "Chen Zhiqiang", "370102", "031", M, "1982-07-09", "13800000001",
          "山东省惠民市北城区幸福路 18 号 3 单元 502 室", true),
        // 福州市鼓楼区
        p("林晓燕", "Lin Xiaoyan", "350102", "048", F, "1991-11-26", "13800000002",
          "山东省惠民市东城区滨河东路 66 号 2 号楼 1101 室", true),
        // 惠民县 (elderly, 78 in 2026)
        p("赵淑珍", "Zhao Shuzhen", "371621", "026", F, "1948-02-14", "13905437716",
          "山东省惠民市北城区健康路 52 号 1 单元 201 室", false),
        // 郑州市金水区 (child, 10 in 2026; the phone is the guardian's)
        p("周子涵", "Zhou Zihan", "410105", "062", F, "2016-08-03", "15853426610",
          "山东省惠民市北城区文昌街 9 号 5 单元 301 室", false),
        // 长沙市岳麓区
        p("黄德明", "Huang Deming", "430104", "017", M, "1957-03-12", "18654370923",
          "山东省惠民市东城区惠民大道 120 号 7 号楼 402 室", false),
        // 成都市武侯区
        p("马俊杰", "Ma Junjie", "510107", "095", M, "2000-01-30", "13306358841",
          "山东省惠民市北城区学府路 3 号", false),
    ]
}

/// `region + YYYYMMDD + sequence + check character` (GB 11643).
fn resident_id(region: &str, birth_date: &str, sequence: &str) -> String {
    let first17 = format!("{region}{}{sequence}", birth_date.replace('-', ""));
    let check = resident_id_check_char(&first17).expect("17 ASCII digits");
    format!("{first17}{check}")
}

pub(crate) fn patients() -> Vec<DemoPatient> {
    patient_rows()
        .into_iter()
        .map(|r| DemoPatient {
            name_zh: r.name_zh,
            name_pinyin: r.name_pinyin,
            resident_id: resident_id(r.region, r.birth_date, r.sequence),
            sex: r.sex,
            birth_date: r.birth_date,
            phone: r.phone,
            address_zh: r.address_zh,
            account: r.account,
        })
        .collect()
}
