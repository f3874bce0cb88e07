//! Message providers: Tencent Cloud SMS, and signed webhooks.
