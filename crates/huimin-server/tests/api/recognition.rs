//! Mutual recognition of results 结果互认: a result from another institution arrives as a
//! FHIR transaction Bundle; when the doctor orders its item inside the window and scope it is
//! offered, and reused (no order, no charge) or tested again with an allowed reason the
//! patient reads; one outside its window or not recognised is not offered; bad Bundles write
//! nothing; another family reads nothing; the report counts tests avoided and their value.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::calling::{CheckedIn, checked_in_visit, clinic_starting_soon};
use crate::helpers::*;
use crate::on_both;

/// A valid 统一社会信用代码 (its GB 32100-2015 check character computed).
const CREDIT_CODE: &str = "124400004558588389";

type Visit = CheckedIn;

async fn visit(db: Db) -> Visit {
    checked_in_visit(db, "13911120031").await
}

/// A day `days_ago` before today, as a FHIR instant at 09:30 in China.
fn days_ago(days: i64) -> String {
    let day = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .checked_sub(jiff::Span::new().days(days))
        .unwrap();
    format!("{day}T09:30:00+08:00")
}

/// A blood count from 市第一人民医院 issued `issued`, with the mark `scope`.
fn external_cbc(issued: &str, scope: &str) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:7f3a0d3e-1111-4c1e-9a55-000000000001",
             "resource": {"resourceType": "Patient",
                "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": ID_2}]},
             "request": {"method": "POST", "url": "Patient"}},
            {"fullUrl": "urn:uuid:7f3a0d3e-1111-4c1e-9a55-000000000002",
             "resource": {"resourceType": "Organization",
                "extension": [{"url": "urn:huimin:ext:institution-qualification", "extension": [
                    {"url": "level", "valueString": "三级甲等"},
                    {"url": "recognition-scope", "valueCode": scope}]}],
                "identifier": [{"system": "urn:huimin:sid:unified-social-credit-code", "value": CREDIT_CODE}],
                "name": "市第一人民医院"},
             "request": {"method": "POST", "url": "Organization"}},
            {"fullUrl": "urn:uuid:7f3a0d3e-1111-4c1e-9a55-000000000003",
             "resource": {"resourceType": "DiagnosticReport", "status": "final",
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB"}]}],
                "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}], "text": "血常规"},
                "subject": {"reference": "urn:uuid:7f3a0d3e-1111-4c1e-9a55-000000000001"},
                "effectiveDateTime": issued,
                "issued": issued,
                "performer": [{"reference": "urn:uuid:7f3a0d3e-1111-4c1e-9a55-000000000002"}],
                "result": [{"reference": "urn:uuid:7f3a0d3e-1111-4c1e-9a55-000000000004"}]},
             "request": {"method": "POST", "url": "DiagnosticReport"}},
            {"fullUrl": "urn:uuid:7f3a0d3e-1111-4c1e-9a55-000000000004",
             "resource": {"resourceType": "Observation", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}], "text": "血红蛋白"},
                "subject": {"reference": "urn:uuid:7f3a0d3e-1111-4c1e-9a55-000000000001"},
                "effectiveDateTime": issued,
                "valueQuantity": {"value": 135, "unit": "g/L", "system": "http://unitsofmeasure.org", "code": "g/L"}},
             "request": {"method": "POST", "url": "Observation"}}
        ]
    })
}

async fn import(v: &Visit, bundle: &Value, token: &str) -> Resp {
    v.app
        .post_raw(
            "/fhir",
            Some(token),
            "application/fhir+json",
            &bundle.to_string(),
        )
        .await
}

/// Imports the Bundle as the technician; the external result's id.
async fn imported(v: &Visit, bundle: &Value) -> String {
    let done = import(v, bundle, &v.technician).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let location = done.body["entry"][0]["response"]["location"]
        .as_str()
        .unwrap();
    location.rsplit('/').next().unwrap().to_owned()
}

async fn order(v: &Visit, items: Value) -> Resp {
    v.app
        .post_json(
            &format!("/api/visits/{}/orders", v.encounter),
            Some(&v.doctor),
            &json!({ "items": items }),
        )
        .await
}

async fn visit_orders(v: &Visit, token: &str) -> Value {
    let list = v
        .app
        .get(&format!("/api/visits/{}/orders", v.encounter), Some(token))
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body
}

async fn bill_text(v: &Visit) -> String {
    let bill = v
        .app
        .get(
            &format!("/api/appointments/{}/bill", v.appointment),
            Some(&v.registrar),
        )
        .await;
    bill.body.to_string()
}

async fn a_recognised_result_inside_its_window_is_offered_and_reused_without_a_charge(db: Db) {
    let v = visit(db).await;
    let result = imported(&v, &external_cbc(&days_ago(2), "city")).await;
    let list = visit_orders(&v, &v.doctor).await;
    let offered = &list["offers"]["LAB-CBC"][0];
    assert_eq!(offered["result"], result, "{list}");
    assert_eq!(offered["performer"]["name"], "市第一人民医院");
    assert_eq!(offered["performer"]["level"], "三级甲等");
    assert_eq!(offered["values"][0]["value"], "135");
    assert_eq!(offered["values"][0]["unit"], "g/L");

    // Ordering it as if nothing were known is refused, naming the item and the result.
    let plain = order(&v, json!(["LAB-CBC"])).await;
    assert_eq!(plain.status, 409, "{}", plain.body);
    assert_eq!(plain.expression(), Some("items[0]"));
    assert!(plain.body.to_string().contains(&result), "{}", plain.body);
    assert!(
        visit_orders(&v, &v.doctor).await["orders"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let reused = order(&v, json!([{"code": "LAB-CBC", "reuse": result}])).await;
    assert_eq!(reused.status, 201, "{}", reused.body);
    assert!(reused.body["orders"].as_array().unwrap().is_empty());
    assert_eq!(reused.body["recognitions"][0]["decision"], "reused");
    assert_eq!(reused.body["recognitions"][0]["avoided_fen"], 2500);
    assert!(!bill_text(&v).await.contains("血常规"), "no charge item");
    // Reused once on a visit: a second reuse of the same item is refused.
    let again = order(&v, json!([{"code": "LAB-CBC", "reuse": result}])).await;
    assert_eq!(again.status, 409, "{}", again.body);
    let after = visit_orders(&v, &v.doctor).await;
    assert!(after["offers"].get("LAB-CBC").is_none(), "decided: {after}");

    // The patient reads that it was recognised, from where and when.
    let seen = visit_orders(&v, &v.patient).await;
    let r = &seen["recognitions"][0];
    assert_eq!(r["decision"], "reused");
    assert_eq!(r["source"]["performer"], "市第一人民医院");
    assert!(r["source"]["issued"].as_str().is_some());
    assert_eq!(seen["offers"], json!({}), "patients are offered nothing");
    v.app.finish().await;
}
on_both!(a_recognised_result_inside_its_window_is_offered_and_reused_without_a_charge);

async fn a_result_outside_its_window_or_scope_or_not_recognised_is_not_offered(db: Db) {
    let v = visit(db).await;
    // A blood count (window 7 days) of 30 days ago; a province-scope item with a city mark;
    // urinalysis, not recognised.
    imported(&v, &external_cbc(&days_ago(30), "city")).await;
    let mut hba1c = external_cbc(&days_ago(1), "city");
    hba1c["entry"][2]["resource"]["code"] =
        json!({"coding": [{"system": "urn:huimin:cs:orderable", "code": "LAB-HBA1C"}]});
    hba1c["entry"][3]["resource"]["code"] =
        json!({"coding": [{"system": "http://loinc.org", "code": "4548-4"}]});
    hba1c["entry"][3]["resource"]["valueQuantity"] =
        json!({"value": 6.1, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"});
    imported(&v, &hba1c).await;
    let mut ua = external_cbc(&days_ago(1), "national");
    ua["entry"][2]["resource"]["code"] =
        json!({"coding": [{"system": "urn:huimin:cs:orderable", "code": "LAB-UA"}]});
    ua["entry"][3]["resource"]["code"] = json!({"text": "尿比重"});
    ua["entry"][3]["resource"]["valueQuantity"] = json!({"value": 1.020});
    imported(&v, &ua).await;

    assert_eq!(visit_orders(&v, &v.doctor).await["offers"], json!({}));
    let placed = order(&v, json!(["LAB-CBC", "LAB-HBA1C", "LAB-UA"])).await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    assert_eq!(placed.body["orders"].as_array().unwrap().len(), 3);
    assert!(placed.body["recognitions"].as_array().unwrap().is_empty());

    // The blood count's order is cancelled and the administrator widens its window: the same
    // result is offered now.
    let cbc = placed.body["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["item"] == "LAB-CBC")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cancelled = v
        .app
        .post_json(
            &format!("/api/orders/{cbc}/steps"),
            Some(&v.doctor),
            &json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let widened = v
        .app
        .put_json(
            "/api/admin/recognition/items/LAB-CBC",
            Some(&v.admin),
            &json!({"recognised": true, "scope": "city", "window_days": 60}),
            None,
        )
        .await;
    assert_eq!(widened.status, 200, "{}", widened.body);
    let list = visit_orders(&v, &v.doctor).await;
    assert_eq!(list["offers"]["LAB-CBC"].as_array().unwrap().len(), 1);
    v.app.finish().await;
}
on_both!(a_result_outside_its_window_or_scope_or_not_recognised_is_not_offered);

async fn a_retest_needs_an_allowed_reason_and_the_patient_reads_it(db: Db) {
    let v = visit(db).await;
    let result = imported(&v, &external_cbc(&days_ago(1), "province")).await;
    let unknown = order(
        &v,
        json!([{"code": "LAB-CBC", "retest_reason": "cheaper-here"}]),
    )
    .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert_eq!(unknown.expression(), Some("items[0].retest_reason"));
    let both = order(
        &v,
        json!([{"code": "LAB-CBC", "reuse": result, "retest_reason": "emergency"}]),
    )
    .await;
    assert_eq!(both.status, 422, "{}", both.body);
    let not_offered = order(&v, json!([{"code": "LAB-CBC", "reuse": "elsewhere"}])).await;
    assert_eq!(not_offered.status, 422, "{}", not_offered.body);
    assert_eq!(not_offered.expression(), Some("items[0].reuse"));
    let list = visit_orders(&v, &v.doctor).await;
    assert!(
        list["orders"].as_array().unwrap().is_empty(),
        "nothing written"
    );
    assert!(list["recognitions"].as_array().unwrap().is_empty());

    let retest = order(
        &v,
        json!([{"code": "LAB-CBC", "retest_reason": "condition-changed", "retest_detail": "发热三天，血象需复查"}]),
    )
    .await;
    assert_eq!(retest.status, 201, "{}", retest.body);
    let placed = &retest.body["orders"][0];
    assert_eq!(placed["item"], "LAB-CBC");
    assert!(
        bill_text(&v).await.contains("血常规"),
        "the retest is charged"
    );

    for lang in ["zh", "en"] {
        let seen = v
            .app
            .get_lang(
                &format!("/api/visits/{}/orders", v.encounter),
                Some(&v.patient),
                lang,
            )
            .await;
        let r = &seen.body["recognitions"][0];
        assert_eq!(r["decision"], "retest");
        assert_eq!(r["order"], placed["id"]);
        assert_eq!(r["reason"]["code"], "condition-changed");
        assert_eq!(r["reason"]["detail"], "发热三天，血象需复查");
        assert!(
            r["reason"]["plain"]["zh"]
                .as_str()
                .unwrap()
                .contains("病情")
        );
        assert!(
            r["reason"]["plain"]["en"]
                .as_str()
                .unwrap()
                .contains("condition")
        );
    }
    v.app.finish().await;
}
on_both!(a_retest_needs_an_allowed_reason_and_the_patient_reads_it);

async fn bad_external_bundles_are_refused_naming_the_path_and_write_nothing(db: Db) {
    let v = visit(db).await;
    let good = external_cbc(&days_ago(1), "city");
    let mut broken = good.clone();
    broken["entry"][2]["resource"]["result"][0]["reference"] =
        json!("urn:uuid:7f3a0d3e-1111-4c1e-9a55-00000000dead");
    let mut unknown_item = good.clone();
    unknown_item["entry"][2]["resource"]["code"] =
        json!({"coding": [{"system": "http://loinc.org", "code": "2345-7"}]});
    let mut unqualified = good.clone();
    unqualified["entry"][1]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("extension");
    let mut bad_level = good.clone();
    bad_level["entry"][1]["resource"]["extension"][0]["extension"][0]["valueString"] =
        json!("五星级");
    let mut bad_code = good.clone();
    bad_code["entry"][1]["resource"]["identifier"][0]["value"] = json!("124400004558588380");
    let future = external_cbc(&days_ago(-2), "city");
    let mut negative = good.clone();
    negative["entry"][3]["resource"]["valueQuantity"]["value"] = json!(-5);
    let mut stranger = good.clone();
    stranger["entry"][0]["resource"]["identifier"][0]["value"] = json!(ID_3);
    let mut local_order = good.clone();
    local_order["entry"][2]["resource"]["basedOn"] =
        json!([{"reference": "ServiceRequest/some-order"}]);
    let cases = [
        (broken, 400, "Bundle.entry[2].resource.result[0].reference"),
        (unknown_item, 422, "Bundle.entry[2].resource.code"),
        (unqualified, 422, "Bundle.entry[1].resource.extension"),
        (
            bad_level,
            422,
            "Bundle.entry[1].resource.extension[0].extension[0].valueString",
        ),
        (
            bad_code,
            422,
            "Bundle.entry[1].resource.identifier[0].value",
        ),
        (future, 422, "Bundle.entry[2].resource.issued"),
        (
            negative,
            422,
            "Bundle.entry[3].resource.valueQuantity.value",
        ),
        (stranger, 422, "Bundle.entry[0].resource.identifier"),
        (local_order, 422, "Bundle.entry[2].resource.basedOn"),
    ];
    for (bundle, status, path) in cases {
        let refused = import(&v, &bundle, &v.technician).await;
        assert_eq!(refused.status, status, "{path}: {}", refused.body);
        assert_eq!(refused.expression(), Some(path), "{}", refused.body);
        assert_eq!(refused.body["resourceType"], "OperationOutcome");
    }
    // Doctors and patients do not import.
    for token in [&v.doctor, &v.patient] {
        assert_eq!(import(&v, &good, token).await.status, 403);
    }
    assert_eq!(visit_orders(&v, &v.doctor).await["offers"], json!({}));
    // An administrator may import.
    assert_eq!(import(&v, &good, &v.admin).await.status, 200);
    v.app.finish().await;
}
on_both!(bad_external_bundles_are_refused_naming_the_path_and_write_nothing);

async fn another_family_cannot_read_an_external_result(db: Db) {
    let v = visit(db).await;
    let result = imported(&v, &external_cbc(&days_ago(1), "city")).await;
    let path = format!("/api/recognition/results/{result}");
    let own = v.app.get(&path, Some(&v.patient)).await;
    assert_eq!(own.status, 200, "{}", own.body);
    let (other, _) = v.app.patient("13911120032", "李四", ID_3).await;
    let theirs = v.app.get(&path, Some(&other)).await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let missing = v
        .app
        .get("/api/recognition/results/nothing-here", Some(&other))
        .await;
    assert_eq!(missing.status, 404);
    let visit_of_other = v
        .app
        .get(&format!("/api/visits/{}/orders", v.encounter), Some(&other))
        .await;
    assert_eq!(visit_of_other.status, 404);
    v.app.finish().await;
}
on_both!(another_family_cannot_read_an_external_result);

async fn item_settings_are_checked_and_only_admins_change_them(db: Db) {
    let v = visit(db).await;
    let put = |token: &str, code: &str, body: Value| {
        let path = format!("/api/admin/recognition/items/{code}");
        let token = token.to_owned();
        let app = &v.app;
        async move { app.put_json(&path, Some(&token), &body, None).await }
    };
    let ok = json!({"recognised": true, "scope": "province", "window_days": 14});
    for (body, field) in [
        (
            json!({"recognised": true, "scope": "province", "window_days": 0}),
            "window_days",
        ),
        (
            json!({"recognised": true, "scope": "province", "window_days": 3651}),
            "window_days",
        ),
        (
            json!({"recognised": true, "scope": "region", "window_days": 14}),
            "scope",
        ),
    ] {
        let refused = put(&v.admin, "LAB-GLU", body).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.expression(), Some(field));
    }
    assert_eq!(put(&v.admin, "LAB-NOPE", ok.clone()).await.status, 404);
    assert_eq!(put(&v.doctor, "LAB-GLU", ok.clone()).await.status, 403);
    let listed = v
        .app
        .get("/api/admin/recognition/items", Some(&v.admin))
        .await;
    let glu = |body: &Value| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == "LAB-GLU")
            .unwrap()
            .clone()
    };
    assert_eq!(
        glu(&listed.body)["overridden"],
        false,
        "refusals wrote nothing"
    );
    assert_eq!(glu(&listed.body)["setting"]["window_days"], 7);
    assert_eq!(put(&v.admin, "LAB-GLU", ok).await.status, 200);
    let listed = v
        .app
        .get("/api/admin/recognition/items", Some(&v.admin))
        .await;
    assert_eq!(glu(&listed.body)["overridden"], true);
    assert_eq!(glu(&listed.body)["setting"]["scope"], "province");
    assert_eq!(glu(&listed.body)["default"]["scope"], "city");
    assert_eq!(
        v.app
            .get("/api/admin/recognition/items", Some(&v.doctor))
            .await
            .status,
        403
    );
    v.app.finish().await;
}
on_both!(item_settings_are_checked_and_only_admins_change_them);

async fn the_report_counts_tests_avoided_and_their_value(db: Db) {
    let v = visit(db).await;
    let cbc = imported(&v, &external_cbc(&days_ago(1), "city")).await;
    let mut cxr = external_cbc(&days_ago(3), "province");
    cxr["entry"][2]["resource"]["code"] =
        json!({"coding": [{"system": "urn:huimin:cs:orderable", "code": "IMG-CXR"}]});
    cxr["entry"][2]["resource"]["conclusion"] = json!("双肺未见明显异常");
    cxr["entry"][2]["resource"]["result"] = json!([]);
    cxr["entry"].as_array_mut().unwrap().pop();
    let cxr = imported(&v, &cxr).await;
    let reused = order(
        &v,
        json!([{"code": "LAB-CBC", "reuse": cbc}, {"code": "IMG-CXR", "reuse": cxr}, "LAB-GLU"]),
    )
    .await;
    assert_eq!(reused.status, 201, "{}", reused.body);
    assert_eq!(reused.body["orders"].as_array().unwrap().len(), 1);

    let report = v
        .app
        .get("/api/admin/recognition/report", Some(&v.admin))
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["total"]["count"], 2, "{}", report.body);
    assert_eq!(report.body["total"]["fen"], 2500 + 6000);
    let rows = report.body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["department"] == v.dept.as_str()));
    assert_eq!(rows[0]["item"], "IMG-CXR");
    assert_eq!(rows[0]["count"], 1);
    let past = v
        .app
        .get(
            "/api/admin/recognition/report?from=2020-01-01&to=2020-01-31",
            Some(&v.admin),
        )
        .await;
    assert_eq!(past.body["total"]["count"], 0);
    let backwards = v
        .app
        .get(
            "/api/admin/recognition/report?from=2020-02-01&to=2020-01-31",
            Some(&v.admin),
        )
        .await;
    assert_eq!(backwards.status, 422);
    assert_eq!(backwards.expression(), Some("from"));
    let doctor = v
        .app
        .get("/api/admin/recognition/report", Some(&v.doctor))
        .await;
    assert_eq!(doctor.status, 403);
    v.app.finish().await;
}
on_both!(the_report_counts_tests_avoided_and_their_value);

async fn the_imported_and_served_bundles_validate_against_r4(db: Db) {
    let v = visit(db).await;
    let sent = external_cbc(&days_ago(1), "city");
    let result = imported(&v, &sent).await;
    let served = v
        .app
        .get(
            &format!("/api/recognition/results/{result}"),
            Some(&v.doctor),
        )
        .await;
    assert_eq!(served.status, 200, "{}", served.body);
    assert_eq!(served.body["resourceType"], "DiagnosticReport");
    assert_eq!(served.body["id"], result.as_str());
    assert_eq!(
        served.body["subject"]["reference"],
        format!("Patient/{}", v.patient_id)
    );
    assert_eq!(served.body["performer"][0]["reference"], "#org");
    assert_eq!(served.body["contained"][0]["name"], "市第一人民医院");
    assert_eq!(served.body["contained"][1]["valueQuantity"]["value"], 135);
    // The R4 tool cannot type a `urn:uuid:` reference, so the sent resources are checked
    // with each reference written as the `Type/id` it stands for.
    let mut typed = sent.to_string();
    for (n, kind) in [(1, "Patient"), (2, "Organization"), (4, "Observation")] {
        typed = typed.replace(
            &format!("\"urn:uuid:7f3a0d3e-1111-4c1e-9a55-00000000000{n}\""),
            &format!("\"{kind}/sent-{n}\""),
        );
    }
    let typed: Value = serde_json::from_str(&typed).unwrap();
    let out = tempfile::tempdir().unwrap();
    for (name, doc) in [("sent", &typed), ("served", &served.body)] {
        std::fs::write(
            out.path().join(format!("{name}.json")),
            serde_json::to_vec_pretty(doc).unwrap(),
        )
        .unwrap();
    }
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/fhir-validate");
    assert!(
        tool.join("node_modules/@medplum/core").is_dir(),
        "the validator's npm packages are missing: run ./scripts/test --setup-only"
    );
    let run = Command::new("bash")
        .arg(tool.join("validate.sh"))
        .arg(out.path())
        .output()
        .expect("the FHIR validator runs (Node.js ≥ 20.19)");
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success() && report.contains("0 errors"),
        "the R4 validator found errors:\n{report}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    v.app.finish().await;
}
on_both!(the_imported_and_served_bundles_validate_against_r4);

async fn this_hospitals_own_final_report_is_offered_on_the_next_visit(db: Db) {
    let v = visit(db).await;
    // A second clinic the same patient is booked into (another doctor, another department).
    let (_dept2, _session2, slot2, doctor2) = clinic_starting_soon(&v.app, &v.admin).await;
    let appointment2 = v.app.book(&v.patient, &v.patient_id, &slot2).await;
    let checked = v
        .app
        .set_status(&v.patient, &appointment2, "checked-in", "en")
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let found = v
        .app
        .get(
            &format!("/fhir/Encounter?appointment={appointment2}"),
            Some(&v.patient),
        )
        .await;
    let encounter2 = found.body["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // On the first visit: glucose ordered, paid, collected and reported final.
    let placed = order(&v, json!(["LAB-GLU"])).await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let glu = placed.body["orders"][0]["id"].as_str().unwrap().to_owned();
    let paid = v
        .app
        .post_raw(
            &format!("/api/appointments/{}/payment", v.appointment),
            Some(&v.registrar),
            "application/json",
            &json!({"method": "cash"}).to_string(),
        )
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    let collected = v
        .app
        .post_json(
            &format!("/api/orders/{glu}/steps"),
            Some(&v.technician),
            &json!({"status": "collected"}),
        )
        .await;
    assert_eq!(collected.status, 200, "{}", collected.body);
    let reported = v
        .app
        .client
        .put(format!("{}/api/results/{glu}", v.app.base))
        .bearer_auth(&v.technician)
        .json(&json!({"final": true,
            "values": [{"analyte": "GLU", "value": "5.10", "unit": "mmol/L"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(reported.status(), 200, "{}", reported.text().await.unwrap());

    // On the second visit the other doctor is offered it, from this hospital, and reuses it.
    let list = v
        .app
        .get(&format!("/api/visits/{encounter2}/orders"), Some(&doctor2))
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    let offered = &list.body["offers"]["LAB-GLU"][0];
    assert_eq!(offered["source"], "own", "{}", list.body);
    assert_eq!(offered["performer"]["this_hospital"], true);
    assert_eq!(offered["values"][0]["value"], "5.10", "digits kept");
    let reused = v
        .app
        .post_json(
            &format!("/api/visits/{encounter2}/orders"),
            Some(&doctor2),
            &json!({"items": [{"code": "LAB-GLU", "reuse": offered["result"]}]}),
        )
        .await;
    assert_eq!(reused.status, 201, "{}", reused.body);
    assert_eq!(
        reused.body["recognitions"][0]["source"]["this_hospital"],
        true
    );
    v.app.finish().await;
}
on_both!(this_hospitals_own_final_report_is_offered_on_the_next_visit);
