use super::*;

fn at(minute: i64) -> Timestamp {
    Timestamp::from_second(1_773_600_000 + minute * 60).unwrap()
}

fn issued(failures: u32, closed: bool) -> Option<IssuedCode> {
    Some(IssuedCode {
        expires: DeskCodeRule::default().expires(at(0)),
        failures,
        closed,
    })
}

#[test]
fn codes_use_an_alphabet_without_lookalikes_and_read_in_two_groups() {
    for c in b"01IOL" {
        assert!(!CODE_ALPHABET.contains(c));
    }
    let code = DeskCode::from_random([0, 1, 2, 30, 31, 100, 200, 255]);
    assert_eq!(code.as_str().len(), CODE_LENGTH);
    assert!(code.as_str().bytes().all(|b| CODE_ALPHABET.contains(&b)));
    assert_eq!(code.display().len(), CODE_LENGTH + 1);
    assert_eq!(DeskCode::parse(&code.display()).unwrap(), code);
    assert_eq!(format!("{code:?}"), "DeskCode(<hidden>)");
}

#[test]
fn typed_codes_are_normalised_or_refused() {
    assert_eq!(DeskCode::parse(" abcd-2345 ").unwrap().as_str(), "ABCD2345");
    assert_eq!(
        DeskCode::parse("ＡＢＣＤ２３４５").unwrap().as_str(),
        "ABCD2345"
    );
    assert_eq!(DeskCode::parse(""), Err(CodeRefusal::Missing));
    assert_eq!(DeskCode::parse("ABCD234"), Err(CodeRefusal::Malformed));
    assert_eq!(DeskCode::parse("ABCD2340"), Err(CodeRefusal::Malformed));
}

#[test]
fn the_right_open_code_in_time_is_accepted() {
    let rule = DeskCodeRule::default();
    assert_eq!(judge_code(issued(0, false), true, &rule, at(29)), Ok(()));
    assert_eq!(judge_code(issued(4, false), true, &rule, at(1)), Ok(()));
}

#[test]
fn wrong_expired_used_and_void_codes_are_refused_each_with_its_reason() {
    let rule = DeskCodeRule::default();
    assert_eq!(
        judge_code(issued(0, false), false, &rule, at(1)),
        Err(CodeRefusal::Wrong { left: 4 })
    );
    assert_eq!(
        judge_code(issued(4, false), false, &rule, at(1)),
        Err(CodeRefusal::TooManyTries)
    );
    assert_eq!(
        judge_code(issued(5, false), true, &rule, at(1)),
        Err(CodeRefusal::TooManyTries)
    );
    assert_eq!(
        judge_code(issued(0, false), true, &rule, at(30)),
        Err(CodeRefusal::Expired)
    );
    assert_eq!(
        judge_code(issued(0, true), true, &rule, at(1)),
        Err(CodeRefusal::Used)
    );
    // Nothing is told about a code that is not open to someone who does not know it.
    assert_eq!(
        judge_code(issued(0, true), false, &rule, at(1)),
        Err(CodeRefusal::Wrong { left: 0 })
    );
    assert_eq!(
        judge_code(None, true, &rule, at(1)),
        Err(CodeRefusal::Wrong { left: 0 })
    );
}

#[test]
fn refusals_speak_both_languages_and_send_people_to_the_desk() {
    assert_eq!(
        CodeRefusal::Wrong { left: 1 }.message().en,
        "The code is not right; 1 attempt left"
    );
    assert!(CodeRefusal::Expired.message().zh.contains("窗口"));
    assert_eq!(CodeRefusal::TooManyTries.rule_code(), "code-void");
}

#[test]
fn the_rule_has_sane_ranges() {
    assert!(DeskCodeRule::default().check().is_empty());
    let bad = DeskCodeRule {
        minutes: 0,
        tries: 11,
    };
    assert_eq!(bad.check().len(), 2);
    assert_eq!(DeskCodeRule::default().expires(at(0)), at(30));
}
