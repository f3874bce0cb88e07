//! Backups taken under a booking load, and restoring them: SQLite's `VACUUM INTO` copies
//! every committed booking (the ones still in the write-ahead log too); PostgreSQL refuses and
//! points to its own tools.

use huimin_server::App;
use huimin_store::backup::restore;
use huimin_store::{DatabaseTarget, KeySource};

use crate::booking_api::{crowd, direct_booking};
use crate::helpers::*;

/// Books patient `n` into a slot, as a task.
fn booking(
    app: &TestApp,
    registrar: &str,
    slots: &[String],
    patients: &[String],
    n: usize,
) -> tokio::task::JoinHandle<(u16, String)> {
    tokio::spawn(direct_booking(
        app,
        registrar,
        &slots[n % slots.len()],
        &patients[n],
        None,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_a_booking_load_holds_every_booking_acknowledged_before_it() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (registrar, slots, patients) = crowd(&app, 80, 80).await;
    // Bookings acknowledged before the backup starts.
    let first: Vec<_> = (0..40)
        .map(|n| booking(&app, &registrar, &slots, &patients, n))
        .collect();
    let mut acknowledged = Vec::new();
    for task in first {
        let (status, id) = task.await.unwrap();
        if status == 201 {
            acknowledged.push(id);
        }
    }
    assert!(acknowledged.len() >= 30, "{} booked", acknowledged.len());
    // More bookings arrive while the backup is written.
    let during: Vec<_> = (40..80)
        .map(|n| booking(&app, &registrar, &slots, &patients, n))
        .collect();
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("huimin-backup.db");
    let summary = app.store.back_up_to(&file, false).await.unwrap();
    for task in during {
        task.await.unwrap();
    }
    assert!(file.is_file() && summary.bytes > 0);
    let appointments = summary
        .counts
        .iter()
        .find(|(table, _)| *table == "appointments")
        .unwrap()
        .1;
    assert!(appointments >= acknowledged.len() as i64);

    // A second backup to the same file is refused; nothing is left half-written.
    let again = app.store.back_up_to(&file, false).await.unwrap_err();
    assert!(again.to_string().contains("--force"), "{again}");
    assert_eq!(std::fs::read_dir(backups.path()).unwrap().count(), 1);

    // Restored on another machine with the data key, a server starts on it and every
    // booking acknowledged before the backup is there, the audit chain intact.
    let machine = tempfile::tempdir().unwrap();
    std::fs::copy(
        app.dir.path().join("data.key"),
        machine.path().join("data.key"),
    )
    .unwrap();
    let target = DatabaseTarget::Sqlite {
        path: machine.path().join("huimin.db"),
    };
    let key = KeySource::File(machine.path().join("data.key"));
    let restored = restore(&target, &key, &file).await.unwrap();
    assert_eq!(restored.kept_aside, None);
    assert_eq!(restored.summary.audit_records, summary.audit_records);
    let server = App::build(test_settings(machine.path())).await.unwrap();
    let store = server.store().clone();
    for id in &acknowledged {
        assert!(
            store.appointment(id).await.unwrap().is_some(),
            "acknowledged booking {id} is in the backup"
        );
    }
    assert!(store.check_audit_chain(None).await.unwrap().is_ok());

    // While a store has the database open, a restore is refused.
    let refused = restore(&target, &key, &file).await.unwrap_err();
    assert!(refused.to_string().contains("stop it first"), "{refused}");
    drop(server);
    store.close().await;
    drop(store);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backups_are_refused_with_the_documented_path() {
    let app = TestApp::spawn(Db::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let refused = app
        .store
        .back_up_to(&dir.path().join("x.db"), false)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("pg_dump"), "{refused}");
    let target = app.settings.database_target();
    let key = KeySource::File(app.dir.path().join("data.key"));
    let refused = restore(&target, &key, &dir.path().join("x.db"))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("docs/operations.md"),
        "{refused}"
    );
    app.finish().await;
}
