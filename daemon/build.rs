//! Four jobs. First, it trains the meaning rules' learned action-item and decision scorers
//! (`src/meaning/learned.rs`) from the written meetings' ground truth in
//! `tests/fixtures/written-meetings` (all but the sets `not-trained.txt` keeps out, which are
//! left to judge them), so no learned weights are kept in git: the same sources give the same
//! scorers. The other three are about the libtorch that torch-sys linked against (torch-sys
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

#[path = "src/meaning/english_words.rs"]
mod english_words;
#[path = "src/meaning/learned.rs"]
#[allow(dead_code)] // The crate scores with what is trained here; the build only trains.
mod learned;
#[path = "src/meaning/training.rs"]
mod training;

/// The written meetings (from the daemon's folder) and the file naming the sets kept out.
const WRITTEN_MEETINGS: &str = "../tests/fixtures/written-meetings";
const NOT_TRAINED: &str = "not-trained.txt";

/// The run-time search path to embed; unset means the library folder torch-sys linked.
const RPATH_VAR: &str = "ROOMSCRIBE_LIBTORCH_RPATH";

fn main() {
    train_scorers();
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

/// Trains the action-item and decision scorers on every written set not in `not-trained.txt`
/// and writes their text forms to `$OUT_DIR/action_item_scorer.txt` and `decision_scorer.txt`,
/// which `meaning` includes. Reruns when anything in the written meetings' folder changes.
fn train_scorers() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join(WRITTEN_MEETINGS);
    let list = folder.join(NOT_TRAINED);
    // The whole folder (cargo scans it): a set added, renamed or edited retrains the scorer.
    println!("cargo:rerun-if-changed={}", folder.display());
    println!("cargo:rerun-if-changed=src/meaning/learned.rs");
    println!("cargo:rerun-if-changed=src/meaning/training.rs");
    let not_trained = std::fs::read_to_string(&list).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; the written meetings train the learned scorers: build from a whole checkout",
            list.display()
        )
    });
    let sets: Vec<PathBuf> = sorted_entries(&folder)
        .into_iter()
        .filter(|path| path.is_dir() && file_name(path).starts_with("written-"))
        .collect();
    let held_out: Vec<&str> = not_trained
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    if let Some(unknown) = held_out
        .iter()
        .find(|name| !sets.iter().any(|set| file_name(set) == **name))
    {
        panic!(
            "{} names {unknown:?}, which is no set in {}: correct the name, or a set meant to be kept out is trained on",
            list.display(),
            folder.display()
        );
    }
    let mut sentences = Vec::new();
    for set in sets.iter().filter(|set| !held_out.contains(&file_name(set))) {
        for file in sorted_entries(&set.join("meetings")) {
            let name = file_name(&file);
            if name.ends_with(".json") && !name.ends_with(".transcript.json") {
                sentences.extend(labelled_sentences(&file));
            }
        }
    }
    let views: Vec<learned::SentenceView<'_>> = sentences.iter().map(training::TruthSentence::view).collect();
    let work: Vec<bool> = sentences.iter().map(|s| s.work).collect();
    let rulings: Vec<bool> = sentences.iter().map(|s| s.ruling).collect();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"));
    for (reading, what, labels, file) in [
        (
            learned::Reading::ActionItem,
            "action-item",
            &work,
            "action_item_scorer.txt",
        ),
        (learned::Reading::Decision, "decision", &rulings, "decision_scorer.txt"),
    ] {
        assert!(
            labels.iter().any(|&l| l) && labels.iter().any(|&l| !l),
            "the written meetings in {} hold no labelled {what}s: the {what} scorer cannot be trained",
            folder.display()
        );
        let (scorer, convergence) = learned::train(reading, &views, labels);
        assert!(
            convergence.converged,
            "training the {what} scorer stopped short of its optimum ({convergence:?}): \
             look at what changed in {} or in src/meaning/learned.rs",
            folder.display()
        );
        let text = scorer.to_text();
        if let Err(e) = learned::Scorer::from_text(&text) {
            panic!("the trained {what} scorer does not read back ({e}): src/meaning/learned.rs has a bug");
        }
        let written = out.join(file);
        std::fs::write(&written, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", written.display()));
    }
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or_default()
}

fn sorted_entries(folder: &Path) -> Vec<PathBuf> {
    let listing = std::fs::read_dir(folder).unwrap_or_else(|e| {
        panic!(
            "cannot list {}: {e}; every written set needs its meetings/ folder",
            folder.display()
        )
    });
    let mut entries: Vec<PathBuf> = listing
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("cannot read an entry of {}: {e}", folder.display()))
                .path()
        })
        .collect();
    entries.sort();
    entries
}

/// The labelled sentences of one ground-truth file (see `training`).
fn labelled_sentences(path: &Path) -> Vec<training::TruthSentence> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let truth: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON ({e}): correct or remove the file", path.display()));
    training::labelled_sentences(&truth)
        .unwrap_or_else(|e| panic!("{} cannot train the learned scorers: {e}", path.display()))
}
