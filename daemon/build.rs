//! Four jobs. First, it trains the meaning rules' learned action-item scorer
//! (`src/meaning/learned.rs`) from the written meetings' ground truth in
//! `tests/fixtures/written-meetings` (all but the sets `not-trained.txt` keeps out, which are
//! left to judge it), so no learned weights are kept in git: the same sources give the same
//! scorer. The other three are about the libtorch that torch-sys linked against (torch-sys
//! declares `links = "tch"`, hence `DEP_TCH_…`):
//! - writes the binary's run-time search path for it. By default that is its library folder, so
//!   a developer's `roomscribe` starts without anyone exporting LD_LIBRARY_PATH. An image build
//!   says otherwise through `ROOMSCRIBE_LIBTORCH_RPATH`: a folder (or `$ORIGIN/…`) to embed, or
//!   empty / `none` to embed nothing because libtorch is installed where the loader looks anyway
//!   (the Yocto recipe's case; a runpath into the build machine's sysroot would be a defect);
//! - says which libtorch that is (version, CPU or CUDA, folder, runpath): a warning in release
//!   builds, and `ROOMSCRIBE_LIBTORCH` in the crate's environment for the binary to print;
//! - compiles `csrc/half_weights.cpp` (float16-weight products from the FBGEMM inside libtorch,
//!   which tch does not bind) against its headers, with the same C++ ABI torch-sys uses.
use std::path::{Path, PathBuf};

#[path = "src/meaning/learned.rs"]
#[allow(dead_code)] // The crate scores with what is trained here; the build only trains.
mod learned;

/// The written meetings (from the daemon's folder) and the file naming the sets kept out.
const WRITTEN_MEETINGS: &str = "../tests/fixtures/written-meetings";
const NOT_TRAINED: &str = "not-trained.txt";
/// How much of a sentence identifies it inside an item's text (an item's text joins sentences).
const SENTENCE_KEY_CHARS: usize = 40;

/// The run-time search path to embed; unset means the library folder torch-sys linked.
const RPATH_VAR: &str = "ROOMSCRIBE_LIBTORCH_RPATH";

fn main() {
    train_action_item_scorer();
    println!("cargo:rerun-if-changed=csrc/half_weights.cpp");
    println!("cargo:rerun-if-env-changed=LIBTORCH_CXX11_ABI");
    println!("cargo:rerun-if-env-changed={RPATH_VAR}");
    let lib = std::env::var("DEP_TCH_LIBTORCH_LIB")
        .expect("torch-sys did not say where libtorch is: set LIBTORCH (scripts/setup prints it) and rebuild");
    let runpath = match std::env::var(RPATH_VAR) {
        Err(std::env::VarError::NotPresent) => Some(lib.clone()),
        Err(std::env::VarError::NotUnicode(_)) => panic!("{RPATH_VAR} is not valid UTF-8"),
        Ok(value) => chosen_runpath(&value).unwrap_or_else(|message| panic!("{message}")),
    };
    if let Some(runpath) = &runpath {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{runpath}");
    }
    let root = Path::new(&lib)
        .parent()
        .expect("the libtorch library folder has a parent holding include/");
    let include = root.join("include");

    let flavour = if Path::new(&lib).join("libtorch_cuda.so").exists() {
        "CUDA"
    } else {
        "CPU"
    };
    let report = format!(
        "libtorch {} ({flavour}) from {lib}, runpath {}",
        libtorch_version(&include),
        runpath.as_deref().unwrap_or("none (the loader's default paths)")
    );
    println!("cargo:rustc-env=ROOMSCRIBE_LIBTORCH={report}");
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo:warning=linked {report}");
    }

    let cxx11_abi = std::env::var("LIBTORCH_CXX11_ABI").unwrap_or_else(|_| "1".to_owned());
    cc::Build::new()
        .cpp(true)
        .pic(true)
        .std("c++17")
        .include(include)
        .define("_GLIBCXX_USE_CXX11_ABI", cxx11_abi.as_str())
        .warnings(false)
        .file("csrc/half_weights.cpp")
        .compile("roomscribe_half_weights");
}

/// `ROOMSCRIBE_LIBTORCH_RPATH`'s value: `None` for empty or `none`; otherwise every
/// colon-separated entry must be absolute or start with `$ORIGIN`, since a relative runpath is
/// resolved against whatever folder the daemon is started from.
fn chosen_runpath(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() || value == "none" {
        return Ok(None);
    }
    match value
        .split(':')
        .find(|entry| !(entry.starts_with('/') || entry.starts_with("$ORIGIN")))
    {
        Some(entry) => Err(format!(
            "{RPATH_VAR}={value:?}: {entry:?} is neither absolute nor $ORIGIN-relative; \
             give absolute folders separated by ':', or 'none' to embed no runpath"
        )),
        None => Ok(Some(value.to_owned())),
    }
}

/// "2.11.0" from the headers' TORCH_VERSION_MAJOR/MINOR/PATCH (torch/headeronly/version.h since
/// 2.9, torch/csrc/api/include/torch/version.h before), or "of unknown version".
fn libtorch_version(include: &Path) -> String {
    let headers = ["torch/headeronly/version.h", "torch/csrc/api/include/torch/version.h"];
    for header in headers {
        let Ok(text) = std::fs::read_to_string(include.join(header)) else {
            continue;
        };
        let number = |name: &str| {
            text.lines()
                .filter_map(|line| line.trim().strip_prefix("#define "))
                .filter_map(|rest| rest.strip_prefix(name))
                .find_map(|rest| rest.trim().parse::<u32>().ok())
        };
        if let (Some(major), Some(minor), Some(patch)) = (
            number("TORCH_VERSION_MAJOR"),
            number("TORCH_VERSION_MINOR"),
            number("TORCH_VERSION_PATCH"),
        ) {
            return format!("{major}.{minor}.{patch}");
        }
    }
    "of unknown version".to_owned()
}

/// Trains the action-item scorer on every written set not in `not-trained.txt` and writes its
/// text form to `$OUT_DIR/action_item_scorer.txt`, which `meaning` includes.
fn train_action_item_scorer() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join(WRITTEN_MEETINGS);
    println!("cargo:rerun-if-changed={}", folder.display());
    println!("cargo:rerun-if-changed=src/meaning/learned.rs");
    let not_trained = std::fs::read_to_string(folder.join(NOT_TRAINED)).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; the written meetings train the action-item scorer: build from a whole checkout",
            folder.join(NOT_TRAINED).display()
        )
    });
    let held_out: Vec<&str> = not_trained
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    let mut sentences = Vec::new();
    for set in sorted_entries(&folder) {
        let name = set.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if !name.starts_with("written-") || held_out.contains(&name.as_str()) {
            continue;
        }
        for file in sorted_entries(&set.join("meetings")) {
            let path = file.to_string_lossy();
            if path.ends_with(".json") && !path.ends_with(".transcript.json") {
                sentences.extend(labelled_sentences(&file));
            }
        }
    }
    assert!(
        sentences.iter().any(|s| s.work) && sentences.iter().any(|s| !s.work),
        "the written meetings in {} hold no labelled action items: the action-item scorer cannot be trained",
        folder.display()
    );
    let views: Vec<learned::SentenceView<'_>> = sentences.iter().map(TruthSentence::view).collect();
    let labels: Vec<bool> = sentences.iter().map(|s| s.work).collect();
    let scorer = learned::train(&views, &labels, learned::REGULARISATION_C);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("action_item_scorer.txt"), scorer.to_text()).expect("OUT_DIR is writable");
}

fn sorted_entries(folder: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .collect();
    entries.sort();
    entries
}

/// A sentence of a written meeting, its neighbours, and whether it is part of an action item.
struct TruthSentence {
    text: String,
    before: String,
    after: String,
    speaker_talks_most: bool,
    next_is_someone_else: bool,
    work: bool,
}

impl TruthSentence {
    fn view(&self) -> learned::SentenceView<'_> {
        learned::SentenceView {
            text: &self.text,
            before: &self.before,
            after: &self.after,
            speaker_talks_most: self.speaker_talks_most,
            next_is_someone_else: self.next_is_someone_else,
        }
    }
}

/// The sentences of one ground-truth file (`turns`, each with `sentences` or a `text`), each
/// labelled by whether its opening is inside an action item's text (or the item's inside it).
fn labelled_sentences(path: &Path) -> Vec<TruthSentence> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let truth: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let field = |value: &serde_json::Value, name: &str| value[name].as_str().unwrap_or_default().trim().to_owned();
    let turns = truth["turns"].as_array().cloned().unwrap_or_default();
    let items: Vec<String> = truth["action_items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| field(item, "text"))
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut said: Vec<(String, String)> = Vec::new();
    let mut words: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for turn in &turns {
        let speaker = field(turn, "speaker");
        *words.entry(speaker.clone()).or_default() += field(turn, "text").split_whitespace().count();
        match turn["sentences"].as_array().filter(|s| !s.is_empty()) {
            Some(sentences) => said.extend(sentences.iter().map(|s| (speaker.clone(), field(s, "text")))),
            None => said.push((speaker, field(turn, "text"))),
        }
    }
    said.retain(|(_, text)| !text.is_empty());
    let most = words.values().copied().max().unwrap_or(0);
    let key = |text: &str| text.chars().take(SENTENCE_KEY_CHARS).collect::<String>();
    (0..said.len())
        .map(|at| {
            let (speaker, text) = &said[at];
            let after = said.get(at + 1);
            TruthSentence {
                text: text.clone(),
                before: if at > 0 { said[at - 1].1.clone() } else { String::new() },
                after: after.map(|(_, t)| t.clone()).unwrap_or_default(),
                speaker_talks_most: words[speaker] == most,
                next_is_someone_else: after.is_some_and(|(s, _)| s != speaker),
                work: items
                    .iter()
                    .any(|item| item.contains(&key(text)) || text.contains(&key(item))),
            }
        })
        .collect()
}
