//! Reading what the store holds: meetings, a meeting's segments, exports, and what a power cut
//! left behind. Never writes, except `recover`, which closes meetings a power cut left open.

use rusqlite::OptionalExtension;

use super::{export, Store, StoreError};
use crate::pipeline::{MeetingMeaning, MeetingRecord, SegmentRecord};
use crate::transcript_format::TranscriptFormat;

impl Store {
    /// Meetings still open (after a power cut: the ones to close at start-up).
    pub fn open_meetings(&self) -> Result<Vec<MeetingRecord>, StoreError> {
        self.query_meetings("WHERE ended_ms IS NULL ORDER BY started_ms", [])
    }

    /// Ended meetings whose final summary was never stored (the daemon stopped in between).
    pub fn unsummarised_meetings(&self) -> Result<Vec<MeetingRecord>, StoreError> {
        self.query_meetings("WHERE ended_ms IS NOT NULL AND summarised = 0 ORDER BY started_ms", [])
    }

    pub fn meeting(&self, id: &str) -> Result<MeetingRecord, StoreError> {
        self.query_meetings("WHERE id = ?1", [id])?
            .pop()
            .ok_or_else(|| StoreError::NoSuchMeeting(id.to_owned()))
    }

    /// Every meeting, newest first.
    pub fn meetings(&self) -> Result<Vec<MeetingRecord>, StoreError> {
        self.query_meetings("ORDER BY started_ms DESC, id DESC", [])
    }

    fn query_meetings<P: rusqlite::Params>(&self, tail: &str, params: P) -> Result<Vec<MeetingRecord>, StoreError> {
        let sql = format!(
            "SELECT id, started_ms, ended_ms, stream_start_s, stream_end_s, started_by, ended_by FROM meetings {tail}"
        );
        let mut statement = self.conn.prepare(&sql).map_err(self.error("reading meetings"))?;
        let rows = statement
            .query_map(params, |row| {
                Ok(MeetingRecord {
                    id: row.get(0)?,
                    started_ms: row.get(1)?,
                    ended_ms: row.get(2)?,
                    stream_start_s: row.get(3)?,
                    stream_end_s: row.get(4)?,
                    started_by: row.get(5)?,
                    ended_by: row.get(6)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(self.error("reading meetings"))?;
        Ok(rows)
    }

    /// A meeting's segments in time order.
    pub fn segments(&self, meeting: &str) -> Result<Vec<SegmentRecord>, StoreError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT start_s, end_s, text, confidence, language, speaker, speaker_name, speaker_confidence, voice, seq \
                 FROM segments WHERE meeting_id = ?1 ORDER BY start_s, id",
            )
            .map_err(self.error("reading segments"))?;
        let rows = statement
            .query_map([meeting], |row| {
                Ok(SegmentRecord {
                    seq: row.get(9)?,
                    start_s: row.get(0)?,
                    end_s: row.get(1)?,
                    text: row.get(2)?,
                    confidence: row.get(3)?,
                    language: row.get(4)?,
                    speaker: row.get(5)?,
                    speaker_name: row.get(6)?,
                    speaker_confidence: row.get(7)?,
                    voice: row
                        .get::<_, Option<Vec<u8>>>(8)?
                        .map(|blob| super::voices::from_blob(&blob)),
                })
            })
            .and_then(Iterator::collect)
            .map_err(self.error("reading segments"))?;
        Ok(rows)
    }

    /// Meeting `id` (`None`: the latest) written out as `format`.
    pub fn export(&self, id: Option<&str>, format: TranscriptFormat) -> Result<(MeetingRecord, Vec<u8>), StoreError> {
        let meeting = match id {
            Some(id) => self.meeting(id)?,
            None => self
                .meetings()?
                .into_iter()
                .next()
                .ok_or_else(|| StoreError::NoSuchMeeting("(latest: the store has none yet)".into()))?,
        };
        let segments = self.segments(&meeting.id)?;
        let meaning = self.latest_meaning(&meeting.id)?;
        let offset_s = crate::clock::local_offset_s(meeting.started_ms);
        let document = export::render(format, &meeting, &segments, meaning.as_ref(), offset_s)?;
        Ok((meeting, document))
    }

    /// What the meaning rules made of a meeting, from its latest stored summary (none before
    /// one was stored).
    pub fn latest_meaning(&self, meeting: &str) -> Result<Option<MeetingMeaning>, StoreError> {
        /// The one part of a stored summary payload read back here.
        #[derive(serde::Deserialize)]
        struct StoredSummary {
            #[serde(default)]
            meaning: MeetingMeaning,
        }
        let payload: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT payload FROM summaries WHERE meeting_id = ?1 ORDER BY record_seq DESC LIMIT 1",
                [meeting],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.error("reading the meeting's summary"))?;
        Ok(payload
            .and_then(|bytes| ciborium::from_reader::<StoredSummary, _>(bytes.as_slice()).ok())
            .map(|stored| stored.meaning))
    }

    /// Closes the meetings a power cut left open, at their last speech (`ended_by` says why),
    /// and returns every ended meeting whose summary was never stored, with its segments, for
    /// the meeting stage to summarise.
    pub fn recover(&mut self, ended_by: &str) -> Result<Vec<(MeetingRecord, Vec<SegmentRecord>)>, StoreError> {
        for meeting in self.open_meetings()? {
            let segments = self.segments(&meeting.id)?;
            let end = segments.iter().map(|s| s.end_s).fold(meeting.stream_start_s, f64::max);
            let ended_ms = meeting.started_ms + ((end - meeting.stream_start_s) * 1000.0) as u64;
            self.end_meeting(&meeting.id, ended_ms, end, ended_by)?;
            tracing::warn!(
                meeting = %meeting.id,
                "A meeting left open by an unclean stop was closed at its last speech"
            );
        }
        self.unsummarised_meetings()?
            .into_iter()
            .map(|meeting| {
                let segments = self.segments(&meeting.id)?;
                Ok((meeting, segments))
            })
            .collect()
    }
}
