//! The state file, kept as a database keeps its files.
//!
//! - A file is read whole and checked before anything is used: it must be a
//!   JSON object of a known version; anything else stops the start and the
//!   file is left as it was, for its owner to look at.
//! - A save never touches the file in place: the new state goes to a
//!   temporary file beside it (`.{name}.tmp-{pid}`, a name the state file
//!   can never have, since it is the state file's own name with more
//!   around it), which is flushed to disk, renamed over the file, and the
//!   directory flushed too, so a crash at any moment leaves either the old
//!   state or the new one.
//! - The directory is checked writable at start, by writing that temporary
//!   file once, so a read-only place fails the start and not the shutdown.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde_json::Value;

use crate::engine::{MAX_SEQUENCE, STATE_VERSION, State};

/// Why the emulator could not start or save.
#[derive(Debug)]
pub enum EmulatorError {
    /// An address could not be bound.
    Bind(SocketAddr, std::io::Error),
    /// The state file (or its temporary file) could not be read or written.
    StateFile(PathBuf, std::io::Error),
    /// The directory of the state file cannot be written to, so the state
    /// could not be saved.
    StateDirectory(PathBuf, std::io::Error),
    /// The state file is not valid emulator state (not JSON, not an
    /// object, or members that do not fit).
    CorruptState(PathBuf, serde_json::Error),
    /// The state file was written by a version of the emulator this one
    /// does not know: the `version` member as found.
    UnsupportedVersion(PathBuf, String),
}

impl std::fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmulatorError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            EmulatorError::StateFile(path, e) => write!(f, "state file {}: {e}", path.display()),
            EmulatorError::StateDirectory(dir, e) => write!(
                f,
                "the state file's directory {} is not writable: {e}",
                dir.display()
            ),
            EmulatorError::CorruptState(path, e) => write!(
                f,
                "state file {} is not valid emulator state ({e}); fix or remove it: it was left untouched",
                path.display()
            ),
            EmulatorError::UnsupportedVersion(path, version) => write!(
                f,
                "state file {} has version {version}, and this emulator reads version \
                 {STATE_VERSION}; it was left untouched",
                path.display()
            ),
        }
    }
}

impl std::error::Error for EmulatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EmulatorError::Bind(_, e)
            | EmulatorError::StateFile(_, e)
            | EmulatorError::StateDirectory(_, e) => Some(e),
            EmulatorError::CorruptState(_, e) => Some(e),
            EmulatorError::UnsupportedVersion(..) => None,
        }
    }
}

fn corrupt(path: &Path, message: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::CorruptState(
        path.to_path_buf(),
        <serde_json::Error as serde::de::Error>::custom(message),
    )
}

/// Reads a state file; a missing file is an empty state. A file that is
/// not a JSON object of a known version is refused and left untouched.
pub fn load_state(path: &Path) -> Result<State, EmulatorError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(State::default()),
        Err(e) => return Err(EmulatorError::StateFile(path.to_path_buf(), e)),
    };
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| EmulatorError::CorruptState(path.to_path_buf(), e))?;
    let Value::Object(members) = &value else {
        return Err(corrupt(
            path,
            format!("expected a JSON object, found {}", kind_of(&value)),
        ));
    };
    // Files written before the member existed are version 1.
    if let Some(version) = members.get("version")
        && version.as_u64() != Some(STATE_VERSION)
    {
        return Err(EmulatorError::UnsupportedVersion(
            path.to_path_buf(),
            version.to_string(),
        ));
    }
    let state: State = serde_json::from_value(value)
        .map_err(|e| EmulatorError::CorruptState(path.to_path_buf(), e))?;
    if state.next_id > MAX_SEQUENCE {
        return Err(corrupt(
            path,
            format!("nextId {} is out of range", state.next_id),
        ));
    }
    state
        .check_names()
        .map_err(|problem| corrupt(path, problem))?;
    Ok(state)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One save at a time in this process: they share the temporary file.
static SAVING: Mutex<()> = Mutex::new(());

/// Writes a state file atomically and durably: a temporary file beside it,
/// flushed, renamed over it, and the directory flushed.
pub fn save_state(path: &Path, state: &State) -> Result<(), EmulatorError> {
    let text = serde_json::to_vec_pretty(state)
        .map_err(|e| EmulatorError::CorruptState(path.to_path_buf(), e))?;
    let temporary = temporary_path(path)?;
    let _saving = SAVING.lock().unwrap_or_else(PoisonError::into_inner);
    let written = write_durably(&temporary, &text)
        .map_err(|e| EmulatorError::StateFile(temporary.clone(), e))
        .and_then(|()| {
            fs::rename(&temporary, path)
                .map_err(|e| EmulatorError::StateFile(path.to_path_buf(), e))
        });
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
        return written;
    }
    let dir = directory_of(path);
    sync_directory(&dir).map_err(|e| EmulatorError::StateDirectory(dir, e))
}

/// Fails unless a save could write beside `path`.
pub(crate) fn check_writable(path: &Path) -> Result<(), EmulatorError> {
    let temporary = temporary_path(path)?;
    let dir = directory_of(path);
    let _saving = SAVING.lock().unwrap_or_else(PoisonError::into_inner);
    let result = write_durably(&temporary, b"");
    let _ = fs::remove_file(&temporary);
    result.map_err(|e| EmulatorError::StateDirectory(dir, e))
}

/// `.{name}.tmp-{pid}` in the state file's directory.
pub(crate) fn temporary_path(path: &Path) -> Result<PathBuf, EmulatorError> {
    let name = path.file_name().ok_or_else(|| {
        EmulatorError::StateFile(
            path.to_path_buf(),
            io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"),
        )
    })?;
    let mut temporary = OsString::from(".");
    temporary.push(name);
    temporary.push(format!(".tmp-{}", std::process::id()));
    Ok(directory_of(path).join(temporary))
}

fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a rename in `dir` durable. Only Unix can open a directory to
/// flush it; elsewhere the rename is as durable as the system makes it.
fn sync_directory(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temporary_file_is_beside_the_state_file_and_never_it() {
        for name in ["state.json", "x.tmp", ".x", "x", "state"] {
            let path = Path::new("/var/lib/emu").join(name);
            let temporary = temporary_path(&path).unwrap();
            assert_eq!(temporary.parent(), path.parent(), "{name}");
            assert_ne!(temporary, path, "{name}");
            assert_ne!(temporary, path.with_extension("tmp"), "{name}");
        }
        let bare = temporary_path(Path::new("x.tmp")).unwrap();
        assert_eq!(bare.parent(), Some(Path::new(".")));
        assert!(temporary_path(Path::new("/")).is_err());
    }
}
