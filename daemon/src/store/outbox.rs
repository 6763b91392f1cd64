//! The outbox as the sync reads it: its own connection, records in order, delivered marks.
//! This is the durable channel from the store to the sync; it never writes a record.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};

pub use super::StoreError;
use super::{classify, connect, Store};
use crate::clock::unix_millis;

/// One record waiting to go upstream.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub seq: i64,
    pub kind: String,
    pub key: String,
    pub payload: Vec<u8>,
}

/// The sync's connection: reads the outbox in order and marks rows delivered.
pub struct OutboxReader {
    conn: Connection,
    path: PathBuf,
}

impl OutboxReader {
    /// Opens the store the writer created (or creates it, if the sync starts first).
    pub fn open(path: &Path, device: &str) -> Result<Self, StoreError> {
        drop(Store::open(path, device)?);
        let conn = connect(path)?;
        // synchronous=NORMAL: a delivered mark lost to a power cut only means the record is sent
        // again, under the same idempotency key: at-least-once, never lost.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|source| StoreError::Open {
                path: path.to_owned(),
                source,
            })?;
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// Up to `limit` undelivered records after `after` (a seq), in order.
    pub fn pending(&self, after: i64, limit: usize) -> Result<Vec<OutboxItem>, StoreError> {
        let fail = |source| classify(&self.path, "reading the outbox", source);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT seq, kind, idempotency_key, payload FROM outbox \
                 WHERE delivered_ms IS NULL AND seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(fail)?;
        let rows = statement
            .query_map(params![after, limit as i64], |row| {
                Ok(OutboxItem {
                    seq: row.get(0)?,
                    kind: row.get(1)?,
                    key: row.get(2)?,
                    payload: row.get(3)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(fail)?;
        Ok(rows)
    }

    /// Marks rows delivered (their PUBACK arrived), in one transaction.
    pub fn mark_delivered(&mut self, seqs: &[i64]) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = |source| classify(&path, "marking records delivered", source);
        let tx = self.conn.transaction().map_err(fail)?;
        {
            let mut statement = tx
                .prepare_cached("UPDATE outbox SET delivered_ms = ?2 WHERE seq = ?1")
                .map_err(fail)?;
            let now = unix_millis();
            for seq in seqs {
                statement.execute(params![seq, now]).map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)
    }

    /// Records waiting, and their payload bytes.
    pub fn backlog(&self) -> Result<(u64, u64), StoreError> {
        self.conn
            .query_row(
                "SELECT count(*), coalesce(sum(length(payload)), 0) FROM outbox WHERE delivered_ms IS NULL",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|source| classify(&self.path, "counting the outbox", source))
    }
}
