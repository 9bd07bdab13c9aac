//! The git commands `--diff-base` runs, and only those: `rev-parse`,
//! `ls-tree` and `cat-file --batch`, each with the repository's own
//! configuration kept from running programs or reaching the network (see
//! the parent module's doc for why each override is there). Std's
//! `Command`: the batch protocol is a header line per object, no git
//! library needed.

use super::checked;
use anyhow::{anyhow, bail, Result};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One git program run in one directory, with the repository's own
/// configuration kept from running anything (see the module doc).
#[derive(Debug, Clone)]
pub struct Git {
    program: OsString,
    dir: PathBuf,
}

/// A blob of REV's tree: its mode and object id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    /// `100644`, `100755`, `120000` (a symlink).
    pub(super) mode: String,
    /// The blob's object id.
    pub(super) oid: String,
}

impl Git {
    /// `program` (normally `git`) run in `dir`.
    pub fn new(program: OsString, dir: &Path) -> Git {
        Git {
            program,
            dir: dir.to_path_buf(),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .arg("-C")
            .arg(&self.dir)
            .args([
                "-c",
                "core.fsmonitor=false",
                "-c",
                "core.hooksPath=/dev/null",
                "-c",
                "protocol.allow=never",
                "--no-pager",
                "--literal-pathspecs",
            ])
            .env("GIT_NO_LAZY_FETCH", "1")
            .env("GIT_OPTIONAL_LOCKS", "0")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env_remove("GIT_EXTERNAL_DIFF")
            .stdin(Stdio::null());
        command
    }

    fn spawn_error(&self, error: std::io::Error) -> anyhow::Error {
        if error.kind() == std::io::ErrorKind::NotFound {
            anyhow!(
                "`--diff-base` needs git, and `{}` was not found",
                self.program.to_string_lossy()
            )
        } else {
            anyhow!(
                "could not run `{}`: {error}",
                self.program.to_string_lossy()
            )
        }
    }

    /// Runs git with `args`; its stdout, or an error carrying its stderr.
    fn output(&self, args: &[&str]) -> Result<Vec<u8>, GitFailure> {
        let output = self
            .command()
            .args(args)
            .output()
            .map_err(|error| GitFailure::Spawn(self.spawn_error(error)))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(GitFailure::Status(
                String::from_utf8_lossy(&output.stderr).trim().to_string(),
            ))
        }
    }

    /// The workspace root's path inside the repository.
    pub(super) fn workspace_prefix(&self) -> Result<PathBuf> {
        let output =
            self.output(&["rev-parse", "--show-prefix"])
                .map_err(|failure| match failure {
                    GitFailure::Spawn(error) => error,
                    GitFailure::Status(stderr) if stderr.contains("not a git repository") => {
                        anyhow!(
                            "`--diff-base` needs a git repository: `{}` is not in one",
                            self.dir.display()
                        )
                    }
                    GitFailure::Status(stderr) => anyhow!(
                        "could not read the git repository at `{}`: {stderr}",
                        self.dir.display()
                    ),
                })?;
        let text = String::from_utf8(output).map_err(|_| {
            anyhow!(
                "the path of `{}` in its git repository is not UTF-8",
                self.dir.display()
            )
        })?;
        let prefix = PathBuf::from(text.trim_end_matches(['\n', '\r']).trim_end_matches('/'));
        checked(&prefix)?;
        Ok(prefix)
    }

    /// The commit REV names.
    pub(super) fn commit(&self, rev: &str) -> Result<String> {
        if rev.is_empty() || rev.starts_with('-') {
            bail!("`{rev}` is not a git revision");
        }
        let spec = format!("{rev}^{{commit}}");
        let output = self
            .output(&[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ])
            .map_err(|failure| match failure {
                GitFailure::Spawn(error) => error,
                GitFailure::Status(_) => anyhow!(
                    "unknown git revision `{rev}` in `{}` (in a shallow clone, fetch it first: `git fetch origin <branch>`)",
                    self.dir.display()
                ),
            })?;
        Ok(String::from_utf8_lossy(&output).trim().to_string())
    }

    /// Every blob of `commit`'s tree, by path.
    pub(super) fn tree(&self, commit: &str) -> Result<BTreeMap<PathBuf, Entry>> {
        let output = self
            .output(&["ls-tree", "-r", "-z", "--full-tree", commit])
            .map_err(|failure| match failure {
                GitFailure::Spawn(error) => error,
                GitFailure::Status(stderr) => {
                    anyhow!("could not list the files of `{commit}`: {stderr}")
                }
            })?;
        let mut entries = BTreeMap::new();
        for record in output.split(|&byte| byte == 0).filter(|r| !r.is_empty()) {
            let tab = record.iter().position(|&byte| byte == b'\t');
            let Some((header, path)) = tab.map(|tab| (&record[..tab], &record[tab + 1..])) else {
                bail!(
                    "unexpected `git ls-tree` line `{}`",
                    String::from_utf8_lossy(record)
                );
            };
            let header = String::from_utf8_lossy(header);
            let record = String::from_utf8_lossy(record);
            let mut fields = header.split(' ');
            let (Some(mode), Some(kind), Some(oid)) = (fields.next(), fields.next(), fields.next())
            else {
                bail!("unexpected `git ls-tree` line `{record}`");
            };
            // Submodules (`commit`) have no blob here.
            if kind != "blob" {
                continue;
            }
            entries.insert(
                path_from_bytes(path),
                Entry {
                    mode: mode.to_string(),
                    oid: oid.to_string(),
                },
            );
        }
        Ok(entries)
    }

    /// Streams the blobs `oids` through `git cat-file --batch` (no
    /// `--filters`, no `--textconv`: the committed bytes), calling `each`
    /// with every object id and its contents.
    pub(super) fn cat_blobs(
        &self,
        oids: Vec<String>,
        mut each: impl FnMut(&str, Vec<u8>) -> Result<()>,
    ) -> Result<()> {
        if oids.is_empty() {
            return Ok(());
        }
        let mut child = self
            .command()
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| self.spawn_error(error))?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            bail!("could not talk to `git cat-file`");
        };
        // Feed the ids on a thread while this one reads, so neither pipe
        // fills up and stalls the other.
        let feeder = std::thread::spawn(move || -> std::io::Result<()> {
            for oid in &oids {
                writeln!(stdin, "{oid}")?;
            }
            Ok(())
        });
        let mut reader = BufReader::new(stdout);
        let read = (|| -> Result<()> {
            let mut header = String::new();
            loop {
                header.clear();
                if reader.read_line(&mut header)? == 0 {
                    return Ok(());
                }
                let fields: Vec<&str> = header.trim_end().split(' ').collect();
                let [oid, kind, size] = fields[..] else {
                    match fields[..] {
                        [oid, "missing"] => bail!(
                            "object `{oid}` of the base is missing from the repository (a partial clone? fetch the base first)"
                        ),
                        _ => bail!("unexpected `git cat-file` output `{}`", header.trim_end()),
                    }
                };
                let size: usize = size.parse().map_err(|_| {
                    anyhow!("unexpected `git cat-file` header `{}`", header.trim_end())
                })?;
                // The size comes from the revision, which may be untrusted:
                // no allocation up front, and no blob beyond what any
                // source file needs.
                if size > MAX_BLOB {
                    bail!("object `{oid}` of the base is {size} bytes: larger than any source file the audit reads ({MAX_BLOB} bytes)");
                }
                let mut contents = Vec::new();
                (&mut reader).take(size as u64).read_to_end(&mut contents)?;
                if contents.len() != size {
                    bail!("`git cat-file` ended inside object `{oid}`");
                }
                let mut newline = [0u8; 1];
                reader.read_exact(&mut newline)?;
                if kind == "blob" {
                    each(oid, contents)?;
                }
            }
        })();
        // Closing the pipe (and, on an error, killing git) ends the feeder
        // too, should it still be writing.
        drop(reader);
        if read.is_err() {
            let _ = child.kill();
        }
        let status = child.wait()?;
        let fed = feeder.join();
        read?;
        match fed {
            Ok(Ok(())) if status.success() => Ok(()),
            _ => {
                let mut stderr = String::new();
                if let Some(mut pipe) = child.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr);
                }
                bail!("`git cat-file` failed: {}", stderr.trim())
            }
        }
    }
}

/// The largest blob read from the base: far above any real source file.
const MAX_BLOB: usize = 256 << 20;

/// A path as git stores it: bytes, kept exact where the OS allows.
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// Why a git command failed.
enum GitFailure {
    /// It did not start.
    Spawn(anyhow::Error),
    /// It exited unsuccessfully, saying this on stderr.
    Status(String),
}
