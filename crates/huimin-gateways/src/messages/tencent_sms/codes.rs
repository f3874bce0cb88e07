//! What a Tencent Cloud error code means for the outbox: the one table of codes.
//!
//! Sources: the SMS API's error codes (2021-01-11) as the official SDK lists them — every one
//! is matched by a row, `tests/vectors/tencent-sms-error-codes.json` — and the API 3.0 common
//! error codes. A code matches an exact row first, then the longest family row (`X` matches `X` and
//! `X.*`). A code in no row is `Permanent`: a flagged message a person looks at is better than
//! a retry loop that may text a patient again and again.

use super::response::Disposition::{self, Delivered, Permanent, Temporary};

enum Pattern {
    Exact(&'static str),
    Family(&'static str),
}
use Pattern::{Exact, Family};

const TABLE: &[(Pattern, Disposition)] = &[
    // The per-number success code in SendStatusSet.
    (Exact("Ok"), Delivered),
    // More than 200 numbers in one request: our bug, retrying the same request cannot help.
    (Exact("LimitExceeded.PhoneNumberCountLimit"), Permanent),
    // The same text already reached this number today as often as allowed: a retry would be a
    // duplicate, not a delivery.
    (
        Exact("LimitExceeded.PhoneNumberSameContentDailyLimit"),
        Permanent,
    ),
    // The destination country or region is not enabled for this app: configuration.
    (
        Exact("LimitExceeded.AppCountryOrRegionInBlacklist"),
        Permanent,
    ),
    // Frequency and daily limits (per number, per app, global): the same message may go later.
    (Family("LimitExceeded"), Temporary),
    // API-wide rate limits (per account, per IP, per region).
    (Family("RequestLimitExceeded"), Temporary),
    // Provider-side failures and timeouts ("RequestTimeException": our clock was off; a fresh
    // signature helps) ...
    (Family("InternalError"), Temporary),
    // ... except those that say the request itself cannot be read.
    (Exact("InternalError.JsonParseFail"), Permanent),
    (Exact("InternalError.RestApiInterfaceNotExist"), Permanent),
    (Family("ServiceUnavailable"), Temporary),
    (Family("ResourceUnavailable"), Temporary),
    // Our timestamp was more than 5 minutes off: a fresh signature at a corrected clock works.
    (Exact("AuthFailure.SignatureExpire"), Temporary),
    // Marketing texts are refused at night; they may go in the morning.
    (
        Exact("FailedOperation.MarketingSendTimeConstraint"),
        Temporary,
    ),
    // The recipient unsubscribed (replied TD): never retry.
    (Exact("FailedOperation.PhoneNumberInBlacklist"), Permanent),
    // Unapproved sign name or template, sensitive words, empty balance: an operator must act
    // before anything can go; retrying just repeats the refusal.
    (Family("FailedOperation"), Permanent),
    // Wrong keys, signature, permissions: configuration, not luck.
    (Family("AuthFailure"), Permanent),
    (Family("UnauthorizedOperation"), Permanent),
    // The request itself is wrong (number, template parameters, app id, unknown fields).
    (Family("InvalidParameterValue"), Permanent),
    (Family("InvalidParameter"), Permanent),
    (Family("MissingParameter"), Permanent),
    (Family("UnknownParameter"), Permanent),
    (Family("UnsupportedOperation"), Permanent),
    (Family("InvalidAction"), Permanent),
    (Family("InvalidRequest"), Permanent),
    (Family("NoSuchVersion"), Permanent),
    (Family("UnsupportedRegion"), Permanent),
    (Family("UnsupportedProtocol"), Permanent),
    (Family("ResourceNotFound"), Permanent),
    (Family("ResourceInsufficient"), Permanent),
    (Family("RequestSizeLimitExceeded"), Permanent),
    (Family("IpInBlacklist"), Permanent),
    (Family("IpNotInWhitelist"), Permanent),
];

/// The disposition of one Tencent Cloud code (`Ok` or an error code).
pub fn classify(code: &str) -> Disposition {
    rule_for(code).unwrap_or(Permanent)
}

/// The disposition a table row gives `code`; `None` if no row matches.
pub fn rule_for(code: &str) -> Option<Disposition> {
    let exact = TABLE.iter().find_map(|(p, d)| match p {
        Exact(c) if *c == code => Some(*d),
        _ => None,
    });
    exact.or_else(|| {
        TABLE
            .iter()
            .filter_map(|(p, d)| match p {
                Family(f) if in_family(code, f) => Some((f.len(), *d)),
                _ => None,
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, d)| d)
    })
}

fn in_family(code: &str, family: &str) -> bool {
    code.strip_prefix(family)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified_as_the_table_says() {
        let cases = [
            ("Ok", Delivered),
            ("LimitExceeded.PhoneNumberDailyLimit", Temporary),
            ("LimitExceeded.PhoneNumberThirtySecondLimit", Temporary),
            ("LimitExceeded.PhoneNumberCountLimit", Permanent),
            ("RequestLimitExceeded", Temporary),
            ("RequestLimitExceeded.UinLimitExceeded", Temporary),
            ("InternalError.Timeout", Temporary),
            ("InternalError", Temporary),
            ("InternalError.JsonParseFail", Permanent),
            ("LimitExceeded.PhoneNumberSameContentDailyLimit", Permanent),
            ("AuthFailure.SignatureExpire", Temporary),
            ("AuthFailure.SignatureFailure", Permanent),
            ("FailedOperation.PhoneNumberInBlacklist", Permanent),
            ("FailedOperation.MarketingSendTimeConstraint", Temporary),
            ("FailedOperation.TemplateIncorrectOrUnapproved", Permanent),
            ("InvalidParameterValue.IncorrectPhoneNumber", Permanent),
            (
                "InvalidParameterValue.TemplateParameterFormatError",
                Permanent,
            ),
            ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", Permanent),
            ("MissingParameter.EmptyPhoneNumberSet", Permanent),
            // Unknown codes are permanent, and a family needs the dot.
            ("SomethingNew.Entirely", Permanent),
            ("InternalErrorish", Permanent),
            ("LimitExceededX", Permanent),
            ("ok", Permanent),
        ];
        for (code, expected) in cases {
            assert_eq!(classify(code), expected, "{code}");
        }
    }
}
