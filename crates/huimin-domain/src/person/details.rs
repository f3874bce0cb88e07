//! The one check of a person's details as a form gives them: sign-up and the family form
//! (就诊人) both call [`check_person`], and editing a family member calls the same
//! [`check_name`] and [`check_phone`], so a value one form refuses the other refuses too.

use jiff::civil::Date;

use super::{Password, PersonName};
use crate::i18n::Text;
use crate::identity::{DocumentKind, IdentityDocument, Sex};
use crate::phone::Phone;

/// The form fields a problem can be about; callers name them in their own vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonField {
    Name,
    DocumentType,
    DocumentNumber,
    Phone,
    Gender,
    BirthDate,
    Password,
    PasswordConfirmation,
}

/// One problem with one field, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: PersonField,
    /// The field was left empty (as opposed to holding a value that is not acceptable).
    pub required: bool,
    pub message: Text,
}

impl FieldProblem {
    fn required(field: PersonField, zh: &str, en: &str) -> Self {
        Self {
            field,
            required: true,
            message: Text::new(format!("请填写{zh}"), format!("{en} is required")),
        }
    }

    fn value(field: PersonField, message: Text) -> Self {
        Self {
            field,
            required: false,
            message,
        }
    }
}

/// Whether a form must give a phone number, and of what kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneRule {
    /// A mobile number is required (an account logs in with it and is told on it).
    Mobile,
    /// Any number, or none (a child's record).
    Optional,
}

/// The fields as typed; empty strings stand for fields left empty.
#[derive(Clone, Copy, Debug, Default)]
pub struct PersonForm<'a> {
    pub name: &'a str,
    /// A [`DocumentKind`] code; empty means the resident ID card.
    pub document_type: &'a str,
    pub document_number: &'a str,
    pub phone: &'a str,
    /// `male` / `female`; needed for documents that do not encode it.
    pub gender: &'a str,
    /// `YYYY-MM-DD`; needed for documents that do not encode it.
    pub birth_date: &'a str,
}

/// A person's details once every field passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonDetails {
    pub name: PersonName,
    pub document: IdentityDocument,
    pub phone: Option<Phone>,
    pub sex: Sex,
    pub birth_date: Date,
}

/// Every problem of the form at once, or the checked details, as of `today`.
pub fn check_person(
    form: &PersonForm<'_>,
    phone_rule: PhoneRule,
    today: Date,
) -> Result<PersonDetails, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let name = keep(&mut problems, check_name(form.name));
    let document = check_document(form.document_type, form.document_number, today);
    let document = keep(&mut problems, document);
    let phone = keep(&mut problems, check_phone(form.phone, phone_rule));
    let (sex, birth_date) = match &document {
        Some(document) => {
            let sex = keep(&mut problems, check_sex(document, form.gender));
            let birth = keep(&mut problems, check_birth(document, form.birth_date, today));
            (sex, birth)
        }
        None => (None, None),
    };
    match (name, document, phone, sex, birth_date) {
        (Some(name), Some(document), Some(phone), Some(sex), Some(birth_date))
            if problems.is_empty() =>
        {
            Ok(PersonDetails {
                name,
                document,
                phone,
                sex,
                birth_date,
            })
        }
        _ => Err(problems),
    }
}

/// The value, or `None` with its problem noted.
fn keep<T>(problems: &mut Vec<FieldProblem>, checked: Result<T, FieldProblem>) -> Option<T> {
    checked.map_err(|p| problems.push(p)).ok()
}

/// A name as written on the document: required, at most 64 characters, letters only (no
/// markup, digits or symbols).
pub fn check_name(raw: &str) -> Result<PersonName, FieldProblem> {
    if raw.trim().is_empty() {
        return Err(FieldProblem::required(PersonField::Name, "姓名", "Name"));
    }
    PersonName::parse(raw).map_err(|e| FieldProblem::value(PersonField::Name, e.message()))
}

/// A phone number under `rule`: `Ok(None)` only when it may be left out and was.
pub fn check_phone(raw: &str, rule: PhoneRule) -> Result<Option<Phone>, FieldProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return match rule {
            PhoneRule::Mobile => Err(FieldProblem::required(
                PersonField::Phone,
                "手机号",
                "Mobile number",
            )),
            PhoneRule::Optional => Ok(None),
        };
    }
    let phone =
        Phone::parse(raw).map_err(|e| FieldProblem::value(PersonField::Phone, e.message()))?;
    if rule == PhoneRule::Mobile && !phone.is_mobile() {
        return Err(FieldProblem::value(
            PersonField::Phone,
            Text::new(
                "请填写手机号码（用于登录和接收通知）",
                "Give a mobile number (used to log in and for notices)",
            ),
        ));
    }
    Ok(Some(phone))
}

/// The document of a kind (by code; empty for the resident ID card) and number.
pub fn check_document(
    kind: &str,
    number: &str,
    today: Date,
) -> Result<IdentityDocument, FieldProblem> {
    let kind = match kind.trim() {
        "" => DocumentKind::ResidentId,
        code => DocumentKind::from_code(code).ok_or_else(|| {
            FieldProblem::value(
                PersonField::DocumentType,
                Text::new(
                    format!("不支持的证件类型：{code}"),
                    format!("Unsupported document type: {code}"),
                ),
            )
        })?,
    };
    if number.trim().is_empty() {
        let (zh, en) = kind.field();
        return Err(FieldProblem {
            field: PersonField::DocumentNumber,
            required: true,
            message: Text::new(format!("请填写{zh}"), format!("The {en} is required")),
        });
    }
    IdentityDocument::parse(kind, number, today)
        .map_err(|e| FieldProblem::value(PersonField::DocumentNumber, e.message()))
}

/// A new password (sign-up, reset) under the policy, typed the same twice.
pub fn check_new_password(password: &str, confirmation: &str) -> Result<Password, FieldProblem> {
    if password.is_empty() {
        return Err(FieldProblem::required(
            PersonField::Password,
            "密码",
            "Password",
        ));
    }
    let password = Password::parse(password)
        .map_err(|e| FieldProblem::value(PersonField::Password, e.message()))?;
    if confirmation.is_empty() {
        return Err(FieldProblem {
            field: PersonField::PasswordConfirmation,
            required: true,
            message: Text::new("请再次输入密码", "Type the password again"),
        });
    }
    if confirmation != password.expose() {
        return Err(FieldProblem::value(
            PersonField::PasswordConfirmation,
            Text::new("两次输入的密码不一致", "The two passwords are not the same"),
        ));
    }
    Ok(password)
}

/// The sex the document encodes (a given one must agree), else the one given.
fn check_sex(document: &IdentityDocument, raw: &str) -> Result<Sex, FieldProblem> {
    let given = match raw.trim() {
        "" => None,
        "male" => Some(Sex::Male),
        "female" => Some(Sex::Female),
        _ => {
            return Err(FieldProblem::value(
                PersonField::Gender,
                Text::new("请选择男或女", "Choose male or female"),
            ));
        }
    };
    match (document.sex(), given) {
        (Some(encoded), Some(given)) if encoded != given => Err(FieldProblem::value(
            PersonField::Gender,
            Text::new(
                "性别与证件号码不一致",
                "The sex does not match the document",
            ),
        )),
        (Some(encoded), _) => Ok(encoded),
        (None, Some(given)) => Ok(given),
        (None, None) => Err(FieldProblem::required(PersonField::Gender, "性别", "Sex")),
    }
}

/// The birth date the document encodes (a given one must agree), else the one given, which
/// is a real date not after today.
fn check_birth(document: &IdentityDocument, raw: &str, today: Date) -> Result<Date, FieldProblem> {
    let given = match raw.trim() {
        "" => None,
        text => Some(text.parse::<Date>().map_err(|_| {
            FieldProblem::value(
                PersonField::BirthDate,
                Text::new(
                    "出生日期格式应为 年-月-日（如 1980-05-01）",
                    "Give the birth date as year-month-day (e.g. 1980-05-01)",
                ),
            )
        })?),
    };
    match (document.birth_date(), given) {
        (Some(encoded), Some(given)) if encoded != given => Err(FieldProblem::value(
            PersonField::BirthDate,
            Text::new(
                "出生日期与证件号码不一致",
                "The birth date does not match the document",
            ),
        )),
        (Some(encoded), _) => Ok(encoded),
        (None, Some(given)) if given > today => Err(FieldProblem::value(
            PersonField::BirthDate,
            Text::new(
                "出生日期不能晚于今天",
                "The birth date cannot be in the future",
            ),
        )),
        (None, Some(given)) => Ok(given),
        (None, None) => Err(FieldProblem::required(
            PersonField::BirthDate,
            "出生日期",
            "Birth date",
        )),
    }
}

#[cfg(test)]
#[path = "details_tests.rs"]
mod tests;
