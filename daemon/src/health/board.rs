//! The board the daemon runs on, as health reports it: GPU load, temperatures per thermal zone
//! (and the hottest), power per rail of the INA3221 monitors (`VDD_IN` is the module's total),
//! memory (shared by CPU and GPU on a Jetson) and the L4T release. Read from sysfs, procfs and
//! `/etc` under a root folder (`/` on the device; a fake tree laid out like an Orin's in tests),
//! without root. Whatever the board does not have is absent, never zero. The `ThrottleWatch`
//! decides, as a pure rule, when the hottest zone is worth a `thermal_throttle` insight.
//! Never writes, never blocks on anything but small files.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The board's health; every part absent where the board has no such sensor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BoardHealth {
    /// GPU load, 0-1 (devfreq's `load`, per mille).
    pub gpu_load: Option<f32>,
    /// Every thermal zone, °C.
    pub temperatures: Vec<ZoneTemperature>,
    /// The hottest of them.
    pub hottest: Option<ZoneTemperature>,
    /// Every power-monitor channel.
    pub power: Vec<PowerRail>,
    /// The module's input power, W (the `VDD_IN` rail), where a monitor reports it.
    pub total_power_w: Option<f32>,
    pub memory: Option<BoardMemory>,
    /// `/etc/nv_tegra_release`'s first line (the L4T release) on a Jetson.
    pub release: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneTemperature {
    /// The zone's `type` (`cpu-thermal`, `gpu-thermal`, `tj-thermal`, …).
    pub zone: String,
    pub celsius: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PowerRail {
    /// The channel's label (`VDD_IN`, `VDD_CPU_GPU_CV`, `VDD_SOC`).
    pub rail: String,
    pub volts: f32,
    pub amps: f32,
    pub watts: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardMemory {
    pub total_mib: u64,
    pub available_mib: u64,
}

impl BoardHealth {
    /// Whether anything at all was found.
    pub fn is_empty(&self) -> bool {
        self.gpu_load.is_none()
            && self.temperatures.is_empty()
            && self.power.is_empty()
            && self.memory.is_none()
            && self.release.is_none()
    }
}

/// Where the board is read from: `/`. Test builds (the `fault-injection` feature, never the
/// shipped binary) take a fake tree from `ROOMSCRIBE_BOARD_ROOT`.
pub fn root() -> std::path::PathBuf {
    #[cfg(feature = "fault-injection")]
    if let Some(fake) = std::env::var_os("ROOMSCRIBE_BOARD_ROOT") {
        return fake.into();
    }
    std::path::PathBuf::from("/")
}

/// The board under `root` (`/` on the device).
pub fn read(root: &Path) -> BoardHealth {
    let temperatures = thermal_zones(root);
    let hottest = temperatures
        .iter()
        .max_by(|a, b| a.celsius.total_cmp(&b.celsius))
        .cloned();
    let power = power_rails(root);
    let total_power_w = power
        .iter()
        .find(|r| r.rail.eq_ignore_ascii_case("VDD_IN"))
        .map(|r| r.watts);
    BoardHealth {
        gpu_load: gpu_load(root),
        temperatures,
        hottest,
        power,
        total_power_w,
        memory: std::fs::read_to_string(root.join("proc/meminfo"))
            .ok()
            .and_then(|text| parse_meminfo(&text)),
        release: std::fs::read_to_string(root.join("etc/nv_tegra_release"))
            .ok()
            .and_then(|text| {
                text.lines()
                    .next()
                    .map(|l| l.trim_start_matches("# ").trim().to_owned())
            })
            .filter(|l| !l.is_empty()),
    }
}

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_owned())
}

fn entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.sort();
    found
}

/// The GPU's devfreq load: the devfreq node of the GPU (its name names a Tegra GPU, `ga10b`
/// on Orin, `gv11b` on Xavier, `gp10b` on TX2, or `gpu`) with a `device/load` file.
fn gpu_load(root: &Path) -> Option<f32> {
    entries(&root.join("sys/class/devfreq")).into_iter().find_map(|node| {
        let name = node.file_name()?.to_string_lossy().to_lowercase();
        let is_gpu = ["ga10b", "gv11b", "gp10b", "gpu"].iter().any(|g| name.contains(g));
        let load: f32 = read_trimmed(&node.join("device/load"))?.parse().ok()?;
        is_gpu.then_some((load / 1000.0).clamp(0.0, 1.0))
    })
}

/// Every thermal zone with a readable `type` and `temp` (m°C); a zone reading an error value
/// (some report -40 °C or less when a sensor is off) is left out.
fn thermal_zones(root: &Path) -> Vec<ZoneTemperature> {
    entries(&root.join("sys/devices/virtual/thermal"))
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("thermal_zone"))
        })
        .filter_map(|zone| {
            let name = read_trimmed(&zone.join("type"))?;
            let milli: f32 = read_trimmed(&zone.join("temp"))?.parse().ok()?;
            let celsius = milli / 1000.0;
            (celsius > -40.0).then_some(ZoneTemperature { zone: name, celsius })
        })
        .collect()
}

/// The INA3221 channels under `/sys/class/hwmon`: label, volts (`in*_input`, mV) and amps
/// (`curr*_input`, mA).
fn power_rails(root: &Path) -> Vec<PowerRail> {
    let mut rails = Vec::new();
    for hwmon in entries(&root.join("sys/class/hwmon")) {
        if read_trimmed(&hwmon.join("name")).as_deref() != Some("ina3221") {
            continue;
        }
        for channel in 1..=4 {
            let Some(rail) = read_trimmed(&hwmon.join(format!("in{channel}_label"))) else {
                continue;
            };
            let millivolts: Option<f32> =
                read_trimmed(&hwmon.join(format!("in{channel}_input"))).and_then(|v| v.parse().ok());
            let milliamps: Option<f32> =
                read_trimmed(&hwmon.join(format!("curr{channel}_input"))).and_then(|v| v.parse().ok());
            if let (Some(mv), Some(ma)) = (millivolts, milliamps) {
                rails.push(PowerRail {
                    rail,
                    volts: mv / 1000.0,
                    amps: ma / 1000.0,
                    watts: mv * ma / 1_000_000.0,
                });
            }
        }
    }
    rails
}

/// `MemTotal` and `MemAvailable` of a `/proc/meminfo`.
pub fn parse_meminfo(text: &str) -> Option<BoardMemory> {
    let field = |name: &str| {
        text.lines().find_map(|l| {
            l.strip_prefix(name)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse::<u64>()
                .ok()
        })
    };
    Some(BoardMemory {
        total_mib: field("MemTotal:")? / 1024,
        available_mib: field("MemAvailable:")? / 1024,
    })
}

/// When the hottest zone is worth an insight: once when it reaches the limit, and again only
/// after it has cooled `REARM_BELOW_C` under it (a zone hovering at the limit gives one
/// insight, not one per reading).
#[derive(Debug)]
pub struct ThrottleWatch {
    armed: bool,
}

/// How far under the limit the hottest zone must cool before another insight.
pub const REARM_BELOW_C: f32 = 5.0;

impl Default for ThrottleWatch {
    fn default() -> Self {
        Self { armed: true }
    }
}

impl ThrottleWatch {
    /// The zone to report, if `hottest` (none: no sensor) has just reached `limit_c`.
    pub fn observe<'a>(&mut self, hottest: Option<&'a ZoneTemperature>, limit_c: f32) -> Option<&'a ZoneTemperature> {
        let zone = hottest?;
        if self.armed && zone.celsius >= limit_c {
            self.armed = false;
            return Some(zone);
        }
        if !self.armed && zone.celsius < limit_c - REARM_BELOW_C {
            self.armed = true;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/orin-sysfs")
    }

    #[test]
    fn an_orin_tree_gives_gpu_load_temperatures_power_memory_and_release() {
        let board = read(&fixture());
        assert_eq!(board.gpu_load, Some(0.42));
        let zones: Vec<&str> = board.temperatures.iter().map(|z| z.zone.as_str()).collect();
        assert_eq!(
            zones,
            ["cpu-thermal", "gpu-thermal", "soc0-thermal", "tj-thermal"],
            "the zone reading -256 °C is left out"
        );
        let hottest = board.hottest.unwrap();
        assert_eq!((hottest.zone.as_str(), hottest.celsius), ("tj-thermal", 52.5));
        let rails: Vec<&str> = board.power.iter().map(|r| r.rail.as_str()).collect();
        assert_eq!(rails, ["VDD_IN", "VDD_CPU_GPU_CV", "VDD_SOC"]);
        let total = board.total_power_w.unwrap();
        assert!((total - 5.08 * 1.2).abs() < 0.01, "{total}");
        assert_eq!(
            board.memory,
            Some(BoardMemory {
                total_mib: 7620,
                available_mib: 5120
            })
        );
        assert!(board.release.unwrap().starts_with("R36 (release), REVISION: 4.3"));
    }

    #[test]
    fn a_board_without_sensors_reports_them_absent_not_zero() {
        let empty = std::env::temp_dir().join("roomscribe-no-board");
        let board = read(&empty);
        assert!(board.is_empty());
        assert_eq!(board.gpu_load, None);
        assert!(board.hottest.is_none());
    }

    #[test]
    fn the_throttle_insight_fires_once_at_the_limit_and_rearms_after_cooling() {
        let zone = |c| ZoneTemperature {
            zone: "tj-thermal".into(),
            celsius: c,
        };
        let mut watch = ThrottleWatch::default();
        let limit = 85.0;
        let fired: Vec<bool> = [70.0, 85.0, 90.0, 84.0, 81.0, 79.0, 86.0]
            .into_iter()
            .map(|c| watch.observe(Some(&zone(c)), limit).is_some())
            .collect();
        assert_eq!(fired, [false, true, false, false, false, false, true]);
        assert!(watch.observe(None, limit).is_none());
    }
}
