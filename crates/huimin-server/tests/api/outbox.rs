//! The outbox: events written with their change are delivered at least once, survive a crash
//! between the change and the delivery, and two workers deliver each event once.

use huimin_server::messages::worker::dispatch_pending;
use serde_json::json;

use crate::booking_rules::{department, session_in};
use crate::helpers::*;
use crate::on_both;

/// A patient booked at the desk (and, with `pay_and_cancel`, paid, then cancelled and
/// refunded), the outbox worker of this process off.
async fn booked_without_delivery(db: Db, pay_and_cancel: bool) -> (TestApp, String, String) {
    let app = TestApp::spawn_with(db, |s| s.deliver_messages = false).await;
    let (patient, patient_id) = book_pay_cancel(&app, pay_and_cancel).await;
    (app, patient, patient_id)
}

async fn book_pay_cancel(app: &TestApp, pay_and_cancel: bool) -> (String, String) {
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (_, role) = department(app, &admin, "眼科", 12.5).await;
    let (slots, _) = session_in(app, &admin, &role, "morning").await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_2).await;
    let appointment = app.book(&registrar, &patient_id, &slots[0]).await;
    if pay_and_cancel {
        let paid = app
            .post_json(
                &format!("/api/appointments/{appointment}/payment"),
                Some(&registrar),
                &json!({"method": "alipay"}),
            )
            .await;
        assert_eq!(paid.status, 201, "{}", paid.body);
        let cancelled = app
            .set_status(&registrar, &appointment, "cancelled", "en")
            .await;
        assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    }
    (patient, patient_id)
}

async fn inbox_total(app: &TestApp, token: &str) -> i64 {
    let told = app.get("/api/me/notifications", Some(token)).await;
    told.body["total"].as_i64().unwrap()
}

/// The server answered the booking (the event committed with it); its worker never ran; a
/// worker that claimed the delivery then died holds a lease. After a kill -9 and a restart
/// the message is delivered once the lease runs out: nothing acknowledged is lost.
async fn a_crash_between_the_change_and_its_delivery_loses_no_message(db: Db) {
    let (app, patient, patient_id) = booked_without_delivery(db, false).await;
    assert_eq!(inbox_total(&app, &patient).await, 0);
    let events = app.store.events_of(&patient_id).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    let now = huimin_store::now_micros();
    // A worker claims it with a one-second lease, and dies.
    let claimed = app
        .store
        .claim_deliveries(now, 1_000_000, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(
        app.store
            .claim_deliveries(now, 1_000_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "a leased delivery is not claimed twice"
    );
    let app = app
        .crash_and_restart_with(|s| s.deliver_messages = true)
        .await;
    let message = app.message_of_kind(&patient, "booked", "zh").await;
    assert_eq!(message["id"], events[0].0, "the event id is the message id");
    assert!(
        message["text"].as_str().unwrap().contains("王小明"),
        "{message}"
    );
    assert_eq!(inbox_total(&app, &patient).await, 1);
    app.finish().await;
}
on_both!(a_crash_between_the_change_and_its_delivery_loses_no_message);

/// Two workers running at once share the deliveries: every event is delivered, each was
/// attempted once, and the inbox holds each once.
async fn two_workers_deliver_each_event_once(db: Db) {
    let (app, patient, patient_id) = booked_without_delivery(db, true).await;
    let events = app.store.events_of(&patient_id).await.unwrap();
    let mut kinds: Vec<&str> = events.iter().map(|(_, kind, _)| kind.as_str()).collect();
    kinds.sort();
    assert_eq!(kinds, ["booked", "cancelled", "payment", "refund"]);
    let (a, b) = tokio::join!(
        async {
            let mut n = 0;
            for _ in 0..5 {
                n += dispatch_pending(&app.state).await.unwrap().delivered;
            }
            n
        },
        async {
            let mut n = 0;
            for _ in 0..5 {
                n += dispatch_pending(&app.state).await.unwrap().delivered;
            }
            n
        },
    );
    assert_eq!(a + b, 4, "delivered between them");
    let deliveries = app.store.deliveries().await.unwrap();
    assert_eq!(deliveries.len(), 4);
    for (event, channel, status, attempts) in &deliveries {
        assert_eq!(
            (channel.as_str(), status.as_str(), *attempts),
            ("in-app", "delivered", 1),
            "{event}"
        );
    }
    assert_eq!(inbox_total(&app, &patient).await, 4);
    let refund = app.message_of_kind(&patient, "refund", "zh").await;
    assert!(
        refund["text"].as_str().unwrap().contains("¥12.50"),
        "{refund}"
    );
    assert!(
        refund["text"].as_str().unwrap().contains("支付宝"),
        "{refund}"
    );
    // A repeat (a worker whose lease ran out while it delivered) leaves one message.
    let due = app
        .store
        .claim_deliveries(huimin_store::now_micros(), 1, 10)
        .await
        .unwrap();
    assert!(due.is_empty(), "nothing left to claim");
    app.finish().await;
}
on_both!(two_workers_deliver_each_event_once);

/// Refusals of the ledger and the desk report, in the cashier's words.
async fn the_desk_report_sums_payments_and_refunds_by_method(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (_, role) = department(&app, &admin, "眼科", 12.5).await;
    let (slots, _) = session_in(&app, &admin, &role, "morning").await;
    let (_, alice) = app.patient("13911110001", "王小明", ID_2).await;
    let (_, bob) = app.patient("13911110002", "李四", ID_3).await;
    let first = app.book(&registrar, &alice, &slots[0]).await;
    let second = app.book(&registrar, &bob, &slots[1]).await;
    for (appointment, method) in [(&first, "cash"), (&second, "wechat-pay")] {
        let paid = app
            .post_json(
                &format!("/api/appointments/{appointment}/payment"),
                Some(&registrar),
                &json!({"method": method}),
            )
            .await;
        assert_eq!(paid.status, 201, "{}", paid.body);
    }
    let cancelled = app.set_status(&registrar, &second, "cancelled", "en").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let report = app.get("/api/desk/report", Some(&registrar)).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["payments"]["value"], 25.0);
    assert_eq!(report.body["refunds"]["value"], 12.5);
    assert_eq!(report.body["net"]["value"], 12.5);
    let methods: Vec<(&str, f64, f64)> = report.body["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["method"].as_str().unwrap(),
                m["payments"]["amount"]["value"].as_f64().unwrap(),
                m["refunds"]["amount"]["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(methods, [("cash", 12.5, 0.0), ("wechat-pay", 12.5, 12.5)]);
    let bad = app
        .get("/api/desk/report?date=yesterday", Some(&registrar))
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.expression(), Some("date"));
    let nurse = app.staff("nurse").await;
    assert_eq!(app.get("/api/desk/report", Some(&nurse)).await.status, 403);
    let other_day = app
        .get("/api/desk/report?date=2020-01-01", Some(&registrar))
        .await;
    assert_eq!(other_day.body["net"]["value"], 0.0);
    app.finish().await;
}
on_both!(the_desk_report_sums_payments_and_refunds_by_method);

/// Two server processes on one database, both delivering: every event reaches the inbox once,
/// and no delivery was attempted twice.
async fn two_servers_deliver_each_event_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let second = app.second_server().await;
    let (patient, patient_id) = book_pay_cancel(&app, true).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while inbox_total(&app, &patient).await < 4 {
        assert!(std::time::Instant::now() < deadline, "not all delivered");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let events = app.store.events_of(&patient_id).await.unwrap();
    assert_eq!(events.len(), 4);
    for (event, _, status, attempts) in app.store.deliveries().await.unwrap() {
        assert_eq!((status.as_str(), attempts), ("delivered", 1), "{event}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(
        inbox_total(&app, &patient).await,
        4,
        "nothing delivered twice"
    );
    second.abort();
    app.finish().await;
}
on_both!(two_servers_deliver_each_event_once);

/// A delivery given up shows with the channel's last answer; the administrator sends it again
/// and the worker delivers it. Only administrators see the list; bad filters are refused.
async fn an_administrator_sees_a_given_up_delivery_and_sends_it_again(db: Db) {
    let (app, patient, _) = booked_without_delivery(db, false).await;
    let admin = app.admin().await;
    let now = huimin_store::now_micros();
    let claimed = app
        .store
        .claim_deliveries(now, 1_000_000, 10)
        .await
        .unwrap();
    assert!(!claimed.is_empty());
    for due in &claimed {
        app.store
            .mark_failed(due, "provider said: template not approved", None)
            .await
            .unwrap();
    }
    let dead = app
        .get("/api/admin/deliveries?status=dead", Some(&admin))
        .await;
    assert_eq!(dead.status, 200, "{}", dead.body);
    let rows = dead.body["deliveries"].as_array().unwrap();
    assert_eq!(rows.len(), claimed.len(), "{}", dead.body);
    assert_eq!(
        rows[0]["last_error"],
        "provider said: template not approved"
    );
    assert_eq!(rows[0]["kind"], "booked");
    let event = rows[0]["event"].as_str().unwrap();
    let channel = rows[0]["channel"].as_str().unwrap();
    let retry = format!("/api/admin/deliveries/{event}/{channel}/retry");
    let again = app.post_json(&retry, Some(&admin), &json!({})).await;
    assert_eq!(again.status, 200, "{}", again.body);
    let twice = app.post_json(&retry, Some(&admin), &json!({})).await;
    assert_eq!(
        twice.status, 409,
        "only a given-up delivery: {}",
        twice.body
    );
    assert_eq!(dispatch_pending(&app.state).await.unwrap().delivered, 1);
    let delivered = app
        .get("/api/admin/deliveries?status=delivered", Some(&admin))
        .await;
    assert_eq!(delivered.body["deliveries"][0]["event"], event);
    assert_eq!(inbox_total(&app, &patient).await, 1);
    let bad = app
        .get("/api/admin/deliveries?status=lost", Some(&admin))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.expression(), Some("status"));
    let too_many = app
        .get("/api/admin/deliveries?_count=500", Some(&admin))
        .await;
    assert_eq!(too_many.status, 400);
    let registrar = app.staff("registrar").await;
    let refused = app.get("/api/admin/deliveries", Some(&registrar)).await;
    assert_eq!(refused.status, 403);
    app.finish().await;
}
on_both!(an_administrator_sees_a_given_up_delivery_and_sends_it_again);
