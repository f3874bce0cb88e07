//! An administrator imports the price list on a phone: a file with bad lines is refused with
//! each line named (in Chinese, then in English), and a good one fills the list.

use fantoccini::Locator;

use crate::harness::{ADMIN_PASSWORD, Driver, Server};

const HEADER: &str = "code,name_zh,name_en,category,unit_zh,unit_en,price_yuan,registration_class";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_imports_the_price_list_and_sees_each_refused_line() {
    let server = Server::start().await;
    let base = &server.base;
    let driver = Driver::start();
    let admin = driver.browser(375, 812).await;
    admin.sign_in(base, "admin", ADMIN_PASSWORD).await;
    admin.click("a[href='/admin/prices']").await;
    assert!(admin.text("#no-items").await.contains("价格目录为空"));

    // A file chosen from the disk with two bad lines: nothing is imported.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    let text = format!(
        "# 价格\n{HEADER}\n110200001,普通门诊诊察费,Consultation,registration,次,visit,15,ordinary\n\
         250101015,血细胞分析,Blood count,lab,次,test,25.123,\n\
         X1,<b>,X,exam,次,exam,1,\n"
    );
    std::fs::write(&bad, text).unwrap();
    let file = admin.client.find(Locator::Css("#file")).await.unwrap();
    file.send_keys(bad.to_str().unwrap()).await.unwrap();
    admin.click("#import").await;
    let problem = admin.text("#problem").await;
    assert!(problem.contains("第 4 行"), "{problem}");
    assert!(problem.contains("第 5 行"), "{problem}");
    assert!(problem.contains("没有变化"), "{problem}");
    assert!(admin.text("#no-items").await.contains("价格目录为空"));
    assert!(
        admin.value("#csv").await.contains("25.123"),
        "the text comes back to correct"
    );
    admin.assert_fits_width().await;
    admin.shot("70-admin-prices-refused-375").await;

    // In English the same lines are named in English.
    admin.click("#switch-lang").await;
    let file = admin.client.find(Locator::Css("#file")).await.unwrap();
    file.send_keys(bad.to_str().unwrap()).await.unwrap();
    admin.click("#import").await;
    let problem = admin.text("#problem").await;
    assert!(problem.contains("Line 4: bad price"), "{problem}");
    assert!(
        problem.contains("Line 5: the Chinese name must not contain"),
        "{problem}"
    );
    admin.click("#switch-lang").await;

    // Pasted, corrected: imported, and the list shows it by category.
    let good = format!(
        "{HEADER}\n110200001,普通门诊诊察费,Consultation,registration,次,visit,15,ordinary\n\
         250101015,血细胞分析,Blood count,lab,次,test,25.5,\n\
         310701001,常规心电图检查,Electrocardiogram,exam,次,exam,20,\n\
         H-CL-001,门诊病历本,Record booklet,material,本,booklet,1,\n"
    );
    admin.fill("#csv", &good).await;
    admin.click("#import").await;
    assert!(admin.text("#notice").await.contains("已导入 4 项"));
    let list = admin.text("#prices").await;
    for shown in [
        "挂号诊察",
        "普通门诊诊察费",
        "¥15.00",
        "普通号",
        "血细胞分析",
        "¥25.50",
        "¥1.00",
    ] {
        assert!(list.contains(shown), "{shown} in {list}");
    }
    admin.assert_fits_width().await;
    admin.shot("71-admin-prices-imported-375").await;

    // Search by name within the list.
    admin.fill("#q", "心电").await;
    admin.click("#search").await;
    let found = admin.text("#prices").await;
    assert!(
        found.contains("常规心电图检查") && !found.contains("血细胞分析"),
        "{found}"
    );
    admin.close().await;

    let wide = driver.browser(1280, 900).await;
    wide.sign_in(base, "admin", ADMIN_PASSWORD).await;
    wide.go(&format!("{base}/admin/prices")).await;
    assert!(wide.text("#prices").await.contains("门诊病历本"));
    wide.shot("72-admin-prices-1280").await;
    wide.close().await;
}
