//! Writing `--output` and `--write-baseline` files without clobbering
//! what the path names: a regular file (or a new one) is replaced
//! atomically (a temporary file beside it, with a name nobody can guess,
//! then a rename; the `tempfile` crate makes it safely); a symlink is
//! followed and its target written the same way, so the link stays; a
//! device, FIFO or other non-regular file (`/dev/null`, `/dev/stdout`) is
//! written in place, never replaced. Errors name the path the user gave.
//! Otherwise std.

use anyhow::{anyhow, Context, Result};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` (see the module doc).
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_resolved(path, bytes).with_context(|| format!("could not write `{}`", path.display()))
}

fn write_resolved(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = follow_links(path)?;
    match std::fs::metadata(&target) {
        Ok(metadata) if metadata.is_dir() => Err(anyhow!("it is a directory")),
        Ok(metadata) if !metadata.is_file() => {
            // A device or FIFO: write into it, never replace it.
            let mut file = OpenOptions::new().write(true).open(&target)?;
            file.write_all(bytes)?;
            Ok(())
        }
        _ => replace(&target, bytes),
    }
}

/// `path` with every symlink along its last component followed (a link to
/// a link included), without requiring the final target to exist.
fn follow_links(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(anyhow!("too many levels of symbolic links"))
}

/// Replaces the regular file `path` (or creates it) atomically.
fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if path.file_name().is_none() {
        return Err(anyhow!("it is not a file path"));
    }
    // An unpredictable name, created exclusively (tempfile's
    // `NamedTempFile`): in a shared directory nobody can plant a symlink
    // for the report to be written through.
    let mut temporary = tempfile::Builder::new()
        .prefix(".stubaudit-")
        .tempfile_in(dir)?;
    std::io::Write::write_all(&mut temporary, bytes)?;
    // Keep the permissions of the file being replaced.
    if let Ok(metadata) = std::fs::metadata(path) {
        temporary
            .as_file()
            .set_permissions(metadata.permissions())?;
    }
    // On failure the temporary file is removed when dropped.
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "stubaudit-output-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::create_dir_all(&dir);
        dir
    }

    #[test]
    fn a_regular_file_is_replaced() {
        let path = temp().join("report.json");
        let _ = std::fs::write(&path, "old");
        assert!(write(&path, b"new").is_ok());
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("new"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_and_its_target_is_written() {
        let dir = temp();
        let target = dir.join("target.json");
        let link = dir.join("link.json");
        let _ = std::fs::write(&target, "old");
        let _ = std::fs::remove_file(&link);
        let _ = std::os::unix::fs::symlink("target.json", &link);
        assert!(write(&link, b"new").is_ok());
        let still_link = std::fs::symlink_metadata(&link).map(|m| m.file_type().is_symlink());
        assert_eq!(still_link.ok(), Some(true));
        assert_eq!(
            std::fs::read_to_string(&target).ok().as_deref(),
            Some("new")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place() {
        assert!(write(Path::new("/dev/null"), b"report").is_ok());
        let is_device = std::fs::metadata("/dev/null").map(|m| !m.is_file());
        assert_eq!(is_device.ok(), Some(true));
    }

    #[test]
    fn an_error_names_the_path_given_and_no_temporary_file() {
        let path = temp().join("missing-dir/report.json");
        let message = write(&path, b"x").err().map(|e| format!("{e:#}"));
        let message = message.unwrap_or_default();
        assert!(
            message.starts_with(&format!("could not write `{}`: ", path.display())),
            "{message}"
        );
        assert!(!message.contains(".tmp"), "{message}");
    }
}
