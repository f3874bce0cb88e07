//! The administrators' page of message deliveries (消息投递).

/// (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("admin.deliveries", "消息投递", "Message deliveries"),
    (
        "deliveries.how",
        "每条消息在每个渠道的投递情况：失败的会按退避时间重试，多次失败后放弃；放弃的可在查明原因后重发。",
        "Each message's delivery on each channel: failures are retried with back-off and given up after many tries; a given-up one can be sent again once the cause is fixed.",
    ),
    ("deliveries.all", "全部", "All"),
    ("deliveries.pending", "待投递", "Waiting"),
    ("deliveries.retrying", "重试中", "Retrying"),
    ("deliveries.dead", "已放弃", "Given up"),
    ("deliveries.delivered", "已投递", "Delivered"),
    (
        "deliveries.none",
        "没有符合条件的投递。",
        "No deliveries here.",
    ),
    ("deliveries.created", "时间", "Time"),
    ("deliveries.kind", "消息类型", "Event"),
    ("deliveries.channel", "渠道", "Channel"),
    ("deliveries.status", "状态", "Status"),
    ("deliveries.attempts", "尝试次数", "Tries"),
    ("deliveries.answer", "渠道最近答复", "Channel's last answer"),
    ("deliveries.next", "下次尝试", "Next try"),
    ("deliveries.retry", "重发", "Send again"),
];
