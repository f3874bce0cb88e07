use super::*;
use jiff::civil::date;

const TODAY: Date = date(2026, 3, 16);

fn form<'a>(name: &'a str, number: &'a str, phone: &'a str) -> PersonForm<'a> {
    PersonForm {
        name,
        document_number: number,
        phone,
        ..PersonForm::default()
    }
}

fn fields(problems: &[FieldProblem]) -> Vec<PersonField> {
    problems.iter().map(|p| p.field).collect()
}

#[test]
fn a_resident_id_gives_the_sex_and_birth_date() {
    let details = check_person(
        &form("王小明", "110101199003071137", "13912345678"),
        PhoneRule::Mobile,
        TODAY,
    )
    .unwrap();
    assert_eq!(details.name.as_str(), "王小明");
    assert_eq!(details.sex, Sex::Male);
    assert_eq!(details.birth_date, date(1990, 3, 7));
    assert_eq!(details.phone.unwrap().as_str(), "13912345678");
}

#[test]
fn an_empty_form_names_every_empty_field_in_words_a_person_reads() {
    let problems = check_person(&form("", "", ""), PhoneRule::Mobile, TODAY).unwrap_err();
    assert_eq!(
        fields(&problems),
        [
            PersonField::Name,
            PersonField::DocumentNumber,
            PersonField::Phone
        ]
    );
    assert!(problems.iter().all(|p| p.required));
    assert_eq!(problems[0].message.zh, "请填写姓名");
    assert_eq!(problems[1].message.zh, "请填写身份证号");
    assert_eq!(problems[2].message.en, "Mobile number is required");
}

#[test]
fn markup_and_overlong_names_are_refused() {
    for name in ["<b>x</b>", &"王".repeat(10_000), "张三2"] {
        let problem = check_name(name).unwrap_err();
        assert_eq!(problem.field, PersonField::Name);
        assert!(!problem.required, "{name}");
    }
    assert!(check_name("<b>x</b>").unwrap_err().message.zh.contains('<'));
    assert!(
        check_name(&"王".repeat(65))
            .unwrap_err()
            .message
            .zh
            .contains("64")
    );
}

#[test]
fn a_family_member_may_have_no_phone_but_not_a_bad_one() {
    let no_phone = check_person(
        &form("王小宝", "110101199003071137", ""),
        PhoneRule::Optional,
        TODAY,
    );
    assert_eq!(no_phone.unwrap().phone, None);
    assert_eq!(
        check_phone("12345", PhoneRule::Optional).unwrap_err().field,
        PersonField::Phone
    );
    // An account logs in with a mobile: a fixed line will not do.
    assert!(check_phone("010-12345678", PhoneRule::Optional).is_ok());
    assert!(check_phone("010-12345678", PhoneRule::Mobile).is_err());
}

#[test]
fn a_passport_needs_the_sex_and_birth_date_given() {
    let mut passport = form("John Smith", "E12345678", "13912345678");
    passport.document_type = "passport";
    let problems = check_person(&passport, PhoneRule::Mobile, TODAY).unwrap_err();
    assert_eq!(
        fields(&problems),
        [PersonField::Gender, PersonField::BirthDate]
    );
    passport.gender = "female";
    passport.birth_date = "1980-05-01";
    let details = check_person(&passport, PhoneRule::Mobile, TODAY).unwrap();
    assert_eq!(details.sex, Sex::Female);
    assert_eq!(details.document.kind(), DocumentKind::Passport);
    passport.birth_date = "2027-01-01";
    let problems = check_person(&passport, PhoneRule::Mobile, TODAY).unwrap_err();
    assert_eq!(fields(&problems), [PersonField::BirthDate]);
}

#[test]
fn given_values_must_agree_with_the_document() {
    let mut typed = form("王小明", "110101199003071137", "13912345678");
    typed.gender = "female";
    typed.birth_date = "1990-03-08";
    let problems = check_person(&typed, PhoneRule::Mobile, TODAY).unwrap_err();
    assert_eq!(
        fields(&problems),
        [PersonField::Gender, PersonField::BirthDate]
    );
}

#[test]
fn an_unknown_document_type_is_a_field_problem() {
    let mut typed = form("王小明", "X1", "13912345678");
    typed.document_type = "library_card";
    let problems = check_person(&typed, PhoneRule::Mobile, TODAY).unwrap_err();
    assert_eq!(fields(&problems), [PersonField::DocumentType]);
}

#[test]
fn a_new_password_is_typed_twice_the_same() {
    assert!(check_new_password("Passw0rd!x26", "Passw0rd!x26").is_ok());
    let mismatch = check_new_password("Passw0rd!x26", "Passw0rd!y26").unwrap_err();
    assert_eq!(mismatch.field, PersonField::PasswordConfirmation);
    assert_eq!(mismatch.message.zh, "两次输入的密码不一致");
    assert_eq!(
        check_new_password("Passw0rd!x26", "").unwrap_err().field,
        PersonField::PasswordConfirmation
    );
    assert_eq!(
        check_new_password("", "").unwrap_err().field,
        PersonField::Password
    );
    assert_eq!(
        check_new_password("short", "short").unwrap_err().field,
        PersonField::Password
    );
}
