use super::*;

fn name(raw: &str) -> PersonName {
    PersonName::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"))
}

#[test]
fn chinese_names_split_after_the_first_character() {
    let n = name(" 张三丰 ");
    assert_eq!(n.as_str(), "张三丰");
    assert_eq!(n.family(), "张");
    assert_eq!(n.given(), "三丰");
    assert_eq!(name("王").family(), "王");
    assert_eq!(name("王").given(), "");
}

#[test]
fn compound_surnames_are_recognised() {
    for (full, family, given) in [
        ("欧阳娜娜", "欧阳", "娜娜"),
        ("司马光", "司马", "光"),
        ("诸葛亮", "诸葛", "亮"),
        ("上官婉儿", "上官", "婉儿"),
        ("令狐冲", "令狐", "冲"),
        ("慕容复", "慕容", "复"),
    ] {
        let n = name(full);
        assert_eq!((n.family().as_str(), n.given().as_str()), (family, given));
    }
    let short = name("欧阳");
    assert_eq!((short.family(), short.given()), ("欧".into(), "阳".into()));
}

#[test]
fn dotted_names_take_the_last_part_as_family() {
    let n = name("约翰•史密斯");
    assert_eq!(n.as_str(), "约翰·史密斯");
    assert_eq!(n.family(), "史密斯");
    assert_eq!(n.given(), "约翰");
    assert_eq!(name("买买提・艾力").as_str(), "买买提·艾力");
}

#[test]
fn latin_names_take_the_last_word_as_family() {
    let n = name("  Mary   Anne\tO'Brien-Smith ");
    assert_eq!(n.as_str(), "Mary Anne O'Brien-Smith");
    assert_eq!(n.family(), "O'Brien-Smith");
    assert_eq!(n.given(), "Mary Anne");
    assert_eq!(name("José Ñúñez").family(), "Ñúñez");
    assert_eq!(name("Cher").family(), "Cher");
    assert_eq!(name("Cher").given(), "");
    assert_eq!(name("J. R. Tolkien").given(), "J. R.");
}

#[test]
fn rare_characters_outside_the_bmp_are_allowed() {
    assert_eq!(name("王𠮷").given(), "𠮷");
}

#[test]
fn invalid_names_are_rejected() {
    assert_eq!(PersonName::parse(""), Err(NameError::Empty));
    assert_eq!(PersonName::parse(" \u{3000} "), Err(NameError::Empty));
    assert_eq!(
        PersonName::parse("张三1"),
        Err(NameError::BadCharacter { found: '1' })
    );
    assert_eq!(
        PersonName::parse("张\u{0007}三"),
        Err(NameError::BadCharacter { found: '\u{7}' })
    );
    assert_eq!(
        PersonName::parse("<script>"),
        Err(NameError::BadCharacter { found: '<' })
    );
    assert_eq!(PersonName::parse("-·-"), Err(NameError::NoLetters));
    assert_eq!(
        PersonName::parse(&"a".repeat(65)),
        Err(NameError::TooLong {
            max: 64,
            actual: 65
        })
    );
    assert!(PersonName::parse(&"张".repeat(64)).is_ok());
}

#[test]
fn name_errors_are_bilingual() {
    let e = NameError::TooLong {
        max: 64,
        actual: 70,
    };
    assert_eq!(e.message().zh, "姓名最多 64 个字符，实际为 70 个");
    assert_eq!(e.message().en, e.to_string());
}

#[test]
fn name_debug_is_masked_and_serde_validates() {
    assert_eq!(format!("{:?}", name("张三")), "PersonName(\"张*\")");
    let n: PersonName = serde_json::from_str("\" 李 四 \"").unwrap();
    assert_eq!(n.as_str(), "李 四");
    assert_eq!(n.family(), "李");
    assert_eq!(n.given(), "四");
    assert!(serde_json::from_str::<PersonName>("\"\"").is_err());
}

#[test]
fn password_policy() {
    assert_eq!(check_password_policy("abc1234567"), Ok(()));
    assert_eq!(check_password_policy("pass word 1"), Ok(()));
    let short = Err(PasswordError::TooShort { min: 10 });
    assert_eq!(check_password_policy("abc123456"), short);
    assert_eq!(
        check_password_policy(&format!("a1{}", "x".repeat(127))),
        Err(PasswordError::TooLong)
    );
    assert_eq!(
        check_password_policy(&format!("a1{}", "x".repeat(126))),
        Ok(())
    );
    assert_eq!(
        check_password_policy("1234567890"),
        Err(PasswordError::MissingLetter)
    );
    assert_eq!(
        check_password_policy("abcdefghij"),
        Err(PasswordError::MissingDigit)
    );
    // Counted in characters, so ten Chinese characters are long enough.
    assert_eq!(check_password_policy("密码密码密码密码密1"), Ok(()));
}

#[test]
fn staff_passwords_are_longer() {
    assert_eq!(
        check_staff_password_policy("Nurse2026xy"),
        Err(PasswordError::TooShort { min: 12 })
    );
    assert_eq!(check_staff_password_policy("Nurse2026xyz"), Ok(()));
}

#[test]
fn common_passwords_are_refused_in_any_case_or_spelling() {
    for common in ["1qaz2wsx3edc", "password123", "PASSWORD123", "qwerty123456"] {
        assert_eq!(
            check_password_policy(common),
            Err(PasswordError::Common),
            "{common}"
        );
    }
    assert_eq!(check_password_policy("Wang2026secure"), Ok(()));
}

#[test]
fn password_errors_are_bilingual_and_password_debug_is_redacted() {
    let m = PasswordError::TooShort { min: 10 }.message();
    assert_eq!(m.zh, "密码至少 10 个字符");
    assert_eq!(m.en, "password must be at least 10 characters");
    assert!(PasswordError::Common.message().zh.contains("常见"));
    let pw = Password::parse("secret12345").unwrap();
    assert_eq!(pw.expose(), "secret12345");
    assert!(!format!("{pw:?}").contains("secret"));
    assert!(Password::parse("short").is_err());
}
