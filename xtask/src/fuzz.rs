//! `cargo xtask fuzz [--minutes N] [--seed S]`: mutation fuzzing on stable
//! Rust, with no cargo-fuzz and no nightly. Targets: the per-file parser
//! and extractor, the LCOV and llvm-cov JSON readers, the configuration
//! and baseline readers, and whole audits of a scratch workspace. Inputs
//! are the committed seed corpora (`tests/data/fuzz/<target>/`) and the
//! fixtures' sources and coverage files, mutated byte-wise and with
//! per-format tokens (brackets repeated thousands of times, huge numbers,
//! spliced seeds).
//!
//! Each target runs in a worker child process (`cargo xtask fuzz-worker`),
//! on a thread with the parse stack, so that an abort (stack overflow,
//! out of memory) or a hang is caught, not shared: the worker writes each
//! input to `target/fuzz/<target>/current` before running it, and the
//! parent keeps that file as `crash-…` or `hang-…` when the worker dies
//! or stops reporting. A panic is caught in the worker and its input kept
//! the same way. Every file kept is a regression test once it is copied
//! into the corpus: `the_corpus_replays_cleanly` runs them all.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the fuzzer feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Rust,
    Lcov,
    LlvmJson,
    Config,
    Baseline,
    Audit,
}

const TARGETS: [Target; 6] = [
    Target::Rust,
    Target::Lcov,
    Target::LlvmJson,
    Target::Config,
    Target::Baseline,
    Target::Audit,
];

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Rust => "rust",
            Target::Lcov => "lcov",
            Target::LlvmJson => "llvm-json",
            Target::Config => "config",
            Target::Baseline => "baseline",
            Target::Audit => "audit",
        }
    }

    fn parse(name: &str) -> Option<Target> {
        TARGETS.into_iter().find(|target| target.name() == name)
    }

    /// The corpus directory under `tests/data/fuzz` (audits take Rust).
    fn corpus(self) -> &'static str {
        match self {
            Target::Audit => "rust",
            other => other.name(),
        }
    }

    /// Tokens worth inserting.
    fn dictionary(self) -> &'static [&'static str] {
        match self {
            Target::Rust | Target::Audit => &[
                "{",
                "}",
                "(",
                ")",
                "[",
                "]",
                "<",
                ">",
                "mod m {",
                "fn f() {",
                "impl",
                "::",
                ".m()",
                "'a",
                "\"",
                "r#\"",
                "/*",
                "*/",
                "//",
                "#[",
                "!",
                "?",
                "=",
                "->",
                "&",
                "|",
                "-",
                "macro_rules! m { () => {} }",
                "todo!()",
                "#[path = \"x.rs\"] mod x;",
                "mod tests;",
                "\u{feff}",
                "\0",
                "#![",
                "b'",
                "else if a {} ",
                "as u8",
                ".await",
                "dyn ",
                "impl A<B = ",
                "Vec<",
                "mock! {",
                "#[automock]",
                "async move {",
            ],
            Target::Lcov => &[
                "SF:",
                "DA:",
                "end_of_record\n",
                "\n",
                ",",
                "FN:",
                "FNDA:",
                "TN:",
                "BRDA:",
                "4294967295",
                "-1",
                "0",
                "18446744073709551615",
                "99999999999999999999",
                "src/lib.rs",
                "/",
                "\r\n",
                "\u{feff}",
            ],
            Target::LlvmJson => &[
                "{",
                "}",
                "[",
                "]",
                ",",
                "\"",
                ":",
                "null",
                "true",
                "false",
                "4294967295",
                "1e999",
                "-1",
                "0",
                "\"segments\"",
                "\"filename\"",
                "\"type\"",
                "\"data\"",
                "\"files\"",
                "[1,1,1,true,true,false]",
                "[4294967295,1,0,false,false,false]",
                "\"llvm.coverage.json.export\"",
            ],
            Target::Config => &[
                "{",
                "}",
                "[",
                "]",
                ",",
                "\"",
                ":",
                "null",
                "true",
                "4294967295",
                "-1",
                "\"levels\"",
                "\"allow\"",
                "\"io-crates\"",
                "\"boundaries\"",
                "\"max-height\"",
                "\"deny\"",
                "\"reason\"",
                "\"path\"",
                "\"incomplete-audit\"",
                "\"http\"",
            ],
            Target::Baseline => &[
                "{",
                "}",
                "[",
                "]",
                ",",
                "\"",
                ":",
                "null",
                "4294967295",
                "-1",
                "\"findings\"",
                "\"schema\"",
                "\"stubaudit-baseline/1\"",
                "\"key\"",
                "\"code\"",
                "\"level\"",
                "\"line\"",
                "\"height\"",
                "\"uncovered\"",
            ],
        }
    }
}

/// A small, fast generator (xorshift64*); no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One random change to `data`.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, seeds: &[Vec<u8>], dictionary: &[&str]) {
    let at = rng.below(data.len() + 1);
    match rng.below(10) {
        0 if !data.is_empty() => {
            let index = rng.below(data.len());
            data[index] ^= 1 << rng.below(8);
        }
        1 if !data.is_empty() => {
            const BYTES: &[u8] = b"{}()[]<>;,.:\"'/\\*#!\n\0 \xff-09";
            let index = rng.below(data.len());
            data[index] = BYTES[rng.below(BYTES.len())];
        }
        2 | 3 => {
            let token = dictionary[rng.below(dictionary.len())];
            data.splice(at..at, token.bytes());
        }
        4 if !data.is_empty() => {
            let len = 1 + rng.below(16.min(data.len()));
            let start = rng.below(data.len() - len + 1);
            data.drain(start..start + len);
        }
        5 if !data.is_empty() => {
            let len = 1 + rng.below(256.min(data.len()));
            let start = rng.below(data.len() - len + 1);
            let chunk = data[start..start + len].to_vec();
            let at = rng.below(data.len() + 1);
            data.splice(at..at, chunk);
        }
        6 => {
            let other = &seeds[rng.below(seeds.len())];
            if !other.is_empty() {
                let len = 1 + rng.below(512.min(other.len()));
                let start = rng.below(other.len() - len + 1);
                data.splice(at..at, other[start..start + len].iter().copied());
            }
        }
        7 => {
            // Deep nesting or a long chain: one token many times, its
            // closer (if any) as many times after it.
            let token = dictionary[rng.below(dictionary.len())];
            let most = if rng.below(4) == 0 { 20_000 } else { 600 };
            let times = 1 + rng.below(most);
            let closer = match token {
                "{" | "mod m {" | "fn f() {" | "async move {" | "mock! {" => "}",
                "(" => ")",
                "[" => "]",
                "<" | "Vec<" | "impl A<B = " => ">",
                _ => "",
            };
            let mut insert = token.repeat(times);
            insert.push_str(&closer.repeat(times));
            data.splice(at..at, insert.bytes());
        }
        8 => {
            // A number replaced by a boundary value.
            const NUMBERS: &[&str] = &[
                "0",
                "1",
                "-1",
                "4294967295",
                "4294967296",
                "18446744073709551615",
                "99999999999999999999",
                "1e400",
                "65535",
            ];
            if let Some(start) = data[at.min(data.len())..]
                .iter()
                .position(u8::is_ascii_digit)
                .map(|offset| at + offset)
            {
                let end = data[start..]
                    .iter()
                    .position(|byte| !byte.is_ascii_digit())
                    .map_or(data.len(), |len| start + len);
                let number = NUMBERS[rng.below(NUMBERS.len())];
                data.splice(start..end, number.bytes());
            }
        }
        _ => data.truncate(at),
    }
}

/// What one run gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Read and used.
    Accepted,
    /// Refused with a diagnostic or an error, as bad input should be.
    Rejected,
    /// A whole audit ended with this exit code.
    Exit(u8),
}

/// Where a worker keeps its files.
struct Scratch {
    dir: PathBuf,
    root: PathBuf,
}

/// Runs `input` through `target`.
fn run_one(target: Target, input: &[u8], scratch: &Scratch) -> Result<Outcome> {
    let text = String::from_utf8_lossy(input);
    Ok(match target {
        Target::Rust => {
            let path = Path::new("fuzz/src/lib.rs");
            match stubaudit_engine::parse::parse_text(path, &text) {
                Ok(parsed) => {
                    let context = stubaudit_engine::index::FileContext {
                        path,
                        module: vec!["fuzz".to_string()],
                        in_test: false,
                    };
                    let index = stubaudit_engine::index::extract(
                        &context,
                        &parsed.syntax,
                        parsed.code_lines,
                        parsed.line_count,
                    );
                    std::hint::black_box(index);
                    Outcome::Accepted
                }
                Err(_) => Outcome::Rejected,
            }
        }
        Target::Lcov | Target::LlvmJson => {
            let mut wanted = stubaudit_engine::coverage::Wanted::default();
            for (file, line_count) in [("src/lib.rs", 40), ("src/store.rs", 300)] {
                let wanted_file = stubaudit_engine::coverage::WantedFile {
                    line_count,
                    ranges: vec![(1, line_count / 2), (line_count / 2 + 2, line_count)],
                };
                wanted.files.insert(file.to_string(), wanted_file);
            }
            let file = scratch.dir.join("coverage");
            std::fs::write(&file, input)?;
            match stubaudit_engine::coverage::read(&file, &wanted, &scratch.root) {
                Ok(coverage) => {
                    std::hint::black_box(coverage);
                    Outcome::Accepted
                }
                Err(_) => Outcome::Rejected,
            }
        }
        Target::Config => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) => match cargo_stubaudit::config::Config::from_json(&value) {
                Ok(config) => {
                    std::hint::black_box(config.policy());
                    Outcome::Accepted
                }
                Err(_) => Outcome::Rejected,
            },
            Err(_) => Outcome::Rejected,
        },
        Target::Baseline => {
            let file = scratch.dir.join("baseline.json");
            std::fs::write(&file, input)?;
            match cargo_stubaudit::baseline::read(&file) {
                Ok(baseline) => {
                    std::hint::black_box(baseline);
                    Outcome::Accepted
                }
                Err(_) => Outcome::Rejected,
            }
        }
        Target::Audit => {
            let workspace = scratch.dir.join("workspace");
            std::fs::write(workspace.join("src/lib.rs"), input)?;
            let manifest = workspace.join("Cargo.toml").display().to_string();
            let args = [
                "cargo-stubaudit",
                "stubaudit",
                "--manifest-path",
                &manifest,
                "--message-format",
                "json",
            ];
            let mut sink = Vec::new();
            let mut errors = Vec::new();
            let code = cargo_stubaudit::run(
                args.iter().map(Into::into).collect(),
                &mut sink,
                &mut errors,
            );
            let mut names: Vec<String> = walk(&workspace)
                .iter()
                .map(|path| {
                    path.strip_prefix(&workspace)
                        .unwrap_or(path)
                        .display()
                        .to_string()
                })
                .collect();
            names.sort();
            if names != ["Cargo.toml", "src", "src/lib.rs"] {
                bail!("the audit wrote into the audited tree: {names:?}");
            }
            Outcome::Exit(code as u8)
        }
    })
}

/// Every path under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out
}

/// The committed corpus of `target` and, for sources and coverage, the
/// fixtures' files.
fn seeds(root: &Path, target: Target) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<PathBuf> = walk(&root.join("tests/data/fuzz").join(target.corpus()))
        .into_iter()
        .filter(|path| path.is_file())
        .collect();
    let fixtures = root.join("tests/fixtures");
    let wanted_ext: &[&str] = match target {
        Target::Rust | Target::Audit => &["rs"],
        Target::Lcov => &["lcov", "info"],
        Target::LlvmJson => &["json"],
        Target::Config | Target::Baseline => &[],
    };
    files.extend(walk(&fixtures).into_iter().filter(|path| {
        !path.components().any(|part| part.as_os_str() == "target")
            && path
                .extension()
                .is_some_and(|ext| wanted_ext.iter().any(|wanted| ext == *wanted))
            && (target != Target::LlvmJson || path.to_string_lossy().contains("coverage"))
    }));
    files.sort();
    files
        .into_iter()
        .filter_map(|path| std::fs::read(&path).ok().map(|bytes| (path, bytes)))
        .collect()
}

/// Tallies of one target.
#[derive(Debug, Default, Clone)]
struct Tally {
    runs: u64,
    accepted: u64,
    rejected: u64,
    exits: [u64; 3],
    panics: u64,
    crashes: u64,
    hangs: u64,
}

impl Tally {
    fn line(&self) -> String {
        format!(
            "runs={} accepted={} rejected={} exit0={} exit1={} exit2={} panics={}",
            self.runs,
            self.accepted,
            self.rejected,
            self.exits[0],
            self.exits[1],
            self.exits[2],
            self.panics
        )
    }

    fn read(line: &str) -> Option<Tally> {
        let mut tally = Tally::default();
        for field in line.split_whitespace() {
            let (key, value) = field.split_once('=')?;
            let value: u64 = value.parse().ok()?;
            match key {
                "runs" => tally.runs = value,
                "accepted" => tally.accepted = value,
                "rejected" => tally.rejected = value,
                "exit0" => tally.exits[0] = value,
                "exit1" => tally.exits[1] = value,
                "exit2" => tally.exits[2] = value,
                "panics" => tally.panics = value,
                _ => {}
            }
        }
        Some(tally)
    }

    fn add(&mut self, other: &Tally) {
        self.runs += other.runs;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        for (mine, theirs) in self.exits.iter_mut().zip(other.exits) {
            *mine += theirs;
        }
        self.panics += other.panics;
        self.crashes += other.crashes;
        self.hangs += other.hangs;
    }
}

/// `cargo xtask fuzz-worker TARGET SECONDS SEED`: one target for a while,
/// printing its tally every half second.
pub fn worker(root: &Path, args: &[String]) -> Result<()> {
    let (Some(target), Some(seconds), Some(seed)) = (
        args.first().and_then(|name| Target::parse(name)),
        args.get(1).and_then(|text| text.parse::<u64>().ok()),
        args.get(2).and_then(|text| text.parse::<u64>().ok()),
    ) else {
        bail!("usage: cargo xtask fuzz-worker TARGET SECONDS SEED");
    };
    let root = root.to_path_buf();
    let thread = std::thread::Builder::new()
        .stack_size(stubaudit_engine::parse::STACK_SIZE)
        .spawn(move || work(&root, target, Duration::from_secs(seconds), seed))
        .context("could not start the worker thread")?;
    match thread.join() {
        Ok(result) => result,
        Err(_) => bail!("the worker thread died"),
    }
}

fn work(root: &Path, target: Target, time: Duration, seed: u64) -> Result<()> {
    let dir = root
        .join("target/fuzz")
        .join(target.name())
        .join(format!("worker-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("workspace/src"))?;
    std::fs::write(
        dir.join("workspace/Cargo.toml"),
        "[package]\nname = \"fuzz\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )?;
    let scratch = Scratch {
        dir: dir.clone(),
        root: dir.join("workspace"),
    };
    let seeds: Vec<Vec<u8>> = seeds(root, target)
        .into_iter()
        .map(|(_, bytes)| bytes)
        .collect();
    if seeds.is_empty() {
        bail!("no seeds for `{}`", target.name());
    }
    let current = dir.parent().unwrap_or(&dir).join("current");
    let panics_dir = dir.parent().unwrap_or(&dir).to_path_buf();
    // Panics are counted and kept, not printed one by one.
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed | 1);
    let mut tally = Tally::default();
    let start = Instant::now();
    let mut reported = Instant::now();
    let mut stdout = std::io::stdout();
    while start.elapsed() < time {
        let mut input = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut input, &seeds, target.dictionary());
        }
        // Audits are slow: keep their inputs small.
        if target == Target::Audit {
            input.truncate(64 * 1024);
        }
        std::fs::write(&current, &input)?;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_one(target, &input, &scratch)
        }));
        tally.runs += 1;
        match outcome {
            Ok(Ok(Outcome::Accepted)) => tally.accepted += 1,
            Ok(Ok(Outcome::Rejected)) => tally.rejected += 1,
            Ok(Ok(Outcome::Exit(code))) => tally.exits[usize::from(code.min(2))] += 1,
            Ok(Err(error)) => {
                tally.panics += 1;
                std::fs::write(
                    panics_dir.join(format!("failure-{}-{}", std::process::id(), tally.runs)),
                    &input,
                )?;
                eprintln!("failure: {error:#}");
            }
            Err(_) => {
                tally.panics += 1;
                std::fs::write(
                    panics_dir.join(format!("panic-{}-{}", std::process::id(), tally.runs)),
                    &input,
                )?;
            }
        }
        if reported.elapsed() > Duration::from_millis(500) {
            writeln!(stdout, "{}", tally.line())?;
            stdout.flush()?;
            reported = Instant::now();
        }
    }
    writeln!(stdout, "{}", tally.line())?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `cargo xtask fuzz [--minutes N] [--seed S]`.
pub fn fuzz(root: &Path, args: &[String]) -> Result<()> {
    let mut minutes = 1.0f64;
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |since| since.as_nanos() as u64);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--minutes" => {
                minutes = rest
                    .next()
                    .and_then(|value| value.parse().ok())
                    .filter(|value: &f64| *value > 0.0)
                    .context("`--minutes` takes a positive number")?;
            }
            "--seed" => {
                seed = rest
                    .next()
                    .and_then(|value| value.parse().ok())
                    .context("`--seed` takes a number")?;
            }
            other => bail!(
                "unknown argument `{other}`; usage: cargo xtask fuzz [--minutes N] [--seed S]"
            ),
        }
    }
    let exe = std::env::current_exe().context("could not find the xtask binary")?;
    let deadline = Instant::now() + Duration::from_secs_f64(minutes * 60.0);
    let mut tallies: Vec<Tally> = vec![Tally::default(); TARGETS.len()];
    let mut kept: Vec<PathBuf> = Vec::new();
    eprintln!("fuzzing for {minutes} min, seed {seed}");
    let mut round = 0u64;
    while Instant::now() < deadline {
        for (index, target) in TARGETS.into_iter().enumerate() {
            let left = deadline.saturating_duration_since(Instant::now()).as_secs();
            if left == 0 {
                break;
            }
            let slice = 20.min(left);
            round += 1;
            let worker_seed = seed.wrapping_add(round.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let (tally, lost) = run_worker(root, &exe, target, slice, worker_seed)?;
            tallies[index].add(&tally);
            kept.extend(lost);
        }
    }
    let dir = root.join("target/fuzz");
    kept.extend(walk(&dir).into_iter().filter(|path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with("panic-") || name.starts_with("failure-"))
    }));
    println!(
        "target     {:>8} {:>9} {:>9} {:>6} {:>6} {:>6} {:>7} {:>8} {:>6}",
        "runs", "accepted", "rejected", "exit0", "exit1", "exit2", "panics", "crashes", "hangs"
    );
    let mut total = Tally::default();
    for (target, tally) in TARGETS.iter().zip(&tallies) {
        println!(
            "{:<10} {:>8} {:>9} {:>9} {:>6} {:>6} {:>6} {:>7} {:>8} {:>6}",
            target.name(),
            tally.runs,
            tally.accepted,
            tally.rejected,
            tally.exits[0],
            tally.exits[1],
            tally.exits[2],
            tally.panics,
            tally.crashes,
            tally.hangs
        );
        total.add(tally);
    }
    println!(
        "{:<10} {:>8} {:>9} {:>9} {:>6} {:>6} {:>6} {:>7} {:>8} {:>6}",
        "total",
        total.runs,
        total.accepted,
        total.rejected,
        total.exits[0],
        total.exits[1],
        total.exits[2],
        total.panics,
        total.crashes,
        total.hangs
    );
    if kept.is_empty() {
        println!("found nothing");
        Ok(())
    } else {
        for path in &kept {
            println!("kept: {}", path.display());
        }
        bail!(
            "{} inputs broke the audit: copy each into tests/data/fuzz/<target>/ (a regression test) and fix it",
            kept.len()
        )
    }
}

/// Runs one worker for `seconds`; returns its tally and the inputs kept
/// when it crashed or hung.
fn run_worker(
    root: &Path,
    exe: &Path,
    target: Target,
    seconds: u64,
    seed: u64,
) -> Result<(Tally, Vec<PathBuf>)> {
    let mut child = Command::new(exe)
        .args([
            "fuzz-worker",
            target.name(),
            &seconds.to_string(),
            &seed.to_string(),
        ])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start a fuzz worker")?;
    let stdout = child.stdout.take().context("no worker output")?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut tally = Tally::default();
    let mut kept = Vec::new();
    let current = root.join("target/fuzz").join(target.name()).join("current");
    let keep = |kind: &str| -> Result<PathBuf> {
        let path = root.join("target/fuzz").join(target.name()).join(format!(
            "{kind}-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos())
        ));
        std::fs::copy(&current, &path)?;
        Ok(path)
    };
    loop {
        match receiver.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => {
                if let Some(latest) = Tally::read(&line) {
                    tally = latest;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // No progress for 30 s: a hang.
                let _ = child.kill();
                let _ = child.wait();
                tally.hangs += 1;
                kept.push(keep("hang")?);
                return Ok((tally, kept));
            }
        }
    }
    let status = child.wait()?;
    if !status.success() {
        tally.crashes += 1;
        kept.push(keep("crash")?);
        eprintln!("worker for `{}` died: {status}", target.name());
    }
    Ok((tally, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every committed corpus file (seeds, and the crashes found since,
    /// once copied in) runs through its target without a panic: each crash
    /// the fuzzer finds becomes this regression test.
    #[test]
    fn the_corpus_replays_cleanly() {
        let root = crate::project_root();
        let thread = std::thread::Builder::new()
            .stack_size(stubaudit_engine::parse::STACK_SIZE)
            .spawn(move || {
                let dir = root
                    .join("target/fuzz/replay")
                    .join(std::process::id().to_string());
                let _ = std::fs::create_dir_all(dir.join("workspace/src"));
                let scratch = Scratch {
                    root: dir.join("workspace"),
                    dir: dir.clone(),
                };
                let mut replayed = 0;
                for target in [
                    Target::Rust,
                    Target::Lcov,
                    Target::LlvmJson,
                    Target::Config,
                    Target::Baseline,
                ] {
                    let corpus = walk(&root.join("tests/data/fuzz").join(target.corpus()));
                    for path in corpus.iter().filter(|path| path.is_file()) {
                        let input = std::fs::read(path).unwrap_or_default();
                        let outcome = run_one(target, &input, &scratch);
                        assert!(outcome.is_ok(), "{}: {outcome:?}", path.display());
                        replayed += 1;
                    }
                }
                let _ = std::fs::remove_dir_all(&dir);
                replayed
            });
        let replayed = thread.map(|thread| thread.join());
        assert!(
            matches!(replayed, Ok(Ok(count)) if count >= 8),
            "{replayed:?}"
        );
    }

    #[test]
    fn mutations_stay_in_bounds() {
        let mut rng = Rng(7);
        let seeds = vec![b"fn f() { a.b(); }".to_vec(), Vec::new()];
        for _ in 0..20_000 {
            let mut input = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, &mut input, &seeds, Target::Rust.dictionary());
            assert!(input.len() < 1_000_000);
        }
    }
}
