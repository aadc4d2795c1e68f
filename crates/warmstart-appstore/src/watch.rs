//! `apps build --watch`: regenerate when anything under the app store
//! changes (an app folder added, removed or renamed; config.json,
//! `_metadata.ts`, package.json or an imported file appearing, changing or
//! disappearing). Events are debounced so a burst (a `git checkout`, an
//! editor's save dance) gives one rebuild; a rebuild is ~2 ms, so there is
//! no need to be clever about which event matters.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

/// How long events are gathered before a rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// Watches `store` until the channel closes (Ctrl-C ends the process),
/// calling `rebuild` after each burst of relevant events. Events that only
/// touch `outputs` (our own writes) or temporary files are ignored.
pub fn watch(store: &Path, outputs: &[PathBuf], mut rebuild: impl FnMut()) -> notify::Result<()> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(DEBOUNCE, None, tx)?;
    debouncer.watch(store, RecursiveMode::Recursive)?;
    for result in rx {
        match result {
            Ok(events) => {
                let relevant = events
                    .iter()
                    .flat_map(|e| e.paths.iter())
                    .any(|p| is_relevant(p, outputs));
                if relevant {
                    rebuild();
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("watch error: {e}");
                }
            }
        }
    }
    Ok(())
}

/// Our own outputs, temporary files and `node_modules` never trigger a rebuild.
pub fn is_relevant(path: &Path, outputs: &[PathBuf]) -> bool {
    if outputs.iter().any(|o| o == path) {
        return false;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with(warmstart_fs::TEMP_PREFIX) {
        return false;
    }
    !path.components().any(|c| c.as_os_str() == "node_modules")
}
