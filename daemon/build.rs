//! Bakes the libtorch library folder that torch-sys linked against (torch-sys declares `links = "tch"`, hence `DEP_TCH_…`) into the binary's run-time
//! search path, so `roomscribe` starts without anyone exporting LD_LIBRARY_PATH.
fn main() {
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
}
