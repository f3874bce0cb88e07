//! Where the data lives: the embedded SQLite file or a PostgreSQL server.

use std::path::PathBuf;

/// Where the data lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// The embedded default: one SQLite file in WAL mode.
    Sqlite { path: PathBuf },
    /// Production and multi-server deployments.
    Postgres { url: String },
}

impl DatabaseTarget {
    /// `postgres://` and `postgresql://` URLs select PostgreSQL; `sqlite:` URLs name a file.
    pub fn from_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres {
                url: url.to_owned(),
            }
        } else {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            Self::Sqlite {
                path: PathBuf::from(path),
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite { .. } => Backend::Sqlite,
            Self::Postgres { .. } => Backend::Postgres,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}
