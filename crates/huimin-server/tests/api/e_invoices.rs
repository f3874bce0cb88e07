//! Electronic invoices (电子票据): a bill paid online has a numbered PDF invoice stating its
//! items and its total in figures and capitals; a refund re-issues it under a new number and
//! voids the old; another family cannot see it; an unsettled bill has none.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;
use crate::reconciliation::paid_visits;
use crate::record_documents::pdf_text;

async fn hospital(app: &TestApp, admin: &str) {
    let org = app
        .post_json(
            "/fhir/Organization",
            Some(admin),
            &json!({"resourceType": "Organization", "name": "惠民市第一人民医院",
                "alias": ["Huimin First People's Hospital"],
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov"}]}]}),
        )
        .await;
    assert_eq!(org.status, 201, "{}", org.body);
}

async fn bill_of(app: &TestApp, token: &str, appointment: &str) -> Value {
    let bill = app
        .get(
            &format!("/api/appointments/{appointment}/bill"),
            Some(token),
        )
        .await;
    assert_eq!(bill.status, 200, "{}", bill.body);
    bill.body
}

async fn metadata(app: &TestApp, token: &str, bill: &str) -> Resp {
    app.get(&format!("/api/bills/{bill}/e-invoice.json"), Some(token))
        .await
}

async fn pdf(app: &TestApp, token: &str, bill: &str) -> (u16, String, Vec<u8>) {
    let answer = app
        .client
        .get(format!("{}/api/bills/{bill}/e-invoice", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let disposition = answer
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, disposition, answer.bytes().await.unwrap().to_vec())
}

async fn a_bill_paid_online_has_an_invoice_reissued_after_a_refund(db: Db) {
    let (app, visits) = paid_visits(db, 2).await;
    let admin = app.admin().await;
    hospital(&app, &admin).await;
    let visit = &visits[0];
    let bill = bill_of(&app, &visit.patient, &visit.appointment).await;
    let bill_id = bill["invoice"]["id"].as_str().unwrap().to_owned();
    let item = bill["charge_items"][0]["code"]["text"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, disposition, bytes) = pdf(&app, &visit.patient, &bill_id).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let first = metadata(&app, &visit.patient, &bill_id).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let number = first.body["number"].as_str().unwrap().to_owned();
    let year = jiff::Zoned::now().year();
    assert!(
        number.starts_with(&format!("HM{year}")) && number.len() == 14,
        "{number}"
    );
    assert_eq!(
        disposition,
        format!("attachment; filename=\"e-invoice-{number}.pdf\"")
    );
    let text: String = pdf_text(&bytes).split_whitespace().collect();
    for expected in [
        "医疗门诊收费票据（电子）",
        number.as_str(),
        "惠民市第一人民医院",
        "王小明",
        item.as_str(),
        "伍拾元整",
        "50.00",
        "微信支付",
        first.body["check_code"].as_str().unwrap(),
        "演示票据：未接入财政电子票据平台",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    // Read again: the same invoice, no new number.
    let again = metadata(&app, &admin, &bill_id).await;
    assert_eq!(again.body["number"], number.as_str());

    // The desk sells two booklets (¥1.05 each), paid in cash: the bill changed, and its
    // invoice is re-issued on the next read.
    let price_list = "code,name_zh,name_en,category,unit_zh,unit_en,price_yuan,registration_class\n\
                      H-CL-001,门诊病历本,Record booklet,material,本,booklet,1.05,\n";
    let imported = app
        .send(
            app.client
                .put(format!("{}/api/admin/price-list", app.base))
                .header("content-type", "text/csv")
                .body(price_list),
            Some(&admin),
        )
        .await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    let registrar = app.staff("registrar").await;
    let added = app
        .post_json(
            &format!("/api/appointments/{}/charge-items", visit.appointment),
            Some(&registrar),
            &json!({"code": "H-CL-001", "quantity": 2}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    // Money is due now: no invoice, and the old one is voided.
    let unpaid = metadata(&app, &visit.patient, &bill_id).await;
    assert_eq!(unpaid.status, 409, "{}", unpaid.body);
    let (status, _, _) = pdf(&app, &visit.patient, &bill_id).await;
    assert_eq!(status, 409);
    let paid = app
        .post_json(
            &format!("/api/appointments/{}/payment", visit.appointment),
            Some(&registrar),
            &json!({"method": "cash"}),
        )
        .await;
    assert!(paid.status < 300, "{}", paid.body);
    let second = metadata(&app, &visit.patient, &bill_id).await;
    assert_eq!(second.status, 200, "{}", second.body);
    let second_number = second.body["number"].as_str().unwrap().to_owned();
    assert_ne!(second_number, number);
    assert_eq!(second.body["total"]["value"], 52.1, "{}", second.body);

    // A refund of one booklet keeps the bill balanced: re-issued at once, the old voided.
    let booklet = added.body["charge_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"]["text"] == "门诊病历本")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refunded = app
        .post_json(
            &format!("/api/bills/{bill_id}/refunds"),
            Some(&registrar),
            &json!({"items": [{"charge_item": booklet, "quantity": 1}], "note": "多买了一本"}),
        )
        .await;
    assert_eq!(refunded.status, 201, "{}", refunded.body);
    let third = metadata(&app, &visit.patient, &bill_id).await;
    assert_eq!(third.status, 200, "{}", third.body);
    let third_number = third.body["number"].as_str().unwrap().to_owned();
    assert_ne!(third_number, second_number);
    assert_eq!(third.body["total"]["value"], 51.05, "{}", third.body);
    let voided: Vec<(&str, &Value)> = third.body["voided"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["number"].as_str().unwrap(), &v["replaced_by"]))
        .collect();
    assert_eq!(voided.len(), 2, "{}", third.body);
    assert!(voided.contains(&(second_number.as_str(), &json!(third_number))));
    assert!(voided.iter().any(|(n, _)| *n == number));
    let (_, _, bytes) = pdf(&app, &visit.patient, &bill_id).await;
    let text: String = pdf_text(&bytes).split_whitespace().collect();
    assert!(
        text.contains(&third_number) && text.contains("伍拾壹元零伍分"),
        "{text}"
    );
    assert!(text.contains("现金"), "{text}");

    // Another family's patient does not see it; a doctor may not have it.
    let other = &visits[1];
    assert_eq!(metadata(&app, &other.patient, &bill_id).await.status, 404);
    assert_eq!(pdf(&app, &other.patient, &bill_id).await.0, 404);
    assert_eq!(
        metadata(&app, &other.patient, "no-such-bill").await.status,
        404
    );
    let doctor = app.staff("doctor").await;
    assert_eq!(metadata(&app, &doctor, &bill_id).await.status, 403);
    app.finish().await;
}
on_both!(a_bill_paid_online_has_an_invoice_reissued_after_a_refund);

async fn a_full_refund_voids_the_invoice_and_the_bill_has_none_after(db: Db) {
    let (app, visits) = paid_visits(db, 1).await;
    let admin = app.admin().await;
    hospital(&app, &admin).await;
    let visit = &visits[0];
    let bill = bill_of(&app, &visit.patient, &visit.appointment).await;
    let bill_id = bill["invoice"]["id"].as_str().unwrap().to_owned();
    let issued = metadata(&app, &visit.patient, &bill_id).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    // The patient cancels: the fee goes back in full and the bill is cancelled.
    let cancelled = app
        .set_status(&visit.patient, &visit.appointment, "cancelled", "zh")
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let gone = app
        .get_lang(
            &format!("/api/bills/{bill_id}/e-invoice.json"),
            Some(&visit.patient),
            "zh",
        )
        .await;
    assert_eq!(gone.status, 409, "{}", gone.body);
    assert!(
        gone.body.to_string().contains("不能开具电子票据"),
        "{}",
        gone.body
    );
    let kept = app.store.e_invoices_of_bill(&bill_id).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].voided_at.is_some(), "{kept:?}");
    app.finish().await;
}
on_both!(a_full_refund_voids_the_invoice_and_the_bill_has_none_after);
