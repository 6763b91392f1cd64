//! The house, from outside: systemd's watchdog over a real notify socket while a stage hangs, a
//! panic's exit code, the fault hooks absent from the shipped binary, `validate` naming an
//! unknown field in every section, and the daemon inside the unit's file-system and privilege
//! sandbox. Hangs and panics come from the test-only build
//! (`roomscribe-with-faults`, the `fault-injection` feature).

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::*;

/// Every datagram the daemon sent to `socket` within `window`, with when it arrived.
fn notifications(socket: &UnixDatagram, window: Duration) -> Vec<(Instant, String)> {
    socket.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let deadline = Instant::now() + window;
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        if let Ok(n) = socket.recv(&mut buf) {
            seen.push((Instant::now(), String::from_utf8_lossy(&buf[..n]).into_owned()));
        }
    }
    seen
}

/// ASR hangs inside its first piece of work (the first speech it is handed): the watchdog pings
/// that came every half second stop once the hang outlasts `watchdog.stuck_after_s`, systemd's
/// status and the retained health name the stage, and the other stages go on.
#[test]
fn a_stage_stuck_in_its_work_stops_the_watchdog_pings_and_health_names_it() {
    let dir = TempDir::new("watchdog");
    let socket_path = dir.path("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    let asoundrc = file_pcm_config(&dir, "meeting", &meeting().raw);
    let port = free_port();
    let config = format!(
        "{}health_interval_s = 1\n[watchdog]\nstuck_after_s = 2\n",
        daemon_config(port, "meeting", "")
    );
    let watchdog_usec = Path::new("1000000");
    let fault = Path::new("asr:hang");
    let mut daemon = Daemon::start_binary(
        &roomscribe_with_faults_bin(),
        &dir,
        &config,
        Some(&asoundrc),
        &[
            ("NOTIFY_SOCKET", &socket_path),
            ("WATCHDOG_USEC", watchdog_usec),
            ("ROOMSCRIBE_FAULT", fault),
        ],
    );
    daemon.wait_for_log("roomscribe is ready", Duration::from_secs(60));
    let seen = notifications(&socket, Duration::from_secs(12));
    let pings: Vec<Instant> = seen
        .iter()
        .filter(|(_, text)| text.lines().any(|l| l == "WATCHDOG=1"))
        .map(|(at, _)| *at)
        .collect();
    let log = daemon.log_text();
    assert!(
        !pings.is_empty(),
        "the watchdog was fed while every stage was alive:\n{log}"
    );
    let stuck_at = seen
        .iter()
        .find(|(_, text)| text.contains("STATUS=Stuck: asr"))
        .map(|(at, _)| *at)
        .unwrap_or_else(|| panic!("systemd was told which stage is stuck: {seen:?}\n{log}"));
    assert!(
        pings.iter().all(|&ping| ping < stuck_at),
        "no WATCHDOG=1 once a stage is stuck: {seen:?}"
    );
    assert!(
        log.contains("A stage is stuck inside one piece of work") && log.contains("stage=\"asr\""),
        "{log}"
    );

    let health = latest_health(port);
    let stages = health["stages"].as_array().expect("health lists the stages");
    let state_of = |name: &str| {
        stages
            .iter()
            .find(|s| s["name"] == name)
            .map(|s| s["state"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(state_of("asr").as_deref(), Some("stuck"), "{health}");
    assert_ne!(
        state_of("vad").as_deref(),
        Some("stuck"),
        "only the hanging stage: {health}"
    );
    assert!(stages.iter().filter(|s| s["state"] == "stuck").count() == 1, "{health}");
    assert!(
        daemon.child.try_wait().unwrap().is_none(),
        "the daemon waits for systemd to restart it"
    );
}

/// Runs the fault-injection build with `stage` made to panic: it must exit 70 and log which
/// stage it was.
fn a_panic_in(stage: &str) {
    let dir = TempDir::new(&format!("panic-{stage}"));
    let asoundrc = file_pcm_config(&dir, "meeting", &meeting().raw);
    let config = daemon_config(free_port(), "meeting", "");
    let fault = format!("{stage}:panic");
    let mut daemon = Daemon::start_binary(
        &roomscribe_with_faults_bin(),
        &dir,
        &config,
        Some(&asoundrc),
        &[("ROOMSCRIBE_FAULT", Path::new(&fault))],
    );
    assert_eq!(daemon.wait_exit(Duration::from_secs(90)), 70, "{}", daemon.log_text());
    let log = daemon.log_text();
    assert!(log.contains(&format!("fault injected into the {stage} stage")), "{log}");
    assert!(
        log.contains("A thread panicked") && log.contains(&format!("stage=\"{stage}\"")),
        "the log names the stage:\n{log}"
    );
}

/// A panic in any stage's thread ends the process with 70 (systemd's `Restart=` acts on it),
/// after logging which stage it was.
#[test]
fn a_panic_in_a_stage_exits_70_and_names_the_stage() {
    a_panic_in("vad");
}

/// The same for a stage that runs as a task on the runtime's threads: the log names the stage,
/// not the thread.
#[test]
fn a_panic_in_a_task_stage_names_the_stage_not_the_runtime_thread() {
    a_panic_in("meeting");
}

/// The shipped binary has no fault hooks: the same environment changes nothing.
#[test]
fn the_shipped_binary_ignores_fault_injection() {
    let dir = TempDir::new("no-faults");
    let asoundrc = file_pcm_config(&dir, "meeting", &meeting().raw);
    let config = daemon_config(free_port(), "meeting", "");
    let mut daemon = Daemon::start_with_env(
        &dir,
        &config,
        Some(&asoundrc),
        &[("ROOMSCRIBE_FAULT", Path::new("vad:panic"))],
    );
    daemon.wait_for_log("Transcript seq=1 ", Duration::from_secs(90));
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0, "{}", daemon.log_text());
}

/// `validate` names an unknown field by its full name in every section of the shipped file,
/// and keeps checking the rest of the section.
#[test]
fn validate_names_an_unknown_field_in_every_section() {
    let dir = TempDir::new("validate-sections");
    let shipped = std::fs::read_to_string(repo_root().join("firmware-config/roomscribe.toml")).unwrap();
    let sections: Vec<&str> = shipped
        .lines()
        .filter_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']'))
        .filter(|s| !s.contains('.') && !s.starts_with('['))
        .collect();
    assert!(sections.len() >= 10, "{sections:?}");
    for section in sections {
        let path = dir.path(&format!("{section}.toml"));
        std::fs::write(&path, format!("[{section}]\nhots = 1\n")).unwrap();
        let out = roomscribe(&["validate", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "[{section}]: {stderr}");
        assert!(
            stderr.contains(&format!("{section}.hots:")),
            "[{section}] names the field: {stderr}"
        );
    }
}

/// Issue 19: the unit's sandbox cannot be tried under systemd here (systemd is not PID 1 on
/// this machine), so its file-system, privilege and system-call parts are reproduced with
/// util-linux and libseccomp: a private mount namespace where every mount is read-only except
/// the state directory (`ProtectSystem=strict` + `StateDirectory=`), no new privileges and no
/// capabilities (`NoNewPrivileges=yes`, empty `CapabilityBoundingSet=`), `UMask=0077`, and the
/// unit's own `SystemCallFilter=`, `SystemCallErrorNumber=` and `RestrictAddressFamilies=` read
/// from `systemd/roomscribe.service` and loaded as systemd loads them (`unit_syscall_filter.py`).
/// The shipped binary starts, hears the meeting through ALSA, publishes it, stores it with
/// owner-only files and stops cleanly.
#[test]
fn the_daemon_runs_in_the_units_sandbox_read_only_but_its_state_without_privileges() {
    let dir = TempDir::new("sandbox");
    let state = dir.path("state");
    std::fs::create_dir_all(&state).unwrap();
    let syscall_filter = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/house/unit_syscall_filter.py");
    let unit = repo_root().join("systemd/roomscribe.service");
    assert_syscall_filter_refuses(&syscall_filter, &unit);
    let wrapper = executable_script(
        &dir,
        "sandboxed",
        &format!(
            "#!/bin/sh\n\
             exec unshare --mount --map-root-user sh -c '\n\
               set -e\n\
               mount --make-rprivate /\n\
               mount --bind \"$0\" \"$0\"\n\
               findmnt -rno TARGET | while read -r target; do\n\
                 [ \"$target\" = \"$0\" ] && continue\n\
                 mount -o remount,bind,ro \"$target\" 2>/dev/null || true\n\
               done\n\
               touch /sandbox-probe 2>/dev/null && {{ echo \"the root is writable\" >&2; exit 1; }}\n\
               umask 0077\n\
               filter=\"$1\" unit=\"$2\"\n\
               shift 2\n\
               exec setpriv --no-new-privs --bounding-set=-all --inh-caps=-all \\\n\
                 /usr/bin/python3 \"$filter\" \"$unit\" -- \"$@\"\n\
             ' \"{}\" \"{}\" \"{}\" \"{}\" \"$@\"\n",
            state.display(),
            syscall_filter.display(),
            unit.display(),
            roomscribe_bin().display()
        ),
    );
    let asoundrc = file_pcm_config(&dir, "meeting", &meeting().raw);
    let port = free_port();
    let config = format!(
        "state_dir = \"{}\"\n{}",
        state.display(),
        daemon_config(port, "meeting", "")
    );
    let mut daemon = Daemon::start_binary(&wrapper, &dir, &config, Some(&asoundrc), &[]);
    daemon.wait_for_log("roomscribe is ready", Duration::from_secs(60));
    let status = std::fs::read_to_string(format!("/proc/{}/status", daemon.child.id())).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(field("NoNewPrivs:"), "1", "{status}");
    assert_eq!(field("CapBnd:"), "0000000000000000", "{status}");
    assert_eq!(field("CapEff:"), "0000000000000000", "{status}");
    assert_eq!(
        field("Seccomp:"),
        "2",
        "the unit's system-call filter is loaded: {status}"
    );
    let subscriber = Subscriber::start_subscribed(&dir, port, "roomscribe/room-7/transcript");
    wait_until(
        Duration::from_secs(120),
        "a transcript from the sandboxed daemon",
        || !subscriber.on_topic("roomscribe/room-7/transcript").is_empty(),
    );
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0, "{}", daemon.log_text());
    let log = daemon.log_text();
    assert!(
        !log.contains("Read-only file system"),
        "it wrote outside its state:\n{log}"
    );
    let store = state.join("roomscribe.db");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&store).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "the store is the daemon's alone under UMask=0077");
    assert!(!Path::new("/sandbox-probe").exists());
}

/// The filters the sandbox test loads have teeth: a call the unit takes out of its allow-list
/// (`setpriority`, in `@resources`), a socket family it does not list (`AF_PACKET`) and a new
/// namespace (`RestrictNamespaces=yes`) are refused under them; the first two work without
/// them (a family this kernel lacks would prove nothing).
fn assert_syscall_filter_refuses(syscall_filter: &Path, unit: &Path) {
    let probe = [
        "import ctypes, os, socket",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "def unshare_mounts():",
        "    if libc.unshare(0x00020000) != 0: raise OSError(ctypes.get_errno(), 'unshare')",
        "nicer = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 1)",
        "for attempt in (lambda: os.setpriority(os.PRIO_PROCESS, 0, nicer),",
        "                lambda: socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM).close(),",
        "                unshare_mounts):",
        "    try: attempt(); print('allowed')",
        "    except OSError as e: print(e.errno)",
    ]
    .join("\n");
    let run = |filtered: bool| {
        let mut command = std::process::Command::new("/usr/bin/python3");
        if filtered {
            command.arg(syscall_filter).arg(unit).args(["--", "/usr/bin/python3"]);
        }
        let out = command.args(["-c", &probe]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let (eperm, eafnosupport) = (1, 97);
    assert_eq!(
        run(true),
        format!("{eperm}\n{eafnosupport}\n{eperm}\n"),
        "refused under the unit's filters"
    );
    let unfiltered: Vec<String> = run(false).lines().map(str::to_owned).collect();
    assert_eq!(unfiltered[0], "allowed", "setpriority works unfiltered: {unfiltered:?}");
    assert_ne!(
        unfiltered[1],
        eafnosupport.to_string(),
        "AF_PACKET exists here, so its refusal is the filter's: {unfiltered:?}"
    );
}
