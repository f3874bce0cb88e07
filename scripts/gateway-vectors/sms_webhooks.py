#!/usr/bin/env python3
"""Writes the test vectors for huimin-gateways' messages module, from the providers' own code.

- tests/vectors/tencent-sms.json: SendSms requests signed by the official Tencent Cloud Python
  SDK (tencentcloud-sdk-python-common), through the client's own request builder
  (`AbstractClient._build_req_with_tc3_signature`) with the clock pinned and nothing sent.
- tests/vectors/standard-webhooks.json: signatures by the official `standardwebhooks` package.
- tests/vectors/tencent-sms-error-codes.json: the error codes of SMS API 2021-01-11 as listed
  in the official SDK (`tencentcloud-sdk-python-sms`, `tencentcloud/sms/v20210111/errorcodes.py`).

Run it with ./scripts/gateway-vectors/sms-vectors.sh (makes a pinned venv under target/).
The secrets are made-up test values, not real credentials.
"""

import json
import os
import sys
from datetime import datetime, timezone

import tencentcloud.common.abstract_client as abstract_client
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.credential import Credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.sign import Sign
import hashlib

import standardwebhooks
from standardwebhooks.webhooks import Webhook

DATE = "2026-12-07"
ENDPOINT = "sms.tencentcloudapi.com"

SMS_CASES = [
    {
        "name": "one number, Chinese sign name",
        "secret_id": "AKIDHUIMINTESTONLY0000000000000000001",
        "secret_key": "HuiminTestOnlySecretKey0000000001",
        "region": "ap-guangzhou",
        "timestamp": 1796601600,  # 2026-12-07T00:00:00Z
        "phone_numbers": ["+8613800138000"],
        "sms_sdk_app_id": "1400000001",
        "sign_name": "惠民医院",
        "template_id": "2000001",
        "template_params": ["482913", "5"],
    },
    {
        "name": "three numbers, Beijing already on the next day",
        "secret_id": "AKIDHUIMINTESTONLY0000000000000000002",
        "secret_key": "HuiminTestOnlySecretKey0000000002",
        "region": "ap-beijing",
        "timestamp": 1796687999,  # 2026-12-07T23:59:59Z, 2026-12-08 07:59:59 in Beijing
        "phone_numbers": ["+8613912345678", "+8615000000001", "+8619987654321"],
        "sms_sdk_app_id": "1400000002",
        "sign_name": "北京市第一人民医院",
        "template_id": "2000002",
        "template_params": ["张三", "12月8日 上午", "内科"],
    },
    {
        "name": "quotes, backslash and a character outside the BMP",
        "secret_id": "AKIDHUIMINTESTONLY0000000000000000003",
        "secret_key": "HuiminTestOnlySecretKey0000000003",
        "region": "ap-nanjing",
        "timestamp": 1796630400,  # 2026-12-07T08:00:00Z
        "phone_numbers": ["+8617612345678", "+8618611112222"],
        "sms_sdk_app_id": "1400000003",
        "sign_name": "惠民社区卫生服务中心",
        "template_id": "2000003",
        "template_params": ["王\"小\"明", "C:\\门诊", "𠀋号"],
    },
    {
        "name": "no template parameters",
        "secret_id": "AKIDHUIMINTESTONLY0000000000000000004",
        "secret_key": "HuiminTestOnlySecretKey0000000004",
        "region": "ap-guangzhou",
        "timestamp": 1796616000,
        "phone_numbers": ["+8613800138000"],
        "sms_sdk_app_id": "1400000004",
        "sign_name": "惠民",
        "template_id": "2000004",
        "template_params": [],
    },
]


def sdk_sign(case):
    """Signs the case with the SDK's own request builder, the clock pinned to case timestamp."""
    abstract_client.time.time = lambda: case["timestamp"]
    http = HttpProfile(endpoint=ENDPOINT, reqMethod="POST")
    client = CommonClient("sms", "2021-01-11", Credential(case["secret_id"], case["secret_key"]),
                          case["region"], ClientProfile(httpProfile=http))
    params = {
        "PhoneNumberSet": case["phone_numbers"],
        "SmsSdkAppId": case["sms_sdk_app_id"],
        "SignName": case["sign_name"],
        "TemplateId": case["template_id"],
        "TemplateParamSet": case["template_params"],
    }
    req = RequestInternal(ENDPOINT, "POST", "/", header={})
    client._build_req_with_tc3_signature("SendSms", params, req)
    # Not part of the protocol: the SDK's own name and version.
    req.header.pop("X-TC-RequestClient", None)
    return req


def documented_authorization(case, body, timestamp):
    """The header set of the API 3.0 signing docs (content-type with charset, x-tc-action
    signed), hashed here and keyed by the SDK's own Sign.sign_tc3."""
    content_type = "application/json; charset=utf-8"
    canonical = "\n".join([
        "POST", "/", "",
        "content-type:%s\nhost:%s\nx-tc-action:sendsms\n" % (content_type, ENDPOINT),
        "content-type;host;x-tc-action",
        hashlib.sha256(body.encode("utf-8")).hexdigest(),
    ])
    date = datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")
    scope = "%s/sms/tc3_request" % date
    to_sign = "TC3-HMAC-SHA256\n%d\n%s\n%s" % (
        timestamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest())
    sig = Sign.sign_tc3(case["secret_key"], date, "sms", to_sign)
    return ("TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=content-type;host;x-tc-action, "
            "Signature=%s" % (case["secret_id"], scope, sig))


def sms_vectors():
    out = []
    for case in SMS_CASES:
        req = sdk_sign(case)
        out.append({
            **case,
            "sdk": {"body": req.data, "headers": dict(req.header)},
            "documented": {
                "content_type": "application/json; charset=utf-8",
                "authorization": documented_authorization(case, req.data, case["timestamp"]),
            },
        })
    return out


WEBHOOK_CASES = [
    ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
     '{"test": 2432232314}'),
    ("whsec_aHVpbWluLXRlc3Qtb25seS1zZWNyZXQtMDAwMDAx", "evt_01JHUIMIN0000000000000001", 1796601600,
     '{"resourceType":"Bundle","type":"subscription-notification","entry":[]}'),
    ("whsec_aHVpbWluLXRlc3Qtb25seS1zZWNyZXQtMDAwMDAy", "evt_01JHUIMIN0000000000000002", 1796687999,
     '{"message":"您的预约已确认 / Your appointment is confirmed"}'),
    ("whsec_aHVpbWluLXRlc3Qtb25seS1zZWNyZXQtMDAwMDAy", "evt_empty", 1796687999, ""),
]


def webhook_vectors():
    out = []
    for secret, msg_id, ts, body in WEBHOOK_CASES:
        wh = Webhook(secret)
        sig = wh.sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)
        out.append({"secret": secret, "id": msg_id, "timestamp": ts, "body": body,
                    "signature": sig})
    return out


def write(path, source, vectors):
    doc = {
        "source": source,
        "date": DATE,
        "generator": "scripts/gateway-vectors/sms_webhooks.py",
        "note": "Secrets and ids are made-up test values.",
        "vectors": vectors,
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")


def main():
    out_dir = sys.argv[1]
    from importlib.metadata import version
    common = "tencentcloud-sdk-python-common %s" % version("tencentcloud-sdk-python-common")
    write(os.path.join(out_dir, "tencent-sms.json"),
          "%s: CommonClient('sms', '2021-01-11')._build_req_with_tc3_signature, "
          "time.time pinned; 'documented' keyed by its Sign.sign_tc3" % common,
          sms_vectors())
    write(os.path.join(out_dir, "standard-webhooks.json"),
          "standardwebhooks %s (PyPI): Webhook(secret).sign(id, timestamp, body)"
          % standardwebhooks_version(), webhook_vectors())
    from importlib.metadata import version
    write(os.path.join(out_dir, "tencent-sms-error-codes.json"),
          "tencentcloud-sdk-python-sms %s: tencentcloud/sms/v20210111/errorcodes.py"
          % version("tencentcloud-sdk-python-sms"), error_codes())


def error_codes():
    """Every code of tencentcloud.sms.v20210111.errorcodes, with the SDK's comment."""
    import re
    import tencentcloud.sms.v20210111.errorcodes as codes
    with open(codes.__file__, encoding="utf-8") as f:
        text = f.read()
    out = []
    for m in re.finditer(r"^((?:# .*\n)+)[A-Z0-9_]+ = '([^']+)'$", text, re.M):
        comment = " ".join(line[2:].strip() for line in m.group(1).splitlines())
        out.append({"code": m.group(2), "description": comment})
    return out


def standardwebhooks_version():
    from importlib.metadata import version
    return version("standardwebhooks")


if __name__ == "__main__":
    main()
