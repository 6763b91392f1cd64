//! The store's schema, as numbered migrations applied in order and recorded in
//! `PRAGMA user_version`. A migration is never edited once shipped; a change is a new one.

use rusqlite::Connection;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: meetings, their records, configuration history and the outbox.
    "
    CREATE TABLE meetings (
        id             TEXT PRIMARY KEY,          -- UUIDv7
        started_ms     INTEGER NOT NULL,          -- Unix milliseconds
        ended_ms       INTEGER,                   -- NULL while open
        stream_start_s REAL NOT NULL,             -- seconds into the audio stream
        stream_end_s   REAL,
        started_by     TEXT NOT NULL,             -- 'speech' | 'command'
        ended_by       TEXT,                      -- 'quiet' | 'command' | 'shutdown' | 'recovery'
        summarised     INTEGER NOT NULL DEFAULT 0 -- its final summary is stored
    );
    CREATE TABLE segments (
        id         INTEGER PRIMARY KEY,
        meeting_id TEXT REFERENCES meetings(id) ON DELETE CASCADE,
        record_seq INTEGER NOT NULL UNIQUE,
        start_s    REAL NOT NULL,
        end_s      REAL NOT NULL,
        text       TEXT NOT NULL,
        confidence REAL NOT NULL,
        language   TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        payload    BLOB NOT NULL                  -- the CBOR message, as published
    );
    CREATE INDEX segments_by_meeting ON segments(meeting_id, start_s);
    CREATE TABLE insights (
        id         INTEGER PRIMARY KEY,
        meeting_id TEXT REFERENCES meetings(id) ON DELETE CASCADE,
        record_seq INTEGER NOT NULL UNIQUE,
        kind       TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        payload    BLOB NOT NULL
    );
    CREATE TABLE summaries (
        id         INTEGER PRIMARY KEY,
        meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        record_seq INTEGER NOT NULL UNIQUE,
        is_final   INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        payload    BLOB NOT NULL
    );
    CREATE INDEX summaries_by_meeting ON summaries(meeting_id);
    CREATE TABLE config_history (
        id          INTEGER PRIMARY KEY,
        revision    INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        accepted    INTEGER NOT NULL,
        document    TEXT NOT NULL,                -- the overrides, JSON
        errors      TEXT NOT NULL                 -- JSON list; empty when accepted
    );
    -- What the upstream sync forwards, in `seq` order. A row is marked delivered on PUBACK.
    CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        kind            TEXT NOT NULL,            -- 'summary' | 'segment' | 'revision' | 'insight' | 'speakers'
        record_seq      INTEGER NOT NULL UNIQUE,  -- the record's row in its own table
        idempotency_key TEXT NOT NULL UNIQUE,
        payload         BLOB NOT NULL,
        created_ms      INTEGER NOT NULL,
        delivered_ms    INTEGER
    );
    CREATE INDEX outbox_undelivered ON outbox(seq) WHERE delivered_ms IS NULL;
    -- One device-wide sequence for records: the last part of every idempotency key.
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO counters VALUES ('record', 0);
    ",
    // 2: the newest signed time accepted from each operator, so that a signed message cannot
    // be replayed after a restart.
    "
    CREATE TABLE operator_clock (
        user       TEXT PRIMARY KEY,
        last_ts_ms INTEGER NOT NULL               -- the signed time, Unix milliseconds
    );
    ",
    // 3: who said each segment, and enrolled voices. `voice` and `voiceprints.embedding` are
    // biometric: they never go into the outbox, an export or a log.
    "
    ALTER TABLE segments ADD COLUMN speaker TEXT;             -- 'S1'… (corrected at meeting end)
    ALTER TABLE segments ADD COLUMN live_speaker TEXT;        -- the label published live
    ALTER TABLE segments ADD COLUMN speaker_name TEXT;
    ALTER TABLE segments ADD COLUMN speaker_confidence REAL;
    ALTER TABLE segments ADD COLUMN voice BLOB;               -- f32 little-endian embedding
    CREATE TABLE voiceprints (
        name       TEXT PRIMARY KEY,
        embedding  BLOB NOT NULL,                 -- f32 little-endian, unit length
        source     TEXT NOT NULL,                 -- 'file' | 'meeting <id> <label>'
        created_ms INTEGER NOT NULL
    );
    ",
    // 4: each segment's transcript `seq`, as published: findings name their segments by it.
    "
    ALTER TABLE segments ADD COLUMN seq INTEGER;              -- NULL for segments stored before
    ",
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to `VERSION`, one transaction per migration. A database from a newer
/// build is refused (its schema is unknown here) rather than written to.
pub fn migrate(conn: &mut Connection) -> Result<MigrateOutcome, rusqlite::Error> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > VERSION {
        return Ok(MigrateOutcome::TooNew { found });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(MigrateOutcome::AtVersion { from: found })
}

#[derive(Debug, PartialEq, Eq)]
pub enum MigrateOutcome {
    AtVersion { from: i64 },
    TooNew { found: i64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_record_the_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MigrateOutcome::AtVersion { from: 0 });
        assert_eq!(migrate(&mut conn).unwrap(), MigrateOutcome::AtVersion { from: VERSION });
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, VERSION);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN \
                 ('meetings', 'segments', 'insights', 'summaries', 'config_history', 'outbox', 'operator_clock', \
                  'voiceprints')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 8);
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", VERSION + 1).unwrap();
        assert_eq!(
            migrate(&mut conn).unwrap(),
            MigrateOutcome::TooNew { found: VERSION + 1 }
        );
    }
}
