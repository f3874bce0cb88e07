use std::net::IpAddr;

/// Everything the messages module refuses. Messages are Chinese first, English second; none
/// carries a phone number or a secret, so they can be logged.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MessageError {
    #[error(
        "第 {index} 个手机号不是中国大陆手机号 / phone number #{index} is not a mainland China mobile number"
    )]
    InvalidPhoneNumber { index: usize },
    #[error("第 {index} 个手机号重复 / phone number #{index} is a duplicate")]
    DuplicatePhoneNumber { index: usize },
    #[error("没有收信人 / no phone number")]
    NoPhoneNumbers,
    #[error(
        "一次最多 {max} 个手机号，收到 {count} 个 / at most {max} numbers per request, got {count}"
    )]
    TooManyPhoneNumbers { count: usize, max: usize },
    #[error("字段 {field} 无效：{reason} / field {field} is invalid")]
    InvalidField {
        field: &'static str,
        reason: &'static str,
    },
    #[error("时间戳超出范围 / timestamp out of range: {0}")]
    InvalidTimestamp(i64),
    #[error("短信服务应答无法解析 / the SMS provider's response is malformed: {0}")]
    MalformedResponse(String),

    #[error("模板缺少变量 {0} / template variable {0} is missing")]
    MissingVariable(String),
    #[error("模板没有变量 {0} / template has no variable {0}")]
    UnexpectedVariable(String),
    #[error("模板变量 {name} 的值无效：{reason} / value of template variable {name} is invalid")]
    InvalidVariableValue { name: String, reason: &'static str },
    #[error("模板定义无效：{0} / invalid template definition")]
    InvalidTemplate(&'static str),

    #[error("免打扰时段无效：{0} / invalid quiet hours")]
    InvalidQuietHours(&'static str),
    #[error("时间计算失败 / time arithmetic failed: {0}")]
    Time(String),

    #[error("Webhook 密钥无效 / invalid webhook secret")]
    InvalidWebhookSecret,
    #[error("Webhook 头部无效：{0} / invalid webhook header")]
    InvalidWebhookHeader(&'static str),
    #[error("Webhook 时间戳超出容忍范围 / webhook timestamp outside the tolerance")]
    WebhookTimestampOutOfTolerance,
    #[error("Webhook 签名不匹配 / no matching webhook signature")]
    WebhookSignatureMismatch,

    #[error("回调地址无效：{0} / invalid endpoint URL")]
    InvalidUrl(&'static str),
    #[error("回调地址指向禁止的网段 {addr}（{range}） / endpoint resolves to a forbidden address")]
    ForbiddenAddress { addr: IpAddr, range: &'static str },
    #[error("回调地址没有解析到任何地址 / endpoint resolved to no address")]
    NoAddresses,
}

impl From<jiff::Error> for MessageError {
    fn from(e: jiff::Error) -> Self {
        MessageError::Time(e.to_string())
    }
}
