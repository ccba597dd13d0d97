//! Which store failures are the machine's trouble (a full disk, a read-only file, a
//! lock held too long) rather than a bad request or a bug: the one classification
//! the API's 503 and the engine's pauses share.

use super::StoreError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    DiskFull,
    ReadOnly,
    Busy,
    Io,
}

/// SQLite's primary result codes: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.
const CODES: [(i64, Fault); 6] = [
    (5, Fault::Busy),
    (6, Fault::Busy),
    (8, Fault::ReadOnly),
    (10, Fault::Io),
    (13, Fault::DiskFull),
    (14, Fault::Io),
];

/// What other databases (and SQLite's extended errors) say, by their words.
const WORDS: [(&str, Fault); 6] = [
    ("full", Fault::DiskFull),
    ("readonly", Fault::ReadOnly),
    ("read-only", Fault::ReadOnly),
    ("locked", Fault::Busy),
    ("busy", Fault::Busy),
    ("disk i/o", Fault::Io),
];

impl Fault {
    /// What holds things back, in words an admin understands.
    pub fn words(self) -> &'static str {
        match self {
            Fault::DiskFull => "the server's disk is full",
            Fault::ReadOnly => "the database can't be written to",
            Fault::Busy => "the database is busy",
            Fault::Io => "the server hit a fault",
        }
    }
}

impl StoreError {
    /// The machine's trouble behind this failure, if that is what it is.
    pub fn fault(&self) -> Option<Fault> {
        match self {
            StoreError::Db(sqlx::Error::Database(db)) => {
                let by_code = db
                    .code()
                    .and_then(|c| c.parse::<i64>().ok())
                    .and_then(|c| CODES.iter().find(|(n, _)| *n == c & 0xff))
                    .map(|(_, f)| *f);
                let message = db.message().to_ascii_lowercase();
                by_code.or_else(|| {
                    WORDS
                        .iter()
                        .find(|(w, _)| message.contains(w))
                        .map(|(_, f)| *f)
                })
            }
            StoreError::Db(sqlx::Error::PoolTimedOut) => Some(Fault::Busy),
            // ENOSPC
            StoreError::Db(sqlx::Error::Io(e)) if e.raw_os_error() == Some(28) => {
                Some(Fault::DiskFull)
            }
            StoreError::Db(sqlx::Error::Io(_) | sqlx::Error::PoolClosed) => Some(Fault::Io),
            _ => None,
        }
    }
}
