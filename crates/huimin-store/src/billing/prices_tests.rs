use super::*;
use crate::{DataKey, DatabaseTarget, KeySource};

async fn store(dir: &tempfile::TempDir) -> Store {
    let target = DatabaseTarget::Sqlite {
        path: dir.path().join("huimin.db"),
    };
    Store::open(&target, &KeySource::Given(DataKey::generate()))
        .await
        .unwrap()
}

fn item(code: &str, category: PriceCategory, fen: i64) -> PriceItem {
    PriceItem {
        code: code.to_owned(),
        name: Text::new(format!("项目{code}"), format!("Item {code}")),
        category,
        unit: Text::new("次", "time"),
        price: Money::from_fen(fen).unwrap(),
        registration_class: None,
    }
}

fn codes(items: &[PriceItem]) -> Vec<&str> {
    items.iter().map(|i| i.code.as_str()).collect()
}

#[tokio::test]
async fn an_import_replaces_the_whole_list_with_its_items() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let now = Timestamp::now();
    let mut ordinary = item("R1", PriceCategory::Registration, 1500);
    ordinary.registration_class = Some(RegistrationClass::Ordinary);
    let first = [
        item("L1", PriceCategory::Lab, 2500),
        ordinary.clone(),
        item("L0", PriceCategory::Lab, 800),
    ];
    assert_eq!(store.replace_price_list(&first, now).await.unwrap(), 3);
    let listed = store.price_list().await.unwrap();
    assert_eq!(codes(&listed), ["R1", "L0", "L1"], "by category, then code");
    assert_eq!(listed[0], ordinary);
    let found = store.registration_price(RegistrationClass::Ordinary).await;
    assert_eq!(found.unwrap(), Some(ordinary));

    // The same instant again: the second import still removes what it does not list.
    let second = [
        item("L1", PriceCategory::Lab, 3000),
        item("T1", PriceCategory::Treatment, 500),
    ];
    assert_eq!(store.replace_price_list(&second, now).await.unwrap(), 2);
    assert_eq!(codes(&store.price_list().await.unwrap()), ["L1", "T1"]);
    let l1 = store.price_item("L1").await.unwrap().unwrap();
    assert_eq!(l1.price.fen(), 3000);
    assert_eq!(store.price_item("R1").await.unwrap(), None);
    let none = store.registration_price(RegistrationClass::Ordinary).await;
    assert_eq!(none.unwrap(), None);
    store.close().await;
}

#[tokio::test]
async fn a_failed_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let before = [
        item("A", PriceCategory::Exam, 100),
        item("B", PriceCategory::Exam, 200),
    ];
    store
        .replace_price_list(&before, Timestamp::now())
        .await
        .unwrap();
    // The database refuses the last row of the next import (codes are written in order), after
    // two statements of others were written.
    sqlx::query(
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON price_items WHEN NEW.code = 'Z-BOOM' \
         BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    .execute(&store.writer)
    .await
    .unwrap();
    let mut after: Vec<PriceItem> = (0..250)
        .map(|n| item(&format!("N{n:03}"), PriceCategory::Lab, n))
        .collect();
    after.push(item("Z-BOOM", PriceCategory::Other, 1));
    assert!(
        store
            .replace_price_list(&after, Timestamp::now())
            .await
            .is_err()
    );
    assert_eq!(store.price_list().await.unwrap(), before);
    store.close().await;
}

#[tokio::test]
async fn a_search_finds_text_in_codes_and_names_within_a_category() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let mut blood = item("250101015", PriceCategory::Lab, 2500);
    blood.name = Text::new("血细胞分析", "Complete Blood Count");
    let mut percent = item("X_1", PriceCategory::Other, 100);
    percent.name = Text::new("折扣 10%", "Discount 10%");
    let all = [blood, percent, item("310701001", PriceCategory::Exam, 2000)];
    store
        .replace_price_list(&all, Timestamp::now())
        .await
        .unwrap();
    let search = |category, text| store.search_price_list(PriceQuery { category, text });
    assert_eq!(codes(&search(None, "细胞").await.unwrap()), ["250101015"]);
    assert_eq!(codes(&search(None, "blood").await.unwrap()), ["250101015"]);
    assert_eq!(
        codes(&search(None, "01").await.unwrap()),
        ["310701001", "250101015"]
    );
    assert_eq!(
        codes(&search(Some(PriceCategory::Exam), "01").await.unwrap()),
        ["310701001"]
    );
    // Wildcards are literal.
    assert_eq!(codes(&search(None, "0%").await.unwrap()), ["X_1"]);
    assert_eq!(codes(&search(None, "_").await.unwrap()), ["X_1"]);
    assert_eq!(search(None, "").await.unwrap().len(), 3);
    store.close().await;
}
