//! Doctors: 76 outpatient practitioners over the 28 clinical departments.
//!
//! Title mix ≈ 16% 主任医师, 28% 副主任医师, 38% 主治医师, 18% 住院医师.
//! 主任/副主任 see 专家号 patients (three 主任 run 特需号 clinics instead);
//! 主治/住院 see 普通号 patients. Fees include the 诊察费.

use huimin_domain::directory::PractitionerTitle::{
    self, AssociateChiefPhysician as Assoc, AttendingPhysician as Attend, ChiefPhysician as Chief,
    ResidentPhysician as Res,
};
use huimin_domain::directory::RegistrationClass::{
    self, Expert as Exp, Ordinary as Std, SpecialNeeds as Vip,
};
use huimin_domain::identity::Sex::{self, Female as F, Male as M};

use crate::{DemoDepartment, DemoDoctor, rooms, specialties};

pub(crate) struct Row {
    pub key: &'static str,
    pub department_key: &'static str,
    name_zh: &'static str,
    name_pinyin: &'static str,
    sex: Sex,
    title: PractitionerTitle,
    class: RegistrationClass,
    fee_fen: i64,
}

#[allow(clippy::too_many_arguments)]
fn r(
    key: &'static str,
    department_key: &'static str,
    name_zh: &'static str,
    name_pinyin: &'static str,
    sex: Sex,
    title: PractitionerTitle,
    class: RegistrationClass,
    fee_fen: i64,
) -> Row {
    Row {
        key,
        department_key,
        name_zh,
        name_pinyin,
        sex,
        title,
        class,
        fee_fen,
    }
}

#[rustfmt::skip]
pub(crate) fn rows() -> Vec<Row> {
    vec![
        r("dr-001", "emergency", "郑海鹏", "Zheng Haipeng", M, Assoc, Exp, 3000),
        r("dr-002", "emergency", "吴佳琪", "Wu Jiaqi", F, Attend, Std, 2000),
        r("dr-003", "emergency", "冯振宇", "Feng Zhenyu", M, Attend, Std, 2000),
        r("dr-004", "emergency", "曹雅婷", "Cao Yating", F, Res, Std, 1000),
        r("dr-005", "infectious-diseases", "彭立新", "Peng Lixin", M, Assoc, Exp, 3000),
        r("dr-006", "infectious-diseases", "蒋慧娟", "Jiang Huijuan", F, Attend, Std, 1500),
        r("dr-007", "respiratory", "张国栋", "Zhang Guodong", M, Chief, Exp, 5000),
        r("dr-008", "respiratory", "刘晓静", "Liu Xiaojing", F, Attend, Std, 1500),
        r("dr-009", "respiratory", "许文博", "Xu Wenbo", M, Res, Std, 1000),
        r("dr-010", "gastroenterology", "陈立强", "Chen Liqiang", M, Chief, Vip, 20000),
        r("dr-011", "gastroenterology", "杨春梅", "Yang Chunmei", F, Assoc, Exp, 4000),
        r("dr-012", "gastroenterology", "谢思远", "Xie Siyuan", M, Attend, Std, 1500),
        r("dr-013", "neurology", "韩秀英", "Han Xiuying", F, Assoc, Exp, 3000),
        r("dr-014", "neurology", "唐俊", "Tang Jun", M, Attend, Std, 1500),
        r("dr-015", "neurology", "邓欣怡", "Deng Xinyi", F, Res, Std, 1000),
        r("dr-016", "cardiology", "李振邦", "Li Zhenbang", M, Chief, Exp, 6000),
        r("dr-017", "cardiology", "王丽华", "Wang Lihua", F, Assoc, Exp, 4000),
        r("dr-018", "cardiology", "孙浩然", "Sun Haoran", M, Attend, Std, 1500),
        r("dr-019", "cardiology", "何雨桐", "He Yutong", F, Res, Std, 1000),
        r("dr-020", "hematology", "罗晓红", "Luo Xiaohong", F, Assoc, Exp, 3000),
        r("dr-021", "hematology", "梁志刚", "Liang Zhigang", M, Attend, Std, 1500),
        r("dr-022", "nephrology", "宋玉兰", "Song Yulan", F, Chief, Exp, 5000),
        r("dr-023", "nephrology", "袁明", "Yuan Ming", M, Attend, Std, 1500),
        r("dr-024", "endocrinology", "胡美玲", "Hu Meiling", F, Assoc, Exp, 3000),
        r("dr-025", "endocrinology", "高鹏飞", "Gao Pengfei", M, Attend, Std, 1500),
        r("dr-026", "endocrinology", "林诗琪", "Lin Shiqi", F, Res, Std, 1000),
        r("dr-027", "rheumatology", "徐亚楠", "Xu Yanan", F, Assoc, Exp, 3000),
        r("dr-028", "rheumatology", "马晨", "Ma Chen", M, Attend, Std, 1500),
        r("dr-029", "general-surgery", "周成林", "Zhou Chenglin", M, Chief, Exp, 5000),
        r("dr-030", "general-surgery", "朱红军", "Zhu Hongjun", M, Assoc, Exp, 4000),
        r("dr-031", "general-surgery", "秦雪", "Qin Xue", F, Attend, Std, 1500),
        r("dr-032", "general-surgery", "董宇航", "Dong Yuhang", M, Res, Std, 1000),
        r("dr-033", "neurosurgery", "田志远", "Tian Zhiyuan", M, Chief, Exp, 6000),
        r("dr-034", "neurosurgery", "潘磊", "Pan Lei", M, Attend, Std, 1500),
        r("dr-035", "orthopedics", "杜长青", "Du Changqing", M, Chief, Exp, 5000),
        r("dr-036", "orthopedics", "姚军", "Yao Jun", M, Assoc, Exp, 4000),
        r("dr-037", "orthopedics", "钱晓东", "Qian Xiaodong", M, Attend, Std, 1500),
        r("dr-038", "orthopedics", "汪子豪", "Wang Zihao", M, Res, Std, 1000),
        r("dr-039", "urology", "邱建华", "Qiu Jianhua", M, Assoc, Exp, 3000),
        r("dr-040", "urology", "沈琳", "Shen Lin", F, Attend, Std, 1500),
        r("dr-041", "thoracic-surgery", "石宏伟", "Shi Hongwei", M, Assoc, Exp, 4000),
        r("dr-042", "thoracic-surgery", "范明轩", "Fan Mingxuan", M, Attend, Std, 1500),
        r("dr-043", "gynecology", "魏淑芬", "Wei Shufen", F, Chief, Vip, 15000),
        r("dr-044", "gynecology", "崔静怡", "Cui Jingyi", F, Attend, Std, 1500),
        r("dr-045", "gynecology", "程梦瑶", "Cheng Mengyao", F, Res, Std, 1000),
        r("dr-046", "obstetrics", "苏丽娟", "Su Lijuan", F, Assoc, Exp, 3000),
        r("dr-047", "obstetrics", "孔佳慧", "Kong Jiahui", F, Attend, Std, 1500),
        r("dr-048", "obstetrics", "任晓雪", "Ren Xiaoxue", F, Res, Std, 1000),
        r("dr-049", "pediatrics", "贾立平", "Jia Liping", F, Chief, Exp, 5000),
        r("dr-050", "pediatrics", "夏志明", "Xia Zhiming", M, Assoc, Exp, 3000),
        r("dr-051", "pediatrics", "方婷婷", "Fang Tingting", F, Attend, Std, 2000),
        r("dr-052", "pediatrics", "廖子轩", "Liao Zixuan", M, Res, Std, 1000),
        r("dr-053", "ophthalmology", "蔡永明", "Cai Yongming", M, Assoc, Exp, 3000),
        r("dr-054", "ophthalmology", "叶诗涵", "Ye Shihan", F, Attend, Std, 1500),
        r("dr-055", "ophthalmology", "龚博文", "Gong Bowen", M, Res, Std, 1000),
        r("dr-056", "ent", "薛建军", "Xue Jianjun", M, Assoc, Exp, 3000),
        r("dr-057", "ent", "雷晓琳", "Lei Xiaolin", F, Attend, Std, 1500),
        r("dr-058", "stomatology", "陆国华", "Lu Guohua", M, Chief, Exp, 5000),
        r("dr-059", "stomatology", "白雪莹", "Bai Xueying", F, Attend, Std, 1500),
        r("dr-060", "stomatology", "金一鸣", "Jin Yiming", M, Res, Std, 1000),
        r("dr-061", "dermatology", "孟凡英", "Meng Fanying", F, Assoc, Exp, 3000),
        r("dr-062", "dermatology", "贺俊杰", "He Junjie", M, Attend, Std, 1500),
        r("dr-063", "general-practice", "黎小燕", "Li Xiaoyan", F, Attend, Std, 1500),
        r("dr-064", "general-practice", "侯天宇", "Hou Tianyu", M, Res, Std, 1000),
        r("dr-065", "geriatrics", "尹德厚", "Yin Dehou", M, Assoc, Exp, 3000),
        r("dr-066", "geriatrics", "常秀云", "Chang Xiuyun", F, Attend, Std, 1500),
        r("dr-067", "oncology", "段志勇", "Duan Zhiyong", M, Chief, Exp, 5000),
        r("dr-068", "oncology", "武春燕", "Wu Chunyan", F, Assoc, Exp, 4000),
        r("dr-069", "oncology", "乔宇", "Qiao Yu", M, Attend, Std, 1500),
        r("dr-070", "psychiatry", "康静", "Kang Jing", F, Assoc, Exp, 3000),
        r("dr-071", "psychiatry", "毛文涛", "Mao Wentao", M, Attend, Std, 1500),
        r("dr-072", "tcm", "严守仁", "Yan Shouren", M, Chief, Vip, 30000),
        r("dr-073", "tcm", "邵桂香", "Shao Guixiang", F, Assoc, Exp, 3000),
        r("dr-074", "tcm", "史晓峰", "Shi Xiaofeng", M, Attend, Std, 1500),
        r("dr-075", "rehabilitation", "熊伟明", "Xiong Weiming", M, Attend, Std, 1500),
        r("dr-076", "rehabilitation", "顾晓蕾", "Gu Xiaolei", F, Res, Std, 1000),
    ]
}

#[rustfmt::skip]
const UNIVERSITIES: &[(&str, &str)] = &[
    ("山东大学齐鲁医学院", "Cheeloo College of Medicine, Shandong University"),
    ("北京大学医学部", "Peking University Health Science Center"),
    ("滨州医学院", "Binzhou Medical University"),
    ("复旦大学上海医学院", "Shanghai Medical College, Fudan University"),
    ("青岛大学医学部", "Qingdao University Medical College"),
    ("四川大学华西临床医学院", "West China School of Medicine, Sichuan University"),
    ("山东第一医科大学", "Shandong First Medical University"),
    ("中南大学湘雅医学院", "Xiangya School of Medicine, Central South University"),
];
const TCM_UNIVERSITIES: &[(&str, &str)] = &[
    (
        "山东中医药大学",
        "Shandong University of Traditional Chinese Medicine",
    ),
    ("北京中医药大学", "Beijing University of Chinese Medicine"),
];
const DENTAL_SCHOOL: (&str, &str) = (
    "山东大学口腔医学院",
    "School of Stomatology, Shandong University",
);

/// Builds the doctors; `rows` must be [`rows`], `departments` the department list.
pub(crate) fn doctors(rows: Vec<Row>, departments: &[DemoDepartment]) -> Vec<DemoDoctor> {
    let room_counts: Vec<usize> = rows
        .iter()
        .map(|r| {
            let n = rows
                .iter()
                .filter(|o| o.department_key == r.department_key)
                .count();
            rooms::consulting_room_count(n)
        })
        .collect();
    let mut out: Vec<DemoDoctor> = Vec::with_capacity(rows.len());
    for (idx, row) in rows.into_iter().enumerate() {
        let dept = departments
            .iter()
            .find(|d| d.key == row.department_key)
            .expect("doctor rows reference known departments");
        let in_dept = out.iter().filter(|d| d.department_key == dept.key).count();
        let room_key = rooms::consulting_room_key(dept.key, in_dept % room_counts[idx] + 1);

        let pool = specialties::of(dept.key);
        let take = if matches!(row.title, Chief) { 3 } else { 2 };
        let picked: Vec<(&'static str, &'static str)> = (0..take.min(pool.len()))
            .map(|i| pool[(in_dept * 2 + i) % pool.len()])
            .collect();

        let years = match row.title {
            Chief => 26 + idx % 6,
            Assoc => 16 + idx % 5,
            Attend => 8 + idx % 4,
            Res => 2 + idx % 3,
        };
        let (degree_zh, degree_en) = match (row.title, idx % 2) {
            (Chief, _) | (Assoc, 0) => ("医学博士", "MD"),
            (Assoc, _) | (Attend, _) | (Res, 0) => ("医学硕士", "Master of Medicine"),
            (Res, _) => ("医学学士", "Bachelor of Medicine"),
        };
        let (uni_zh, uni_en) = match dept.key {
            "tcm" => TCM_UNIVERSITIES[idx % TCM_UNIVERSITIES.len()],
            "stomatology" => DENTAL_SCHOOL,
            _ => UNIVERSITIES[(idx * 3) % UNIVERSITIES.len()],
        };
        let (title_zh, title_en) = (row.title.zh(), row.title.en());
        let specialties_zh: Vec<&'static str> = picked.iter().map(|p| p.0).collect();
        let specialties_en: Vec<&'static str> = picked.iter().map(|p| p.1).collect();

        let mut bio_zh = format!(
            "{}，{}，{}，毕业于{}。从事{}临床工作 {} 年，擅长{}的诊疗。",
            row.name_zh,
            title_zh,
            degree_zh,
            uni_zh,
            dept.name_zh,
            years,
            specialties_zh.join("、"),
        );
        let mut bio_en = format!(
            "{}, {}. {}, {}. {} years of clinical practice in {}; special interests: {}.",
            row.name_pinyin,
            title_en,
            degree_en,
            uni_en,
            years,
            dept.name_en,
            specialties_en.join(", "),
        );
        if matches!(row.title, Chief) && in_dept == 0 {
            bio_zh.push_str("现任科室主任，硕士研究生导师。");
            bio_en.push_str(" Head of department and master's supervisor.");
        }
        if matches!(row.class, Vip) {
            bio_zh.push_str("另开设特需门诊，需提前预约。");
            bio_en.push_str(" Also runs a special-needs clinic by appointment.");
        }

        let category = match dept.key {
            "tcm" => 2,
            "stomatology" => 3,
            _ => 1,
        };
        let since = 2026 - years;
        let license_no = format!("1{category}371621{since}{:03}", idx + 1);

        out.push(DemoDoctor {
            key: row.key,
            name_zh: row.name_zh,
            name_pinyin: row.name_pinyin,
            sex: row.sex,
            title: row.title,
            department_key: dept.key,
            specialties_zh,
            specialties_en,
            registration_class: row.class,
            fee_fen: row.fee_fen,
            license_no,
            room_key,
            bio_zh,
            bio_en,
        });
    }
    out
}
