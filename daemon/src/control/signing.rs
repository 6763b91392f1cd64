//! Who may change the device. rumqttd checks passwords at connect but has no topic ACLs, and a
//! subscriber cannot see who published a message, so a viewer's credential could otherwise
//! publish on `config` and `cmd/...` like an operator's. When `bus.users` names any operator,
//! configuration documents and commands must come signed:
//!
//! ```text
//! {"user": "alice", "ts": <Unix ms>, "payload": <the document or command, text or bytes>,
//!  "sig": hex(HMAC-SHA256(key = alice's password, topic + "\n" + ts + "\n" + payload))}
//! ```
//!
//! as a CBOR map or a JSON object. The signature binds the topic (a signed command cannot be
//! replayed on another) and the time: a message older than five minutes, or not newer than the
//! last one accepted from that user, is refused (no replays). Only operators' signatures count.
//! Pure: the clock is passed in, and the newest accepted time per operator is the caller's to
//! keep durably (the store) before the message takes effect, then to confirm with `accepted`.

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::{Role, UserConfig};

/// How far a signed message's time may be from the device's clock.
pub const MAX_SKEW_MS: u64 = 5 * 60 * 1000;

/// The signed envelope, read from CBOR or JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub user: String,
    pub ts: u64,
    pub payload: Vec<u8>,
    pub sig: Vec<u8>,
}

impl Envelope {
    /// Reads an envelope; `None` when the message is not one (then it is unsigned).
    pub fn read(message: &[u8]) -> Option<Self> {
        let value = ciborium::from_reader::<ciborium::Value, _>(message)
            .ok()
            .filter(ciborium::Value::is_map)
            .or_else(|| {
                let json: serde_json::Value = serde_json::from_slice(message).ok()?;
                ciborium::Value::serialized(&json).ok()
            })?;
        let map = value.as_map()?;
        let field = |name: &str| map.iter().find(|(k, _)| k.as_text() == Some(name)).map(|(_, v)| v);
        let bytes = |v: &ciborium::Value| match v {
            ciborium::Value::Bytes(b) => Some(b.clone()),
            ciborium::Value::Text(t) => Some(t.as_bytes().to_vec()),
            _ => None,
        };
        let sig = match field("sig")? {
            ciborium::Value::Bytes(b) => b.clone(),
            ciborium::Value::Text(t) => hex::decode(t).ok()?,
            _ => return None,
        };
        Some(Self {
            user: field("user")?.as_text()?.to_owned(),
            ts: u64::try_from(i128::from(field("ts")?.as_integer()?)).ok()?,
            payload: bytes(field("payload")?)?,
            sig,
        })
    }
}

/// The signature an operator computes.
pub fn sign(password: &str, topic: &str, ts: u64, payload: &[u8]) -> Vec<u8> {
    let mut mac = mac(password, topic, ts);
    mac.update(payload);
    mac.finalize().into_bytes().to_vec()
}

fn mac(password: &str, topic: &str, ts: u64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(password.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(topic.as_bytes());
    mac.update(b"\n");
    mac.update(ts.to_string().as_bytes());
    mac.update(b"\n");
    mac
}

/// An operator's signed time on a message admitted, not yet recorded as accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub user: String,
    pub ts: u64,
}

/// A message that may act: its payload, and the operator's stamp when it was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    pub payload: Vec<u8>,
    pub stamp: Option<Stamp>,
}

/// Refusal of a message whose signature is not newer than the last one accepted from its operator.
pub const REPLAY: &str = "a replay: not newer than the last message accepted from this operator";

/// Decides which operator messages count.
pub struct Authority {
    operators: HashMap<String, String>,
    viewers: Vec<String>,
    last_accepted: HashMap<String, u64>,
}

impl Authority {
    pub fn new(users: &[UserConfig]) -> Self {
        Self {
            operators: users
                .iter()
                .filter(|u| u.role == Role::Operator)
                .map(|u| (u.name.clone(), u.password.clone()))
                .collect(),
            viewers: users
                .iter()
                .filter(|u| u.role == Role::Viewer)
                .map(|u| u.name.clone())
                .collect(),
            last_accepted: HashMap::new(),
        }
    }

    /// Whether messages must be signed (some operator is configured).
    pub fn required(&self) -> bool {
        !self.operators.is_empty()
    }

    /// The payload inside `message` if it may act: unsigned messages when no operator is
    /// configured; otherwise an operator's valid, fresh signature, newer than the last one
    /// `accepted` from that operator.
    pub fn admit(&self, topic: &str, message: &[u8], now_ms: u64) -> Result<Admitted, String> {
        if !self.required() {
            return Ok(Admitted {
                payload: message.to_vec(),
                stamp: None,
            });
        }
        let Some(envelope) = Envelope::read(message) else {
            return Err("not signed: this device takes configuration and commands only from operators; send {user, ts, payload, sig} (see the README)".into());
        };
        let user = crate::bounded::cut(&envelope.user, crate::bounded::QUOTE_CHARS);
        let Some(password) = self.operators.get(&envelope.user) else {
            return Err(if self.viewers.contains(&envelope.user) {
                format!("{user:?} is a viewer: viewers may watch but not configure or command")
            } else {
                format!("{user:?} is not an operator of this device")
            });
        };
        let mut check = mac(password, topic, envelope.ts);
        check.update(&envelope.payload);
        if check.verify_slice(&envelope.sig).is_err() {
            return Err(format!(
                "the signature of {user:?} does not match (wrong password, topic or payload)"
            ));
        }
        if envelope.ts.abs_diff(now_ms) > MAX_SKEW_MS {
            return Err("the signed time is more than 5 minutes from the device's clock; sign it again now (and check the clocks)".into());
        }
        if self
            .last_accepted
            .get(&envelope.user)
            .is_some_and(|&last| envelope.ts <= last)
        {
            return Err(REPLAY.into());
        }
        Ok(Admitted {
            payload: envelope.payload,
            stamp: Some(Stamp {
                user: envelope.user,
                ts: envelope.ts,
            }),
        })
    }

    /// A message admitted with `stamp` was kept durably and takes effect: later ones from the
    /// same operator must be newer.
    pub fn accepted(&mut self, stamp: &Stamp) {
        let last = self.last_accepted.entry(stamp.user.clone()).or_default();
        *last = (*last).max(stamp.ts);
    }

    /// The payload inside `message` without checking who sent it (to recognise a document
    /// already in force).
    pub fn unwrap_unchecked(&self, message: &[u8]) -> Vec<u8> {
        match Envelope::read(message).filter(|_| self.required()) {
            Some(envelope) => envelope.payload,
            None => message.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOPIC: &str = "roomscribe/room-1/config";
    const NOW: u64 = 1_800_000_000_000;

    fn users() -> Vec<UserConfig> {
        vec![
            UserConfig {
                name: "alice".into(),
                password: "operator-secret".into(),
                role: Role::Operator,
            },
            UserConfig {
                name: "victor".into(),
                password: "viewer-secret".into(),
                role: Role::Viewer,
            },
        ]
    }

    fn signed(user: &str, password: &str, topic: &str, ts: u64, payload: &str) -> Vec<u8> {
        serde_json::json!({
            "user": user,
            "ts": ts,
            "payload": payload,
            "sig": hex::encode(sign(password, topic, ts, payload.as_bytes())),
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn without_operators_anything_on_loopback_may_act() {
        let authority = Authority::new(&[]);
        let admitted = authority.admit(TOPIC, b"{}", NOW).unwrap();
        assert_eq!((admitted.payload.as_slice(), admitted.stamp), (&b"{}"[..], None));
    }

    #[test]
    fn an_operators_signature_admits_the_payload_once() {
        let mut authority = Authority::new(&users());
        let message = signed("alice", "operator-secret", TOPIC, NOW, r#"{"vad": {"threshold": 0.6}}"#);
        let admitted = authority.admit(TOPIC, &message, NOW + 1_000).unwrap();
        assert_eq!(admitted.payload, br#"{"vad": {"threshold": 0.6}}"#);
        let stamp = admitted.stamp.unwrap();
        assert_eq!(
            stamp,
            Stamp {
                user: "alice".into(),
                ts: NOW
            }
        );
        assert!(
            authority.admit(TOPIC, &message, NOW + 1_500).is_ok(),
            "not recorded as accepted yet (the store could not keep it, say)"
        );
        authority.accepted(&stamp);
        let replay = authority.admit(TOPIC, &message, NOW + 2_000).unwrap_err();
        assert!(replay.contains("replay"), "{replay}");
        let newer = signed("alice", "operator-secret", TOPIC, NOW + 1, "{}");
        assert!(authority.admit(TOPIC, &newer, NOW + 2_000).is_ok());
    }

    #[test]
    fn viewers_strangers_forgeries_and_stale_messages_are_refused() {
        let authority = Authority::new(&users());
        let cases = [
            (signed("victor", "viewer-secret", TOPIC, NOW, "{}"), "viewer"),
            (signed("mallory", "x", TOPIC, NOW, "{}"), "not an operator"),
            (signed("alice", "guessed", TOPIC, NOW, "{}"), "does not match"),
            (
                signed("alice", "operator-secret", "roomscribe/room-1/cmd/ping", NOW, "{}"),
                "does not match",
            ),
            (
                signed("alice", "operator-secret", TOPIC, NOW - 10 * 60 * 1000, "{}"),
                "5 minutes",
            ),
            (br#"{"vad": {"threshold": 0.6}}"#.to_vec(), "not signed"),
        ];
        for (message, why) in cases {
            let error = authority.admit(TOPIC, &message, NOW).unwrap_err();
            assert!(error.contains(why), "{why}: {error}");
        }
    }

    #[test]
    fn cbor_envelopes_with_byte_strings_work_too() {
        let authority = Authority::new(&users());
        let payload = b"\xa1\x63vad\xa0".to_vec();
        let envelope = ciborium::Value::Map(vec![
            ("user".into(), "alice".into()),
            ("ts".into(), NOW.into()),
            ("payload".into(), ciborium::Value::Bytes(payload.clone())),
            (
                "sig".into(),
                ciborium::Value::Bytes(sign("operator-secret", TOPIC, NOW, &payload)),
            ),
        ]);
        let mut message = Vec::new();
        ciborium::into_writer(&envelope, &mut message).unwrap();
        assert_eq!(authority.admit(TOPIC, &message, NOW).unwrap().payload, payload);
    }
}
