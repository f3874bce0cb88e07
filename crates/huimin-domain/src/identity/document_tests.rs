use super::*;
use crate::identity::resident_id_check_char;
use jiff::civil::date;

const TODAY: Date = date(2025, 6, 1);

fn with_check(first17: &str) -> String {
    format!("{first17}{}", resident_id_check_char(first17).unwrap())
}

fn parse(kind: DocumentKind, raw: &str) -> Result<IdentityDocument, IdentityError> {
    IdentityDocument::parse(kind, raw, TODAY)
}

#[test]
fn resident_id_documents_carry_birth_date_and_sex() {
    let doc = parse(DocumentKind::ResidentId, "11010519491231002x").unwrap();
    assert_eq!(doc.kind(), DocumentKind::ResidentId);
    assert_eq!(doc.number(), "11010519491231002X");
    assert_eq!(doc.birth_date(), Some(date(1949, 12, 31)));
    assert_eq!(doc.sex(), Some(Sex::Female));
    assert_eq!(
        parse(DocumentKind::ResidentId, "320106198503156789"),
        Err(IdentityError::BadChecksum)
    );
}

#[test]
fn empty_input_is_rejected_for_every_kind() {
    for kind in DocumentKind::ALL {
        assert_eq!(parse(kind, " \t "), Err(IdentityError::Empty), "{kind:?}");
    }
}

#[test]
fn passports_accept_letters_and_digits() {
    let doc = parse(DocumentKind::Passport, " e1234 5678 ").unwrap();
    assert_eq!(doc.number(), "E12345678");
    assert_eq!(doc.birth_date(), None);
    assert_eq!(doc.sex(), None);
    assert!(parse(DocumentKind::Passport, "X1234").is_ok());
    assert!(matches!(
        parse(DocumentKind::Passport, "E1234-5678"),
        Err(IdentityError::BadCharacter {
            position: 6,
            found: '-',
            ..
        })
    ));
    assert!(matches!(
        parse(DocumentKind::Passport, "E12"),
        Err(IdentityError::BadFormat {
            kind: DocumentKind::Passport
        })
    ));
    assert!(matches!(
        parse(DocumentKind::Passport, &"A".repeat(21)),
        Err(IdentityError::BadFormat { .. })
    ));
}

#[test]
fn hong_kong_macao_permits_are_h_or_m_and_8_digits() {
    assert_eq!(
        parse(DocumentKind::HkMoTravelPermit, "h12345678")
            .unwrap()
            .number(),
        "H12345678"
    );
    assert!(parse(DocumentKind::HkMoTravelPermit, "M87654321").is_ok());
    assert!(matches!(
        parse(DocumentKind::HkMoTravelPermit, "C12345678"),
        Err(IdentityError::BadFormat { .. })
    ));
    assert!(matches!(
        parse(DocumentKind::HkMoTravelPermit, "H1234567"),
        Err(IdentityError::WrongLength {
            expected: 9,
            actual: 8,
            ..
        })
    ));
    assert!(matches!(
        parse(DocumentKind::HkMoTravelPermit, "H1234567A"),
        Err(IdentityError::BadCharacter { position: 9, .. })
    ));
}

#[test]
fn taiwan_permits_are_8_digits() {
    assert_eq!(
        parse(DocumentKind::TwTravelPermit, "1234 5678")
            .unwrap()
            .number(),
        "12345678"
    );
    assert!(matches!(
        parse(DocumentKind::TwTravelPermit, "123456789"),
        Err(IdentityError::WrongLength { expected: 8, .. })
    ));
    assert!(matches!(
        parse(DocumentKind::TwTravelPermit, "1234567T"),
        Err(IdentityError::BadCharacter {
            position: 8,
            found: 'T',
            ..
        })
    ));
}

#[test]
fn hmt_residence_permits_use_810000_820000_830000() {
    for prefix in ["810000", "820000", "830000"] {
        let number = with_check(&format!("{prefix}19850315123"));
        let doc = parse(DocumentKind::HmtResidencePermit, &number).unwrap();
        assert_eq!(doc.birth_date(), Some(date(1985, 3, 15)));
        assert_eq!(doc.sex(), Some(Sex::Male));
    }
    let mainland = "110101199003071137";
    assert!(matches!(
        parse(DocumentKind::HmtResidencePermit, mainland),
        Err(IdentityError::BadFormat {
            kind: DocumentKind::HmtResidencePermit
        })
    ));
}

#[test]
fn hmt_permit_checksum_error_names_the_permit() {
    let mut number = with_check("81000019850315123");
    let wrong = if number.ends_with('0') { '1' } else { '0' };
    let right = number.pop().unwrap();
    number.push(wrong);
    let err = parse(DocumentKind::HmtResidencePermit, &number).unwrap_err();
    assert_eq!(
        err,
        IdentityError::BadPermitChecksum {
            kind: DocumentKind::HmtResidencePermit,
        }
    );
    let message = err.message();
    assert!(
        message.zh.starts_with("港澳台居民居住证号码无效"),
        "{}",
        message.zh
    );
    assert!(
        !message.zh.contains(right) && !message.en.contains(right),
        "the right check digit is never suggested"
    );
}

#[test]
fn hmt_permit_birth_date_is_checked() {
    assert_eq!(
        parse(
            DocumentKind::HmtResidencePermit,
            &with_check("82000020300101001")
        ),
        Err(IdentityError::BirthDateInFuture)
    );
    assert_eq!(
        parse(
            DocumentKind::HmtResidencePermit,
            &with_check("82000020230229001")
        ),
        Err(IdentityError::InvalidBirthDate)
    );
}

#[test]
fn foreign_permanent_resident_2023_card_starts_with_9() {
    let number = with_check("93384019900101003");
    let doc = parse(DocumentKind::ForeignPermanentResident, &number).unwrap();
    assert_eq!(doc.birth_date(), Some(date(1990, 1, 1)));
    assert_eq!(doc.sex(), Some(Sex::Male));
    assert!(matches!(
        parse(DocumentKind::ForeignPermanentResident, "110101199003071137"),
        Err(IdentityError::BadFormat { .. })
    ));
    assert!(matches!(
        parse(
            DocumentKind::ForeignPermanentResident,
            &with_check("93384020990101003")
        ),
        Err(IdentityError::BirthDateInFuture)
    ));
}

#[test]
fn foreign_permanent_resident_old_card_is_3_letters_and_12_digits() {
    let doc = parse(DocumentKind::ForeignPermanentResident, "usa110090010001").unwrap();
    assert_eq!(doc.number(), "USA110090010001");
    assert_eq!(doc.birth_date(), None);
    assert_eq!(doc.sex(), None);
    assert!(matches!(
        parse(DocumentKind::ForeignPermanentResident, "US1110090010001"),
        Err(IdentityError::BadCharacter { position: 3, .. })
    ));
    assert!(matches!(
        parse(DocumentKind::ForeignPermanentResident, "USA11009001000A"),
        Err(IdentityError::BadCharacter { position: 15, .. })
    ));
    let err = parse(DocumentKind::ForeignPermanentResident, "USA1100900").unwrap_err();
    assert!(err.message().en.contains("or 15"), "{}", err.message().en);
}

#[test]
fn full_width_input_is_normalised() {
    let doc = parse(DocumentKind::TwTravelPermit, "１２３４５６７８").unwrap();
    assert_eq!(doc.number(), "12345678");
}

#[test]
fn debug_output_is_masked() {
    let doc = parse(DocumentKind::HkMoTravelPermit, "H12345678").unwrap();
    let debug = format!("{doc:?}");
    assert!(debug.contains("H12**5678"), "{debug}");
    assert!(!debug.contains("H12345678"));
}

#[test]
fn resident_id_converts_into_a_document() {
    let id = ResidentId::parse("34052419800101001X", TODAY).unwrap();
    let doc = IdentityDocument::from(id);
    assert_eq!(doc.kind(), DocumentKind::ResidentId);
    assert_eq!(doc.number(), "34052419800101001X");
}
