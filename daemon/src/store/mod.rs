//! The meeting store: one SQLite file (WAL) holding meetings, their segments (with who said
//! them), insights and summaries, enrolled voices, the history of remote configuration, and the
//! outbox the upstream sync drains.
//!
//! Owns every SQL statement of the daemon. The store stage (`stage.rs`) is its only writer of
//! records; the sync reads and acknowledges the outbox through `OutboxReader`. A record is
//! committed before anything publishes it. Must never publish, and never run on a tokio worker.

mod budget;
pub mod export;
pub mod outbox;
mod queries;
mod records;
mod schema;
pub mod stage;
mod voices;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode};

pub use budget::BudgetReport;
pub use outbox::{OutboxItem, OutboxReader};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the meeting store {path}: {source}; check that store.path (inside state_dir) is on a writable disk")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the meeting store {path} has schema version {found}, newer than this roomscribe ({known}); run the newer roomscribe, or move the file away to start a new store")]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("the disk holding {path} is full; the store keeps what it cannot write in memory and retries: free space or lower store.disk_budget_mib")]
    Full { path: PathBuf },
    #[error("meeting store {path}: {what} failed: {source}")]
    Sqlite {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("no meeting {0:?} in the store; `roomscribe export --list` names the stored meetings")]
    NoSuchMeeting(String),
    #[error("meeting store: {what} could not finish: another reader holds the file; the deletion stands and its old copy leaves at the next checkpoint (send the command again to retry now)")]
    Busy { what: &'static str },
    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),
}

impl StoreError {
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full { .. })
    }
}

/// What goes upstream, and under which topic (the sync adds its prefix and the device).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Segment,
    /// A segment heard again (`transcript/revision`).
    Revision,
    Insight,
    Summary,
    /// A meeting's corrected speaker labels.
    Speakers,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Segment => "segment",
            Self::Revision => "revision",
            Self::Insight => "insight",
            Self::Summary => "summary",
            Self::Speakers => "speakers",
        }
    }
}

/// The writer's connection.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    device: String,
    /// The highest segment row when this run opened the store: a transcript `seq` is this
    /// run's only in rows after it (sequence numbers restart with the daemon).
    segments_before_this_run: i64,
}

/// Opens `path` with the settings every connection of the store shares.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let open = |source| StoreError::Open {
        path: path.to_owned(),
        source,
    };
    let conn = Connection::open(path).map_err(open)?;
    // Set before the first table exists, so pruned pages can be handed back to the file system.
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL").map_err(open)?;
    conn.pragma_update(None, "journal_mode", "WAL").map_err(open)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(open)?;
    // What is deleted or replaced is overwritten with zeros, not only unlinked: a forgotten
    // voiceprint (also one replaced by enrolling the same name again), a pruned meeting's
    // words. It costs a write of the freed bytes, on a store that deletes little.
    conn.pragma_update(None, "secure_delete", "ON").map_err(open)?;
    conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(open)?;
    Ok(conn)
}

impl Store {
    /// Opens (creating and migrating) the store at `path` for records of `device`.
    pub fn open(path: &Path, device: &str) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
                path: path.to_owned(),
                source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
            })?;
        }
        let mut conn = connect(path)?;
        // synchronous=FULL: in WAL mode every commit is fsynced before it returns, so a segment
        // that was published is on disk even if power goes the next instant. Commits are a few
        // per minute (one per final segment), so the fsync costs nothing that matters; NORMAL
        // would lose the last commits on power loss, which is what this store exists to prevent.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|source| StoreError::Open {
                path: path.to_owned(),
                source,
            })?;

        match schema::migrate(&mut conn).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })? {
            schema::MigrateOutcome::TooNew { found } => {
                return Err(StoreError::TooNew {
                    path: path.to_owned(),
                    found,
                    known: schema::VERSION,
                })
            }
            schema::MigrateOutcome::AtVersion { .. } => {}
        }
        let segments_before_this_run = conn
            .query_row("SELECT coalesce(max(id), 0) FROM segments", [], |row| row.get(0))
            .map_err(|source| StoreError::Open {
                path: path.to_owned(),
                source,
            })?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            device: device.to_owned(),
            segments_before_this_run,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, what: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| classify(&self.path, what, source)
    }
}

/// A full disk is its own error: the store stage keeps the record and retries.
fn classify(path: &Path, what: &'static str, source: rusqlite::Error) -> StoreError {
    match source.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => StoreError::Full { path: path.to_owned() },
        _ => StoreError::Sqlite {
            path: path.to_owned(),
            what,
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{MeetingRecord, SegmentRecord};

    struct TempDb(PathBuf);

    impl TempDb {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("roomscribe-store-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir.join("store.db"))
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            if let Some(dir) = self.0.parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }

    fn meeting(id: &str, at: f64) -> MeetingRecord {
        MeetingRecord {
            id: id.into(),
            started_ms: 1_700_000_000_000 + (at * 1000.0) as u64,
            ended_ms: None,
            stream_start_s: at,
            stream_end_s: None,
            started_by: "speech".into(),
            ended_by: None,
        }
    }

    fn segment(start_s: f64, text: &str) -> SegmentRecord {
        SegmentRecord {
            seq: None,
            start_s,
            end_s: start_s + 2.0,
            text: text.into(),
            confidence: 0.9,
            language: "en".into(),
            speaker: None,
            speaker_name: None,
            speaker_confidence: None,
            voice: None,
        }
    }

    #[test]
    fn records_get_device_wide_keys_and_only_forwarded_ones_enter_the_outbox() {
        let db = TempDb::new("keys");
        let mut store = Store::open(&db.0, "room-1").unwrap();
        store.begin_meeting(&meeting("m1", 5.0)).unwrap();
        let a = store
            .add_segment(Some("m1"), &segment(5.0, "hello"), true, |k| k.key.clone().into_bytes())
            .unwrap();
        let b = store
            .add_insight(None, "long_silence", false, |k| k.key.clone().into_bytes())
            .unwrap();
        let c = store.add_summary("m1", true, |k| k.key.clone().into_bytes()).unwrap();
        assert_eq!(
            (a.as_slice(), b.as_slice(), c.as_slice()),
            (&b"room-1/m1/1"[..], &b"room-1/-/2"[..], &b"room-1/m1/3"[..])
        );
        drop(store);

        let mut reader = OutboxReader::open(&db.0, "room-1").unwrap();
        let pending = reader.pending(0, 10).unwrap();
        let keys: Vec<&str> = pending.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["room-1/m1/1", "room-1/m1/3"]);
        assert_eq!(pending[1].payload, c);
        assert_eq!(reader.backlog().unwrap(), (2, (a.len() + c.len()) as u64));
        reader.mark_delivered(&[pending[0].seq]).unwrap();
        let left = reader.pending(0, 10).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].kind, "summary");
        assert!(reader.pending(left[0].seq, 10).unwrap().is_empty());

        let store = Store::open(&db.0, "room-1").unwrap();
        assert_eq!(store.segments("m1").unwrap(), [segment(5.0, "hello")]);
    }

    #[test]
    fn a_revision_changes_this_runs_segment_of_its_seq_and_goes_upstream_with_its_own_key() {
        let db = TempDb::new("revision");
        let numbered = |seq: u64, start_s: f64, text: &str| SegmentRecord {
            seq: Some(seq),
            ..segment(start_s, text)
        };
        let mut store = Store::open(&db.0, "room-1").unwrap();
        store
            .add_segment(None, &numbered(1, 1.0, "from the last run"), false, |_| Vec::new())
            .unwrap();
        drop(store);
        // Sequence numbers restart with the daemon: the last run's seq 1 is not this run's.
        let mut store = Store::open(&db.0, "room-1").unwrap();
        let revised = SegmentRecord {
            confidence: 0.7,
            ..numbered(1, 9.0, "Good point.")
        };
        let nothing = store
            .revise_segment(None, &revised, true, |k| k.key.clone().into_bytes())
            .unwrap();
        assert_eq!(
            nothing, None,
            "a revision of a segment this run never stored is not kept"
        );
        store
            .add_segment(None, &numbered(1, 9.0, "Good boy it."), true, |_| b"first".to_vec())
            .unwrap();
        let payload = store
            .revise_segment(None, &revised, true, |k| k.key.clone().into_bytes())
            .unwrap();
        assert_eq!(payload.as_deref(), Some(&b"room-1/-/3"[..]));
        let rows = store
            .conn
            .prepare("SELECT text, confidence, payload FROM segments ORDER BY id")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, f32>(1)?, r.get::<_, Vec<u8>>(2)?))
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                ("from the last run".to_owned(), 0.9, Vec::new()),
                ("Good point.".to_owned(), 0.7, b"room-1/-/3".to_vec())
            ],
            "the stored payload is the revised message"
        );
        drop(store);
        let reader = OutboxReader::open(&db.0, "room-1").unwrap();
        let queued: Vec<(String, String)> = reader
            .pending(0, 10)
            .unwrap()
            .into_iter()
            .map(|p| (p.kind, p.key))
            .collect();
        assert_eq!(
            queued,
            [
                ("segment".to_owned(), "room-1/-/2".to_owned()),
                ("revision".to_owned(), "room-1/-/3".to_owned())
            ]
        );
    }

    #[test]
    fn open_meetings_are_found_and_closed() {
        let db = TempDb::new("meetings");
        let mut store = Store::open(&db.0, "d").unwrap();
        store.begin_meeting(&meeting("m1", 1.0)).unwrap();
        store.begin_meeting(&meeting("m2", 100.0)).unwrap();
        store.end_meeting("m1", 1_700_000_050_000, 50.0, "quiet").unwrap();
        let open: Vec<String> = store.open_meetings().unwrap().into_iter().map(|m| m.id).collect();
        assert_eq!(open, ["m2"]);
        let unsummarised = |store: &Store| -> Vec<String> {
            store
                .unsummarised_meetings()
                .unwrap()
                .into_iter()
                .map(|m| m.id)
                .collect()
        };
        assert_eq!(unsummarised(&store), ["m1"], "ended, no final summary yet");
        store.add_summary("m1", false, |_| b"so far".to_vec()).unwrap();
        assert_eq!(unsummarised(&store), ["m1"], "an interim summary is not the final one");
        store.add_summary("m1", true, |_| b"final".to_vec()).unwrap();
        assert!(unsummarised(&store).is_empty());
        let m1 = store.meeting("m1").unwrap();
        assert_eq!((m1.stream_end_s, m1.ended_by.as_deref()), (Some(50.0), Some("quiet")));
        assert!(matches!(store.meeting("nope"), Err(StoreError::NoSuchMeeting(_))));
        assert_eq!(store.meetings().unwrap()[0].id, "m2");
    }

    #[test]
    fn the_budget_prunes_delivered_then_details_and_keeps_undelivered_summaries() {
        let db = TempDb::new("budget");
        let mut store = Store::open(&db.0, "d").unwrap();
        let text = "word ".repeat(400);
        for m in 0..20 {
            let id = format!("m{m:02}");
            store.begin_meeting(&meeting(&id, f64::from(m) * 100.0)).unwrap();
            for s in 0..20 {
                store
                    .add_segment(Some(&id), &segment(f64::from(m * 100 + s), &text), true, |_| {
                        text.clone().into_bytes()
                    })
                    .unwrap();
            }
            store.add_summary(&id, true, |k| k.key.clone().into_bytes()).unwrap();
        }
        let before = store.used_bytes().unwrap();
        assert!(
            before > 1_000_000,
            "the test needs a store over its budget: {before} bytes"
        );
        let budget = 256 * 1024;
        let report = store.enforce_budget(budget, 2 * budget).unwrap();
        assert!(report.used_bytes <= budget, "{report:?}");
        assert!(report.pruned_rows > 0);
        assert_eq!(report.summaries_pruned, 0);
        assert!(!report.over_hard_cap);
        let reader = OutboxReader::open(&db.0, "d").unwrap();
        let pending = reader.pending(0, 1000).unwrap();
        assert_eq!(pending.len(), 20, "every undelivered summary is kept");
        assert!(pending.iter().all(|p| p.kind == "summary"));
        assert_eq!(store.meetings().unwrap().len(), 20, "meetings stay");
        let on_disk = std::fs::metadata(&db.0).unwrap().len();
        assert!(
            on_disk < before,
            "pruned pages go back to the file system: {on_disk} of {before}"
        );
    }

    #[test]
    fn one_meeting_longer_than_the_budget_loses_its_oldest_segments_first() {
        let db = TempDb::new("long-meeting");
        let mut store = Store::open(&db.0, "d").unwrap();
        store.begin_meeting(&meeting("all-day", 0.0)).unwrap();
        let text = "word ".repeat(100);
        // An empty store takes about 100 KiB (a few pages per table and index); this leaves
        // room for some 80 segments.
        let budget = 192 * 1024;
        for s in 0..1_000 {
            store
                .add_segment(Some("all-day"), &segment(f64::from(s) * 5.0, &text), false, |_| {
                    text.clone().into_bytes()
                })
                .unwrap();
            if s % 50 == 49 {
                let report = store.enforce_budget(budget, 2 * budget).unwrap();
                assert!(report.used_bytes <= budget, "{report:?}");
            }
        }
        store.add_summary("all-day", true, |_| b"the summary".to_vec()).unwrap();
        let kept = store.segments("all-day").unwrap();
        assert!(!kept.is_empty() && kept.len() < 1_000, "{} kept", kept.len());
        assert_eq!(kept.last().unwrap().start_s, 999.0 * 5.0, "the newest segment is kept");
        let starts: Vec<f64> = kept.iter().map(|s| s.start_s).collect();
        let first_kept = starts[0];
        assert!(
            starts.iter().all(|&s| s >= first_kept) && starts.windows(2).all(|w| w[1] - w[0] == 5.0),
            "what remains is the most recent stretch, without holes"
        );
        let reader = OutboxReader::open(&db.0, "d").unwrap();
        assert_eq!(
            reader.pending(0, 10).unwrap().len(),
            1,
            "the summary waits for upstream"
        );
    }

    #[test]
    fn past_the_hard_cap_even_undelivered_summaries_go_and_it_is_reported() {
        let db = TempDb::new("cap");
        let mut store = Store::open(&db.0, "d").unwrap();
        let big = vec![7u8; 20_000];
        for m in 0..30 {
            let id = format!("m{m:02}");
            store.begin_meeting(&meeting(&id, f64::from(m))).unwrap();
            store.add_summary(&id, true, |_| big.clone()).unwrap();
        }
        let report = store.enforce_budget(100_000, 200_000).unwrap();
        assert!(report.summaries_pruned > 0);
        assert!(report.used_bytes <= 200_000 || report.over_hard_cap);
        let reader = OutboxReader::open(&db.0, "d").unwrap();
        let left = reader.pending(0, 100).unwrap();
        assert!(!left.is_empty() && left.len() < 30, "{report:?}, {} left", left.len());
        assert!(
            left.last().unwrap().key.ends_with("/30"),
            "the newest summaries are the ones kept"
        );
    }

    #[test]
    fn a_full_disk_is_reported_as_such() {
        let db = TempDb::new("full");
        let mut store = Store::open(&db.0, "d").unwrap();
        store.begin_meeting(&meeting("m1", 0.0)).unwrap();
        let pages: i64 = store.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        store.conn.pragma_update(None, "max_page_count", pages + 2).unwrap();
        let big = "x".repeat(64 * 1024);
        let error = store
            .add_segment(Some("m1"), &segment(1.0, &big), true, |_| big.clone().into_bytes())
            .unwrap_err();
        assert!(error.is_full(), "{error}");
        assert!(error.to_string().contains("full"));
        store.conn.pragma_update(None, "max_page_count", 1_000_000).unwrap();
        store
            .add_segment(Some("m1"), &segment(1.0, "fits now"), true, |_| b"ok".to_vec())
            .unwrap();
        assert_eq!(
            store.segments("m1").unwrap().len(),
            1,
            "the failed write left nothing half-done"
        );
    }

    #[test]
    fn the_store_passes_an_integrity_check_and_is_in_wal_mode() {
        let db = TempDb::new("wal");
        let store = Store::open(&db.0, "d").unwrap();
        let mode: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        let check: String = store
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = store.conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!((mode.as_str(), check.as_str(), sync), ("wal", "ok", 2));
    }

    #[test]
    fn an_operators_signed_time_only_moves_forward_across_reopening() {
        let db = TempDb::new("operator-clock");
        let mut store = Store::open(&db.0, "d").unwrap();
        assert!(store.advance_operator_clock("alice", 1_000).unwrap());
        assert!(
            !store.advance_operator_clock("alice", 1_000).unwrap(),
            "the same time is a replay"
        );
        assert!(
            store.advance_operator_clock("bob", 500).unwrap(),
            "each operator has a clock"
        );
        drop(store);
        let mut store = Store::open(&db.0, "d").unwrap();
        assert!(
            !store.advance_operator_clock("alice", 999).unwrap(),
            "kept across reopening"
        );
        assert!(store.advance_operator_clock("alice", 1_001).unwrap());
    }
}
