"""WeChat Pay v3 test vectors from the official community SDK `wechatpayv3` (PyPI).

Makes every test key of both gateways (written to KEYS_JSON for alipay.js), then drives the
SDK with its network replaced by a recorder: the SDK builds and signs each request itself, and
checks the (script-signed) gateway answers and notifications itself. Nothing leaves the machine.

Usage: python wechat.py OUT_DIR KEYS_JSON
"""

import base64
import datetime
import json
import os
import secrets
import string
import sys
import tempfile
import uuid
from importlib.metadata import version

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

import wechatpayv3.core as sdk_core
import wechatpayv3.utils as sdk_utils
from wechatpayv3 import WeChatPay, WeChatPayType

OUT_DIR, KEYS_JSON = sys.argv[1], sys.argv[2]
GENERATED = "2026-12-07"
CST = datetime.timezone(datetime.timedelta(hours=8))
# 2026-12-07 10:00:00 Asia/Shanghai: every timestamp below is this instant plus a few seconds.
BASE_TS = int(datetime.datetime(2026, 12, 7, 10, 0, 0, tzinfo=CST).timestamp())


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pkcs8_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def pkcs1_pem(key):
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


def spki_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def self_signed_cert(key):
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Huimin test platform (not Tenpay)"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Huimin WeChat Pay platform test certificate"),
    ])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc))
            .not_valid_after(datetime.datetime(2035, 1, 1, tzinfo=datetime.timezone.utc))
            .sign(key, hashes.SHA256()))
    return cert


def rand_text(n, alphabet=string.ascii_letters + string.digits):
    return "".join(secrets.choice(alphabet) for _ in range(n))


# ---- keys -------------------------------------------------------------------------------
merchant_key = new_key()
platform_key = new_key()
platform_cert = self_signed_cert(platform_key)
platform_serial = format(platform_cert.serial_number, "X")
pubkey_mode_key = new_key()
pubkey_id = "PUB_KEY_ID_" + "".join(secrets.choice(string.digits) for _ in range(28))
alipay_app_key = new_key()
alipay_platform_key = new_key()

merchant = {
    "mchid": "1900009191",
    "appid": "wxd678efh567hg6787",
    "serial_no": secrets.token_hex(20).upper(),
    "private_key_pem": pkcs8_pem(merchant_key),
    "public_key_pem": spki_pem(merchant_key),
    "apiv3_key": rand_text(32),
    "notify_url": "https://pay.huimin.example/api/pay/wechat/notify",
}
keys = {
    "wechat": {
        "merchant": merchant,
        "platform_certificate": {
            "serial_no": platform_serial,
            "certificate_pem": platform_cert.public_bytes(serialization.Encoding.PEM).decode(),
            "private_key_pem": pkcs8_pem(platform_key),
        },
        "platform_public_key": {
            "id": pubkey_id,
            "public_key_pem": spki_pem(pubkey_mode_key),
            "private_key_pem": pkcs8_pem(pubkey_mode_key),
        },
    },
    "alipay": {
        "app_id": "2021004100000001",
        # Alipay's key tool hands out PKCS#1 app keys; the SDK's default keyType is PKCS1.
        "app_private_key_pem": pkcs1_pem(alipay_app_key),
        "app_public_key_pem": spki_pem(alipay_app_key),
        "alipay_public_key_pem": spki_pem(alipay_platform_key),
        "alipay_private_key_pem": pkcs8_pem(alipay_platform_key),
    },
}
with open(KEYS_JSON, "w") as f:
    json.dump(keys, f)


# ---- the SDK's clock, nonce and network, replaced -----------------------------------------
class Clock:
    now = BASE_TS

    @staticmethod
    def time():
        return Clock.now


class Nonces:
    counter = 0

    @staticmethod
    def uuid4():
        Nonces.counter += 1
        return uuid.UUID(int=(0x5AFE << 112) + Nonces.counter)


sdk_utils.time = Clock
sdk_utils.uuid = Nonces


def sign_as_gateway(private_key, timestamp, nonce, body):
    return sdk_utils.rsa_sign(private_key, "%s\n%s\n%s\n" % (timestamp, nonce, body))


class FakeResponse:
    def __init__(self, status, headers, text):
        self.status_code, self.headers, self.text = status, headers, text
        self.content = text.encode()


class Recorder:
    """Stands in for `requests`: keeps what the SDK sends, answers as the gateway would."""
    sent = []
    answer = None  # (body, serial, private key) for the next answer

    @classmethod
    def _send(cls, method, url, headers, json_body):
        cls.sent.append({"method": method, "url": url, "headers": dict(headers),
                         "json": json_body})
        if cls.answer is None:
            return FakeResponse(404, {"Content-Type": "application/json"}, "{}")
        body, serial, key = cls.answer
        ts, nonce = str(BASE_TS + 1), "gatewayanswernonce" + str(len(cls.sent))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce, "Wechatpay-Serial": serial,
            "Wechatpay-Signature": sign_as_gateway(key, ts, nonce, body),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }
        cls.sent[-1]["answer"] = {"headers": headers, "body": body}
        return FakeResponse(200, headers, body)

    @classmethod
    def get(cls, url, headers, **_):
        return cls._send("GET", url, headers, None)

    @classmethod
    def post(cls, url, json=None, headers=None, **_):
        return cls._send("POST", url, headers, json)


sdk_core.requests = Recorder

wxpay = WeChatPay(wechatpay_type=WeChatPayType.JSAPI, mchid=merchant["mchid"],
                  private_key=merchant["private_key_pem"], cert_serial_no=merchant["serial_no"],
                  appid=merchant["appid"], apiv3_key=merchant["apiv3_key"],
                  notify_url=merchant["notify_url"],
                  public_key=keys["wechat"]["platform_public_key"]["public_key_pem"],
                  public_key_id=pubkey_id)


def record_request(name, call, answer_body):
    """Runs one SDK call; returns what it signed and sent, and the answer it accepted."""
    Recorder.answer = (answer_body, pubkey_id, pubkey_mode_key)
    Clock.now += 1
    code, _ = call()
    assert code == 200, name
    sent = Recorder.sent[-1]
    path = sent["url"][len("https://api.mch.weixin.qq.com"):]
    # build_authorization signs json.dumps(data) (Python's default separators, ASCII escapes)
    # and requests sends the same bytes (complexjson.dumps with the same defaults).
    body = json.dumps(sent["json"]) if sent["json"] else ""
    auth = sent["headers"]["Authorization"]
    fields = dict(part.split("=", 1) for part in auth.split(" ", 1)[1].split(","))
    fields = {k: v.strip('"') for k, v in fields.items()}
    return {
        "name": name, "method": sent["method"], "path": path,
        "timestamp": fields["timestamp"], "nonce": fields["nonce_str"],
        "body": body, "body_json": sent["json"],
        "signature": fields["signature"], "authorization": auth,
        "answer": sent["answer"], "sdk_accepted_answer": True,
    }


requests_out = []
prepay_id = "wx07100001560000ab12cd34ef5678900001"
requests_out.append(record_request("jsapi_order", lambda: wxpay.pay(
    description="惠民医院-门诊缴费 挂号费（普通门诊）", out_trade_no="HM20261207-0001",
    amount={"total": 2550, "currency": "CNY"},
    payer={"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
    time_expire="2026-12-07T10:30:00+08:00", attach="visit=门诊-内科-42",
    pay_type=WeChatPayType.JSAPI), json.dumps({"prepay_id": prepay_id})))
requests_out.append(record_request("h5_order", lambda: wxpay.pay(
    description="惠民医院-检验费 血常规", out_trade_no="HM20261207_0002",
    amount={"total": 3800, "currency": "CNY"},
    scene_info={"payer_client_ip": "14.23.150.211", "h5_info": {"type": "Wap"}},
    pay_type=WeChatPayType.H5),
    json.dumps({"h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?x=1"})))
requests_out.append(record_request("query_by_out_trade_no", lambda: wxpay.query(
    out_trade_no="HM20261207-0001"),
    json.dumps({"out_trade_no": "HM20261207-0001", "trade_state": "NOTPAY",
                "trade_state_desc": "订单未支付"}, ensure_ascii=False)))
requests_out.append(record_request("close", lambda: wxpay.close(
    out_trade_no="HM20261207_0002"), ""))
requests_out.append(record_request("refund", lambda: wxpay.refund(
    out_refund_no="HMR20261207-0001", out_trade_no="HM20261207-0001",
    amount={"refund": 1000, "total": 2550, "currency": "CNY"}, reason="患者取消挂号，退部分费用"),
    json.dumps({"refund_id": "50000000382019052709732678859", "status": "PROCESSING"})))
requests_out.append(record_request("trade_bill", lambda: wxpay.trade_bill(
    bill_date="2026-12-06", bill_type="ALL", tar_type="GZIP"),
    json.dumps({"download_url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=x",
                "hash_type": "SHA1", "hash_value": "79bb0f45fc4c42234a918000b2668d689e2bde04"})))

# The same requests with the compact UTF-8 bodies Huimin sends: the SDK signs a str as is.
compact = []
for r in requests_out:
    if not r["body_json"]:
        continue
    body = json.dumps(r["body_json"], ensure_ascii=False, separators=(",", ":"))
    Clock.now += 1
    auth = sdk_utils.build_authorization(r["path"], r["method"], merchant["mchid"],
                                         merchant["serial_no"], wxpay._core._private_key,
                                         data=body, nonce_str="COMPACT" + r["nonce"][7:])
    fields = {k: v.strip('"') for k, v in
              (p.split("=", 1) for p in auth.split(" ", 1)[1].split(","))}
    compact.append({"name": r["name"] + "_compact", "method": r["method"], "path": r["path"],
                    "timestamp": fields["timestamp"], "nonce": fields["nonce_str"],
                    "body": body, "signature": fields["signature"], "authorization": auth})

# ---- JSAPI pay sign (WeixinJSBridge.invoke('getBrandWCPayRequest', …)) --------------------
jsapi_ts, jsapi_nonce = str(BASE_TS + 60), "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"
jsapi = {"app_id": merchant["appid"], "time_stamp": jsapi_ts, "nonce_str": jsapi_nonce,
         "package": "prepay_id=" + prepay_id,
         "pay_sign": wxpay.sign([merchant["appid"], jsapi_ts, jsapi_nonce,
                                 "prepay_id=" + prepay_id])}

# ---- notifications ----------------------------------------------------------------------
def encrypt(plaintext, associated_data, nonce):
    ct = AESGCM(merchant["apiv3_key"].encode()).encrypt(nonce.encode(), plaintext.encode(),
                                                      associated_data.encode())
    return base64.b64encode(ct).decode()


transaction = {
    "mchid": merchant["mchid"], "appid": merchant["appid"],
    "out_trade_no": "HM20261207-0001", "transaction_id": "4200002345202612070123456789",
    "trade_type": "JSAPI", "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
    "bank_type": "CMB_CREDIT", "attach": "visit=门诊-内科-42",
    "success_time": "2026-12-07T10:01:02+08:00",
    "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
    "amount": {"total": 2550, "payer_total": 2550, "currency": "CNY", "payer_currency": "CNY"},
}
refund_notice = {
    "mchid": merchant["mchid"], "out_trade_no": "HM20261207-0001",
    "transaction_id": "4200002345202612070123456789", "out_refund_no": "HMR20261207-0001",
    "refund_id": "50000000382019052709732678859", "refund_status": "SUCCESS",
    "success_time": "2026-12-07T11:20:00+08:00", "user_received_account": "招商银行信用卡0403",
    "amount": {"total": 2550, "refund": 1000, "payer_total": 2550, "payer_refund": 1000},
}


def notification(event_id, event_type, summary, original_type, plaintext_obj, nonce):
    plaintext = json.dumps(plaintext_obj, ensure_ascii=False, separators=(",", ":"))
    resource = {"original_type": original_type, "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": encrypt(plaintext, original_type, nonce),
                "associated_data": original_type, "nonce": nonce}
    body = json.dumps({"id": event_id, "create_time": "2026-12-07T10:01:03+08:00",
                       "resource_type": "encrypt-resource", "event_type": event_type,
                       "summary": summary, "resource": resource},
                      ensure_ascii=False, separators=(",", ":"))
    return body, plaintext


def headers_for(body, ts, nonce, serial, key):
    return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce, "Wechatpay-Serial": serial,
            "Wechatpay-Signature": sign_as_gateway(key, ts, nonce, body),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"}


cert_dir = tempfile.mkdtemp()
with open(os.path.join(cert_dir, platform_serial + ".pem"), "w") as f:
    f.write(keys["wechat"]["platform_certificate"]["certificate_pem"])
Recorder.answer = None
wxpay_cert_mode = WeChatPay(wechatpay_type=WeChatPayType.JSAPI, mchid=merchant["mchid"],
                            private_key=merchant["private_key_pem"],
                            cert_serial_no=merchant["serial_no"], appid=merchant["appid"],
                            apiv3_key=merchant["apiv3_key"], notify_url=merchant["notify_url"],
                            cert_dir=cert_dir)


def flip_last_char(text):
    return text[:-1] + ("A" if text[-1] != "A" else "B")


def tampered(headers, body):
    sig = bytearray(base64.b64decode(headers["Wechatpay-Signature"]))
    sig[100] ^= 0x01
    yield "body", headers, body.replace('"summary":"', '"summary":" ', 1)
    yield "timestamp", {**headers, "Wechatpay-Timestamp": str(int(headers["Wechatpay-Timestamp"]) + 1)}, body
    yield "nonce", {**headers, "Wechatpay-Nonce": flip_last_char(headers["Wechatpay-Nonce"])}, body
    yield "serial", {**headers, "Wechatpay-Serial": flip_last_char(headers["Wechatpay-Serial"])}, body
    yield "signature", {**headers, "Wechatpay-Signature": base64.b64encode(bytes(sig)).decode()}, body


def callback_vector(name, client, body, plaintext, serial, key, ts, nonce):
    headers = headers_for(body, ts, nonce, serial, key)
    result = client.callback(headers, body)
    assert result is not None, name
    sdk_plaintext = client.decrypt_callback(headers, body)
    variants = []
    # An unknown serial makes the SDK refetch (and first clear) its certificate list; restore
    # it after each variant so that every variant is judged with the real key at hand.
    certificates = list(client._core._certificates)
    for what, h, b in tampered(headers, body):
        accepted = client._core._verify_signature(h, b)
        client._core._certificates[:] = certificates
        variants.append({"tampered": what, "headers": h, "body": b, "sdk_accepted": accepted})
    assert client._core._verify_signature(headers, body), name
    return {"name": name, "headers": headers, "body": body, "sdk_accepted": True,
            "sdk_plaintext": sdk_plaintext,
            "expected_plaintext": plaintext, "sdk_resource": result["resource"],
            "tampered": variants}


pay_body, pay_plain = notification("EV-2026120710010300001", "TRANSACTION.SUCCESS", "支付成功",
                                   "transaction", transaction, "fdasflkja484")
refund_body, refund_plain = notification("EV-2026120711200100002", "REFUND.SUCCESS", "退款成功",
                                         "refund", refund_notice, "ab12CD34ef56")
callbacks = [
    callback_vector("transaction_public_key_mode", wxpay, pay_body, pay_plain, pubkey_id,
                    pubkey_mode_key, str(BASE_TS + 63), "notifynonce0001"),
    callback_vector("refund_certificate_mode", wxpay_cert_mode, refund_body, refund_plain,
                    platform_serial, platform_key, str(BASE_TS + 4800), "notifynonce0002"),
]

# ---- AES-GCM resources on their own (the SDK's aes_decrypt) -----------------------------
aes = []
for name, plain, ad, nonce in [
    ("transaction", pay_plain, "transaction", "fdasflkja484"),
    ("certificate_like_empty_ad", "-----BEGIN CERTIFICATE-----\n惠民\n", "", "0123456789ab"),
]:
    ct = encrypt(plain, ad, nonce)
    aes.append({"name": name, "nonce": nonce, "associated_data": ad, "ciphertext": ct,
                "sdk_plaintext": sdk_utils.aes_decrypt(nonce, ct, ad, merchant["apiv3_key"])})
wrong_key = rand_text(32)
aes.append({"name": "wrong_key", "nonce": "fdasflkja484", "associated_data": "transaction",
            "ciphertext": aes[0]["ciphertext"], "apiv3_key": wrong_key,
            "sdk_plaintext": sdk_utils.aes_decrypt("fdasflkja484", aes[0]["ciphertext"],
                                                   "transaction", wrong_key)})
assert aes[-1]["sdk_plaintext"] is None

out = {
    "_source": {
        "generator": "scripts/gateway-vectors/generate.sh (wechat.py)",
        "sdk": "PyPI wechatpayv3==%s (cryptography==%s)" % (version("wechatpayv3"),
                                                          version("cryptography")),
        "generated": GENERATED,
        "keys": "TEST KEYS ONLY, generated fresh by the script; never used with WeChat Pay",
    },
    "keys": keys["wechat"],
    "requests": requests_out,
    "compact_requests": compact,
    "jsapi_pay": jsapi,
    "callbacks": callbacks,
    "aes_gcm": aes,
}
with open(os.path.join(OUT_DIR, "wechat.json"), "w") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
