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
    /// The database was unavailable to a task that wrote for this request (the audit or the
    /// booking group writer), which reports it in words.
    #[error("database unavailable: {0}")]
    Unavailable(String),
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
    /// Whether the database could not be reached or used for now (connection refused, lost
    /// or timed out, the server shutting down, SQLite's file locked by another process):
    /// worth trying again later, unlike a fault of the request or of the data.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(err) => unavailable(err),
            StoreError::Unavailable(_) => true,
            _ => false,
        }
    }

    /// This error in words, for a caller in another task: unavailable still, or `other`.
    pub(crate) fn relayed(&self, other: fn(String) -> StoreError) -> StoreError {
        if self.is_unavailable() {
            StoreError::Unavailable(self.to_string())
        } else {
            other(self.to_string())
        }
    }

    pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
    }
}

/// See [`StoreError::is_unavailable`].
fn unavailable(err: &sqlx::Error) -> bool {
    use sqlx::Error as E;
    match err {
        E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::Protocol(_) => true,
        E::WorkerCrashed => true,
        E::Database(db) => db.code().is_some_and(|code| unavailable_code(&code)),
        _ => false,
    }
}

/// PostgreSQL: connection exceptions (class 08), administrator or crash shutdown, cannot
/// connect now, too many connections. SQLite (numeric codes, extended or not): busy, locked,
/// cannot open the file.
fn unavailable_code(code: &str) -> bool {
    if code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300") {
        return true;
    }
    code.parse::<u32>()
        .is_ok_and(|n| matches!(n & 0xff, 5 | 6 | 14))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_connections_and_locked_files_are_unavailable_and_faults_are_not() {
        let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(StoreError::Database(sqlx::Error::Io(io)).is_unavailable());
        assert!(StoreError::Database(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_unavailable());
        assert!(!StoreError::NotFound.is_unavailable());
        for code in ["08006", "57P01", "53300", "5", "517", "6", "14"] {
            assert!(unavailable_code(code), "{code}");
        }
        for code in ["23505", "40P01", "19", "2067", "1"] {
            assert!(!unavailable_code(code), "{code}");
        }
    }
}
