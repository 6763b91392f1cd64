//! Commands operators send on `roomscribe/<device>/cmd/<name>`: a CBOR map or JSON object with a
//! transaction id `tx` (text) and the command's arguments. Every command gets a reply on
//! `.../cmd/<name>/reply` carrying the same `tx`: `ok` and a result, or a clear error. Unknown
//! commands and malformed payloads get an error reply too, never silence. Pure: parsing only;
//! `app` carries commands out.

use crate::transcript_format::TranscriptFormat;
use crate::wire::read_map;
pub use crate::wire::transaction_of;

/// The commands this version knows, as they are named in the topic.
pub const KNOWN: &[&str] = &[
    "ping",
    "set_hotwords",
    "meeting_start",
    "meeting_stop",
    "summary",
    "export",
    "speaker_enroll",
    "speaker_forget",
    "speakers",
];

/// A parsed command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Answers with uptime and version: is the device there and which build is it.
    Ping,
    /// Replaces the hotwords until the next restart or remote configuration (not kept): a
    /// one-off vocabulary for the meeting about to start.
    SetHotwords { words: String },
    /// Starts a meeting now (one at a time).
    MeetingStart,
    /// Ends the meeting going on and publishes its summary.
    MeetingStop,
    /// Publishes (and stores) a summary of the meeting going on, so far.
    Summary,
    /// Answers with a stored meeting (`meeting`, default the latest) written out as `format`.
    Export {
        meeting: Option<String>,
        format: TranscriptFormat,
    },
    /// Enrols the voice labelled `speaker` in stored meeting `meeting` as `name` ("S2 is
    /// Alice"): later meetings call that voice by name.
    SpeakerEnroll {
        meeting: String,
        speaker: String,
        name: String,
    },
    /// Deletes the voiceprint `name` from the store.
    SpeakerForget { name: String },
    /// Lists the enrolled voices (names only).
    Speakers,
}

/// A person's name as enrolment takes it: 1-64 characters, no control characters, not a
/// meeting label (`S3`), trimmed.
fn person_name(value: Option<&serde_json::Value>) -> Result<String, String> {
    let Some(serde_json::Value::String(name)) = value else {
        return Err("`name` (text: the person's name, e.g. \"Alice\") is missing".into());
    };
    let name = name.trim();
    let is_label = name.len() > 1 && name.starts_with('S') && name[1..].chars().all(|c| c.is_ascii_digit());
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) || is_label {
        return Err("`name` must be 1-64 characters without control characters, and not a label like S3".into());
    }
    Ok(name.to_owned())
}

/// A command that cannot be carried out as sent; `tx` is echoed when it could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub tx: Option<String>,
    pub error: String,
}

/// Parses the payload of command `name`; returns its transaction id and the command.
pub fn parse(name: &str, payload: &[u8]) -> Result<(String, Command), Rejected> {
    let Some(map) = read_map(payload) else {
        return Err(Rejected {
            tx: None,
            error: "the payload is neither a CBOR map nor a JSON object; send e.g. {\"tx\": \"42\"}".into(),
        });
    };
    let tx = match map.get("tx") {
        Some(serde_json::Value::String(tx)) if !tx.is_empty() && tx.len() <= 128 => tx.clone(),
        _ => {
            return Err(Rejected {
                tx: None,
                error: "`tx` (a transaction id, 1-128 characters of text) is missing; replies carry it back".into(),
            })
        }
    };
    let reject = |error: String| Rejected {
        tx: Some(tx.clone()),
        error,
    };
    let command = match name {
        "ping" => Command::Ping,
        "set_hotwords" => match map.get("words") {
            Some(serde_json::Value::String(words)) if words.len() <= 1000 => {
                Command::SetHotwords { words: words.clone() }
            }
            Some(serde_json::Value::String(_)) => {
                return Err(reject(
                    "`words` is over 1000 characters (the model sees at most 223 tokens)".into(),
                ))
            }
            _ => return Err(reject("`words` (text: the meeting's vocabulary) is missing".into())),
        },
        "meeting_start" => Command::MeetingStart,
        "meeting_stop" => Command::MeetingStop,
        "summary" => Command::Summary,
        "export" => {
            let format = match map.get("format") {
                None => TranscriptFormat::Json,
                Some(serde_json::Value::String(format)) => format.parse().map_err(reject)?,
                Some(_) => {
                    return Err(reject(
                        "`format` must be text: json, markdown, srt, vtt, pdf or docx".into(),
                    ))
                }
            };
            let meeting = match map.get("meeting") {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(id)) if id.len() <= 64 => Some(id.clone()),
                Some(_) => {
                    return Err(reject(
                        "`meeting` must be a meeting id (text), or left out for the latest".into(),
                    ))
                }
            };
            Command::Export { meeting, format }
        }
        "speaker_enroll" => {
            let meeting = match map.get("meeting") {
                Some(serde_json::Value::String(id)) if !id.is_empty() && id.len() <= 64 => id.clone(),
                _ => return Err(reject("`meeting` (the stored meeting's id, text) is missing".into())),
            };
            let speaker = match map.get("speaker") {
                Some(serde_json::Value::String(label))
                    if label.len() > 1
                        && label.len() <= 4
                        && label.starts_with('S')
                        && label[1..].chars().all(|c| c.is_ascii_digit()) =>
                {
                    label.clone()
                }
                _ => {
                    return Err(reject(
                        "`speaker` must be the meeting's label of the voice, e.g. \"S2\"".into(),
                    ))
                }
            };
            let name = person_name(map.get("name")).map_err(reject)?;
            Command::SpeakerEnroll { meeting, speaker, name }
        }
        "speaker_forget" => Command::SpeakerForget {
            name: person_name(map.get("name")).map_err(reject)?,
        },
        "speakers" => Command::Speakers,
        other => {
            return Err(reject(format!(
                "unknown command {:?}; this device knows {}",
                crate::bounded::cut(other, crate::bounded::QUOTE_CHARS),
                KNOWN.join(", ")
            )))
        }
    };
    Ok((tx, command))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cbor(value: serde_json::Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(&value, &mut out).unwrap();
        out
    }

    #[test]
    fn meeting_and_export_commands_parse_with_their_arguments() {
        assert_eq!(
            parse("meeting_start", br#"{"tx": "1"}"#).unwrap().1,
            Command::MeetingStart
        );
        assert_eq!(
            parse("meeting_stop", br#"{"tx": "1"}"#).unwrap().1,
            Command::MeetingStop
        );
        assert_eq!(parse("summary", br#"{"tx": "1"}"#).unwrap().1, Command::Summary);
        assert_eq!(
            parse("export", br#"{"tx": "1", "format": "srt", "meeting": "0190abc"}"#)
                .unwrap()
                .1,
            Command::Export {
                meeting: Some("0190abc".into()),
                format: TranscriptFormat::Srt
            }
        );
        assert_eq!(
            parse("export", br#"{"tx": "1"}"#).unwrap().1,
            Command::Export {
                meeting: None,
                format: TranscriptFormat::Json
            }
        );
        assert_eq!(
            parse("export", br#"{"tx": "8", "format": "pdf"}"#).unwrap().1,
            Command::Export {
                meeting: None,
                format: TranscriptFormat::Pdf
            }
        );
        let rejected = parse("export", br#"{"tx": "9", "format": "odt"}"#).unwrap_err();
        assert_eq!(rejected.tx.as_deref(), Some("9"));
        assert!(
            rejected.error.contains("json, markdown, srt, vtt, pdf or docx"),
            "{}",
            rejected.error
        );
    }

    #[test]
    fn speaker_commands_parse_and_refuse_what_is_not_a_name_or_label() {
        assert_eq!(
            parse(
                "speaker_enroll",
                br#"{"tx": "1", "meeting": "0190", "speaker": "S2", "name": " Alice "}"#
            )
            .unwrap()
            .1,
            Command::SpeakerEnroll {
                meeting: "0190".into(),
                speaker: "S2".into(),
                name: "Alice".into()
            }
        );
        assert_eq!(
            parse("speaker_forget", br#"{"tx": "1", "name": "Alice"}"#).unwrap().1,
            Command::SpeakerForget { name: "Alice".into() }
        );
        assert_eq!(parse("speakers", br#"{"tx": "1"}"#).unwrap().1, Command::Speakers);
        for bad in [
            r#"{"tx": "1", "meeting": "0190", "speaker": "Alice", "name": "Alice"}"#,
            r#"{"tx": "1", "meeting": "0190", "speaker": "S2", "name": "S3"}"#,
            r#"{"tx": "1", "meeting": "0190", "speaker": "S2", "name": "  "}"#,
            r#"{"tx": "1", "speaker": "S2", "name": "Alice"}"#,
        ] {
            let rejected = parse("speaker_enroll", bad.as_bytes()).unwrap_err();
            assert_eq!(rejected.tx.as_deref(), Some("1"), "{bad}");
        }
        let long = format!(r#"{{"tx": "1", "name": "{}"}}"#, "x".repeat(65));
        assert!(parse("speaker_forget", long.as_bytes()).is_err());
    }

    #[test]
    fn commands_parse_from_cbor_and_json() {
        assert_eq!(
            parse("ping", &cbor(serde_json::json!({"tx": "a1"}))).unwrap(),
            ("a1".to_owned(), Command::Ping)
        );
        assert_eq!(
            parse("set_hotwords", br#"{"tx": "7", "words": "Kubernetes, Grafana"}"#).unwrap(),
            (
                "7".to_owned(),
                Command::SetHotwords {
                    words: "Kubernetes, Grafana".into()
                }
            )
        );
    }

    #[test]
    fn unknown_commands_are_answered_with_the_known_ones() {
        let rejected = parse("reboot", br#"{"tx": "9"}"#).unwrap_err();
        assert_eq!(rejected.tx.as_deref(), Some("9"));
        assert!(
            rejected.error.contains("reboot") && rejected.error.contains("set_hotwords"),
            "{rejected:?}"
        );
        let long_name = "x".repeat(22_000);
        let rejected = parse(&long_name, br#"{"tx": "10"}"#).unwrap_err();
        assert!(
            rejected.error.len() < 1_000,
            "the name is cut: {} bytes",
            rejected.error.len()
        );
        assert!(rejected.error.contains('…'));
    }

    #[test]
    fn malformed_payloads_and_missing_arguments_are_errors() {
        let garbage = parse("ping", b"\xff\xfe not anything").unwrap_err();
        assert_eq!(garbage.tx, None);
        assert!(garbage.error.contains("CBOR map"));
        let no_tx = parse("ping", br#"{"id": 1}"#).unwrap_err();
        assert!(no_tx.error.contains("tx"), "{no_tx:?}");
        let no_words = parse("set_hotwords", br#"{"tx": "1"}"#).unwrap_err();
        assert_eq!(no_words.tx.as_deref(), Some("1"));
        assert!(no_words.error.contains("words"));
    }
}
