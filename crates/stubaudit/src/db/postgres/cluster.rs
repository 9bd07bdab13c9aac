//! A throwaway PostgreSQL cluster for the adapter's own tests: `initdb` and
//! `pg_ctl` on a temporary directory and a free port, one cluster per test
//! process, one fresh database per test.
//!
//! Plain std processes: the server binaries come from the machine (Debian's
//! `postgresql` package puts them in `/usr/lib/postgresql/*/bin`), found
//! there, on `PATH` or in `STUBAUDIT_PG_BIN`. `initdb` refuses to run as
//! root, so as root the binaries run as the `postgres` user (`runuser`).
//! When PostgreSQL is missing the tests say so on stderr (once, past the
//! test harness's output capture) and pass, unless
//! `STUBAUDIT_REQUIRE_POSTGRES` is set (CI sets it), which makes them fail.
//! A watcher process stops the cluster and removes its directory when the
//! test process exits, however it exits.

use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

use super::PostgresDatabase;

/// A running cluster.
pub(super) struct Cluster {
    port: u16,
    next_database: AtomicUsize,
}

/// The cluster of this test process, started on first use; `None` (after
/// saying why on stderr) when PostgreSQL is not installed.
pub(super) fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
    match CLUSTER.get_or_init(start) {
        Ok(cluster) => Some(cluster),
        Err(reason) => {
            if std::env::var_os("STUBAUDIT_REQUIRE_POSTGRES").is_some() {
                panic!("STUBAUDIT_REQUIRE_POSTGRES is set, but: {reason}");
            }
            // Once per test process, and past libtest's capture (which
            // hides `eprintln!` of passing tests): a skip must be seen.
            static SAID: AtomicBool = AtomicBool::new(false);
            if !SAID.swap(true, Ordering::SeqCst) {
                let _ = writeln!(
                    std::io::stderr(),
                    "\n*** SKIPPED: the PostgreSQL tests did not run: {reason}\n*** install \
                     PostgreSQL (Debian: apt-get install postgresql) to run them\n"
                );
            }
            None
        }
    }
}

impl Cluster {
    /// A new empty database on the cluster, connected.
    pub(super) async fn database(&self) -> PostgresDatabase {
        let number = self.next_database.fetch_add(1, Ordering::SeqCst);
        let name = format!("stubaudit_test_{number}");
        let admin = PostgresDatabase::connect(&self.config("postgres"))
            .await
            .expect("connect to the throwaway cluster");
        admin
            .execute_batch(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create a test database");
        PostgresDatabase::connect(&self.config(&name))
            .await
            .expect("connect to the test database")
    }

    fn config(&self, database: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname={database}",
            self.port
        )
    }
}

fn start() -> Result<Cluster, String> {
    let bin = server_bin().ok_or("no PostgreSQL server binaries (initdb, pg_ctl) found")?;
    let as_root = is_root();
    if as_root && !succeeds(Command::new("id").arg("postgres")) {
        return Err("running as root, and there is no `postgres` user to run initdb as".to_owned());
    }
    let dir = tempfile::Builder::new()
        .prefix("stubaudit-pg-")
        .tempdir()
        .map_err(|error| format!("no temporary directory: {error}"))?
        .keep();
    if as_root && !succeeds(Command::new("chown").arg("postgres:").arg(&dir)) {
        return Err(format!(
            "could not hand {} to the postgres user",
            dir.display()
        ));
    }
    let data = dir.join("data");
    let port = free_port()?;
    let run = |tool: &str| server_command(&bin.join(tool), as_root, &dir);

    let initdb = run("initdb")
        .arg("-D")
        .arg(&data)
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ])
        .output()
        .map_err(|error| format!("could not run initdb: {error}"))?;
    if !initdb.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&initdb.stderr).trim()
        ));
    }
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
        dir.display()
    );
    let log = dir.join("server.log");
    let started = run("pg_ctl")
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(&log)
        .args(["-w", "-o", &options, "start"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|error| format!("could not run pg_ctl: {error}"))?;
    if !started.success() {
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        return Err(format!("pg_ctl start failed: {}", log.trim()));
    }
    watch(&bin, as_root, &dir, &data);
    Ok(Cluster {
        port,
        next_database: AtomicUsize::new(0),
    })
}

/// `STUBAUDIT_PG_BIN`, the newest `/usr/lib/postgresql/*/bin`, or the
/// directory of `initdb` on `PATH`.
fn server_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("STUBAUDIT_PG_BIN") {
        return Some(PathBuf::from(bin));
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Some(bin);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// `tool`, as the `postgres` user when running as root, in `dir` (the
/// postgres user may not enter the current directory).
fn server_command(tool: &Path, as_root: bool, dir: &Path) -> Command {
    let mut command = if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(tool);
        command
    } else {
        Command::new(tool)
    };
    command.current_dir(dir).stdin(Stdio::null());
    command
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|error| format!("no free port: {error}"))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|error| format!("no free port: {error}"))
}

/// Starts a detached shell that waits for this process to exit, then stops
/// the cluster and removes its directory.
fn watch(bin: &Path, as_root: bool, dir: &Path, data: &Path) {
    let runner = if as_root {
        "runuser -u postgres -- "
    } else {
        ""
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
         {runner}'{pg_ctl}' -D '{data}' -m immediate stop; rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    // Output to /dev/null: a watcher holding the test's stdout open would
    // keep a reader of that pipe waiting after the tests end. Its own
    // process group: killing the test's group (a timeout) must not kill it.
    let _ = Command::new("sh")
        .arg("-c")
        .arg(script)
        .process_group(0)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}
