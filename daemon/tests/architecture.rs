//! The house rules, read from the source tree: no stage module imports another stage (stages
//! share only `pipeline`, `wire` and the other shared modules, and are wired together in
//! `app`), and no two top-level modules import each other, directly or around a circle.
//!
//! The one durable channel between two stages is named here on purpose: the sync reads the
//! store's outbox (`store::outbox`), as the in-memory stages read their channels.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules that run as stages of the pipeline.
const STAGES: [&str; 8] = ["audio", "vad", "asr", "speakers", "meeting", "store", "bus", "sync"];

/// Modules that drive stages from outside (wiring, operators, health, commands); a stage must
/// not import them either.
const HOUSE: [&str; 6] = ["app", "control", "supervisor", "offline", "fuzzing", "cli"];

/// `(importer, imported path prefix)` allowed across stages.
const DURABLE_CHANNELS: [(&str, &str); 1] = [("sync", "crate::store::outbox")];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`src/store/stage.rs` → `store`).
fn module_of(file: &Path) -> String {
    let relative = file.strip_prefix(src()).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// Every `crate::a::b…` path in the file's code (comments and the file's tests left out), as
/// written; a `use crate::{a, b::C}` group gives one path per item.
fn crate_paths(text: &str) -> Vec<String> {
    let code: String = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or(text)
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut paths = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let tail = &rest[at + "crate::".len()..];
        if let Some(group) = tail.strip_prefix('{') {
            // Items at brace depth 0, up to the closing brace.
            let (mut depth, mut item) = (0, String::new());
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        paths.push(format!("crate::{}", item.trim()));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 && c != '}' {
                    item.push(c);
                }
            }
            if !item.trim().is_empty() {
                paths.push(format!("crate::{}", item.trim()));
            }
        } else {
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            paths.push(format!("crate::{}", tail[..end].trim_end_matches(':')));
        }
        rest = tail;
    }
    paths
}

/// Top-level module → every (imported module, full path, file) it uses.
fn imports() -> BTreeMap<String, Vec<(String, String, PathBuf)>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut graph: BTreeMap<String, Vec<(String, String, PathBuf)>> = BTreeMap::new();
    for file in files {
        let module = module_of(&file);
        let text = std::fs::read_to_string(&file).unwrap();
        for path in crate_paths(&text) {
            let imported = path
                .trim_start_matches("crate::")
                .split("::")
                .next()
                .unwrap_or("")
                .to_owned();
            if !imported.is_empty() && imported != module {
                graph
                    .entry(module.clone())
                    .or_default()
                    .push((imported, path, file.clone()));
            }
        }
    }
    graph
}

#[test]
fn no_stage_imports_another_stage_or_the_house() {
    let graph = imports();
    let mut violations = Vec::new();
    for stage in STAGES {
        for (imported, path, file) in graph.get(stage).into_iter().flatten() {
            let forbidden = STAGES.contains(&imported.as_str()) || HOUSE.contains(&imported.as_str());
            let allowed = DURABLE_CHANNELS
                .iter()
                .any(|(from, prefix)| *from == stage && path.starts_with(prefix));
            if forbidden && !allowed {
                violations.push(format!("{stage} uses {path} ({})", file.display()));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "stages must not import each other:\n{}",
        violations.join("\n")
    );
    assert!(graph.contains_key("app"), "the reader found the wiring's imports");
}

#[test]
fn no_import_circles_between_modules() {
    let graph = imports();
    let edges: BTreeMap<&str, BTreeSet<&str>> = graph
        .iter()
        .map(|(from, to)| (from.as_str(), to.iter().map(|(m, _, _)| m.as_str()).collect()))
        .collect();
    // Depth-first search for a path back to where it started.
    fn reaches<'a>(
        edges: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        from: &'a str,
        target: &str,
        seen: &mut BTreeSet<&'a str>,
        path: &mut Vec<&'a str>,
    ) -> bool {
        for &next in edges.get(from).into_iter().flatten() {
            if next == target {
                path.push(next);
                return true;
            }
            if seen.insert(next) {
                path.push(next);
                if reaches(edges, next, target, seen, path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    for &start in edges.keys() {
        let mut path = vec![start];
        if reaches(&edges, start, start, &mut BTreeSet::new(), &mut path) {
            panic!("import circle: {}", path.join(" → "));
        }
    }
}

#[test]
fn the_reader_sees_imports_in_every_form() {
    let text = "use crate::pipeline::{A, B};\nuse crate::{\n    sync,\n    vad::{X, Y},\n};\n\
                fn f() { crate::clock::unix_millis(); } // crate::app\n";
    let paths = crate_paths(text);
    assert_eq!(
        paths,
        [
            "crate::pipeline",
            "crate::sync",
            "crate::vad::",
            "crate::clock::unix_millis"
        ]
    );
}
