//! What the benchmarks that talk to Debian's mosquitto share: a free loopback port and a
//! mosquitto on it that is stopped when dropped.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub struct Mosquitto(Child);

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts mosquitto on `port` (its configuration written into `dir`) and waits until it listens.
pub fn start_mosquitto(dir: &Path, port: u16) -> Mosquitto {
    let config = dir.join(format!("mosquitto-{port}.conf"));
    // mosquitto drops QoS 1 messages for a subscriber beyond 1000 queued by default; lift that,
    // or a throughput run would measure its queue limit rather than its speed.
    std::fs::write(
        &config,
        format!("listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"),
    )
    .unwrap();
    let mosquitto = Mosquitto(
        Command::new("mosquitto")
            .arg("-c")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto is installed (scripts/setup)"),
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return mosquitto;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("mosquitto did not listen on {port}");
}
