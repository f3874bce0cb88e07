//! FHIR search answers exactly what was asked: paging links that keep every parameter over a
//! total order, the modifiers R4 defines served (any other refused), token search by system.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

const LICENCE: &str = "urn:huimin:sid:physician-licence";
const SEARCHABLE: [&str; 6] = [
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "Organization",
    "Location",
    "HealthcareService",
];

/// A valid resident ID, different for every `n`.
fn resident_id(n: u32) -> String {
    let first17 = format!("11010119900307{:03}", n % 1000);
    let check = huimin_domain::identity::resident_id_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

fn resource_of(kind: &str, n: u32) -> Value {
    let given: String = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        .iter()
        .cycle()
        .skip(n as usize % 10)
        .take(1 + n as usize / 10)
        .copied()
        .collect();
    let name = format!("钱{given}");
    match kind {
        "Patient" => patient_json(&name, "钱", &given, &resident_id(n), &format!("139{n:08}")),
        "Practitioner" => json!({"resourceType": kind, "name": [{"text": name}]}),
        "PractitionerRole" => json!({"resourceType": kind, "active": n.is_multiple_of(2)}),
        _ => json!({"resourceType": kind, "name": name}),
    }
}

fn ids(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn link<'a>(bundle: &'a Value, relation: &str) -> Option<&'a str> {
    bundle["link"]
        .as_array()?
        .iter()
        .find(|l| l["relation"] == relation)
        .and_then(|l| l["url"].as_str())
}

/// The ids a search finds, as a set.
async fn found(app: &TestApp, token: &str, query: &str) -> BTreeSet<String> {
    let answer = app.get(&format!("/fhir/{query}"), Some(token)).await;
    assert_eq!(answer.status, 200, "{query}: {}", answer.body);
    ids(&answer.body).into_iter().collect()
}

/// Follows `next` from the first page to the end, checking that every link repeats every
/// parameter of the search; the ids in the order met.
async fn page_through(
    app: &TestApp,
    token: &str,
    path: &str,
    kept: &[(&str, &str)],
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut url = format!("{}{path}", app.base);
    loop {
        let page = app.send(app.client.get(&url), Some(token)).await;
        assert_eq!(page.status, 200, "{url}: {}", page.body);
        for l in page.body["link"].as_array().unwrap() {
            let link_url = url::Url::parse(l["url"].as_str().unwrap()).unwrap();
            let pairs: Vec<(String, String)> = link_url.query_pairs().into_owned().collect();
            for (k, v) in kept {
                assert!(
                    pairs.contains(&((*k).to_owned(), (*v).to_owned())),
                    "{} link of {url} lacks {k}={v}",
                    l["relation"]
                );
            }
        }
        seen.extend(ids(&page.body));
        match link(&page.body, "next") {
            Some(next) => url = next.to_owned(),
            None => return seen,
        }
    }
}

/// Pages of 3 under `sort` (and `filter`) give what one page of 100 gives, in its order; the
/// ids of that order.
async fn pages_match_one_page(
    app: &TestApp,
    admin: &str,
    kind: &str,
    sort: &str,
    filter: Option<(&str, &str)>,
) -> Value {
    let filter_text = filter.map(|(k, v)| format!("&{k}={v}")).unwrap_or_default();
    let whole = app
        .get(
            &format!("/fhir/{kind}?_sort={sort}&_count=100{filter_text}"),
            Some(admin),
        )
        .await;
    let expected = ids(&whole.body);
    let mut kept = vec![("_sort", sort), ("_count", "3"), ("_total", "accurate")];
    kept.extend(filter);
    let paged = page_through(
        app,
        admin,
        &format!("/fhir/{kind}?_sort={sort}&_count=3&_total=accurate{filter_text}"),
        &kept,
    )
    .await;
    assert_eq!(paged, expected, "{kind} paged by {sort} {filter_text}");
    whole.body
}

/// The bundle's entries are in the order `sort` asks for.
fn assert_sorted(kind: &str, sort: &str, bundle: &Value) {
    let found = ids(bundle);
    let mut by_id = found.clone();
    by_id.sort();
    match sort {
        "_id" => assert_eq!(found, by_id, "{kind}"),
        "-_id" => assert_eq!(found, by_id.into_iter().rev().collect::<Vec<_>>()),
        _ => {
            let stamps: Vec<jiff::Timestamp> = bundle["entry"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let stamp = e["resource"]["meta"]["lastUpdated"].as_str().unwrap();
                    stamp.parse().unwrap()
                })
                .collect();
            let mut ordered = stamps.clone();
            ordered.sort();
            if sort.starts_with('-') {
                ordered.reverse();
            }
            assert_eq!(stamps, ordered, "{kind} by {sort}");
        }
    }
}

async fn paging_follows_next_to_the_end_under_every_sort(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    for (k, kind) in SEARCHABLE.iter().enumerate() {
        for n in 0..8 {
            let body = resource_of(kind, k as u32 * 10 + n);
            let created = app
                .post_json(&format!("/fhir/{kind}"), Some(&admin), &body)
                .await;
            assert_eq!(created.status, 201, "{kind}: {}", created.body);
        }
    }
    for kind in SEARCHABLE {
        let all = found(&app, &admin, &format!("{kind}?_count=100")).await;
        assert_eq!(all.len(), 8, "{kind}");
        let left_out = all.iter().next().unwrap().clone();
        let sorts = [
            "_id",
            "-_id",
            "_lastUpdated",
            "-_lastUpdated",
            "-_lastUpdated,-_id",
        ];
        for sort in sorts {
            let every = pages_match_one_page(&app, &admin, kind, sort, None).await;
            assert_eq!(ids(&every).len(), 8, "{kind} {sort}");
            assert_sorted(kind, sort, &every);
            let filter = Some(("_id:not", left_out.as_str()));
            let some = pages_match_one_page(&app, &admin, kind, sort, filter).await;
            assert_eq!(ids(&some).len(), 7, "{kind} {sort}");
        }
    }
    let unknown = app.get("/fhir/Practitioner?_sort=name", Some(&admin)).await;
    assert_eq!((unknown.status, unknown.expression()), (400, Some("_sort")));
    app.finish().await;
}
on_both!(paging_follows_next_to_the_end_under_every_sort);

async fn organization(app: &TestApp, admin: &str, body: Value) -> String {
    let created = app
        .post_json("/fhir/Organization", Some(admin), &body)
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

async fn modifiers_are_served_as_r4_defines_them_and_others_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let first = organization(
        &app,
        &admin,
        json!({"resourceType": "Organization", "name": "心血管内科",
            "identifier": [{"system": "urn:huimin:sid:medical-institution-licence", "value": "PDY000001"}]}),
    )
    .await;
    let second = organization(
        &app,
        &admin,
        json!({"resourceType": "Organization", "name": "心血管内科 Ward B",
            "partOf": {"reference": format!("Organization/{first}")}}),
    )
    .await;
    let only = |id: &String| BTreeSet::from([id.clone()]);
    let both = BTreeSet::from([first.clone(), second.clone()]);
    let cases = [
        (format!("Organization?_id:not={first}"), only(&second)),
        (format!("Organization?_id={first}"), only(&first)),
        ("Organization?_id:missing=false".into(), both.clone()),
        ("Organization?_id:missing=true".into(), BTreeSet::new()),
        ("Organization?name=心血管内科".into(), both.clone()),
        ("Organization?name:exact=心血管内科".into(), only(&first)),
        ("Organization?name:contains=ward".into(), only(&second)),
        (
            "Organization?name:exact=心血管内科 Ward B".into(),
            only(&second),
        ),
        (
            "Organization?name:exact=心血管内科 ward b".into(),
            BTreeSet::new(),
        ),
        ("Organization?identifier:missing=true".into(), only(&second)),
        ("Organization?identifier:missing=false".into(), only(&first)),
        (
            "Organization?identifier:not=PDY000001".into(),
            only(&second),
        ),
        ("Organization?partof:missing=true".into(), only(&first)),
        ("Organization?partof:missing=false".into(), only(&second)),
        ("Organization?name:missing=false".into(), both.clone()),
    ];
    for (query, expected) in cases {
        assert_eq!(found(&app, &admin, &query).await, expected, "{query}");
    }
    for (key, value) in [
        ("_id:foo", "x"),
        ("name:not", "心血管内科"),
        ("identifier:exact", "PDY000001"),
        ("identifier:text", "PDY000001"),
        ("partof:not", "x"),
        ("partof:exact", "x"),
        ("name:missing", "maybe"),
    ] {
        let query = format!("/fhir/Organization?{key}={value}");
        let zh = app.get(&query, Some(&admin)).await;
        assert_eq!(zh.status, 400, "{query}: {}", zh.body);
        assert_eq!(zh.body["resourceType"], "OperationOutcome");
        assert_eq!(zh.expression(), Some(key), "{query}");
        let parameter = key.split(':').next().unwrap();
        let text = |r: &Resp| {
            r.body["issue"][0]["details"]["text"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert!(text(&zh).contains(parameter), "{}", zh.body);
        let en = app.get_lang(&query, Some(&admin), "en").await;
        assert_eq!(en.status, 400);
        assert!(text(&en).contains(parameter), "{}", en.body);
        assert_ne!(
            text(&zh),
            text(&en),
            "{query} is answered in the visitor's language"
        );
    }
    let metadata = app.get("/fhir/metadata", None).await;
    let organization = metadata.body["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "Organization")
        .unwrap()
        .clone();
    let doc = |name: &str| {
        organization["searchParam"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["documentation"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert!(
        doc("_id").ends_with("Modifiers: :missing, :not."),
        "{}",
        doc("_id")
    );
    assert!(doc("name").ends_with("Modifiers: :missing, :exact, :contains."));
    assert!(doc("partof").ends_with("Modifiers: :missing."));
    app.finish().await;
}
on_both!(modifiers_are_served_as_r4_defines_them_and_others_refused);

async fn practitioner(app: &TestApp, admin: &str, identifier: Value) -> String {
    let body = json!({"resourceType": "Practitioner", "name": [{"text": "王医生"}],
        "identifier": [identifier]});
    let created = app
        .post_json("/fhir/Practitioner", Some(admin), &body)
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

async fn token_search_reads_system_and_code_as_r4_does(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let licensed = practitioner(
        &app,
        &admin,
        json!({"system": LICENCE, "value": "110110000012345"}),
    )
    .await;
    let also_licensed = practitioner(
        &app,
        &admin,
        json!({"system": LICENCE, "value": "110110000012346"}),
    )
    .await;
    let elsewhere = practitioner(
        &app,
        &admin,
        json!({"system": "urn:other", "value": "110110000012345"}),
    )
    .await;
    let no_system = practitioner(&app, &admin, json!({"value": "W-7"})).await;
    let set = |ids: &[&String]| ids.iter().map(|id| (*id).clone()).collect::<BTreeSet<_>>();
    let cases = [
        (
            format!("identifier={LICENCE}|"),
            set(&[&licensed, &also_licensed]),
        ),
        (
            format!("identifier={LICENCE}|110110000012345"),
            set(&[&licensed]),
        ),
        (
            "identifier=110110000012345".into(),
            set(&[&licensed, &elsewhere]),
        ),
        ("identifier=|110110000012345".into(), set(&[])),
        ("identifier=|w-7".into(), set(&[&no_system])),
        ("identifier=W-7".into(), set(&[&no_system])),
        ("identifier=urn:other|".into(), set(&[&elsewhere])),
        (
            format!("identifier:not={LICENCE}|"),
            set(&[&elsewhere, &no_system]),
        ),
    ];
    for (query, expected) in cases {
        let query = format!("Practitioner?{}", query.replace('|', "%7C"));
        assert_eq!(found(&app, &admin, &query).await, expected, "{query}");
    }
    let nothing = app
        .get("/fhir/Practitioner?identifier=%7C", Some(&admin))
        .await;
    assert_eq!(
        (nothing.status, nothing.expression()),
        (400, Some("identifier"))
    );

    let dept = organization(
        &app,
        &admin,
        json!({"resourceType": "Organization", "name": "心血管内科",
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "dept"}]}]}),
    )
    .await;
    let type_system =
        "Organization?type=http://terminology.hl7.org/CodeSystem/organization-type%7C";
    assert_eq!(found(&app, &admin, type_system).await, set(&[&dept]));

    let registrar = app.staff("registrar").await;
    let patient = app
        .post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("赵检索", "赵", "检索", ID_2, "13911112222"),
        )
        .await;
    assert_eq!(patient.status, 201, "{}", patient.body);
    let patient = patient.body["id"].as_str().unwrap().to_owned();
    let by_system = "Patient?identifier=urn:huimin:sid:cn-resident-id%7C";
    assert_eq!(found(&app, &registrar, by_system).await, set(&[&patient]));
    app.finish().await;
}
on_both!(token_search_reads_system_and_code_as_r4_does);

/// A database indexed before `system|` tokens existed (simulated by emptying the index and
/// forgetting its form) is reindexed at the next start.
async fn resources_indexed_in_an_older_form_are_reindexed_at_start(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let doctor = practitioner(
        &app,
        &admin,
        json!({"system": LICENCE, "value": "110110000012345"}),
    )
    .await;
    let query = format!("Practitioner?identifier={LICENCE}%7C");
    app.store
        .reindex_resources("Practitioner", |_| Vec::new())
        .await
        .unwrap();
    app.store.delete_setting("search_index_form").await.unwrap();
    assert!(found(&app, &admin, &query).await.is_empty());
    let app = app.crash_and_restart().await;
    let admin = app.admin().await;
    assert_eq!(found(&app, &admin, &query).await, BTreeSet::from([doctor]));
    app.finish().await;
}
on_both!(resources_indexed_in_an_older_form_are_reindexed_at_start);

/// A value list longer than the server's cap is refused with a 400 naming the parameter and the
/// limit, in the visitor's language; a list at the cap is answered.
async fn too_many_or_values_are_refused_with_the_limit(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let values = |n: usize| {
        (0..n)
            .map(|i| format!("a{i}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let at_cap = app
        .get(
            &format!("/fhir/Practitioner?name={}", values(100)),
            Some(&admin),
        )
        .await;
    assert_eq!(at_cap.status, 200, "{}", at_cap.body);
    let query = format!("/fhir/Practitioner?name={}", values(500));
    let zh = app.get(&query, Some(&admin)).await;
    assert_eq!(zh.status, 400, "{}", zh.body);
    assert_eq!(zh.expression(), Some("name"));
    let text = |r: &Resp| {
        r.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        text(&zh).contains("name") && text(&zh).contains("100"),
        "{}",
        zh.body
    );
    let en = app.get_lang(&query, Some(&admin), "en").await;
    assert_eq!(en.status, 400);
    assert!(text(&en).contains("at most 100"), "{}", en.body);
    let repeated: String = (0..500).map(|i| format!("&name:contains=a{i}")).collect();
    let many = app
        .get(
            &format!("/fhir/Practitioner?_count=1{repeated}"),
            Some(&admin),
        )
        .await;
    assert_eq!(many.status, 400, "{}", many.body);
    app.finish().await;
}
on_both!(too_many_or_values_are_refused_with_the_limit);
