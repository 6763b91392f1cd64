//! The harness: unique temp dirs, free ports, the built binary, the models fetched by
//! `scripts/setup`, a synthetic meeting made with espeak-ng + sox, Debian's `mosquitto_sub` as an
//! outside client, Python's `cbor2` as an independent CBOR decoder, and word error rate.
//! Waits are on conditions with deadlines, never fixed sleeps.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// The `roomscribe` binary of the same profile as this test binary (scripts/test builds it).
pub fn roomscribe_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = profile_dir.join("roomscribe");
    assert!(
        bin.is_file(),
        "{} is missing: build it first (scripts/test does: cargo build --release --bins)",
        bin.display()
    );
    bin
}

/// The test-only build with the `fault-injection` feature (`ROOMSCRIBE_FAULT=<stage>:hang|panic`),
/// which `scripts/test` builds beside the shipped binary.
pub fn roomscribe_with_faults_bin() -> PathBuf {
    let bin = roomscribe_bin().with_file_name("roomscribe-with-faults");
    assert!(
        bin.is_file(),
        "{} is missing: build it first (scripts/test does: cargo build --release --features fault-injection, then copies it)",
        bin.display()
    );
    bin
}

/// The folder of a manifest artifact fetched by `scripts/setup`.
pub fn artifact(name: &str) -> PathBuf {
    let out = Command::new("python3")
        .arg(repo_root().join("scripts/lib/artifacts.py"))
        .args(["path", name])
        .output()
        .expect("python3 runs scripts/lib/artifacts.py");
    assert!(
        out.status.success(),
        "artifacts.py path {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    assert!(
        dir.is_dir() && fs::read_dir(&dir).unwrap().next().is_some(),
        "{} is empty: run scripts/setup first",
        dir.display()
    );
    dir
}

pub fn whisper_model() -> PathBuf {
    artifact("whisper-tiny.en")
}

pub fn silero_model() -> PathBuf {
    artifact("silero-vad").join("silero_vad.jit")
}

/// A directory removed when dropped (kept when the test fails, for the logs).
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("roomscribe-test-{}-{label}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// A port for a daemon or broker a test starts, free when checked (never a fixed number). Not
/// one the kernel picks for `bind(0)`: that range (32768-60999 on Linux) is also where outgoing
/// connections get their local ports, so a port found that way and let go could be taken by any
/// client connecting before the daemon binds it (seen once: "Address already in use", and a
/// start that never came). Below it, each test process counts through ports from its own start.
pub fn free_port() -> u16 {
    const FIRST: u32 = 20_000;
    const PORTS: u32 = 12_000;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let start = std::process::id().wrapping_mul(7919) % PORTS;
    loop {
        let offset = (start + NEXT.fetch_add(1, Ordering::Relaxed)) % PORTS;
        let port = u16::try_from(FIRST + offset).expect("ports below 32000 fit a u16");
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// One spoken turn of the synthetic meeting.
#[derive(Debug, Clone)]
pub struct Turn {
    pub start: f64,
    pub end: f64,
    pub text: String,
}

pub struct Meeting {
    pub wav: PathBuf,
    pub raw: PathBuf,
    pub turns: Vec<Turn>,
}

impl Meeting {
    pub fn text(&self) -> String {
        self.turns.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ")
    }

    /// Whether the decoded finals (`transcript` payloads) reach the last turn: a turn may come
    /// as several finals, so their count says nothing.
    pub fn finals_reach_the_end(&self, finals: &[serde_json::Value]) -> bool {
        let last = self.turns.last().expect("a meeting has turns");
        finals
            .iter()
            .any(|f| f["end"].as_f64().is_some_and(|end| end > last.end - 1.0))
    }
}

/// The synthetic meeting, made once per test run by `scripts/lib/make-meeting`.
pub fn meeting() -> &'static Meeting {
    static MEETING: OnceLock<(TempDir, Meeting)> = OnceLock::new();
    &MEETING.get_or_init(|| make_meeting("meeting", &[])).1
}

/// Twelve turns, 110 words, 0.2-0.5 s apart (the last followed by 2 s of silence): closer than
/// `vad.min_silence_ms`, so the VAD merges them into one segment (make-meeting's "standup").
pub fn close_turns_meeting() -> &'static Meeting {
    static MEETING: OnceLock<(TempDir, Meeting)> = OnceLock::new();
    &MEETING
        .get_or_init(|| make_meeting("close-turns", &["--cast", "standup"]))
        .1
}

/// Runs `scripts/lib/make-meeting` with `args` (a cast, gaps; none: its defaults).
fn make_meeting(label: &str, args: &[&str]) -> (TempDir, Meeting) {
    let dir = TempDir::new(label);
    let status = Command::new(repo_root().join("scripts/lib/make-meeting"))
        .arg(&dir.0)
        .args(args)
        .status()
        .expect("scripts/lib/make-meeting runs");
    assert!(
        status.success(),
        "make-meeting failed: install espeak-ng and sox (scripts/setup)"
    );
    let turns = fs::read_to_string(dir.path("turns.tsv"))
        .unwrap()
        .lines()
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            Turn {
                start: fields.next().unwrap().parse().unwrap(),
                end: fields.next().unwrap().parse().unwrap(),
                text: fields.next().unwrap().to_owned(),
            }
        })
        .collect();
    let meeting = Meeting {
        wav: dir.path("meeting.wav"),
        raw: dir.path("meeting.raw"),
        turns,
    };
    (dir, meeting)
}

/// Writes 16 kHz mono 16-bit audio that sox makes from nothing with `effects`
/// (`["trim", "0", "60"]`: 60 s of silence; `["synth", "60", "pinknoise"]`: pink noise).
pub fn sox_audio(path: &Path, effects: &[&str]) {
    let status = Command::new("sox")
        .args(["-n", "-r", "16000", "-c", "1", "-b", "16"])
        .arg(path)
        .args(effects)
        .status()
        .expect("sox runs (scripts/setup installs it)");
    assert!(status.success(), "sox {effects:?}");
}

/// Lower-case words without punctuation.
pub fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Word error rate: word-level edit distance over the reference length.
pub fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    let (r, h) = (words(reference), words(hypothesis));
    let mut row: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut previous_diagonal = row[0];
        row[0] = i + 1;
        for (j, hw) in h.iter().enumerate() {
            let substitution = previous_diagonal + usize::from(rw != hw);
            previous_diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[h.len()] as f64 / r.len().max(1) as f64
}

/// Runs `roomscribe ARGS…` to completion.
pub fn roomscribe(args: &[&str]) -> Output {
    Command::new(roomscribe_bin()).args(args).output().unwrap()
}

/// Runs `roomscribe ARGS…` to completion with alsa-lib also reading `asoundrc`.
pub fn roomscribe_with_alsa(args: &[&str], asoundrc: &Path) -> Output {
    Command::new(roomscribe_bin())
        .args(args)
        .env(
            "ALSA_CONFIG_PATH",
            format!("/usr/share/alsa/alsa.conf:{}", asoundrc.display()),
        )
        .output()
        .unwrap()
}

/// Speech made by espeak-ng at its own rate (22.05 kHz mono): content up to 11 kHz, so a
/// resampler to 16 kHz must really filter it.
pub fn espeak_speech(path: &Path, text: &str) {
    let status = Command::new("espeak-ng")
        .args(["-s", "150", "-w"])
        .arg(path)
        .arg(text)
        .status()
        .expect("espeak-ng runs (scripts/setup installs it)");
    assert!(status.success(), "espeak-ng {text:?}");
}

/// Runs `sox ARGS…`, which must succeed.
pub fn sox(args: &[&str]) {
    let out = Command::new("sox").args(args).output().expect("sox runs");
    assert!(
        out.status.success(),
        "sox {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every sample of the first channel of an audio file sox can read, as f32.
pub fn samples_of(path: &Path) -> Vec<f32> {
    let out = Command::new("sox")
        .arg(path)
        .args(["-t", "f32", "-c", "1", "-"])
        .output()
        .expect("sox runs");
    assert!(out.status.success(), "sox reading {}", path.display());
    out.stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Signal-to-noise ratio in dB of `output` against `reference`, sample by sample, leaving out
/// `edge` samples at each end.
pub fn snr_db(reference: &[f32], output: &[f32], edge: usize) -> f64 {
    let n = reference.len().min(output.len());
    assert!(n > 2 * edge, "{n} samples are too few to compare");
    let (mut signal, mut noise) = (0f64, 0f64);
    for i in edge..n - edge {
        let (r, o) = (f64::from(reference[i]), f64::from(output[i]));
        signal += r * r;
        noise += (r - o) * (r - o);
    }
    10.0 * (signal / noise.max(f64::MIN_POSITIVE)).log10()
}

/// `template` rendered by Jinja2 (Home Assistant's template engine) with `value_json` bound to
/// `value`, through Debian's python3 (scripts/setup installs python3-jinja2).
pub fn render_home_assistant_template(template: &str, value: &serde_json::Value) -> String {
    let out = Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import jinja2,json,sys; t=jinja2.Environment().from_string(sys.argv[1]); \
             print(t.render(value_json=json.loads(sys.argv[2])), end='')",
        ])
        .arg(template)
        .arg(value.to_string())
        .output()
        .expect("Debian's python3 with jinja2 (scripts/setup installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Polls `condition` until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, what: &str, condition: impl FnMut() -> bool) {
    assert!(
        poll_until(timeout, condition),
        "timed out after {timeout:?} waiting for {what}"
    );
}

/// Polls `condition` every 50 ms (what the tests wait on is another process's files and
/// messages, which no notification reaches) until it holds (true) or `timeout` passes (false).
pub fn poll_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while !condition() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// An asoundrc defining PCM `name` as an ALSA `file` plugin reading `infile` over a `null`
/// slave: real alsa-lib, no sound card.
pub fn file_pcm_config(dir: &TempDir, name: &str, infile: &Path) -> PathBuf {
    let path = dir.path("asoundrc");
    fs::write(
        &path,
        format!(
            "pcm.{name} {{\n  type file\n  slave.pcm \"null\"\n  file \"/dev/null\"\n  infile \"{}\"\n  format \"raw\"\n}}\n",
            infile.display()
        ),
    )
    .unwrap();
    path
}

/// Writes `script` to `name` in `dir` as an executable file (a wrapper the daemon runs under).
pub fn executable_script(dir: &TempDir, name: &str, script: &str) -> PathBuf {
    let path = dir.path(name);
    fs::write(&path, script).unwrap();
    fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

/// An asoundrc defining PCM `silence`: a `file` PCM reading digital silence (a room where
/// nobody speaks; the plugin keeps delivering after the file ends).
pub fn silent_room(dir: &TempDir) -> PathBuf {
    let silence = dir.path("silence.raw");
    fs::write(&silence, vec![0u8; 16_000 * 2 * 10]).unwrap();
    file_pcm_config(dir, "silence", &silence)
}

/// The daemon, running; killed when dropped if still alive.
pub struct Daemon {
    pub child: Child,
    pub log: PathBuf,
}

impl Daemon {
    pub fn start(dir: &TempDir, config: &str, asoundrc: Option<&Path>) -> Self {
        Self::start_with_env(dir, config, asoundrc, &[])
    }

    /// `config` gets `state_dir` in `dir` unless it names one: tests never touch /var/lib.
    pub fn start_with_env(dir: &TempDir, config: &str, asoundrc: Option<&Path>, env: &[(&str, &Path)]) -> Self {
        Self::start_binary(&roomscribe_bin(), dir, config, asoundrc, env)
    }

    /// `start_with_env` with another build of the daemon (the fault-injection one).
    pub fn start_binary(
        binary: &Path,
        dir: &TempDir,
        config: &str,
        asoundrc: Option<&Path>,
        env: &[(&str, &Path)],
    ) -> Self {
        let config_path = dir.path("roomscribe.toml");
        let config = if config.contains("state_dir") {
            config.to_owned()
        } else {
            format!("state_dir = \"{}\"\n{config}", dir.path("state").display())
        };
        fs::write(&config_path, config).unwrap();
        let log = dir.path("daemon.log");
        let mut command = Command::new(binary);
        command
            .args(["run", "--config"])
            .arg(&config_path)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).unwrap());
        command.envs(env.iter().copied());
        if let Some(asoundrc) = asoundrc {
            command.env(
                "ALSA_CONFIG_PATH",
                format!("/usr/share/alsa/alsa.conf:{}", asoundrc.display()),
            );
        }
        Self {
            child: command.spawn().unwrap(),
            log,
        }
    }

    /// `start`, then waits until the daemon says it is ready (broker up, model loaded). The
    /// bound is generous: on two cores shared by a dozen daemons loading their models at once,
    /// a start has taken over a minute.
    pub fn start_ready(dir: &TempDir, config: &str, asoundrc: Option<&Path>) -> Self {
        let daemon = Self::start(dir, config, asoundrc);
        daemon.wait_for_log("roomscribe is ready", Duration::from_secs(120));
        daemon
    }

    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log holds `needle`; on a timeout, the failure shows the log's end (a
    /// port taken by a parallel test, a slow start: the log says which).
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) {
        if !poll_until(timeout, || self.log_text().contains(needle)) {
            let log = self.log_text();
            let lines: Vec<&str> = log.lines().collect();
            panic!(
                "timed out after {timeout:?} waiting for daemon log line {needle:?}; the log ends:\n{}",
                lines[lines.len().saturating_sub(40)..].join("\n")
            );
        }
    }

    pub fn terminate(&mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit and returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> i32 {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "daemon did not exit within {timeout:?}:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's `mosquitto_sub`, printing `topic hex-payload` per message to a file.
pub struct Subscriber {
    child: Child,
    out: PathBuf,
}

impl Subscriber {
    pub fn start(dir: &TempDir, port: u16, topic: &str) -> Self {
        let out = dir.path("mosquitto_sub.txt");
        let child = Command::new("mosquitto_sub")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-q",
                "1",
                "-t",
                topic,
                "-F",
                "%t %x",
            ])
            .stdout(fs::File::create(&out).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto_sub is installed (scripts/setup)");
        Self { child, out }
    }

    /// Like `start`, also subscribed to the devices' retained status topic, and returns once the
    /// status has arrived: from then on, `topic` is subscribed too.
    pub fn start_subscribed(dir: &TempDir, port: u16, topic: &str) -> Self {
        let out = dir.path("mosquitto_sub.txt");
        let child = Command::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
            .args(["-t", topic, "-t", "roomscribe/+/status", "-F", "%t %x"])
            .stdout(fs::File::create(&out).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto_sub is installed (scripts/setup)");
        let subscriber = Self { child, out };
        wait_until(
            Duration::from_secs(10),
            "the retained status (the subscription is live)",
            || subscriber.messages().iter().any(|(t, _)| t.ends_with("/status")),
        );
        subscriber
    }

    /// (topic, payload bytes) received so far. Only whole lines count: mosquitto_sub writes a
    /// long message in more than one write, so the file's last line may still be half there.
    pub fn messages(&self) -> Vec<(String, Vec<u8>)> {
        fs::read_to_string(&self.out)
            .unwrap_or_default()
            .split_inclusive('\n')
            .filter_map(|line| {
                let (topic, hex) = line.strip_suffix('\n')?.split_once(' ')?;
                Some((topic.to_owned(), decode_hex(hex)?))
            })
            .collect()
    }

    pub fn on_topic(&self, topic: &str) -> Vec<Vec<u8>> {
        self.messages()
            .into_iter()
            .filter(|(t, _)| t == topic)
            .map(|(_, p)| p)
            .collect()
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Publishes `payload` with Debian's `mosquitto_pub` (QoS 1), retained if asked.
pub fn mosquitto_pub(dir: &TempDir, port: u16, topic: &str, payload: &[u8], retain: bool) {
    mosquitto_pub_as(dir, port, None, topic, payload, retain);
}

/// `mosquitto_pub`, logged in as `login` (user, password) when given.
pub fn mosquitto_pub_as(
    dir: &TempDir,
    port: u16,
    login: Option<(&str, &str)>,
    topic: &str,
    payload: &[u8],
    retain: bool,
) {
    let out = mosquitto_pub_output(dir, port, login, topic, payload, retain);
    assert!(
        out.status.success(),
        "mosquitto_pub: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `mosquitto_pub` at QoS 1, logged in as `login` when given, whatever its outcome.
pub fn mosquitto_pub_output(
    dir: &TempDir,
    port: u16,
    login: Option<(&str, &str)>,
    topic: &str,
    payload: &[u8],
    retain: bool,
) -> Output {
    let file = dir.path("payload.bin");
    fs::write(&file, payload).unwrap();
    let mut command = Command::new("mosquitto_pub");
    command
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1", "-t", topic, "-f"])
        .arg(&file);
    if let Some((user, password)) = login {
        command.args(["-u", user, "-P", password]);
    }
    if retain {
        command.arg("-r");
    }
    command.output().expect("mosquitto_pub is installed (scripts/setup)")
}

/// Sends each line of `lines` as one message on `topic` (`mosquitto_pub -l`, QoS 1).
pub fn publish_lines(port: u16, topic: &str, lines: &[u8]) {
    let mut publisher = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1", "-l", "-t", topic])
        .stdin(Stdio::piped())
        .spawn()
        .expect("mosquitto_pub runs");
    std::io::Write::write_all(&mut publisher.stdin.take().unwrap(), lines).unwrap();
    assert!(publisher.wait().unwrap().success(), "mosquitto_pub on {topic}");
}

/// Debian's Python (with python3-cbor2) when there is one.
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// Encodes JSON as CBOR with Python's `cbor2`: an encoder independent of the daemon's.
pub fn encode_cbor_independently(value: &serde_json::Value) -> Vec<u8> {
    let out = Command::new(python())
        .args([
            "-c",
            "import sys, json, cbor2; sys.stdout.buffer.write(cbor2.dumps(json.loads(sys.argv[1])))",
            &value.to_string(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "cbor2: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The finals a subscriber to `<base>/transcript` and `<base>/transcript/revision` received,
/// decoded, each replaced by its latest revision, in `seq` order. Checks that the `transcript`
/// topic carries only first finals (`revision` 1), and that every revision names a final
/// received before it and keeps its times.
pub fn revised_finals_of(subscriber: &Subscriber, base: &str) -> Vec<serde_json::Value> {
    let finals = decode_cbor_independently(&subscriber.on_topic(&format!("{base}/transcript")));
    assert!(
        finals.iter().all(|f| f["revision"] == 1),
        "a revision on the transcript topic: {finals:?}"
    );
    let revisions = decode_cbor_independently(&subscriber.on_topic(&format!("{base}/transcript/revision")));
    assert!(
        revisions.iter().all(|r| r["revision"].as_u64().is_some_and(|n| n > 1)),
        "{revisions:?}"
    );
    revised_finals(&[finals, revisions].concat())
}

/// `messages` (finals, then revisions) with each final replaced by its latest revision, in
/// `seq` order.
fn revised_finals(messages: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let mut latest: std::collections::BTreeMap<u64, serde_json::Value> = std::collections::BTreeMap::new();
    for m in messages {
        let seq = m["seq"].as_u64().unwrap();
        let revision = m["revision"].as_u64().unwrap();
        match latest.get(&seq) {
            None => assert_eq!(revision, 1, "a revision before its final: {m}"),
            Some(before) => {
                assert!(
                    revision > before["revision"].as_u64().unwrap(),
                    "revisions only go up: {m}"
                );
                assert_eq!(
                    (&m["start"], &m["end"]),
                    (&before["start"], &before["end"]),
                    "a revision keeps its final's times: {m}"
                );
            }
        }
        latest.insert(seq, m.clone());
    }
    latest.into_values().collect()
}

/// Decodes CBOR payloads with Python's `cbor2` (Debian's python3-cbor2): an implementation
/// independent of the daemon's. Returns each payload as JSON.
pub fn decode_cbor_independently(payloads: &[Vec<u8>]) -> Vec<serde_json::Value> {
    let script = "import sys, json, cbor2\n\
                  for line in sys.stdin:\n\
                  \x20   print(json.dumps(cbor2.loads(bytes.fromhex(line.strip()))))\n";
    let mut child = Command::new(python())
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Fed from its own thread: with many payloads, feeding and reading in turn would deadlock
    // on full pipes.
    let input: String = payloads
        .iter()
        .map(|payload| payload.iter().map(|b| format!("{b:02x}")).collect::<String>() + "\n")
        .collect();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "cbor2 could not decode the payloads (install python3-cbor2): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Debian's mosquitto as the upstream broker, on a loopback port, keeping its sessions on disk
/// across restarts (so a subscriber registered once collects everything the daemon delivers,
/// even while it is not connected).
pub struct Upstream {
    pub port: u16,
    conf: PathBuf,
    child: Option<Child>,
}

impl Upstream {
    /// `login`: (user, password) required of every client; `None` lets anyone in.
    pub fn new(dir: &TempDir, login: Option<(&str, &str)>) -> Self {
        Self::with_tls(dir, login, None).0
    }

    /// Like `new`, and with `tls` a second listener speaking TLS with that certificate; returns
    /// its port too.
    pub fn with_tls(dir: &TempDir, login: Option<(&str, &str)>, tls: Option<&Certificates>) -> (Self, u16) {
        let port = free_port();
        let tls_port = free_port();
        let data = dir.path("upstream");
        fs::create_dir_all(&data).unwrap();
        // mosquitto started as root runs as user `mosquitto`: let it keep its sessions here.
        fs::set_permissions(&data, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
        let mut conf = format!(
            "listener {port} 127.0.0.1\npersistence true\npersistence_location {}/\nautosave_interval 1\n\
             max_queued_messages 100000\nmax_inflight_messages 100\nlog_dest file {}/mosquitto.log\n",
            data.display(),
            data.display()
        );
        match login {
            Some((user, password)) => {
                let passwords = data.join("passwords");
                let status = Command::new("mosquitto_passwd")
                    .args(["-c", "-b"])
                    .arg(&passwords)
                    .args([user, password])
                    .status()
                    .expect("mosquitto_passwd is installed (scripts/setup)");
                assert!(status.success());
                conf += &format!("allow_anonymous false\npassword_file {}\n", passwords.display());
            }
            None => conf += "allow_anonymous true\n",
        }
        if let Some(certificates) = tls {
            conf += &format!(
                "listener {tls_port} 127.0.0.1\ncafile {}\ncertfile {}\nkeyfile {}\n",
                certificates.ca.display(),
                certificates.cert.display(),
                certificates.key.display()
            );
        }
        let path = data.join("mosquitto.conf");
        fs::write(&path, conf).unwrap();
        (
            Self {
                port,
                conf: path,
                child: None,
            },
            tls_port,
        )
    }

    /// Starts the broker and returns once it accepts connections.
    pub fn start(&mut self) {
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(&self.conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto is installed (scripts/setup)");
        self.child = Some(child);
        let port = self.port;
        wait_until(Duration::from_secs(10), "the upstream mosquitto to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
    }

    /// Starts the broker with a persistent QoS 1 subscriber, `collector`, on `up/#` (the topics
    /// the tests give the daemon's sync): from then on the broker keeps every record for it.
    pub fn start_with_collector(&mut self, login: Option<(&str, &str)>) {
        self.start();
        self.register("collector", "up/#", login);
    }

    /// What the broker kept for `collector` (read for `seconds`), in order.
    pub fn collected(&self, login: Option<(&str, &str)>, seconds: u32) -> Vec<(String, Vec<u8>)> {
        self.collect("collector", "up/#", login, seconds)
    }

    /// Stops the broker cleanly (it writes its sessions to disk).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let _ = child.wait();
        }
    }

    fn sub_args(&self, id: &str, login: Option<(&str, &str)>) -> Vec<String> {
        let mut args: Vec<String> = [
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-q",
            "1",
            "-c",
            "-i",
            id,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if let Some((user, password)) = login {
            args.extend(["-u".into(), user.into(), "-P".into(), password.into()]);
        }
        args
    }

    /// Registers a persistent QoS 1 subscription to `topic` under client id `id`, then leaves:
    /// the broker keeps what arrives for it.
    fn register(&self, id: &str, topic: &str, login: Option<(&str, &str)>) {
        let status = Command::new("mosquitto_sub")
            .args(self.sub_args(id, login))
            .args(["-t", topic, "-E"])
            .status()
            .unwrap();
        assert!(status.success(), "mosquitto_sub -E could not subscribe");
    }

    /// Connects as `id` and returns (topic, payload) of what the broker kept for it, in order,
    /// reading for `seconds`.
    fn collect(&self, id: &str, topic: &str, login: Option<(&str, &str)>, seconds: u32) -> Vec<(String, Vec<u8>)> {
        let output = Command::new("mosquitto_sub")
            .args(self.sub_args(id, login))
            .args(["-t", topic, "-W", &seconds.to_string(), "-F", "%t %x"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| {
                let (topic, hex) = line.split_once(' ')?;
                Some((topic.to_owned(), decode_hex(hex)?))
            })
            .collect()
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Rows of `sql` on the SQLite file `db`, read by Python's own sqlite3 module (not our code);
/// blobs come back as hex text.
pub fn query_store(db: &Path, sql: &str) -> Vec<Vec<serde_json::Value>> {
    let script = "import json, sqlite3, sys\n\
                  con = sqlite3.connect(sys.argv[1], timeout=10)\n\
                  rows = con.execute(sys.argv[2]).fetchall()\n\
                  print(json.dumps([[v.hex() if isinstance(v, bytes) else v for v in r] for r in rows]))\n";
    let output = Command::new(python())
        .args(["-c", script])
        .arg(db)
        .arg(sql)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "sqlite3 query failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The daemon's retained health, as decoded by an outside decoder (waits for one).
pub fn latest_health(port: u16) -> serde_json::Value {
    let output = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-t",
            "roomscribe/+/health",
            "-C",
            "1",
            "-W",
            "10",
            "-F",
            "%x",
        ])
        .output()
        .unwrap();
    let hex = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let payload = decode_hex(&hex)
        .filter(|p| !p.is_empty())
        .expect("a retained health message within 10 s");
    decode_cbor_independently(&[payload]).remove(0)
}

/// The configuration of a daemon reading ALSA PCM `pcm` in real time, with Silero VAD, publishing on `port`
/// (MQTT 3.1.1; MQTT 5 on a free port); `vad_extra` adds lines to the `[vad]` section. `[bus]` comes
/// last, so a test may append lines to it.
pub fn daemon_config(port: u16, pcm: &str, vad_extra: &str) -> String {
    daemon_config_with_mqtt5(port, free_port(), pcm, vad_extra)
}

/// `daemon_config` with the MQTT 5 listener on `mqtt5_port`.
pub fn daemon_config_with_mqtt5(port: u16, mqtt5_port: u16, pcm: &str, vad_extra: &str) -> String {
    format!(
        "device_id = \"room-7\"\n\
         [capture]\npcm = \"{pcm}\"\npacing = \"realtime\"\n\
         [vad]\nmodel = \"{}\"\n{vad_extra}\n\
         [asr]\nmodel_dir = \"{}\"\nthreads = 2\n\
         [bus]\nlisten = \"127.0.0.1:{port}\"\nmqtt5_listen = \"127.0.0.1:{mqtt5_port}\"\n",
        silero_model().display(),
        whisper_model().display()
    )
}

/// A test certificate authority and a server certificate it signed for 127.0.0.1 / localhost,
/// made with Debian's openssl.
pub struct Certificates {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn make_certificates(dir: &TempDir) -> Certificates {
    let path = |name: &str| dir.path(name);
    let openssl = |args: &[&str]| {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(&dir.0)
            .output()
            .expect("openssl is installed (scripts/setup)");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=roomscribe test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    fs::write(path("san.ext"), "subjectAltName = IP:127.0.0.1, DNS:localhost\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.pem",
    ]);
    // mosquitto started as root reads them as user `mosquitto`.
    for name in ["ca.pem", "server.pem", "server.key"] {
        fs::set_permissions(path(name), std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    }
    Certificates {
        ca: path("ca.pem"),
        cert: path("server.pem"),
        key: path("server.key"),
    }
}
