//! One data key per database: a server whose key is not the database's refuses to start,
//! whatever the backend, instead of serving records it cannot open and identities it cannot
//! find.

use huimin_server::{App, Secret, Settings};
use huimin_store::DataKey;

use crate::helpers::*;
use crate::on_both;

/// The setting that holds the database's key check (huimin-store's `keycheck`).
const CHECK_SETTING: &str = "data-key-check";

/// Why a server with `settings` refused to start (panics if it started).
async fn refusal(settings: Settings) -> String {
    match App::build(settings).await {
        Ok(_) => panic!("the server started with a key that is not the database's"),
        Err(err) => err.to_string(),
    }
}

/// The test app's settings for another server on its database, without start-up work.
fn another_server(app: &TestApp) -> Settings {
    let mut settings = app.settings.clone();
    settings.admin_password = None;
    settings
}

/// The key the test app's server made in its data directory.
fn key_file_key(app: &TestApp) -> String {
    DataKey::load(&app.dir.path().join("data.key"))
        .unwrap()
        .expect("the key file")
        .to_base64()
}

/// Starts a server, reads a patient through it with `token`, stops it.
async fn read_through(settings: Settings, token: &str, patient: &str) -> u16 {
    let app = App::build(settings).await.expect("the server starts");
    let url = format!("http://127.0.0.1:{}/fhir/Patient/{patient}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let status = reqwest::Client::new()
        .get(&url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    let _ = stop.send(());
    let _ = server.await;
    status
}

async fn a_server_with_another_data_key_refuses_to_start(db: Db) {
    let app = TestApp::spawn(db).await;
    let (token, patient) = app.patient("13900000001", "王小明", ID_2).await;

    let mut stranger = another_server(&app);
    stranger.data_key = Some(Secret::new(DataKey::generate().to_base64()));
    let message = refusal(stranger).await;
    assert!(
        message.contains("HUIMIN_DATA_KEY") && message.contains("not the key"),
        "{message}"
    );

    let mut right = another_server(&app);
    right.data_key = Some(Secret::new(key_file_key(&app)));
    assert_eq!(read_through(right, &token, &patient).await, 200);
    assert_eq!(
        read_through(another_server(&app), &token, &patient).await,
        200,
        "the key file in the data directory is the right key too"
    );
    app.finish().await;
}
on_both!(a_server_with_another_data_key_refuses_to_start);

/// A restored SQLite data directory without its `data.key`: the server used to make a new key,
/// answer `/healthz`, fail every Patient read and register the same person twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_directory_without_its_key_file_refuses_to_start() {
    let app = TestApp::spawn(Db::Sqlite).await;
    app.patient("13900000001", "王小明", ID_2).await;
    let key_file = app.dir.path().join("data.key");
    let saved = std::fs::read_to_string(&key_file).unwrap();

    std::fs::remove_file(&key_file).unwrap();
    let message = refusal(another_server(&app)).await;
    assert!(
        message.contains(&key_file.display().to_string()) && message.contains("missing"),
        "{message}"
    );
    assert!(!key_file.exists(), "no new key was made");

    std::fs::write(&key_file, DataKey::generate().to_base64()).unwrap();
    let message = refusal(another_server(&app)).await;
    assert!(
        message.contains(&key_file.display().to_string()) && message.contains("not the key"),
        "{message}"
    );

    std::fs::write(&key_file, saved).unwrap();
    let restarted = app.crash_and_restart().await;
    let again = restarted.register("13900000001", "王小明", ID_2).await;
    assert_eq!(again.status, 409, "still one identity: {}", again.body);
    restarted.finish().await;
}

/// An upgrade: a database the release before the key check wrote (the same schema, sealed
/// Patients, no check) serves after it with its key and gets its check; another key is refused.
async fn a_database_written_before_the_key_check_serves_with_its_key(db: Db) {
    let app = TestApp::spawn(db).await;
    let (token, patient) = app.patient("13900000001", "王小明", ID_2).await;
    assert!(app.store.delete_setting(CHECK_SETTING).await.unwrap());

    let mut stranger = another_server(&app);
    stranger.data_key = Some(Secret::new(DataKey::generate().to_base64()));
    let message = refusal(stranger.clone()).await;
    assert!(message.contains("not the key"), "{message}");
    assert_eq!(app.store.setting(CHECK_SETTING).await.unwrap(), None);

    assert_eq!(
        read_through(another_server(&app), &token, &patient).await,
        200
    );
    assert!(
        app.store.setting(CHECK_SETTING).await.unwrap().is_some(),
        "the proven key's check is written"
    );
    refusal(stranger).await;
    app.finish().await;
}
on_both!(a_database_written_before_the_key_check_serves_with_its_key);
