//! Runs a fuzz check as a bounded, seeded test under plain `cargo test`.
//!
//! The cargo-fuzz targets next to this file explore for hours on nightly;
//! this runner gives every `cargo test` a short, repeatable share of the
//! same checks: first every input committed under `fuzz/corpus/<target>/`
//! (past findings stay fixed), then cases generated from a fixed seed by
//! mutating those inputs with a per-target dictionary, until a case count
//! or a time bound is reached, whichever comes first.
//!
//! Environment overrides, for a longer local run:
//! - `CHANNEL_FUZZ_SEED`: the seed (decimal or `0x` hex); default fixed.
//! - `CHANNEL_FUZZ_CASES`: generated cases per target.
//! - `CHANNEL_FUZZ_SECONDS`: time bound per target, in seconds.
//!
//! A failing input is written to `fuzz/artifacts/<target>/` (ignored by
//! git) and printed; copy it into the corpus once the fault is fixed.
#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The seed when `CHANNEL_FUZZ_SEED` is not set.
const DEFAULT_SEED: u64 = 0x00c4_a22e_1f0a_2026;

/// The default time bound of one target: a few seconds at most, so the
/// whole suite stays quick on a small machine.
const DEFAULT_SECONDS: f64 = 2.0;

/// How one target runs: its corpus folder, its dictionary and its budget.
pub(crate) struct Target {
    name: &'static str,
    /// Targets whose corpus this one reads too (same input format).
    shared: &'static [&'static str],
    dictionary: &'static [&'static [u8]],
    cases: usize,
    time: Duration,
    max_len: usize,
}

impl Target {
    /// A target reading `fuzz/corpus/<name>/`, with `cases` generated cases
    /// unless `CHANNEL_FUZZ_CASES` says otherwise.
    pub(crate) fn new(name: &'static str, cases: usize) -> Self {
        let cases = env_number("CHANNEL_FUZZ_CASES").map_or(cases, |n| n as usize);
        let seconds = std::env::var("CHANNEL_FUZZ_SECONDS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .unwrap_or(DEFAULT_SECONDS);
        Target {
            name,
            shared: &[],
            dictionary: &[],
            cases,
            time: Duration::from_secs_f64(seconds),
            max_len: 1024,
        }
    }

    /// Byte strings the mutator splices into inputs: the tokens of the
    /// grammar under test, and the characters known to break parsers.
    pub(crate) fn dictionary(mut self, words: &'static [&'static [u8]]) -> Self {
        self.dictionary = words;
        self
    }

    /// Reads the corpus of these targets too: they take the same input.
    pub(crate) fn sharing_corpus_of(mut self, targets: &'static [&'static str]) -> Self {
        self.shared = targets;
        self
    }

    /// The longest input generated (corpus files may be longer).
    pub(crate) fn max_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len;
        self
    }

    /// Runs `check` on every corpus input, then on generated ones. A panic
    /// in `check` fails the test, after the input is saved and printed.
    /// Returns how many inputs ran.
    pub(crate) fn run(self, mut check: impl FnMut(&[u8])) -> usize {
        let mut corpus = read_corpus(&corpus_dir(self.name));
        for other in self.shared {
            corpus.extend(read_corpus(&corpus_dir(other)));
        }
        for (path, input) in &corpus {
            guarded(
                self.name,
                &format!("corpus file {}", path.display()),
                input,
                &mut check,
            );
        }
        let seed = env_number("CHANNEL_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
        let mut rng = fastrand::Rng::with_seed(seed ^ fnv(self.name.as_bytes()));
        let inputs: Vec<&[u8]> = corpus.iter().map(|(_, input)| input.as_slice()).collect();
        let start = Instant::now();
        let mut ran = corpus.len();
        for case in 0..self.cases {
            if start.elapsed() >= self.time {
                break;
            }
            let input = self.generate(&mut rng, &inputs);
            let label = format!("generated case {case} of seed {seed:#x}");
            guarded(self.name, &label, &input, &mut check);
            ran += 1;
        }
        eprintln!(
            "fuzz target `{}`: {ran} inputs ({} from the corpus) in {:.2?}",
            self.name,
            corpus.len(),
            start.elapsed()
        );
        ran
    }

    /// One new input: random bytes, dictionary words strung together, or
    /// a corpus input with a few mutations.
    fn generate(&self, rng: &mut fastrand::Rng, corpus: &[&[u8]]) -> Vec<u8> {
        let mut out = match rng.u8(0..8) {
            0 => random_bytes(rng, 64),
            1 | 2 => random_bytes(rng, self.max_len),
            3 if !self.dictionary.is_empty() => {
                let mut out = Vec::new();
                for _ in 0..rng.usize(1..16) {
                    out.extend_from_slice(self.word(rng));
                }
                out
            }
            _ if !corpus.is_empty() => corpus[rng.usize(0..corpus.len())].to_vec(),
            _ => random_bytes(rng, 64),
        };
        for _ in 0..rng.usize(0..5) {
            self.mutate(rng, &mut out);
        }
        out.truncate(self.max_len.max(1) * 4);
        out
    }

    fn word(&self, rng: &mut fastrand::Rng) -> &'static [u8] {
        self.dictionary[rng.usize(0..self.dictionary.len())]
    }

    fn mutate(&self, rng: &mut fastrand::Rng, data: &mut Vec<u8>) {
        let at = rng.usize(0..=data.len());
        match rng.u8(0..7) {
            0 if !data.is_empty() => {
                let i = rng.usize(0..data.len());
                data[i] ^= 1 << rng.u8(0..8);
            }
            1 => data.insert(at, rng.u8(..)),
            2 if !data.is_empty() => {
                let end = (at + rng.usize(1..8)).min(data.len());
                data.drain(at.min(end)..end);
            }
            3 | 4 if !self.dictionary.is_empty() => {
                let word = self.word(rng);
                data.splice(at..at, word.iter().copied());
            }
            5 if !data.is_empty() => {
                let from = rng.usize(0..data.len());
                let end = (from + rng.usize(1..16)).min(data.len());
                let chunk = data[from..end].to_vec();
                data.splice(at..at, chunk);
            }
            _ => data.truncate(at),
        }
    }
}

/// Runs one input, and on a panic saves it, says where it came from, and
/// lets the panic fail the test.
fn guarded(target: &str, label: &str, input: &[u8], check: &mut impl FnMut(&[u8])) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(input))) {
        let saved = save_artifact(target, input);
        eprintln!(
            "fuzz target `{target}` failed on {label} ({} bytes), saved as {}:\n  text: {:?}\n  hex:  {}",
            input.len(),
            saved.display(),
            String::from_utf8_lossy(input),
            input.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        );
        resume_unwind(panic);
    }
}

fn fuzz_dir() -> PathBuf {
    // Every crate that runs these tests sits two levels below the root.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn corpus_dir(target: &str) -> PathBuf {
    fuzz_dir().join("corpus").join(target)
}

/// The corpus files of a target, in name order so runs repeat exactly.
fn read_corpus(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|data| (p, data)))
        .collect()
}

fn save_artifact(target: &str, input: &[u8]) -> PathBuf {
    let dir = fuzz_dir().join("artifacts").join(target);
    let path = dir.join(format!("crash-{:016x}", fnv(input)));
    let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input));
    path
}

/// Random bytes, up to `max_len` of them.
fn random_bytes(rng: &mut fastrand::Rng, max_len: usize) -> Vec<u8> {
    let len = rng.usize(0..=max_len);
    std::iter::repeat_with(|| rng.u8(..)).take(len).collect()
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// FNV-1a: a stable hash to name artifacts and vary the seed per target.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
