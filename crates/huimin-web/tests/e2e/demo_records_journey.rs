//! The demo hospital's records as people meet them on a first start, in Chinese and English:
//! 陈志强 (375 px) lists his past visits; a 心血管内科 doctor (1280 px) opens a 消化内科
//! patient's visit, which asks for a reason first (break-the-glass); the head of 心血管内科
//! finds that read, its reason and the doctor on `/staff/break-glass`, in both languages; a
//! visit page reads in English; a doctor who heads nothing is told so.

use crate::harness::{Driver, Server};

const DEMO_PASSWORD: &str = "Huimin@2026!";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_records_are_there_and_a_break_the_glass_read_reaches_the_head() {
    let server = Server::start_demo().await;
    let base = &server.base;
    let driver = Driver::start();

    let phone = driver.browser(375, 800).await;
    phone.sign_in(base, "13800000001", DEMO_PASSWORD).await;
    phone.go(&format!("{base}/me/records")).await;
    let list = phone.text("#record-visits").await;
    assert!(list.contains("急性支气管炎"), "{list}");
    assert!(list.contains("高血压"), "{list}");
    phone.assert_fits_width().await;
    phone.shot("demo-record-list-375").await;
    phone
        .go(&format!("{base}/prefs?lang=en&back=/me/records"))
        .await;
    let list = phone.text("#record-visits").await;
    assert!(
        list.contains("Acute bronchitis") || list.contains("急性支气管炎"),
        "{list}"
    );
    phone.shot("demo-record-list-375-en").await;
    phone.close().await;

    // A 心血管内科 doctor (doctor3) opens a 消化内科 patient's visit (林晓燕's): a reason first.
    let visit = server
        .state
        .store
        .search_encounters(&huimin_store::records::EncounterFilter {
            practitioner_role: Some("role-dr-012".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a demo visit in 消化内科")
        .id;
    let member = driver.browser(1280, 900).await;
    member.sign_in(base, "doctor3", DEMO_PASSWORD).await;
    member.go(&format!("{base}/staff/visits/{visit}")).await;
    let why = member.text("#break-glass-why").await;
    assert!(!why.trim().is_empty());
    member.shot("demo-break-glass-ask-1280").await;
    member
        .fill("#break_glass", "夜班会诊，需了解既往用药")
        .await;
    member.click("#break-glass").await;
    let note = member.text("#signed-note").await;
    assert!(note.contains("主诉"), "{note}");
    member.close().await;

    let head = driver.browser(1280, 900).await;
    head.sign_in(base, "doctor", DEMO_PASSWORD).await;
    head.go(&format!("{base}/staff/break-glass")).await;
    let reads = head.text("#reads").await;
    assert!(reads.contains("王丽华"), "{reads}");
    assert!(reads.contains("夜班会诊"), "{reads}");
    assert!(reads.contains("心血管内科"), "{reads}");
    head.assert_fits_width().await;
    head.shot("demo-break-glass-list-1280").await;
    head.go(&format!("{base}/prefs?lang=en&back=/staff/break-glass"))
        .await;
    assert!(head.text("h1").await.contains("Break-the-glass"));
    assert!(head.text("#reads").await.contains("Reason"));
    head.shot("demo-break-glass-list-1280-en").await;

    // The head's own visit page in English: sections, diagnoses and the signed version.
    let own = server
        .state
        .store
        .search_encounters(&huimin_store::records::EncounterFilter {
            practitioner_role: Some("role-dr-016".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("the head's own demo visit")
        .id;
    head.go(&format!("{base}/staff/visits/{own}")).await;
    let page = head.text("main").await;
    for words in ["Chief complaint", "Allergies", "Signed note", "Diagnoses"] {
        assert!(page.contains(words), "{words}: {page}");
    }
    head.assert_fits_width().await;
    head.shot("demo-record-visit-1280-en").await;
    head.close().await;

    // Someone who heads nothing is told so.
    let other = driver.browser(375, 800).await;
    other.sign_in(base, "doctor2", DEMO_PASSWORD).await;
    other.go(&format!("{base}/staff/break-glass")).await;
    assert!(other.text("main").await.contains("科主任"));
    other.assert_fits_width().await;
    other.close().await;
}
