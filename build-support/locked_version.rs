// Shared by the transports' build scripts (through `include!`): reads the
// version of a dependency from the workspace's Cargo.lock.

/// The `version` line that follows `name = "<name>"` in a lock file.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let header = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == header {
            let next = lines.next()?.trim();
            let version = next.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}
