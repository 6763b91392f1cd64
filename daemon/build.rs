//! Three jobs, all about the libtorch that torch-sys linked against (torch-sys declares
//! `links = "tch"`, hence `DEP_TCH_…`):
//! - writes the binary's run-time search path for it. By default that is its library folder, so
//!   a developer's `roomscribe` starts without anyone exporting LD_LIBRARY_PATH. An image build
//!   says otherwise through `ROOMSCRIBE_LIBTORCH_RPATH`: a folder (or `$ORIGIN/…`) to embed, or
//!   empty / `none` to embed nothing because libtorch is installed where the loader looks anyway
//!   (the Yocto recipe's case; a runpath into the build machine's sysroot would be a defect);
//! - says which libtorch that is (version, CPU or CUDA, folder, runpath): a warning in release
//!   builds, and `ROOMSCRIBE_LIBTORCH` in the crate's environment for the binary to print;
//! - compiles `csrc/half_weights.cpp` (float16-weight products from the FBGEMM inside libtorch,
//!   which tch does not bind) against its headers, with the same C++ ABI torch-sys uses.
use std::path::Path;

/// The run-time search path to embed; unset means the library folder torch-sys linked.
const RPATH_VAR: &str = "ROOMSCRIBE_LIBTORCH_RPATH";

fn main() {
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
