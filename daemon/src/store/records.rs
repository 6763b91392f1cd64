//! Writing records: meetings, segments, insights, summaries (each committed with its outbox
//! row in one transaction), the configuration history and operators' signed times. Never reads
//! for anyone else and never prunes.

use rusqlite::params;

use super::{classify, RecordKind, Store, StoreError};
use crate::clock::unix_millis;
use crate::pipeline::{MeetingRecord, RecordKey, SegmentRecord, SpeakersRevision};

impl Store {
    pub fn begin_meeting(&mut self, meeting: &MeetingRecord) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO meetings (id, started_ms, stream_start_s, started_by) VALUES (?1, ?2, ?3, ?4)",
                params![
                    meeting.id,
                    meeting.started_ms,
                    meeting.stream_start_s,
                    meeting.started_by
                ],
            )
            .map(drop)
            .map_err(self.error("starting a meeting"))
    }

    pub fn end_meeting(
        &mut self,
        id: &str,
        ended_ms: u64,
        stream_end_s: f64,
        ended_by: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE meetings SET ended_ms = ?2, stream_end_s = ?3, ended_by = ?4 WHERE id = ?1",
                params![id, ended_ms, stream_end_s, ended_by],
            )
            .map(drop)
            .map_err(self.error("ending a meeting"))
    }

    /// Stores a final segment and, with `forward`, queues it upstream; one transaction.
    /// `encode` makes the payload (what is stored is what is published) from its key.
    pub fn add_segment(
        &mut self,
        meeting: Option<&str>,
        segment: &SegmentRecord,
        forward: bool,
        encode: impl FnOnce(&RecordKey) -> Vec<u8>,
    ) -> Result<Vec<u8>, StoreError> {
        self.add_record(RecordKind::Segment, meeting, forward, encode, |tx, key, payload, now| {
            tx.execute(
                "INSERT INTO segments (meeting_id, record_seq, start_s, end_s, text, confidence, language, created_ms, payload, \
                 speaker, live_speaker, speaker_name, speaker_confidence, voice, seq) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?14)",
                params![
                    key.meeting,
                    key.seq,
                    segment.start_s,
                    segment.end_s,
                    segment.text,
                    segment.confidence,
                    segment.language,
                    now,
                    payload,
                    segment.speaker,
                    segment.speaker_name,
                    segment.speaker_confidence,
                    segment.voice.as_deref().map(super::voices::to_blob),
                    segment.seq,
                ],
            )
        })
    }

    /// Gives this run's stored segment `segment.seq` in `meeting` the text and speaker it was
    /// revised with and the revised message as its payload, and, with `forward`, queues that message
    /// upstream; one transaction. `None` (nothing written) when this run stored no such
    /// segment (it was lost to a full disk): a revision of nothing is not kept.
    pub fn revise_segment(
        &mut self,
        meeting: Option<&str>,
        segment: &SegmentRecord,
        forward: bool,
        encode: impl FnOnce(&RecordKey) -> Vec<u8>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let row: Option<i64> = self
            .conn
            .query_row(
                "SELECT max(id) FROM segments WHERE seq = ?1 AND meeting_id IS ?2 AND id > ?3",
                params![segment.seq, meeting, self.segments_before_this_run],
                |row| row.get(0),
            )
            .map_err(self.error("finding a segment to revise"))?;
        let Some(row) = row else {
            return Ok(None);
        };
        self.add_record(RecordKind::Revision, meeting, forward, encode, |tx, _, payload, _| {
            // A relabel during the meeting is published live, so the live label moves with it;
            // after the meeting's re-clustering (the two differ) only that keeps its say.
            tx.execute(
                "UPDATE segments SET text = ?2, confidence = ?3, payload = ?4, \
                 live_speaker = CASE WHEN speaker IS live_speaker THEN ?5 ELSE live_speaker END, \
                 speaker = ?5, speaker_name = ?6 WHERE id = ?1",
                params![
                    row,
                    segment.text,
                    segment.confidence,
                    payload,
                    segment.speaker,
                    segment.speaker_name
                ],
            )
        })
        .map(Some)
    }

    /// Stores an insight (`kind`: "long_silence", …) and, with `forward`, queues it upstream.
    pub fn add_insight(
        &mut self,
        meeting: Option<&str>,
        kind: &str,
        forward: bool,
        encode: impl FnOnce(&RecordKey) -> Vec<u8>,
    ) -> Result<Vec<u8>, StoreError> {
        self.add_record(
            RecordKind::Insight,
            meeting,
            forward,
            encode,
            |tx, key, payload, now| {
                tx.execute(
                "INSERT INTO insights (meeting_id, record_seq, kind, created_ms, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![key.meeting, key.seq, kind, now, payload],
            )
            },
        )
    }

    /// Applies a meeting's corrected speaker labels to its stored segments, stores the revision
    /// and, with `forward`, queues it upstream; one transaction.
    pub fn revise_speakers(
        &mut self,
        revision: &SpeakersRevision,
        forward: bool,
        encode: impl FnOnce(&RecordKey) -> Vec<u8>,
    ) -> Result<Vec<u8>, StoreError> {
        let meeting = revision.meeting.as_str();
        self.add_record(RecordKind::Speakers, Some(meeting), forward, encode, |tx, key, payload, now| {
            for change in &revision.changes {
                tx.execute(
                    "UPDATE segments SET speaker = ?4 WHERE meeting_id = ?1 AND start_s = ?2 AND end_s = ?3",
                    params![meeting, change.start, change.end, change.to],
                )?;
            }
            for participant in &revision.participants {
                tx.execute(
                    "UPDATE segments SET speaker_name = ?3 WHERE meeting_id = ?1 AND speaker = ?2",
                    params![meeting, participant.label, participant.name],
                )?;
            }
            tx.execute(
                "INSERT INTO insights (meeting_id, record_seq, kind, created_ms, payload) VALUES (?1, ?2, 'speakers', ?3, ?4)",
                params![meeting, key.seq, now, payload],
            )
        })
    }

    /// Stores a meeting's summary and queues it upstream (summaries always go).
    pub fn add_summary(
        &mut self,
        meeting: &str,
        is_final: bool,
        encode: impl FnOnce(&RecordKey) -> Vec<u8>,
    ) -> Result<Vec<u8>, StoreError> {
        self.add_record(RecordKind::Summary, Some(meeting), true, encode, |tx, key, payload, now| {
            if is_final {
                tx.execute("UPDATE meetings SET summarised = 1 WHERE id = ?1", [meeting])?;
            }
            tx.execute(
                "INSERT INTO summaries (meeting_id, record_seq, is_final, created_ms, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![meeting, key.seq, is_final, now, payload],
            )
        })
    }

    fn add_record(
        &mut self,
        kind: RecordKind,
        meeting: Option<&str>,
        forward: bool,
        encode: impl FnOnce(&RecordKey) -> Vec<u8>,
        insert: impl FnOnce(&rusqlite::Transaction<'_>, &RecordKey, &[u8], u64) -> rusqlite::Result<usize>,
    ) -> Result<Vec<u8>, StoreError> {
        let path = self.path.clone();
        let path = &path;
        let fail = |what| move |source| classify(path, what, source);
        let tx = self.conn.transaction().map_err(fail("starting a transaction"))?;
        let seq: u64 = tx
            .query_row(
                "UPDATE counters SET value = value + 1 WHERE name = 'record' RETURNING value",
                [],
                |row| row.get(0),
            )
            .map_err(fail("numbering a record"))?;
        let key = RecordKey {
            meeting: meeting.map(str::to_owned),
            seq,
            key: format!("{}/{}/{seq}", self.device, meeting.unwrap_or("-")),
        };
        let payload = encode(&key);
        let now = unix_millis();
        insert(&tx, &key, &payload, now).map_err(fail("storing a record"))?;
        if forward {
            tx.execute(
                "INSERT INTO outbox (kind, record_seq, idempotency_key, payload, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![kind.as_str(), key.seq, key.key, payload, now],
            )
            .map_err(fail("queueing a record for upstream"))?;
        }
        tx.commit().map_err(fail("committing a record"))?;
        Ok(payload)
    }

    /// Keeps a remote configuration document and what became of it.
    pub fn record_config(
        &mut self,
        revision: u64,
        accepted: bool,
        document: &str,
        errors: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO config_history (revision, received_ms, accepted, document, errors) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![revision, unix_millis(), accepted, document, errors],
            )
            .map(drop)
            .map_err(self.error("recording configuration history"))
    }

    /// Records that an operator's message signed at `ts_ms` takes effect, if it is newer than
    /// every one accepted from `user` before (across restarts). Returns false for a replay.
    pub fn advance_operator_clock(&mut self, user: &str, ts_ms: u64) -> Result<bool, StoreError> {
        self.conn
            .execute(
                "INSERT INTO operator_clock (user, last_ts_ms) VALUES (?1, ?2) \
                 ON CONFLICT(user) DO UPDATE SET last_ts_ms = excluded.last_ts_ms \
                 WHERE excluded.last_ts_ms > operator_clock.last_ts_ms",
                params![user, ts_ms],
            )
            .map(|changed| changed == 1)
            .map_err(self.error("recording an operator's signed time"))
    }
}
