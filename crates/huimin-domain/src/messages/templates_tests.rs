use super::*;

/// Every fact, in both languages, as the worker would supply them.
fn all_facts() -> BTreeMap<String, Text> {
    let pairs = [
        ("patient", "王秀英", "Wang Xiuying"),
        ("date", "11月26日", "26 Nov"),
        ("period", "上午", "morning"),
        ("time", "08:30", "08:30"),
        ("number", "7", "7"),
        ("doctor", "李振邦", "Li Zhenbang"),
        ("department", "心血管内科", "Cardiology"),
        ("room", "3 诊室", "Room 3"),
        ("new_date", "11月27日", "27 Nov"),
        ("new_period", "下午", "afternoon"),
        ("new_time", "14:00", "14:00"),
        ("new_number", "12", "12"),
        ("new_doctor", "张敏", "Zhang Min"),
        ("new_room", "5 诊室", "Room 5"),
        ("deadline", "11月26日 18:00", "26 Nov 18:00"),
        ("amount", "¥50.00", "¥50.00"),
        ("method", "现金", "cash"),
        ("reason", "医生停诊", "the clinic was cancelled"),
        ("ahead", "3", "3"),
        ("expires", "11月26日 10:00", "26 Nov 10:00"),
        ("report", "血常规", "blood count"),
        (
            "result",
            "血钾 6.8 mmol/L（偏高）",
            "potassium 6.8 mmol/L (high)",
        ),
        ("minutes", "10", "10"),
    ];
    pairs
        .into_iter()
        .map(|(name, zh, en)| (name.to_owned(), Text::new(zh, en)))
        .collect()
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_event_has_a_title_and_a_body_in_chinese_and_in_english() {
    let templates = Templates::builtin();
    let facts = all_facts();
    for kind in EventKind::ALL {
        let zh = templates.render(kind, Lang::Zh, &facts).unwrap();
        let en = templates.render(kind, Lang::En, &facts).unwrap();
        for text in [&zh.title, &zh.body] {
            assert!(has_chinese(text), "{kind}: {text}");
        }
        for text in [&en.title, &en.body] {
            assert!(!text.is_empty() && !has_chinese(text), "{kind}: {text}");
        }
        assert!(!zh.body.contains(['{', '}']) && !en.body.contains(['{', '}']));
    }
}

/// Read from the file's text, not through the parser, so a parser that skipped a text
/// would not hide a placeholder in it.
#[test]
fn every_placeholder_in_the_file_is_a_fact_the_worker_supplies() {
    let mut used = BTreeSet::new();
    let texts = BUILTIN.lines().filter(|line| !line.starts_with('#'));
    for piece in texts.flat_map(|line| line.split('{').skip(1)) {
        let name = piece.split('}').next().unwrap();
        assert!(FACTS.contains(&name), "{{{name}}} is not a known fact");
        used.insert(name);
    }
    // The list is not padded with facts no message names.
    let unused: Vec<_> = FACTS.iter().filter(|f| !used.contains(*f)).collect();
    assert!(unused.is_empty(), "facts no message names: {unused:?}");
}

#[test]
fn a_stop_clinic_move_reads_as_the_hospital_writes_it() {
    let rendered = Templates::builtin()
        .render(EventKind::SessionSuspendedMoved, Lang::Zh, &all_facts())
        .unwrap();
    assert_eq!(rendered.title, "停诊改约通知");
    assert_eq!(
        rendered.body,
        "因医生停诊，王秀英 11月26日上午 的预约已改至 张敏 医生（5 诊室）11月27日下午 14:00，\
         第 12 号。如不合适，请在 11月26日 18:00 前回复取消，费用全额退回。"
    );
    let refund = Templates::builtin()
        .render(EventKind::Refund, Lang::En, &all_facts())
        .unwrap();
    assert_eq!(
        refund.body,
        "¥50.00 has been refunded the way it was paid, by cash (the clinic was cancelled)."
    );
}

#[test]
fn the_facts_of_an_event_are_those_its_texts_name() {
    let templates = Templates::builtin();
    let refund: Vec<_> = templates.facts_of(EventKind::Refund).into_iter().collect();
    assert_eq!(refund, ["amount", "method", "reason"]);
    let offer = templates.facts_of(EventKind::WaitlistOffer);
    assert!(offer.contains("expires") && offer.contains("patient"));
    let ahead = templates.facts_of(EventKind::ThreeAhead);
    assert!(ahead.contains("ahead"));
}

#[test]
fn rendering_without_a_fact_the_text_names_fails_and_names_it() {
    let mut facts = all_facts();
    facts.remove("new_room");
    let err = Templates::builtin()
        .render(EventKind::SessionSuspendedMoved, Lang::En, &facts)
        .unwrap_err();
    assert_eq!(
        err,
        TemplateError::MissingFact {
            kind: EventKind::SessionSuspendedMoved,
            name: "new_room".into()
        }
    );
    assert!(err.to_string().contains("`new_room`"), "{err}");
    // An event that does not name the fact renders without it.
    assert!(
        Templates::builtin()
            .render(EventKind::Refund, Lang::En, &facts)
            .is_ok()
    );
}

/// The builtin file with one line replaced.
fn edited(from: &str, to: &str) -> String {
    assert!(BUILTIN.contains(from), "{from}");
    BUILTIN.replacen(from, to, 1)
}

fn parse_error(text: &str) -> String {
    Templates::parse(text).unwrap_err().to_string()
}

#[test]
fn a_file_that_is_not_toml_is_refused_with_the_line_at_fault() {
    let err = parse_error(&edited("title.zh = \"退款通知\"", "title.zh = \"退款通知"));
    assert!(
        err.starts_with("the message templates cannot be read: TOML parse error at line"),
        "{err}"
    );
}

#[test]
fn a_missing_event_an_unknown_event_and_a_missing_language_are_refused() {
    let without_refund = BUILTIN.split("[refund]").next().unwrap();
    assert_eq!(
        parse_error(without_refund),
        "the message templates have no texts for the event `refund`"
    );
    let err = parse_error(&edited("[refund]", "[refunded]"));
    assert_eq!(
        err,
        "the message templates name an unknown event `refunded`"
    );
    let err = parse_error(&edited("title.en = \"Refund made\"\n", ""));
    assert!(err.contains("missing field `en`"), "{err}");
    let err = parse_error(&edited("title.en = \"Refund made\"", "title.en = \"  \""));
    assert_eq!(err, "refund.title.en is empty");
    let err = parse_error(&edited("title.en = \"Refund made\"", "title.fr = \"x\""));
    assert!(err.contains("unknown field `fr`"), "{err}");
}

#[test]
fn a_placeholder_that_is_unknown_or_badly_written_is_refused() {
    let err = parse_error(&edited("已退款 {amount}", "已退款 {sum}"));
    assert!(
        err.starts_with("refund.body.zh: {sum} is not a fact a message can name"),
        "{err}"
    );
    let err = parse_error(&edited("已退款 {amount}", "已退款 {amount"));
    assert!(err.contains("never closed"), "{err}");
    let err = parse_error(&edited("已退款 {amount}", "已退款 amount}"));
    assert!(err.contains("without its"), "{err}");
    let err = parse_error(&edited("已退款 {amount}", "已退款 {Amount}"));
    assert!(err.contains("lower case"), "{err}");
}

#[test]
fn texts_whose_languages_name_different_facts_are_refused() {
    let err = parse_error(&edited("（{reason}）。\"", "。\""));
    assert!(
        err.starts_with("refund.body: the Chinese text names"),
        "{err}"
    );
    assert!(err.contains("both must name the same facts"), "{err}");
}
