//! `roomscribe models convert`: a CTranslate2 Whisper folder written out in the Hugging Face
//! layout. Never downloads anything.

use std::path::Path;

use super::{fail, Failure, EX_CANTCREAT, EX_DATAERR, EX_NOINPUT};

pub fn convert(source: &Path, destination: &Path) -> Result<(), Failure> {
    use roomscribe::asr::whisper::convert::{ctranslate2_to_hugging_face, ConvertError};
    ctranslate2_to_hugging_face(source, destination).map_err(|error| {
        let code = match &error {
            ConvertError::Missing { .. } => EX_NOINPUT,
            ConvertError::Read { .. } | ConvertError::Weights(_) => EX_DATAERR,
            ConvertError::Write { .. } => EX_CANTCREAT,
        };
        fail(code, error)
    })?;
    println!(
        "wrote the Hugging Face layout of {} to {}",
        source.display(),
        destination.display()
    );
    Ok(())
}
