//! The billing protocols against vectors made by the official SDKs
//! (`tests/vectors/wechat-alipay.README.md`). `HUIMIN_GATEWAY_VECTORS=<dir>` reads a freshly
//! generated set instead (`scripts/gateway-vectors/generate.sh <dir>`).

#[path = "billing_vectors/alipay.rs"]
mod alipay;
#[path = "billing_vectors/bad_inputs.rs"]
mod bad_inputs;
#[path = "billing_vectors/wechat.rs"]
mod wechat;

use serde_json::Value;

pub fn vectors(name: &str) -> Value {
    let dir = std::env::var("HUIMIN_GATEWAY_VECTORS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors").to_string());
    let path = format!("{dir}/{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}
