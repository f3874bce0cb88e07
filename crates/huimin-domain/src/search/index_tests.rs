use super::*;

fn departments() -> PinyinIndex<&'static str> {
    let mut index = PinyinIndex::new();
    for (key, name, aliases) in [
        (
            "cardiology",
            "心血管内科",
            &["心内科", "心内", "Cardiology"][..],
        ),
        ("gastro", "消化内科", &["消化科", "Gastroenterology"][..]),
        ("neuro", "神经内科", &["神内", "Neurology"][..]),
        ("neurosurgery", "神经外科", &["神外"][..]),
        ("ent", "耳鼻咽喉科", &["耳鼻喉科", "耳鼻喉"][..]),
        ("dental", "口腔科", &["牙科", "牙疼"][..]),
        ("hematology", "血液内科", &["血液科"][..]),
        ("icu", "重症医学科", &[][..]),
    ] {
        index.add(key, Field::Name, name);
        for alias in aliases {
            index.add(key, Field::Alias, alias);
        }
    }
    index
}

fn keys(index: &PinyinIndex<&'static str>, query: &str) -> Vec<&'static str> {
    index.search(query).into_iter().map(|h| h.key).collect()
}

#[test]
fn an_alias_finds_its_department() {
    let index = departments();
    assert_eq!(keys(&index, "心内"), ["cardiology"]);
    assert_eq!(keys(&index, "消化科"), ["gastro"]);
    assert_eq!(keys(&index, "耳鼻喉"), ["ent"]);
    assert_eq!(keys(&index, "牙科"), ["dental"]);
    assert_eq!(keys(&index, "牙疼"), ["dental"]);
    let hit = &index.search("心内")[0];
    assert_eq!(
        (hit.matched, hit.field, hit.text.as_str()),
        (Match::Exact, Field::Alias, "心内")
    );
}

#[test]
fn pinyin_full_initials_and_mixed_find_departments() {
    let index = departments();
    assert_eq!(keys(&index, "xnk"), ["cardiology"]);
    assert_eq!(keys(&index, "xinneike"), ["cardiology"]);
    assert_eq!(keys(&index, "xinnei"), ["cardiology"]);
    assert_eq!(keys(&index, "XinNei"), ["cardiology"]);
    assert_eq!(keys(&index, "心nk"), ["cardiology"]);
    assert_eq!(keys(&index, "kqk"), ["dental"]);
    assert_eq!(keys(&index, "zhongzheng"), ["icu"]);
    assert_eq!(keys(&index, "chongzheng"), ["icu"]);
    assert!(keys(&index, "qwzx").is_empty());
}

#[test]
fn xueguan_and_xieguan_both_find_the_department_with_xueguan_inside() {
    let index = departments();
    for query in ["xueguan", "xieguan", "血管"] {
        assert_eq!(keys(&index, query), ["cardiology"], "{query}");
    }
    assert_eq!(index.search("xieguan")[0].matched, Match::PinyinInside);
    assert_eq!(index.search("血管")[0].matched, Match::Contains);
    // 血液 from the start: both readings.
    assert_eq!(keys(&index, "xieye"), ["hematology"]);
    assert_eq!(keys(&index, "xuey"), ["hematology"]);
}

#[test]
fn hits_rank_exact_name_then_alias_then_prefix_then_pinyin() {
    let mut index = PinyinIndex::new();
    index.add("pinyin", Field::Name, "神经内科"); // sjnk: pinyin
    index.add("prefix", Field::Name, "神内专科"); // starts with 神内
    index.add("alias", Field::Name, "神经内科二");
    index.add("alias", Field::Alias, "神内");
    index.add("exact", Field::Name, "神内");
    index.add("inside", Field::Name, "小儿神经内科"); // 神内 nowhere as written
    let hits = index.search("神内");
    let order: Vec<_> = hits.iter().map(|h| h.key).collect();
    assert_eq!(order, ["exact", "alias", "prefix"]);
    let hits = index.search("shenjnk");
    let order: Vec<_> = hits.iter().map(|h| h.key).collect();
    assert_eq!(order, ["pinyin", "alias", "inside"]);
    assert_eq!(hits[2].matched, Match::PinyinInside);
    let order: Vec<_> = index.search("sjnk").into_iter().map(|h| h.key).collect();
    assert_eq!(order, ["pinyin", "alias"], "initials from the start only");
}

#[test]
fn an_exact_detail_beats_a_prefix_and_shorter_texts_go_first() {
    let mut index = PinyinIndex::new();
    index.add("doctor-with-specialty", Field::Detail, "头痛");
    index.add("long", Field::Name, "头痛专病门诊");
    index.add("short", Field::Name, "头痛门诊");
    let order: Vec<_> = index.search("头痛").into_iter().map(|h| h.key).collect();
    assert_eq!(order, ["doctor-with-specialty", "short", "long"]);
    let order: Vec<_> = index.search("ttmz").into_iter().map(|h| h.key).collect();
    assert_eq!(order, ["short"]);
}

#[test]
fn doctors_are_found_by_name_pinyin_and_specialty() {
    let mut index = PinyinIndex::new();
    index.add("dr-zhang", Field::Name, "张伟");
    index.add("dr-zhang", Field::Detail, "冠心病");
    index.add("dr-zhang", Field::Detail, "coronary heart disease");
    index.add("dr-chang", Field::Name, "常伟");
    index.add("dr-shan", Field::Name, "单明");
    let keys = |q| {
        index
            .search(q)
            .into_iter()
            .map(|h| h.key)
            .collect::<Vec<_>>()
    };
    assert_eq!(keys("张伟"), ["dr-zhang"]);
    assert_eq!(keys("zhangwei"), ["dr-zhang"]);
    assert_eq!(keys("Zhang Wei"), ["dr-zhang"]);
    assert_eq!(keys("zw"), ["dr-zhang"]);
    assert_eq!(keys("chang"), ["dr-chang"]);
    assert_eq!(keys("冠心病"), ["dr-zhang"]);
    assert_eq!(keys("coronary"), ["dr-zhang"]);
    // 单 as a surname is Shan; every reading is indexed, so both find him.
    assert_eq!(keys("shanming"), ["dr-shan"]);
    assert_eq!(keys("danming"), ["dr-shan"]);
}

#[test]
fn drug_names_by_initials() {
    let mut index = PinyinIndex::new();
    index.add("amoxicillin", Field::Name, "阿莫西林");
    index.add("azithromycin", Field::Name, "阿奇霉素");
    let keys = |q| {
        index
            .search(q)
            .into_iter()
            .map(|h| h.key)
            .collect::<Vec<_>>()
    };
    assert_eq!(keys("amxl"), ["amoxicillin"]);
    assert_eq!(keys("aqms"), ["azithromycin"]);
    assert_eq!(keys("a"), ["amoxicillin", "azithromycin"]);
}

#[test]
fn a_blank_query_finds_nothing_and_reads_nothing() {
    let index = departments();
    let (hits, work) = index.search_counting("  ·  ");
    assert!(hits.is_empty());
    assert_eq!(work, Work::default());
}

#[test]
fn a_search_over_a_few_hundred_entries_does_bounded_work() {
    // 600 entries: names of 2–6 characters, many of them polyphones.
    let chars: Vec<char> = "心血管内科重长行乐率消化神经外儿妇产眼耳鼻喉口腔皮肤张王李赵单曾"
        .chars()
        .collect();
    let mut index = PinyinIndex::new();
    let mut max_glyphs = 0;
    for n in 0..600_usize {
        let len = 2 + n % 5;
        let text: String = (0..len)
            .map(|i| chars[(n * 7 + i * 13) % chars.len()])
            .collect();
        max_glyphs = max_glyphs.max(len);
        index.add(n, Field::Name, &text);
    }
    for query in [
        "xnk",
        "xueguanneike",
        "zhangxing",
        "hanghanghang",
        "心nk",
        "zzzzzz",
    ] {
        let (_, work) = index.search_counting(query);
        let states = 2 * (max_glyphs + 1) * (fold(query).len() + 1);
        assert!(work.entries <= 600);
        assert!(
            work.steps <= 2 * 600 * states,
            "{query}: {} steps over 600 entries",
            work.steps
        );
    }
}

#[test]
fn a_text_without_a_letter_of_the_query_is_not_read() {
    let index = departments();
    let (hits, work) = index.search_counting("fff");
    assert!(hits.is_empty());
    assert_eq!(work.entries, 0);
    let (hits, work) = index.search_counting("xnk");
    assert_eq!(hits[0].key, "cardiology");
    assert!(
        work.entries < index.len(),
        "{} of {}",
        work.entries,
        index.len()
    );
}
