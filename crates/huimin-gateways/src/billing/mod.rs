//! Payment gateways: WeChat Pay API v3 and Alipay open platform.
