//! Daily reconciliation with the sandbox gateway: its trade bill of today against Huimin's
//! orders, ledger payments and refunds. A day of three online payments and one refund is
//! clean; differences planted on the gateway's side (a trade Huimin never ordered, a trade
//! gone, an amount changed, a refund Huimin never asked for) each land in their own list.

use huimin_domain::appointments::PaymentMethod;
use huimin_server::billing::gateways::{CheckoutRequest, Gateway, worker};
use serde_json::{Value, json};

use crate::booking_api::clinic;
use crate::helpers::*;
use crate::my_bookings::{session, slot_and_patient};
use crate::on_both;

/// A visit paid online through the sandbox.
pub(crate) struct PaidVisit {
    pub patient: String,
    pub appointment: String,
    pub order: String,
}

/// An app with online payment through the sandbox, and `n` (≤ 3) patients who each held a
/// ¥50 place and paid it by WeChat Pay.
pub(crate) async fn paid_visits(db: Db, n: usize) -> (TestApp, Vec<PaidVisit>) {
    let app = TestApp::spawn_with(db, |s| {
        s.online_payment = true;
        s.pay_sandbox = true;
    })
    .await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 50.0).await;
    let (_, slots) = session(&app, &admin, &role, 2, 4).await;
    let people = [
        ("13911110001", "王小明", ID_2),
        ("13911110002", "李四", ID_3),
        ("13911110003", "张三", ID_1),
    ];
    let mut visits = Vec::new();
    for (i, (phone, name, id)) in people.into_iter().take(n).enumerate() {
        let (patient, patient_id) = app.patient(phone, name, id).await;
        let held = app
            .post_json(
                "/fhir/Appointment/$hold",
                Some(&patient),
                &slot_and_patient(&slots[i], &patient_id),
            )
            .await;
        assert_eq!(held.status, 201, "{}", held.body);
        let appointment = held.body["id"].as_str().unwrap().to_owned();
        let started = app
            .post_json(
                &format!("/api/appointments/{appointment}/online-payment"),
                Some(&patient),
                &json!({"channel": "wechat-pay"}),
            )
            .await;
        assert_eq!(started.status, 201, "{}", started.body);
        let order = started.body["id"].as_str().unwrap().to_owned();
        sandbox_pays(&app, &order).await;
        let read = until(&app, &patient, &order, |o| o["status"] == "paid").await;
        assert_eq!(read["status"], "paid", "{read}");
        visits.push(PaidVisit {
            patient,
            appointment,
            order,
        });
    }
    (app, visits)
}

/// The payer pays on the sandbox's page.
async fn sandbox_pays(app: &TestApp, order: &str) {
    let paid = app
        .post_json(
            &format!("/sandbox/trades/{order}/pay"),
            None,
            &json!({"pay": true}),
        )
        .await;
    assert_eq!(paid.status, 200, "{}", paid.body);
}

/// Drives the payments worker until the order reads as `done` says (at most 10 seconds).
pub(crate) async fn until(
    app: &TestApp,
    token: &str,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let mut read = Value::Null;
    for _ in 0..100 {
        worker::run_once(&app.state).await.unwrap();
        read = app
            .get(&format!("/api/pay-orders/{id}"), Some(token))
            .await
            .body;
        if done(&read) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    read
}

/// Today in Beijing time, the day gateways' statements are of.
fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
        .to_string()
}

/// Runs a statement on the test's database directly (to plant what a gateway might say).
async fn sql(app: &TestApp, statement: &str) {
    use sqlx::Connection;
    let url = match &app.settings.database {
        Some(huimin_store::DatabaseTarget::Postgres { url }) => url.clone(),
        _ => format!("sqlite://{}", app.dir.path().join("huimin.db").display()),
    };
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

async fn run(app: &TestApp, token: &str, date: &str) -> Resp {
    app.post_json(
        "/api/admin/reconciliations",
        Some(token),
        &json!({"provider": "sandbox", "date": date}),
    )
    .await
}

fn listed(run: &Value, kind: &str, list: &str, key: &str) -> Vec<String> {
    let mut found: Vec<String> = run["differences"][kind][list]
        .as_array()
        .unwrap_or_else(|| panic!("no {kind}.{list} in {run}"))
        .iter()
        .map(|d| d[key].as_str().unwrap_or_default().to_owned())
        .collect();
    found.sort();
    found
}

async fn a_day_of_three_payments_and_a_refund_reconciles_clean(db: Db) {
    let (app, visits) = paid_visits(db, 3).await;
    // The first patient cancels: the fee goes back through the gateway.
    let first = &visits[0];
    let cancelled = app
        .set_status(&first.patient, &first.appointment, "cancelled", "en")
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let read = until(&app, &first.patient, &first.order, |o| {
        o["refunds"][0]["status"] == "succeeded"
    })
    .await;
    assert_eq!(read["refunds"][0]["status"], "succeeded", "{read}");
    let admin = app.admin().await;
    let done = run(&app, &admin, &today()).await;
    assert_eq!(done.status, 201, "{}", done.body);
    assert_eq!(done.body["matched"], 4, "{}", done.body);
    assert_eq!(done.body["clean"], true, "{}", done.body);
    for kind in ["payments", "refunds"] {
        for list in ["missing_in_huimin", "extra_in_huimin", "amount_mismatches"] {
            assert!(listed(&done.body, kind, list, "order").is_empty());
        }
    }
    // The run is kept, and registrars may read it but not run one.
    let registrar = app.staff("registrar").await;
    let runs = app
        .get(
            &format!("/api/admin/reconciliations?date={}", today()),
            Some(&registrar),
        )
        .await;
    assert_eq!(runs.status, 200, "{}", runs.body);
    assert_eq!(runs.body["runs"][0]["id"], done.body["id"]);
    assert_eq!(run(&app, &registrar, &today()).await.status, 403);
    let patient = app
        .get("/api/admin/reconciliations", Some(&first.patient))
        .await;
    assert_eq!(patient.status, 403);
    // Another day has nothing on either side.
    let other = run(&app, &admin, "2026-01-01").await;
    assert_eq!(other.status, 201, "{}", other.body);
    assert_eq!(other.body["matched"], 0);
    assert_eq!(other.body["clean"], true);
    app.finish().await;
}
on_both!(a_day_of_three_payments_and_a_refund_reconciles_clean);

async fn differences_planted_at_the_gateway_each_land_in_their_list(db: Db) {
    let (app, visits) = paid_visits(db, 3).await;
    let (changed, gone, kept) = (&visits[0].order, &visits[1].order, &visits[2].order);
    // A trade the gateway took that Huimin never ordered (a payment made outside Huimin).
    let gateway = app.state.gateways.sandbox.as_ref().unwrap();
    let stray = "STRAY0000000001";
    let order = CheckoutRequest {
        order_id: stray.into(),
        amount_fen: 1234,
        description: "not Huimin's".into(),
        notify_url: format!("{}/api/payments/notify/sandbox", app.base),
        return_url: "/".into(),
    };
    gateway
        .checkout(&order, PaymentMethod::WechatPay)
        .await
        .unwrap();
    sandbox_pays(&app, stray).await;
    // The gateway lost one of Huimin's paid orders, changed another's amount, and lists a
    // refund Huimin never asked for.
    sql(
        &app,
        &format!("DELETE FROM sandbox_trades WHERE out_trade_no = '{gone}'"),
    )
    .await;
    sql(
        &app,
        &format!("UPDATE sandbox_trades SET amount_fen = 4900 WHERE out_trade_no = '{changed}'"),
    )
    .await;
    let now = jiff::Timestamp::now().as_microsecond();
    sql(
        &app,
        &format!(
            "INSERT INTO sandbox_refunds (out_refund_no, out_trade_no, amount_fen, created_at) \
             VALUES ('RFSTRAY01', '{kept}', 700, {now})"
        ),
    )
    .await;
    let admin = app.admin().await;
    let done = run(&app, &admin, &today()).await;
    assert_eq!(done.status, 201, "{}", done.body);
    let body = &done.body;
    assert_eq!(body["clean"], false, "{body}");
    assert_eq!(
        body["matched"], 1,
        "only the untouched payment matches: {body}"
    );
    assert_eq!(
        listed(body, "payments", "missing_in_huimin", "order"),
        [stray]
    );
    assert_eq!(
        listed(body, "payments", "extra_in_huimin", "order"),
        [gone.as_str()]
    );
    assert_eq!(
        listed(body, "payments", "amount_mismatches", "order"),
        [changed.as_str()]
    );
    let mismatch = &body["differences"]["payments"]["amount_mismatches"][0];
    assert_eq!(
        (
            mismatch["gateway_fen"].clone(),
            mismatch["huimin_fen"].clone()
        ),
        (json!(4900), json!(5000))
    );
    assert_eq!(
        listed(body, "refunds", "missing_in_huimin", "refund"),
        ["RFSTRAY01"]
    );
    assert!(listed(body, "refunds", "extra_in_huimin", "refund").is_empty());
    // A bad date or provider is refused before the gateway is asked.
    let bad = run(&app, &admin, "2026-13-01").await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let tomorrow = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
        .tomorrow()
        .unwrap();
    assert_eq!(run(&app, &admin, &tomorrow.to_string()).await.status, 422);
    let unknown = app
        .post_json(
            "/api/admin/reconciliations",
            Some(&admin),
            &json!({"provider": "unionpay", "date": today()}),
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    app.finish().await;
}
on_both!(differences_planted_at_the_gateway_each_land_in_their_list);
