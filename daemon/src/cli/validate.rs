//! `roomscribe validate`: checks a configuration file and lists every error (exit 78).

use std::path::Path;

use super::{load_config, Failure};

pub fn validate(path: &Path) -> Result<(), Failure> {
    load_config(path)?;
    println!("{}: ok", path.display());
    Ok(())
}
