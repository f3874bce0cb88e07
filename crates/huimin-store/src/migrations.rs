//! The schema's migrations, embedded in the binary and run at every start.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::Backend;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "appointments",
        include_str!("../migrations/0002_appointments.sql"),
    ),
    (3, "rosters", include_str!("../migrations/0003_rosters.sql")),
    (
        4,
        "notifications",
        include_str!("../migrations/0004_notifications.sql"),
    ),
    (
        5,
        "extra slots",
        include_str!("../migrations/0005_extra_slots.sql"),
    ),
    (
        6,
        "waitlist",
        include_str!("../migrations/0006_waitlist.sql"),
    ),
    (
        7,
        "waitlist offers",
        include_str!("../migrations/0007_waitlist_offers.sql"),
    ),
    (
        8,
        "find index",
        include_str!("../migrations/0008_find_index.sql"),
    ),
    (
        9,
        "payments",
        include_str!("../migrations/0009_payments.sql"),
    ),
    (
        10,
        "calling",
        include_str!("../migrations/0010_calling.sql"),
    ),
    (
        11,
        "patient facts index",
        include_str!("../migrations/0011_patient_facts_index.sql"),
    ),
    (
        12,
        "hot counters",
        include_str!("../migrations/0012_hot_counters.sql"),
    ),
    (
        13,
        "patient facts row",
        include_str!("../migrations/0013_patient_facts_row.sql"),
    ),
    (
        14,
        "billing",
        include_str!("../migrations/0014_billing.sql"),
    ),
    (15, "outbox", include_str!("../migrations/0015_outbox.sql")),
    (
        16,
        "identity",
        include_str!("../migrations/0016_identity.sql"),
    ),
    (
        17,
        "patient sex",
        include_str!("../migrations/0017_patient_sex.sql"),
    ),
    (
        18,
        "screen tokens",
        include_str!("../migrations/0018_screen_tokens.sql"),
    ),
    (
        19,
        "records",
        include_str!("../migrations/0019_records.sql"),
    ),
    (
        20,
        "codes and notifiable reports",
        include_str!("../migrations/0020_codes.sql"),
    ),
    (
        21,
        "record documents",
        include_str!("../migrations/0021_record_documents.sql"),
    ),
    (
        22,
        "sign-in sessions and login throttle",
        include_str!("../migrations/0022_sessions.sql"),
    ),
    (
        23,
        "keyed audit chain",
        include_str!("../migrations/0023_keyed_audit_chain.sql"),
    ),
    (24, "orders", include_str!("../migrations/0024_orders.sql")),
    (
        25,
        "results and critical values",
        include_str!("../migrations/0025_results.sql"),
    ),
    (
        26,
        "mutual recognition of results",
        include_str!("../migrations/0026_recognition.sql"),
    ),
    (
        27,
        "prescriptions, stock and the pharmacy",
        include_str!("../migrations/0027_prescriptions.sql"),
    ),
    (
        28,
        "online payments through gateways, and the sandbox gateway",
        include_str!("../migrations/0028_online_payments.sql"),
    ),
    (
        29,
        "electronic invoices and daily reconciliation with the gateways",
        include_str!("../migrations/0029_einvoices_reconciliations.sql"),
    ),
    (
        30,
        "medical insurance: cover and settlements",
        include_str!("../migrations/0030_insurance.sql"),
    ),
];

/// Migrations whose PostgreSQL text differs (`NNNN_name.postgres.sql`): storage settings
/// SQLite does not have. The version and description stay those of [`MIGRATIONS`].
const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[(
    12,
    include_str!("../migrations/0012_hot_counters.postgres.sql"),
)];

/// The migrations in order, with the PostgreSQL text where it differs.
pub(crate) fn migrator(backend: Backend) -> Migrator {
    let migrations: Vec<Migration> = MIGRATIONS
        .iter()
        .map(|(version, description, sql)| {
            let postgres = POSTGRES_MIGRATIONS
                .iter()
                .find(|(v, _)| v == version)
                .map(|(_, sql)| sql);
            let sql = match (backend, postgres) {
                (Backend::Postgres, Some(postgres)) => postgres,
                _ => sql,
            };
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                sqlx::SqlStr::from_static(sql),
                false,
            )
        })
        .collect();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use sqlx::AnyPool;

    use super::*;
    use crate::connection::prepare_sqlite_file;
    use crate::{DataKey, DatabaseTarget, Store};

    /// Every file in `migrations/` is embedded, in order: a migration added on disk but not
    /// listed here would silently never run.
    #[test]
    fn every_migration_file_is_embedded_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let (postgres, files): (Vec<String>, Vec<String>) = files
            .into_iter()
            .partition(|n| n.ends_with(".postgres.sql"));
        assert_eq!(postgres.len(), POSTGRES_MIGRATIONS.len(), "{postgres:?}");
        for (file, (version, sql)) in postgres.iter().zip(POSTGRES_MIGRATIONS) {
            assert!(
                file.starts_with(&format!("{version:04}_")),
                "{file} is not version {version}"
            );
            assert!(MIGRATIONS.iter().any(|(v, _, _)| v == version), "{file}");
            let on_disk = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
            assert_eq!(&on_disk, sql, "{file}");
        }
        assert_eq!(files.len(), MIGRATIONS.len(), "{files:?}");
        for (file, (version, _, sql)) in files.iter().zip(MIGRATIONS) {
            assert!(
                file.starts_with(&format!("{version:04}_")),
                "{file} is not version {version}"
            );
            let on_disk = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
            assert_eq!(&on_disk, sql, "{file}");
        }
    }

    /// An upgrade: a database made by the migrations before 13, already holding Patients,
    /// gains their booking facts (13, and the sex of 18) when a newer server connects and
    /// migrates it (the fill statements themselves are tested on both databases by the API
    /// tests).
    #[tokio::test]
    async fn an_upgrade_fills_the_booking_facts_of_the_patients_already_stored() {
        use sqlx::Row;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huimin.db");
        prepare_sqlite_file(&path).await.unwrap();
        sqlx::any::install_default_drivers();
        let old = AnyPool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let mut before = migrator(Backend::Sqlite);
        before.migrations = Cow::Owned(
            before
                .migrations
                .iter()
                .filter(|m| m.version < 13)
                .cloned()
                .collect(),
        );
        before.run(&old).await.unwrap();
        for statement in [
            "INSERT INTO resources (resource_type, id, version_id, last_updated, content) \
             VALUES ('Patient', 'elder', 1, 0, '{}'), ('Patient', 'anonymous', 1, 0, '{}'), \
                    ('Practitioner', 'doctor', 1, 0, '{}')",
            "INSERT INTO unique_identifiers (resource_type, system, value_hash, id) \
             VALUES ('Patient', 'urn:huimin:sid:cn-resident-id', 'h1', 'elder')",
            "INSERT INTO search_tokens (resource_type, id, param, value) \
             VALUES ('Patient', 'elder', 'birthdate', '1940-05-05'), \
                    ('Patient', 'anonymous', 'birthdate', '1990-01-02'), \
                    ('Patient', 'elder', 'gender', 'female'), \
                    ('Patient', 'anonymous', 'gender', 'other'), \
                    ('Patient', 'anonymous', 'family', 'x')",
            // A patient who booked before the upgrade already has a lock row.
            "INSERT INTO patient_booking_locks (patient_id, version) VALUES ('elder', 7)",
        ] {
            sqlx::query(statement).execute(&old).await.unwrap();
        }
        old.close().await;

        let store = Store::connect(&DatabaseTarget::Sqlite { path }, &DataKey::generate())
            .await
            .unwrap();
        let rows = sqlx::query(
            "SELECT patient_id, version, verified, birth_date, sex FROM patient_booking_locks \
             ORDER BY patient_id",
        )
        .fetch_all(&store.pool)
        .await
        .unwrap();
        type Facts = (String, i64, Option<i64>, Option<String>, Option<String>);
        let facts: Vec<Facts> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .collect();
        assert_eq!(
            facts,
            [
                (
                    "anonymous".into(),
                    1,
                    Some(0),
                    Some("1990-01-02".into()),
                    None
                ),
                (
                    "elder".into(),
                    7,
                    Some(1),
                    Some("1940-05-05".into()),
                    Some("female".into())
                ),
            ]
        );
        store.close().await;
    }
}
