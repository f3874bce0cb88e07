use thiserror::Error;

/// Everything the storage layer can report. Callers map `NotFound`, `VersionConflict`,
/// `Duplicate`, `Overlap` and `UsernameTaken` to client errors; the rest are server faults.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    #[error("version conflict: the current version is {current}")]
    VersionConflict { current: i64 },
    #[error("another {resource_type} already has this identifier ({system})")]
    Duplicate {
        resource_type: String,
        system: String,
    },
    /// A session would overlap another active session of the same doctor, which runs from
    /// `starts_at` to `ends_at` (microseconds, UTC).
    #[error("the doctor already has a session from {starts_at} to {ends_at}")]
    Overlap { starts_at: i64, ends_at: i64 },
    #[error("the user name is already taken")]
    UsernameTaken,
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("data key problem: {0}")]
    Key(String),
    /// The data key is not this database's (see `keycheck`).
    #[error(transparent)]
    KeyCheck(#[from] crate::keycheck::KeyCheckError),
    /// A group commit failed; every write in the group was rolled back.
    #[error("the group of writes this one was committed with failed: {0}")]
    Batch(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// An operation refused as it stands (a backup over an existing file, a restore while the
    /// database is open, …); the message names the fix.
    #[error("{0}")]
    Refused(String),
    #[error("file system error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
    }
}
