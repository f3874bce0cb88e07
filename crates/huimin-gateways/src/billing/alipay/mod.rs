//! Alipay open platform (支付宝开放平台), RSA2 with public-key mode.
