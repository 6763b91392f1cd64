//! Two jobs, both about the libtorch that torch-sys linked against (torch-sys declares
//! `links = "tch"`, hence `DEP_TCH_…`):
//! - bakes its library folder into the binary's run-time search path, so `roomscribe` starts
//!   without anyone exporting LD_LIBRARY_PATH;
//! - compiles `csrc/half_weights.cpp` (float16-weight products from the FBGEMM inside libtorch,
//!   which tch does not bind) against its headers, with the same C++ ABI torch-sys uses.
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=csrc/half_weights.cpp");
    println!("cargo:rerun-if-env-changed=LIBTORCH_CXX11_ABI");
    let lib = std::env::var("DEP_TCH_LIBTORCH_LIB")
        .expect("torch-sys did not say where libtorch is: set LIBTORCH (scripts/setup prints it) and rebuild");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    let include = Path::new(&lib)
        .parent()
        .map(|root| root.join("include"))
        .expect("the libtorch library folder has a parent holding include/");
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
