//! `roomscribe export`: a stored meeting written out (or the list of meetings), read from the
//! store of a configuration; safe while the daemon runs. Never writes to the store.

use std::path::Path;

use roomscribe::store::{Store, StoreError};
use roomscribe::transcript_format::TranscriptFormat;

use super::{fail, load_config, Failure, EX_CANTCREAT, EX_NOINPUT, EX_SOFTWARE};

pub fn export(
    config: &Path,
    meeting: Option<&str>,
    format: TranscriptFormat,
    output: Option<&Path>,
    list: bool,
) -> Result<(), Failure> {
    let config = load_config(config)?;
    let path = config.state_dir.join(&config.store.path);
    if !path.is_file() {
        return Err(fail(
            EX_NOINPUT,
            anyhow::anyhow!(
                "no meeting store at {}: the daemon has not stored anything with this configuration yet",
                path.display()
            ),
        ));
    }
    let store = Store::open(&path, &config.device_id).map_err(|e| fail(EX_NOINPUT, e))?;
    if list {
        for m in store.meetings().map_err(|e| fail(EX_SOFTWARE, e))? {
            println!(
                "{}\tstarted {}\tended {}\t{} → {}",
                m.id,
                m.started_ms,
                m.ended_ms.map_or("-".into(), |t| t.to_string()),
                m.started_by,
                m.ended_by.as_deref().unwrap_or("(going on)")
            );
        }
        return Ok(());
    }
    let (_, document) = store.export(meeting, format).map_err(|e| match e {
        StoreError::NoSuchMeeting(_) => fail(EX_NOINPUT, e),
        other => fail(EX_SOFTWARE, other),
    })?;
    match output {
        Some(file) => std::fs::write(file, document)
            .map_err(|e| fail(EX_CANTCREAT, anyhow::anyhow!("cannot write {}: {e}", file.display())))?,
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&document)
                .map_err(|e| fail(EX_CANTCREAT, anyhow::anyhow!("cannot write to standard output: {e}")))?;
        }
    }
    Ok(())
}
