//! The scheduling resources as R4 allows them: `$find` by any doctor reference and with paging
//! links, a Schedule's department outside `actor`, and a waitlist entry as one readable
//! Appointment. Each answer is also written under the temp dir's `huimin-fhir/` for the R4
//! validator.

use serde_json::Value;

use crate::booking_api::{clinic, in_days, open_session};
use crate::helpers::*;
use crate::on_both;

/// Writes a FHIR answer where the validator script can read it.
fn keep(name: &str, db: Db, body: &Value) {
    let dir = std::env::temp_dir().join("huimin-fhir");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}-{db:?}.json"));
    std::fs::write(file, serde_json::to_vec_pretty(body).unwrap()).unwrap();
}

fn link<'a>(bundle: &'a Value, relation: &str) -> Option<&'a str> {
    bundle["link"]
        .as_array()?
        .iter()
        .find(|l| l["relation"] == relation)?["url"]
        .as_str()
}

/// The path and query of a link, for the test client.
fn path_of(url: &str) -> String {
    url[url.find("/fhir/").unwrap()..].to_owned()
}

fn starts(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["resource"]["start"].as_str().unwrap().to_owned())
        .collect()
}

async fn find_takes_doctor_references_and_links_every_parameter(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 50.0).await;
    open_session(&app, &admin, &role, 12, 15).await;
    let doctor = app
        .get(&format!("/fhir/PractitionerRole/{role}"), Some(&admin))
        .await
        .body["practitioner"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    for named in [
        doctor.clone(),
        format!("PractitionerRole/{role}"),
        role.clone(),
    ] {
        let found = app
            .get(
                &format!("/fhir/Appointment/$find?practitioner={named}&_count=5"),
                None,
            )
            .await;
        assert_eq!(found.status, 200, "{}", found.body);
        assert_eq!(found.body["total"], 12, "practitioner={named}");
    }
    let first = app
        .get(
            &format!(
                "/fhir/Appointment/$find?practitioner={doctor}&_count=5&end={}",
                in_days(3)
            ),
            None,
        )
        .await
        .body;
    keep("find", db, &first);
    let this = link(&first, "self").expect("a self link");
    assert!(this.contains("_count=5") && this.contains("end="), "{this}");
    assert!(link(&first, "previous").is_none(), "the first page");
    let next = link(&first, "next").expect("a next link").to_owned();
    assert!(next.contains("practitioner=Practitioner%2F"), "{next}");
    let second = app.get(&path_of(&next), None).await.body;
    let third = app
        .get(&path_of(link(&second, "next").unwrap()), None)
        .await
        .body;
    assert!(
        link(&third, "next").is_none(),
        "12 slots are three pages of 5"
    );
    let previous = link(&third, "previous").expect("a previous link");
    assert_eq!(
        starts(&app.get(&path_of(previous), None).await.body),
        starts(&second)
    );
    let mut all: Vec<String> = [&first, &second, &third]
        .into_iter()
        .flat_map(starts)
        .collect();
    all.dedup();
    assert_eq!(all.len(), 12, "every slot once, in order");
    let nobody = app
        .get(
            "/fhir/Appointment/$find?practitioner=Practitioner/nobody",
            None,
        )
        .await;
    assert_eq!(nobody.body["total"], 0);
    app.finish().await;
}
on_both!(find_takes_doctor_references_and_links_every_parameter);

async fn a_schedule_names_its_department_in_an_extension_not_an_actor(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let slots = open_session(&app, &admin, &role, 2, 30).await;
    let slot = app
        .get(&format!("/fhir/Slot/{}", slots[0]), None)
        .await
        .body;
    let schedule = app
        .get(
            &format!("/fhir/{}", slot["schedule"]["reference"].as_str().unwrap()),
            None,
        )
        .await
        .body;
    keep("schedule", db, &schedule);
    let actors: Vec<&str> = schedule["actor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reference"].as_str().unwrap())
        .collect();
    assert_eq!(actors, [format!("PractitionerRole/{role}")], "{schedule}");
    let department = app
        .get(&format!("/fhir/PractitionerRole/{role}"), Some(&admin))
        .await
        .body["organization"]
        .clone();
    let extension = schedule["extension"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["url"] == "urn:huimin:ext:department")
        .expect("the department extension");
    assert_eq!(
        extension["valueReference"]["reference"],
        department["reference"]
    );
    // `$find` by the department still finds the session.
    let found = app
        .get(
            &format!(
                "/fhir/Appointment/$find?department={}",
                department["reference"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(found.body["total"], 2);
    app.finish().await;
}
on_both!(a_schedule_names_its_department_in_an_extension_not_an_actor);

async fn a_waitlist_entry_is_one_readable_appointment_and_promotion_books_one(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let slot = open_session(&app, &admin, &role, 1, 30).await.remove(0);
    let schedule = app.get(&format!("/fhir/Slot/{slot}"), None).await.body["schedule"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let alices = app.book(&alice, &alice_id, &slot).await;
    let joined = app
        .post_json(
            "/fhir/Appointment/$waitlist",
            Some(&bob),
            &parameters(&[
                ("schedule", schedule),
                ("patient", format!("Patient/{bob_id}")),
            ]),
        )
        .await;
    assert_eq!(joined.status, 201, "{}", joined.body);
    let location = joined.header("location").expect("a Location").to_owned();
    let entry = joined.body["id"].as_str().unwrap().to_owned();
    assert!(
        location.ends_with(&format!("/fhir/Appointment/{entry}")),
        "{location}"
    );
    let read = app.get(&path_of(&location), Some(&bob)).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["status"], "waitlist");
    keep("waitlist-entry", db, &read.body);
    let nurse = app.staff("nurse").await;
    assert_eq!(app.get(&path_of(&location), Some(&nurse)).await.status, 200);
    assert_eq!(
        app.get(&path_of(&location), Some(&alice)).await.status,
        404,
        "another account's entry is not found"
    );

    assert_eq!(
        app.set_status(&alice, &alices, "cancelled", "zh")
            .await
            .status,
        200
    );
    let mut ended = app.get(&path_of(&location), Some(&bob)).await.body;
    keep("waitlist-promoted", db, &ended);
    assert_eq!(ended["status"], "cancelled", "{ended}");
    assert_eq!(ended["cancelationReason"]["coding"][0]["code"], "booked");
    assert!(
        ended.get("basedOn").is_none(),
        "basedOn names only a ServiceRequest"
    );
    let booked = ended["supportingInformation"][0]["reference"]
        .as_str()
        .unwrap();
    let visit = app.get(&format!("/fhir/{booked}"), Some(&bob)).await.body;
    assert_eq!(visit["status"], "booked");
    assert!(
        visit["start"].is_string() && visit["end"].is_string(),
        "{visit}"
    );
    let listed = app
        .get(
            &format!("/fhir/Appointment?patient=Patient/{bob_id}"),
            Some(&bob),
        )
        .await
        .body;
    let booked_ones = listed["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["status"] == "booked")
        .count();
    assert_eq!(
        booked_ones, 1,
        "one visit, one booked Appointment: {listed}"
    );
    let mine = app
        .get(&format!("/api/me/waitlist/{entry}"), Some(&bob))
        .await;
    // The same resource, but for the narrative FHIR reads carry.
    ended.as_object_mut().unwrap().remove("text");
    assert_eq!(
        mine.body, ended,
        "the patients' API answers the same resource"
    );
    app.finish().await;
}
on_both!(a_waitlist_entry_is_one_readable_appointment_and_promotion_books_one);
