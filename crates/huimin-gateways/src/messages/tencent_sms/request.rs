//! A SendSms request: validated at construction, signed on demand.

use std::fmt;

use super::tc3::{self, HeaderStyle, SigningInput};
use super::{ACTION, HOST, MAX_PHONE_NUMBERS, SERVICE, VERSION, body};
use crate::messages::MessageError;
use crate::messages::template::Rendered;

/// A Tencent Cloud API key pair. `Debug` never shows the secret key.
#[derive(Clone)]
pub struct Credentials {
    secret_id: String,
    secret_key: String,
}

impl Credentials {
    pub fn new(secret_id: &str, secret_key: &str) -> Result<Self, MessageError> {
        // Both end up in a header or a MAC key: printable ASCII, no spaces, or the request breaks.
        for (field, value) in [("SecretId", secret_id), ("SecretKey", secret_key)] {
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(MessageError::InvalidField {
                    field,
                    reason: "必须是非空的可见 ASCII / must be non-empty visible ASCII",
                });
            }
        }
        Ok(Credentials {
            secret_id: secret_id.to_owned(),
            secret_key: secret_key.to_owned(),
        })
    }

    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

/// A mainland China mobile number in E.164 (`+861XXXXXXXXXX`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Accepts `+8613800138000` or the 11 national digits `13800138000`. Mobile numbers have
    /// 11 digits, start with 1 and then 3–9; anything else (landlines, other countries, `0086`,
    /// spaces) is refused rather than guessed at. `index` numbers the error (1-based).
    pub fn parse(input: &str, index: usize) -> Result<Self, MessageError> {
        let national = input.strip_prefix("+86").unwrap_or(input);
        let b = national.as_bytes();
        let valid = b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1]);
        if valid {
            Ok(PhoneNumber(format!("+86{national}")))
        } else {
            Err(MessageError::InvalidPhoneNumber { index })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The SendSms parameters, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendSms {
    phone_numbers: Vec<PhoneNumber>,
    sms_sdk_app_id: String,
    sign_name: String,
    message: Rendered,
}

impl SendSms {
    /// `sms_sdk_app_id` is the SMS application's numeric id (`1400…`), `sign_name` the approved
    /// signature (e.g. `惠民医院`), `message` a template rendered with all its parameters.
    pub fn new<S: AsRef<str>>(
        phone_numbers: &[S],
        sms_sdk_app_id: &str,
        sign_name: &str,
        message: Rendered,
    ) -> Result<Self, MessageError> {
        if phone_numbers.is_empty() {
            return Err(MessageError::NoPhoneNumbers);
        }
        if phone_numbers.len() > MAX_PHONE_NUMBERS {
            return Err(MessageError::TooManyPhoneNumbers {
                count: phone_numbers.len(),
                max: MAX_PHONE_NUMBERS,
            });
        }
        let mut numbers: Vec<PhoneNumber> = Vec::with_capacity(phone_numbers.len());
        for (i, raw) in phone_numbers.iter().enumerate() {
            let number = PhoneNumber::parse(raw.as_ref(), i + 1)?;
            // Tencent would send (and bill) twice; a duplicate is a bug upstream.
            if numbers.contains(&number) {
                return Err(MessageError::DuplicatePhoneNumber { index: i + 1 });
            }
            numbers.push(number);
        }
        if sms_sdk_app_id.is_empty() || !sms_sdk_app_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MessageError::InvalidField {
                field: "SmsSdkAppId",
                reason: "必须是数字 / must be digits",
            });
        }
        if sign_name.trim().is_empty() || sign_name.chars().any(char::is_control) {
            return Err(MessageError::InvalidField {
                field: "SignName",
                reason: "不能为空或含控制字符 / must be non-empty, without control characters",
            });
        }
        Ok(SendSms {
            phone_numbers: numbers,
            sms_sdk_app_id: sms_sdk_app_id.to_owned(),
            sign_name: sign_name.to_owned(),
            message,
        })
    }

    pub fn phone_numbers(&self) -> &[PhoneNumber] {
        &self.phone_numbers
    }

    /// The JSON body, byte for byte what the Python SDK sends for the same parameters.
    pub fn body(&self) -> String {
        let mut out = String::from("{\"PhoneNumberSet\": ");
        body::push_array(&mut out, self.phone_numbers.iter().map(PhoneNumber::as_str));
        out.push_str(", \"SmsSdkAppId\": ");
        body::push_str(&mut out, &self.sms_sdk_app_id);
        out.push_str(", \"SignName\": ");
        body::push_str(&mut out, &self.sign_name);
        out.push_str(", \"TemplateId\": ");
        body::push_str(&mut out, self.message.template_id());
        out.push_str(", \"TemplateParamSet\": ");
        body::push_array(&mut out, self.message.params().iter().map(String::as_str));
        out.push('}');
        out
    }
}

/// A request ready to send: POST `https://{Host}/` with these headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl SignedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Signs `request` for `region` (e.g. `ap-guangzhou`) at `timestamp` (Unix seconds, from the
/// caller's clock: Tencent refuses a signature more than 5 minutes off).
pub fn signed_request(
    credentials: &Credentials,
    request: &SendSms,
    region: &str,
    timestamp: i64,
    style: HeaderStyle,
) -> Result<SignedRequest, MessageError> {
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(MessageError::InvalidField {
            field: "Region",
            reason: "形如 ap-guangzhou / like ap-guangzhou",
        });
    }
    let body = request.body();
    let authorization = tc3::authorization(&SigningInput {
        secret_id: &credentials.secret_id,
        secret_key: &credentials.secret_key,
        service: SERVICE,
        host: HOST,
        action: ACTION,
        timestamp,
        style,
        payload: body.as_bytes(),
    })?;
    let headers = vec![
        ("Authorization", authorization),
        ("Content-Type", style.content_type().to_owned()),
        ("Host", HOST.to_owned()),
        ("X-TC-Action", ACTION.to_owned()),
        ("X-TC-Timestamp", timestamp.to_string()),
        ("X-TC-Version", VERSION.to_owned()),
        ("X-TC-Region", region.to_owned()),
        // Error messages in Chinese, as the SDK asks by default.
        ("X-TC-Language", "zh-CN".to_owned()),
    ];
    Ok(SignedRequest {
        url: format!("https://{HOST}/"),
        headers,
        body,
    })
}
