//! Paying on the phone through a gateway (the sandbox Huimin serves, spoken to over HTTP):
//! a held place paid and confirmed; a notification applied once however often it comes;
//! forged, stale, replayed and wrong-amount notifications refused and logged with nothing
//! changed; two orders of one bill both paid → one applied, the other's money sent back;
//! refunds at the desk go back through the gateway.

use huimin_server::billing::gateways::sandbox::{
    NONCE, SIGNATURE, TIMESTAMP, notice_message, sign,
};
use huimin_server::billing::gateways::worker;
use serde_json::{Value, json};

use crate::booking_api::clinic;
use crate::helpers::*;
use crate::my_bookings::{session, slot_and_patient};
use crate::on_both;

struct Paying {
    app: TestApp,
    patient: String,
    patient_id: String,
    appointment: String,
}

/// A patient holding a ¥50 place where fees are paid online through the sandbox.
async fn held_place(db: Db) -> Paying {
    let app = TestApp::spawn_with(db, |s| {
        s.online_payment = true;
        s.pay_sandbox = true;
    })
    .await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 50.0).await;
    let (_, slots) = session(&app, &admin, &role, 2, 4).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_2).await;
    let held = app
        .post_json(
            "/fhir/Appointment/$hold",
            Some(&patient),
            &slot_and_patient(&slots[0], &patient_id),
        )
        .await;
    assert_eq!(held.status, 201, "{}", held.body);
    let appointment = held.body["id"].as_str().unwrap().to_owned();
    Paying {
        app,
        patient,
        patient_id,
        appointment,
    }
}

async fn start(p: &Paying, channel: &str) -> Resp {
    p.app
        .post_raw(
            &format!("/api/appointments/{}/online-payment", p.appointment),
            Some(&p.patient),
            "application/json",
            &json!({"channel": channel}).to_string(),
        )
        .await
}

/// The payer's choice on the sandbox's page.
async fn payer(app: &TestApp, order: &str, choice: Value) -> Resp {
    app.post_raw(
        &format!("/sandbox/trades/{order}/pay"),
        None,
        "application/json",
        &choice.to_string(),
    )
    .await
}

/// Drives the payments worker (the server runs its own too) until the order reads as `done`
/// says, for at most 10 seconds; the order as last read.
async fn until(app: &TestApp, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        worker::run_once(&app.state).await.unwrap();
        let read = order(app, token, id).await;
        if done(&read) {
            return read;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    order(app, token, id).await
}

/// The sandbox's platform key, to sign notifications as the gateway does.
fn platform_key(app: &TestApp) -> [u8; 32] {
    app.state.gateways.sandbox.as_ref().unwrap().keys().platform
}

/// The visit's bill as its patient reads it.
async fn bill_of(p: &Paying) -> Resp {
    p.app
        .get(
            &format!("/api/appointments/{}/bill", p.appointment),
            Some(&p.patient),
        )
        .await
}

async fn order(app: &TestApp, token: &str, id: &str) -> Value {
    let read = app.get(&format!("/api/pay-orders/{id}"), Some(token)).await;
    assert_eq!(read.status, 200, "{}", read.body);
    read.body
}

async fn outcomes(app: &TestApp, order: &str) -> Vec<String> {
    let mut log: Vec<String> = app
        .store
        .gateway_callbacks(Some(order), 50)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, _, outcome, _, _)| outcome)
        .collect();
    log.sort();
    log
}

async fn a_held_place_paid_through_the_sandbox_is_booked_and_the_notice_applies_once(db: Db) {
    let p = held_place(db).await;
    let started = start(&p, "wechat-pay").await;
    assert_eq!(started.status, 201, "{}", started.body);
    let id = started.body["id"].as_str().unwrap().to_owned();
    assert_eq!(started.body["amount"]["value"], 50.0, "{}", started.body);
    assert_eq!(started.body["status"], "pending");
    let url = started.body["checkout_url"].as_str().unwrap();
    assert_eq!(url, format!("/sandbox/pay/{id}"));
    // A second tab gets the same order back.
    let again = start(&p, "wechat-pay").await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["id"], id.as_str());
    // The gateway's page knows the trade; the payer pays and the gateway notifies twice.
    let trade = p.app.get(&format!("/sandbox/trades/{id}"), None).await;
    assert_eq!(trade.body["amount"]["total"], 5000, "{}", trade.body);
    let paid = payer(&p.app, &id, json!({"pay": true, "notices": 2})).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    let read = until(&p.app, &p.patient, &id, |o| o["status"] == "paid").await;
    assert_eq!(read["status"], "paid", "{read}");
    // The second notice comes a second later and changes nothing.
    for _ in 0..50 {
        if outcomes(&p.app, &id).await.len() == 2 {
            break;
        }
        worker::run_once(&p.app.state).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(outcomes(&p.app, &id).await, ["applied", "repeat"]);
    let appointment = p
        .app
        .get(
            &format!("/fhir/Appointment/{}", p.appointment),
            Some(&p.patient),
        )
        .await;
    assert_eq!(appointment.body["status"], "booked", "{}", appointment.body);
    let bill = bill_of(&p).await;
    assert_eq!(bill.body["invoice"]["status"], "balanced", "{}", bill.body);
    let entries = bill.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "one payment: {}", bill.body);
    // Paid: nothing more can be ordered.
    let more = start(&p, "alipay").await;
    assert_eq!(more.status, 409, "{}", more.body);
    p.app.finish().await;
}
on_both!(a_held_place_paid_through_the_sandbox_is_booked_and_the_notice_applies_once);

/// Sends a notification signed with `key` (the sandbox's platform key unless a test forges).
async fn notify(app: &TestApp, key: &[u8; 32], timestamp: i64, nonce: &str, body: &Value) -> Resp {
    let body = body.to_string();
    let signature = sign(key, &notice_message(timestamp, nonce, body.as_bytes()));
    let request = app
        .client
        .post(format!("{}/api/payments/notify/sandbox", app.base))
        .header("content-type", "application/json")
        .header(TIMESTAMP, timestamp.to_string())
        .header(NONCE, nonce)
        .header(SIGNATURE, signature)
        .body(body);
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    let body = answer.json().await.unwrap_or(Value::Null);
    Resp {
        status,
        body,
        headers: Default::default(),
    }
}

fn success(order: &str, total: i64, currency: &str) -> Value {
    json!({
        "id": "n-1",
        "event_type": "TRANSACTION.SUCCESS",
        "resource": {
            "out_trade_no": order,
            "transaction_id": "4200000000000000000000000001",
            "trade_state": "SUCCESS",
            "amount": {"total": total, "currency": currency},
            "success_time": "2026-12-07T10:00:00Z",
        },
    })
}

async fn forged_stale_replayed_and_wrong_notices_are_refused_and_change_nothing(db: Db) {
    let p = held_place(db).await;
    let started = start(&p, "alipay").await;
    assert_eq!(started.status, 201, "{}", started.body);
    let id = started.body["id"].as_str().unwrap().to_owned();
    let key = platform_key(&p.app);
    let now = jiff::Timestamp::now().as_second();
    let forged = notify(&p.app, &[7; 32], now, "nonce-1", &success(&id, 5000, "CNY")).await;
    assert_eq!(forged.status, 401, "{}", forged.body);
    let stale = notify(
        &p.app,
        &key,
        now - 3600,
        "nonce-2",
        &success(&id, 5000, "CNY"),
    )
    .await;
    assert_eq!(stale.status, 401, "{}", stale.body);
    let cheaper = notify(&p.app, &key, now, "nonce-3", &success(&id, 1, "CNY")).await;
    assert_eq!(cheaper.status, 400, "{}", cheaper.body);
    assert!(cheaper.body["message"].as_str().unwrap().contains("amount"));
    let dollars = notify(&p.app, &key, now, "nonce-4", &success(&id, 5000, "USD")).await;
    assert_eq!(dollars.status, 400, "{}", dollars.body);
    let unknown = notify(
        &p.app,
        &key,
        now,
        "nonce-5",
        &success("HMnosuchorder1", 5000, "CNY"),
    )
    .await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    let replay = notify(&p.app, &key, now, "nonce-3", &success(&id, 5000, "CNY")).await;
    assert_eq!(replay.status, 401, "a nonce seen before: {}", replay.body);
    // Nothing was applied: the order is open and the place still held.
    let read = order(&p.app, &p.patient, &id).await;
    assert_eq!(read["status"], "pending", "{read}");
    let appointment = p
        .app
        .get(
            &format!("/fhir/Appointment/{}", p.appointment),
            Some(&p.patient),
        )
        .await;
    assert_eq!(appointment.body["status"], "pending");
    // Every refusal is on the trail.
    let log = p.app.store.gateway_callbacks(None, 50).await.unwrap();
    assert_eq!(
        log.iter().filter(|l| l.2 == "refused").count(),
        6,
        "{log:?}"
    );
    // The genuine notice is applied.
    let genuine = notify(&p.app, &key, now, "nonce-6", &success(&id, 5000, "CNY")).await;
    assert_eq!(genuine.status, 204, "{}", genuine.body);
    assert_eq!(order(&p.app, &p.patient, &id).await["status"], "paid");
    p.app.finish().await;
}
on_both!(forged_stale_replayed_and_wrong_notices_are_refused_and_change_nothing);

async fn two_orders_of_one_bill_both_paid_apply_one_and_send_the_other_back(db: Db) {
    let p = held_place(db).await;
    let first = start(&p, "wechat-pay").await;
    let first = first.body["id"].as_str().unwrap().to_owned();
    // The patient switches to Alipay in another tab: the WeChat order is closed here and at
    // the gateway, yet the payer still pays it (the close raced the payment).
    let second = start(&p, "alipay").await;
    assert_eq!(second.status, 201, "{}", second.body);
    let second = second.body["id"].as_str().unwrap().to_owned();
    assert_eq!(order(&p.app, &p.patient, &first).await["status"], "closed");
    let key = platform_key(&p.app);
    let now = jiff::Timestamp::now().as_second();
    // Both notices at once.
    let notice_a = success(&first, 5000, "CNY");
    let notice_b = success(&second, 5000, "CNY");
    let (a, b) = tokio::join!(
        notify(&p.app, &key, now, "n-a", &notice_a),
        notify(&p.app, &key, now, "n-b", &notice_b),
    );
    assert_eq!((a.status, b.status), (204, 204), "{} {}", a.body, b.body);
    let statuses = [
        order(&p.app, &p.patient, &first).await["status"].clone(),
        order(&p.app, &p.patient, &second).await["status"].clone(),
    ];
    let mut sorted: Vec<String> = statuses
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    sorted.sort();
    assert_eq!(sorted, ["paid", "refund-due"]);
    let bill = bill_of(&p).await;
    assert_eq!(
        bill.body["entries"].as_array().unwrap().len(),
        1,
        "{}",
        bill.body
    );
    assert_eq!(bill.body["invoice"]["status"], "balanced");
    p.app.finish().await;
}
on_both!(two_orders_of_one_bill_both_paid_apply_one_and_send_the_other_back);

async fn a_payment_that_arrives_after_the_hold_lapsed_goes_back_through_the_gateway(db: Db) {
    let p = held_place(db).await;
    let started = start(&p, "wechat-pay").await;
    let id = started.body["id"].as_str().unwrap().to_owned();
    // The payer pays; the hold lapses before the notification is handled.
    let paid = payer(&p.app, &id, json!({"pay": true, "delay_seconds": 60})).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    let later = p.app.state.clock.now() + jiff::SignedDuration::from_mins(16);
    p.app.store.release_expired_holds(later).await.unwrap();
    let key = platform_key(&p.app);
    let trade = p.app.store.sandbox_trade(&id).await.unwrap().unwrap();
    let mut notice = success(&id, 5000, "CNY");
    notice["resource"]["transaction_id"] = json!(trade.transaction_id);
    let now = jiff::Timestamp::now().as_second();
    let answer = notify(&p.app, &key, now, "late-1", &notice).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(order(&p.app, &p.patient, &id).await["status"], "refund-due");
    let read = until(&p.app, &p.patient, &id, |o| o["status"] == "refunded").await;
    assert_eq!(read["status"], "refunded", "{read}");
    assert_eq!(read["refunds"][0]["status"], "succeeded", "{read}");
    let trade = p.app.store.sandbox_trade(&id).await.unwrap().unwrap();
    assert_eq!(trade.refunded_fen, 5000, "the gateway gave the money back");
    p.app.finish().await;
}
on_both!(a_payment_that_arrives_after_the_hold_lapsed_goes_back_through_the_gateway);

async fn a_refund_at_the_desk_of_an_online_payment_goes_back_through_the_gateway(db: Db) {
    let p = held_place(db).await;
    let started = start(&p, "wechat-pay").await;
    let id = started.body["id"].as_str().unwrap().to_owned();
    payer(&p.app, &id, json!({"pay": true})).await;
    let read = until(&p.app, &p.patient, &id, |o| o["status"] == "paid").await;
    assert_eq!(read["status"], "paid", "{read}");
    // The patient cancels: the fee is refunded by the ledger's rules, through WeChat Pay.
    let cancelled = p
        .app
        .set_status(&p.patient, &p.appointment, "cancelled", "en")
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let read = until(&p.app, &p.patient, &id, |o| {
        o["refunds"][0]["status"] == "succeeded"
    })
    .await;
    assert_eq!(read["refunds"][0]["status"], "succeeded", "{read}");
    assert_eq!(read["refunds"][0]["amount"]["value"], 50.0, "{read}");
    let trade = p.app.store.sandbox_trade(&id).await.unwrap().unwrap();
    assert_eq!(trade.refunded_fen, 5000);
    p.app.finish().await;
}
on_both!(a_refund_at_the_desk_of_an_online_payment_goes_back_through_the_gateway);

async fn online_payment_refuses_unknown_methods_and_other_families(db: Db) {
    let p = held_place(db).await;
    let cash = start(&p, "cash").await;
    assert_eq!(cash.status, 422, "{}", cash.body);
    assert_eq!(cash.expression(), Some("channel"));
    let (other, _) = p.app.patient("13911110002", "李四", ID_3).await;
    let foreign = p
        .app
        .post_raw(
            &format!("/api/appointments/{}/online-payment", p.appointment),
            Some(&other),
            "application/json",
            &json!({"channel": "wechat-pay"}).to_string(),
        )
        .await;
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    let started = start(&p, "wechat-pay").await;
    let id = started.body["id"].as_str().unwrap();
    let peek = p
        .app
        .get(&format!("/api/pay-orders/{id}"), Some(&other))
        .await;
    assert_eq!(peek.status, 404);
    p.app.finish().await;
}
on_both!(online_payment_refuses_unknown_methods_and_other_families);

/// Records the patient of `p` as an insured employee with `balance` fen in the personal
/// account and `deductible_used` fen of this year's deductible (¥1,200) already paid.
async fn insure(p: &Paying, balance: i64, deductible_used: i64) {
    let registrar = p.app.staff("registrar").await;
    let patient = &p.patient_id;
    let recorded = p
        .app
        .client
        .put(format!("{}/api/patients/{patient}/insurance", p.app.base))
        .bearer_auth(&registrar)
        .header("content-type", "application/json")
        .body(
            json!({"insured_no": "DEMO3301000009", "scheme": "employee", "account_balance_fen": balance})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(recorded.status(), 200);
    // The year's figures are the insurer's (no API writes them): set here as the platform
    // would report them.
    let mut cover = p.app.store.insurance_cover(patient).await.unwrap().unwrap();
    cover.state.deductible_used = deductible_used;
    p.app
        .store
        .set_insurance_cover(&cover, jiff::Timestamp::now().as_microsecond())
        .await
        .unwrap();
}

async fn cover_of(p: &Paying) -> Value {
    let patient = &p.patient_id;
    let read = p
        .app
        .get(
            &format!("/api/patients/{patient}/insurance"),
            Some(&p.patient),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    read.body
}

async fn an_insured_patient_pays_only_the_cash_part_and_a_cancellation_reverses_the_settlement(
    db: Db,
) {
    let p = held_place(db).await;
    // The deductible is used up: the pool pays 70 % of the ¥50 fee (a tertiary hospital), the
    // account ¥10 of the ¥15 co-pay, and the patient ¥5 on the phone.
    insure(&p, 1000, 120_000).await;
    let started = start(&p, "wechat-pay").await;
    assert_eq!(started.status, 201, "{}", started.body);
    assert_eq!(started.body["amount"]["value"], 5.0, "{}", started.body);
    assert_eq!(started.body["insurance"]["pool"]["value"], 35.0);
    assert_eq!(started.body["insurance"]["account"]["value"], 10.0);
    let id = started.body["id"].as_str().unwrap().to_owned();
    payer(&p.app, &id, json!({"pay": true})).await;
    let read = until(&p.app, &p.patient, &id, |o| o["status"] == "paid").await;
    assert_eq!(read["status"], "paid", "{read}");
    let bill = bill_of(&p).await;
    let mut parts: Vec<(String, f64)> = bill.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap().to_owned(),
                e["amount"]["value"].as_f64().unwrap(),
            )
        })
        .collect();
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        parts,
        [
            ("insurance-account".to_owned(), 10.0),
            ("medical-insurance".to_owned(), 35.0),
            ("wechat-pay".to_owned(), 5.0)
        ],
        "{}",
        bill.body
    );
    let cover = cover_of(&p).await;
    assert_eq!(cover["account_balance"]["value"], 0.0, "{cover}");
    assert_eq!(cover["pool_paid"]["value"], 35.0, "{cover}");
    // Cancelled: the pool and the account get theirs back, the cash goes back through WeChat.
    let cancelled = p
        .app
        .set_status(&p.patient, &p.appointment, "cancelled", "en")
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let cover = cover_of(&p).await;
    assert_eq!(cover["account_balance"]["value"], 10.0, "{cover}");
    assert_eq!(cover["pool_paid"]["value"], 0.0, "{cover}");
    assert_eq!(cover["deductible_used"]["value"], 1200.0, "{cover}");
    let read = until(&p.app, &p.patient, &id, |o| {
        o["refunds"][0]["status"] == "succeeded"
    })
    .await;
    assert_eq!(read["refunds"][0]["amount"]["value"], 5.0, "{read}");
    assert_eq!(
        read["refunds"].as_array().unwrap().len(),
        1,
        "only the cash part: {read}"
    );
    p.app.finish().await;
}
on_both!(an_insured_patient_pays_only_the_cash_part_and_a_cancellation_reverses_the_settlement);

async fn a_bill_the_insurance_pays_whole_is_settled_without_a_gateway(db: Db) {
    let p = held_place(db).await;
    insure(&p, 2000, 120_000).await;
    let started = start(&p, "alipay").await;
    assert_eq!(started.status, 201, "{}", started.body);
    assert_eq!(started.body["status"], "paid", "{}", started.body);
    assert_eq!(started.body["amount"]["value"], 0.0);
    assert!(started.body["checkout_url"].is_null());
    let appointment = p
        .app
        .get(
            &format!("/fhir/Appointment/{}", p.appointment),
            Some(&p.patient),
        )
        .await;
    assert_eq!(appointment.body["status"], "booked", "{}", appointment.body);
    let cover = cover_of(&p).await;
    assert_eq!(cover["account_balance"]["value"], 5.0, "{cover}");
    p.app.finish().await;
}
on_both!(a_bill_the_insurance_pays_whole_is_settled_without_a_gateway);

async fn at_the_desk_an_insured_patient_pays_the_cash_part_and_the_funds_the_rest(db: Db) {
    let p = held_place(db).await;
    insure(&p, 1000, 120_000).await;
    let registrar = p.app.staff("registrar").await;
    let paid = p
        .app
        .post_raw(
            &format!("/api/appointments/{}/payment", p.appointment),
            Some(&registrar),
            "application/json",
            &json!({"method": "cash"}).to_string(),
        )
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(
        paid.body["amount"]["value"], 5.0,
        "the cash part: {}",
        paid.body
    );
    assert_eq!(paid.body["paid"]["value"], 50.0, "{}", paid.body);
    assert_eq!(paid.body["balance_due"]["value"], 0.0);
    let cover = cover_of(&p).await;
    assert_eq!(cover["pool_paid"]["value"], 35.0, "{cover}");
    assert_eq!(cover["account_balance"]["value"], 0.0, "{cover}");
    p.app.finish().await;
}
on_both!(at_the_desk_an_insured_patient_pays_the_cash_part_and_the_funds_the_rest);

async fn the_same_notice_twice_at_once_is_applied_once(db: Db) {
    let p = held_place(db).await;
    let started = start(&p, "wechat-pay").await;
    let id = started.body["id"].as_str().unwrap().to_owned();
    let key = platform_key(&p.app);
    let now = jiff::Timestamp::now().as_second();
    let notice = success(&id, 5000, "CNY");
    // A gateway's retry carries a new nonce: both are genuine.
    let (a, b, c) = tokio::join!(
        notify(&p.app, &key, now, "twice-1", &notice),
        notify(&p.app, &key, now, "twice-2", &notice),
        notify(&p.app, &key, now, "twice-3", &notice),
    );
    assert_eq!((a.status, b.status, c.status), (204, 204, 204));
    assert_eq!(outcomes(&p.app, &id).await, ["applied", "repeat", "repeat"]);
    let bill = bill_of(&p).await;
    assert_eq!(
        bill.body["entries"].as_array().unwrap().len(),
        1,
        "{}",
        bill.body
    );
    p.app.finish().await;
}
on_both!(the_same_notice_twice_at_once_is_applied_once);

/// Random bodies and headers at the notification endpoint, unsigned and signed: never a 5xx,
/// and the order stays open.
async fn garbled_notices_never_cause_a_server_error_or_a_payment(db: Db) {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, TestRunner};
    let p = held_place(db).await;
    let started = start(&p, "alipay").await;
    let id = started.body["id"].as_str().unwrap().to_owned();
    let key = platform_key(&p.app);
    let mut runner = TestRunner::new(Config::default());
    let bodies = proptest::prop_oneof![
        "\\PC{0,80}".prop_map(|s| json!(s)),
        proptest::collection::vec(proptest::num::u8::ANY, 0..60)
            .prop_map(|b| json!({"resource": String::from_utf8_lossy(&b)})),
        ("[A-Z_]{0,12}", -10_000i64..10_000, "[A-Z]{0,4}").prop_map(move |(state, total, cur)| {
            json!({"resource": {"out_trade_no": "HMx", "trade_state": state,
                "amount": {"total": total, "currency": cur}, "success_time": "yesterday"}})
        }),
    ];
    let now = jiff::Timestamp::now().as_second();
    for n in 0..40 {
        let body = bodies.new_tree(&mut runner).unwrap().current();
        let signed = notify(&p.app, &key, now, &format!("fuzz-{n}"), &body).await;
        assert!(signed.status < 500, "{} for {body}", signed.status);
        let garbage = p
            .app
            .client
            .post(format!("{}/api/payments/notify/sandbox", p.app.base))
            .header(TIMESTAMP, format!("-{n}e9"))
            .header(SIGNATURE, "%%%")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(garbage.status().as_u16() < 500);
    }
    assert_eq!(order(&p.app, &p.patient, &id).await["status"], "pending");
    p.app.finish().await;
}
on_both!(garbled_notices_never_cause_a_server_error_or_a_payment);

async fn cash_within_the_deductible_still_counts_towards_it(db: Db) {
    let p = held_place(db).await;
    insure(&p, 0, 0).await;
    let started = start(&p, "wechat-pay").await;
    assert_eq!(started.status, 201, "{}", started.body);
    assert_eq!(started.body["amount"]["value"], 50.0, "{}", started.body);
    assert!(started.body["insurance"].is_null(), "{}", started.body);
    let id = started.body["id"].as_str().unwrap().to_owned();
    payer(&p.app, &id, json!({"pay": true})).await;
    let read = until(&p.app, &p.patient, &id, |o| o["status"] == "paid").await;
    assert_eq!(read["status"], "paid", "{read}");
    let cover = cover_of(&p).await;
    assert_eq!(cover["deductible_used"]["value"], 50.0, "{cover}");
    p.app.finish().await;
}
on_both!(cash_within_the_deductible_still_counts_towards_it);
