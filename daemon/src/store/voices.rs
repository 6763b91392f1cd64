//! Enrolled voices: voiceprints kept by name, made from a stored meeting's speaker or given by
//! `roomscribe enroll`, and deleted for good on request (the store's `secure_delete` overwrites
//! the row and any copy an enrolment replaced, the voice embeddings of the segments attributed to
//! that name go too, and a checkpoint empties the WAL). Voiceprints are biometric: no statement
//! here feeds the outbox, an export or a log.

use rusqlite::params;

use super::{Store, StoreError};
use crate::clock::unix_millis;
use crate::pipeline::Voiceprint;
use crate::voices::centroid;

/// An embedding as stored: f32 little-endian.
pub fn to_blob(embedding: &[f32]) -> Vec<u8> {
    embedding.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub fn from_blob(blob: &[u8]) -> Vec<f32> {
    blob.chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

impl Store {
    /// Keeps `embedding` as the voiceprint of `name` (replacing one of the same name).
    pub fn enroll(&mut self, name: &str, embedding: &[f32], source: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO voiceprints (name, embedding, source, created_ms) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT(name) DO UPDATE SET embedding = excluded.embedding, source = excluded.source, \
                 created_ms = excluded.created_ms",
                params![name, to_blob(embedding), source, unix_millis()],
            )
            .map(drop)
            .map_err(self.error("storing a voiceprint"))
    }

    /// The voiceprint of the speaker labelled `speaker` in stored meeting `meeting`: the mean of
    /// their segments' embeddings, weighted by duration. `None` when the meeting has no
    /// segment of that speaker with an embedding.
    pub fn meeting_voice(&self, meeting: &str, speaker: &str) -> Result<Option<(Vec<f32>, f64)>, StoreError> {
        self.meeting(meeting)?;
        let mut statement = self
            .conn
            .prepare("SELECT voice, end_s - start_s FROM segments WHERE meeting_id = ?1 AND speaker = ?2 AND voice IS NOT NULL")
            .map_err(self.error("reading a speaker's segments"))?;
        let rows: Vec<(Vec<u8>, f64)> = statement
            .query_map(params![meeting, speaker], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(Iterator::collect)
            .map_err(self.error("reading a speaker's segments"))?;
        if rows.is_empty() {
            return Ok(None);
        }
        let voices: Vec<(Vec<f32>, f32)> = rows
            .iter()
            .map(|(blob, seconds)| (from_blob(blob), seconds.max(0.0) as f32))
            .collect();
        let seconds = rows.iter().map(|(_, s)| s.max(0.0)).sum();
        Ok(Some((
            centroid(voices.iter().map(|(v, s)| (v.as_slice(), *s))),
            seconds,
        )))
    }

    /// Deletes the voiceprint `name` from the file (and from the WAL), and the voice
    /// embeddings of the segments attributed to that name (from which it could be made again;
    /// who said what stays, that is the meeting's record). False if there was no voiceprint.
    pub fn forget(&mut self, name: &str) -> Result<bool, StoreError> {
        let transaction = self
            .conn
            .unchecked_transaction()
            .map_err(self.error("deleting a voiceprint"))?;
        let deleted = transaction
            .execute("DELETE FROM voiceprints WHERE name = ?1", [name])
            .map_err(self.error("deleting a voiceprint"))?;
        transaction
            .execute(
                "UPDATE segments SET voice = NULL WHERE speaker_name = ?1 AND voice IS NOT NULL",
                [name],
            )
            .map_err(self.error("deleting a voice's segment embeddings"))?;
        transaction.commit().map_err(self.error("deleting a voiceprint"))?;
        self.checkpoint_truncate()?;
        Ok(deleted == 1)
    }

    /// Copies the WAL into the file and empties it, so that what was overwritten there is gone
    /// from the WAL too. SQLite waits for readers holding an old snapshot through the
    /// connection's busy timeout (5 s); if one still holds it, an error (the data is deleted;
    /// its old copy leaves the WAL at the next checkpoint).
    fn checkpoint_truncate(&self) -> Result<(), StoreError> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))
            .map_err(self.error("checkpointing after deleting a voiceprint"))?;
        if busy == 0 {
            return Ok(());
        }
        Err(StoreError::Busy {
            what: "emptying the write-ahead log after deleting a voiceprint",
        })
    }

    /// Every enrolled voice, by name.
    pub fn voiceprints(&self) -> Result<Vec<Voiceprint>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT name, embedding FROM voiceprints ORDER BY name")
            .map_err(self.error("reading voiceprints"))?;
        let rows = statement
            .query_map([], |row| {
                let blob: Vec<u8> = row.get(1)?;
                Ok(Voiceprint {
                    name: row.get(0)?,
                    embedding: from_blob(&blob),
                })
            })
            .and_then(Iterator::collect)
            .map_err(self.error("reading voiceprints"))?;
        Ok(rows)
    }

    /// Names, sources and enrolment times of the enrolled voices (no voiceprint), for operators.
    pub fn list_voices(&self) -> Result<Vec<serde_json::Value>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT name, source, created_ms FROM voiceprints ORDER BY name")
            .map_err(self.error("listing voiceprints"))?;
        let rows = statement
            .query_map([], |row| {
                Ok(serde_json::json!({
                    "name": row.get::<_, String>(0)?,
                    "source": row.get::<_, String>(1)?,
                    "enrolled": row.get::<_, u64>(2)?,
                }))
            })
            .and_then(Iterator::collect)
            .map_err(self.error("listing voiceprints"))?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{MeetingRecord, SegmentRecord};

    fn fresh_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("roomscribe-voices-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_voiceprint_from_a_meeting_is_kept_listed_and_forgotten_from_the_file() {
        let dir = fresh_dir();
        let mut store = Store::open(&dir.join("s.db"), "dev").unwrap();
        let meeting = MeetingRecord {
            id: "m1".into(),
            started_ms: 1,
            ended_ms: None,
            stream_start_s: 0.0,
            stream_end_s: None,
            started_by: "speech".into(),
            ended_by: None,
        };
        store.begin_meeting(&meeting).unwrap();
        // A distinctive embedding whose bytes can be looked for in the file.
        let voice: Vec<f32> = (0..192).map(|i| 0.0123 + i as f32 * 1e-4).collect();
        let voice = crate::voices::unit(&voice);
        let segment = SegmentRecord {
            seq: None,
            start_s: 1.0,
            end_s: 4.0,
            text: "hello".into(),
            confidence: 0.9,
            language: "en".into(),
            speaker: Some("S2".into()),
            speaker_name: None,
            speaker_confidence: Some(0.8),
            voice: Some(voice.clone()),
        };
        store.add_segment(Some("m1"), &segment, false, |_| vec![1]).unwrap();
        assert!(store.meeting_voice("m1", "S1").unwrap().is_none());
        let (print, seconds) = store.meeting_voice("m1", "S2").unwrap().unwrap();
        assert_eq!(seconds, 3.0);
        assert!(crate::voices::cosine(&print, &voice) > 0.9999);
        store.enroll("Alice", &print, "meeting m1 S2").unwrap();
        assert_eq!(store.voiceprints().unwrap()[0].name, "Alice");
        assert_eq!(store.list_voices().unwrap()[0]["source"], "meeting m1 S2");
        // Enrolled twice: the first voiceprint's bytes must go too, not only the current one's.
        let first_print = to_blob(&print);
        let second: Vec<f32> = print.iter().map(|x| -x).collect();
        store.enroll("Alice", &second, "roomscribe enroll").unwrap();
        // The segment, now attributed to Alice by name, holds the third copy.
        store
            .conn
            .execute("UPDATE segments SET speaker_name = 'Alice'", [])
            .unwrap();
        assert!(store.forget("Alice").unwrap());
        let kept: Vec<(Option<Vec<u8>>, Option<String>)> = store
            .conn
            .prepare("SELECT voice, speaker_name FROM segments")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(kept, [(None, Some("Alice".into()))], "who said what stays");
        assert!(!store.forget("Alice").unwrap(), "forgetting twice says there was none");
        assert!(store.voiceprints().unwrap().is_empty());
        drop(store);
        for file in ["s.db", "s.db-wal"] {
            let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
            for (which, print) in [
                ("first", &first_print),
                ("second", &to_blob(&second)),
                ("segment's", &to_blob(&voice)),
            ] {
                assert!(
                    !bytes.windows(16).any(|w| w == &print[..16]),
                    "the {which} voiceprint is still in {file}"
                );
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
