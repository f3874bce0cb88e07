// Alipay open platform test vectors from the official npm `alipay-sdk`.
//
// Requests are signed by the SDK's own `sign()` helper (dist/commonjs/util.js, what exec(),
// sdkExecute() and pageExecute() call): the public methods would add the wall clock and, for
// pageExecute, an `alipay_sdk` parameter, and exec() goes to the network. The timestamp is
// passed as a parameter, which sign() lets override its clock. Notifications and responses are
// signed here as Alipay would (with the test "Alipay" key) and checked by the SDK's
// checkNotifySignV2() and checkResponseSign().
//
// Usage: node alipay.js OUT_DIR KEYS_JSON ALIPAY_SDK_DIR
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const [outDir, keysJson, sdkDirArg] = process.argv.slice(2);
const sdkDir = path.resolve(sdkDirArg);
const { AlipaySdk } = require(sdkDir);
const util = require(path.join(sdkDir, 'dist/commonjs/util.js'));
const sdkVersion = require(path.join(sdkDir, 'package.json')).version;
const keys = JSON.parse(fs.readFileSync(keysJson, 'utf8')).alipay;

const sdk = new AlipaySdk({
  appId: keys.app_id,
  privateKey: keys.app_private_key_pem,
  alipayPublicKey: keys.alipay_public_key_pem,
  keyType: 'PKCS1',
  signType: 'RSA2',
});

// What sign() signs, rebuilt the way it builds it; checked against its signature below.
function signString(params) {
  return Object.keys(params).filter(k => k !== 'sign').sort()
    .map(k => `${k}=${params[k]}`).join('&');
}

function verifies(content, signature, publicKeyPem) {
  return crypto.createVerify('RSA-SHA256').update(content, 'utf8')
    .verify(publicKeyPem, signature, 'base64');
}

function request(name, method, params) {
  const signed = util.sign(method, params, sdk.config);
  const content = signString(signed);
  if (!verifies(content, signed.sign, keys.app_public_key_pem)) {
    throw new Error(`${name}: rebuilt sign string is not what the SDK signed`);
  }
  const out = { name, method, params: signed, sign_string: content, signature: signed.sign };
  if (method === 'alipay.trade.wap.pay') {
    // pageExecute(method, 'GET', …): formatUrl() puts the system parameters in the URL, the
    // rest follow encodeURIComponent-ed.
    const { url, execParams } = sdk.formatUrl(sdk.config.gateway, signed);
    const rest = Object.keys(execParams)
      .map(k => `${k}=${encodeURIComponent(execParams[k])}`).join('&');
    out.sdk_url = `${url}&${rest}`;
  }
  return out;
}

const requests = [
  request('wap_pay', 'alipay.trade.wap.pay', {
    timestamp: '2026-12-07 10:00:05',
    notifyUrl: 'https://pay.huimin.example/api/pay/alipay/notify',
    returnUrl: 'https://huimin.example/pay/done?order=HM20261207-0001',
    bizContent: {
      out_trade_no: 'HM20261207-0001',
      total_amount: '25.50',
      subject: '惠民医院-门诊缴费 挂号费（普通门诊）',
      product_code: 'QUICK_WAP_WAY',
      quit_url: 'https://huimin.example/pay/cancel',
      time_expire: '2026-12-07 10:30:00',
    },
  }),
  request('trade_query', 'alipay.trade.query', {
    timestamp: '2026-12-07 10:05:00',
    bizContent: { out_trade_no: 'HM20261207-0001' },
  }),
  request('trade_refund_partial', 'alipay.trade.refund', {
    timestamp: '2026-12-07 11:20:00',
    bizContent: {
      out_trade_no: 'HM20261207-0001',
      refund_amount: '10.00',
      out_request_no: 'HMR20261207-0001',
      refund_reason: '患者取消挂号，退部分费用',
    },
  }),
  request('bill_download_url', 'alipay.data.dataservice.bill.downloadurl.query', {
    timestamp: '2026-12-07 09:00:00',
    bizContent: { bill_type: 'trade', bill_date: '2026-12-06' },
  }),
];

// ---- async notifications ----------------------------------------------------------------
function signAsAlipay(form) {
  const content = Object.keys(form).filter(k => k !== 'sign' && k !== 'sign_type').sort()
    .map(k => `${k}=${form[k]}`).join('&');
  return { content, sign: util.signatureV3(content, keys.alipay_private_key_pem) };
}

function notification(name, form) {
  const { content, sign } = signAsAlipay(form);
  const signed = { ...form, sign };
  const sig = Buffer.from(sign, 'base64');
  sig[100] ^= 1;
  const tampered = [
    ['total_amount', { ...signed, total_amount: '2550.00' }],
    ['trade_status', { ...signed, trade_status: 'TRADE_FINISHED' }],
    ['added_param', { ...signed, extra: '1' }],
    ['signature', { ...signed, sign: sig.toString('base64') }],
  ].map(([what, f]) => ({ tampered: what, form: f, sdk_accepted: sdk.checkNotifySignV2(f) }));
  return {
    name, form: signed, sign_string: content,
    sdk_accepted: sdk.checkNotifySignV2(signed), tampered,
  };
}

const common = {
  app_id: keys.app_id, auth_app_id: keys.app_id, charset: 'utf-8', version: '1.0',
  sign_type: 'RSA2', notify_type: 'trade_status_sync',
  seller_id: '2088101117955611', seller_email: 'huimin-pay@example.com',
  buyer_id: '2088102175953034', buyer_logon_id: '159****5620',
  out_trade_no: 'HM20261207-0001', trade_no: '2026120722001453031400000001',
  subject: '惠民医院-门诊缴费 挂号费（普通门诊）', gmt_create: '2026-12-07 10:00:30',
};
const notifications = [
  notification('trade_success', {
    ...common, notify_time: '2026-12-07 10:01:03', notify_id: '2026120700222100103000001',
    trade_status: 'TRADE_SUCCESS', total_amount: '25.50', receipt_amount: '25.50',
    invoice_amount: '25.50', buyer_pay_amount: '25.50', point_amount: '0.00',
    gmt_payment: '2026-12-07 10:01:02',
    fund_bill_list: '[{"amount":"25.50","fundChannel":"ALIPAYACCOUNT"}]',
    body: '门诊号 42 & 内科',
  }),
  notification('partial_refund', {
    ...common, notify_time: '2026-12-07 11:20:05', notify_id: '2026120700222112005000002',
    trade_status: 'TRADE_SUCCESS', total_amount: '25.50', refund_fee: '10.00',
    out_biz_no: 'HMR20261207-0001', gmt_payment: '2026-12-07 10:01:02',
    gmt_refund: '2026-12-07 11:20:04.123',
  }),
];

// ---- synchronous response ---------------------------------------------------------------
function response(name, method, nodeJson) {
  const key = `${method.replaceAll('.', '_')}_response`;
  const sign = util.signatureV3(nodeJson, keys.alipay_private_key_pem);
  const raw = `{"${key}":${nodeJson},"sign":"${sign}"}`;
  const sdkAccepts = text => {
    try {
      sdk.checkResponseSign(text, key, JSON.parse(text).sign, 'vector');
      return true;
    } catch {
      return false;
    }
  };
  const tamperedRaw = raw.replace('"msg":"Success"', '"msg":"Success "');
  return {
    name, method, response_key: key, raw, signed_content: nodeJson,
    sdk_accepted: sdkAccepts(raw),
    tampered: [{ tampered: 'msg', raw: tamperedRaw, sdk_accepted: sdkAccepts(tamperedRaw) }],
  };
}

const responses = [
  response('trade_query', 'alipay.trade.query',
    '{"code":"10000","msg":"Success","buyer_logon_id":"159****5620",' +
    '"buyer_pay_amount":"25.50","out_trade_no":"HM20261207-0001","point_amount":"0.00",' +
    '"receipt_amount":"25.50","send_pay_date":"2026-12-07 10:01:02","total_amount":"25.50",' +
    '"trade_no":"2026120722001453031400000001","trade_status":"TRADE_SUCCESS",' +
    '"buyer_user_name":"张*","ext_infos":"{\\"note\\":\\"a\\/b }{\\"}"}'),
  response('trade_refund', 'alipay.trade.refund',
    '{"code":"10000","msg":"Success","buyer_logon_id":"159****5620","fund_change":"Y",' +
    '"out_trade_no":"HM20261207-0001","refund_fee":"10.00","send_back_fee":"10.00",' +
    '"trade_no":"2026120722001453031400000001","gmt_refund_pay":"2026-12-07 11:20:04"}'),
];

const out = {
  _source: {
    generator: 'scripts/gateway-vectors/generate.sh (alipay.js)',
    sdk: `npm alipay-sdk@${sdkVersion} (node ${process.version})`,
    generated: '2026-12-07',
    keys: 'TEST KEYS ONLY, generated fresh by the script; never used with Alipay',
  },
  keys,
  requests,
  notifications,
  responses,
};
fs.writeFileSync(path.join(outDir, 'alipay.json'), JSON.stringify(out, null, 1) + '\n');
