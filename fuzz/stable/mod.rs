//! The stable-toolchain fuzz harness (the cargo-fuzz targets beside it need nightly): seeded
//! random mutations of a small corpus of valid inputs, played for a few seconds by every test
//! run. Test crates include this file by path (`#[path = ".../fuzz/stable/mod.rs"]`), so
//! there is one copy of the generator and the loop.
//!
//! [`play`] runs one kind of input. Any panic, on the fuzzing thread or on a thread it
//! started (a JSAPI handler's), is a failure and the input is printed; so is an input that
//! takes longer than [`Kind::slow`]. Knobs, read from the environment:
//!
//! - `FUZZ_SECONDS`: how long each kind runs (default [`Kind::seconds`]);
//! - `FUZZ_SEED`: the random seed (default fixed, so a plain run is reproducible);
//! - `FUZZ_LAST=path`: writes each input to `path.<kind>` before running it, to find one that
//!   aborts the process;
//! - `FUZZ_REPLAY=path`: runs the input in that file once instead of fuzzing.
#![allow(dead_code, unreachable_pub)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, Once, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

/// xorshift64*: enough randomness for mutation, no dependency.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value; zero is avoided).
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    /// True once in `n` times.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A random item of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One kind of input to fuzz.
pub struct Kind {
    /// Its name, in messages and `FUZZ_LAST` files.
    pub name: &'static str,
    /// Valid inputs that mutations start from.
    pub seeds: Vec<Vec<u8>>,
    /// Fragments mutations insert (syntax, hostile values, names the format knows).
    pub tokens: &'static [&'static str],
    /// Seconds it runs without `FUZZ_SECONDS`.
    pub seconds: u64,
    /// An input taking longer than this fails the run.
    pub slow: Duration,
}

/// What a round found, for the final assertion.
struct Findings {
    tried: u64,
    crashes: Vec<(Vec<u8>, String)>,
    slowest: (Duration, Vec<u8>),
}

/// Panics seen since the last [`take_panics`], from any thread.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Installs, once, a panic hook that records every panic (thread, place, message) for the
/// harness to find, printing only those of threads that are not fuzzing.
fn record_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("unnamed");
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            PANICS
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(format!("thread '{name}' panicked at {place}: {message}"));
            if !name.starts_with("fuzz-") {
                previous(info);
            }
        }));
    });
}

/// The panics recorded since the last call.
fn take_panics() -> Vec<String> {
    std::mem::take(&mut *PANICS.lock().unwrap_or_else(PoisonError::into_inner))
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

/// Plays `kind` for its time: mutated seeds (and now and then a string of tokens) go to
/// `exercise`, which must return normally; panics and slow inputs fail the test with the
/// input printed.
pub fn play(kind: Kind, mut exercise: impl FnMut(&[u8]) + Send + 'static) {
    record_panics();
    let name = kind.name;
    if let Ok(path) = std::env::var("FUZZ_REPLAY") {
        let input = std::fs::read(&path).expect("reads FUZZ_REPLAY");
        exercise(&input);
        let panics = take_panics();
        assert!(panics.is_empty(), "{name}: {panics:?}");
        return;
    }
    let seconds = env_number("FUZZ_SECONDS").unwrap_or(kind.seconds);
    let seed = env_number("FUZZ_SEED").unwrap_or(0x5EED);
    let last_input = std::env::var("FUZZ_LAST")
        .ok()
        .map(|path| format!("{path}.{name}"));
    let slow = kind.slow;
    // Deep-nesting inputs must be refused, not overflow: run with an ordinary 8 MiB stack.
    let handle = std::thread::Builder::new()
        .name(format!("fuzz-{name}"))
        .stack_size(8 << 20)
        .spawn(move || {
            let mut rng = Rng::new(seed);
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut found = Findings {
                tried: 0,
                crashes: Vec::new(),
                slowest: (Duration::ZERO, Vec::new()),
            };
            while Instant::now() < deadline && found.crashes.len() < 5 {
                let input = if rng.one_in(10) {
                    (0..rng.below(200))
                        .flat_map(|_| rng.pick(kind.tokens).bytes())
                        .collect()
                } else {
                    let base = rng.pick(&kind.seeds).clone();
                    mutate(&mut rng, &kind.seeds, kind.tokens, &base)
                };
                found.tried += 1;
                if let Some(path) = &last_input {
                    std::fs::write(path, &input).expect("writes FUZZ_LAST");
                }
                let started = Instant::now();
                let outcome = catch_unwind(AssertUnwindSafe(|| exercise(&input)));
                let elapsed = started.elapsed();
                let panics = take_panics();
                if outcome.is_err() || !panics.is_empty() {
                    found.crashes.push((input, panics.join("\n")));
                } else if elapsed > found.slowest.0 {
                    found.slowest = (elapsed, input);
                }
            }
            found
        })
        .expect("spawns the fuzzing thread");
    let found = handle.join().expect("the fuzzing thread survives");
    let (slowest, slow_input) = &found.slowest;
    println!(
        "fuzz {name}: {} inputs in {seconds}s (seed {seed}), {} crashes, slowest input {slowest:?}",
        found.tried,
        found.crashes.len()
    );
    assert!(
        found.crashes.is_empty(),
        "{name}: panicking inputs:\n{}",
        found
            .crashes
            .iter()
            .map(|(input, panic)| format!("{panic}\ninput: {}", shown(input)))
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    assert!(
        *slowest < slow,
        "{name}: an input took {slowest:?}:\n{}",
        shown(slow_input)
    );
}

/// An input as a Rust byte string, cut short past 4 KiB (`FUZZ_LAST` keeps it whole).
fn shown(input: &[u8]) -> String {
    let text = input.escape_ascii().to_string();
    match text.char_indices().nth(4096) {
        Some((at, _)) => format!("b\"{}\"... ({} bytes)", &text[..at], input.len()),
        None => format!("b\"{text}\""),
    }
}

/// Largest JSON text a tree mutation may give; past it the bytes are mutated instead.
const MAX_JSON_BYTES: usize = 4 << 20;

/// `input` changed a few times: tokens inserted or repeated, bytes dropped, copied, changed or
/// taken from another seed; a JSON input is half the time changed as a tree instead.
pub fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], tokens: &[&str], input: &[u8]) -> Vec<u8> {
    if rng.one_in(2)
        && let Ok(mut value) = serde_json::from_slice::<Value>(input)
    {
        for _ in 0..=rng.below(3) {
            mutate_json(rng, seeds, tokens, &mut value, 0);
        }
        let text = value.to_string().into_bytes();
        if text.len() > MAX_JSON_BYTES {
            return mutate_bytes(rng, seeds, tokens, input);
        }
        return if rng.one_in(4) {
            mutate_bytes(rng, seeds, tokens, &text)
        } else {
            text
        };
    }
    mutate_bytes(rng, seeds, tokens, input)
}

/// Byte-level changes.
fn mutate_bytes(rng: &mut Rng, seeds: &[Vec<u8>], tokens: &[&str], input: &[u8]) -> Vec<u8> {
    let mut s = input.to_vec();
    for _ in 0..=rng.below(6) {
        let at = rng.below(s.len() + 1);
        match rng.below(6) {
            0 => {
                let token = rng.pick(tokens).as_bytes();
                s.splice(at..at, token.iter().copied());
            }
            1 if !s.is_empty() => {
                let end = (at + rng.below(16)).min(s.len());
                s.drain(at.min(end)..end);
            }
            2 if !s.is_empty() => {
                let end = (at + rng.below(32)).min(s.len());
                let chunk = s[at.min(end)..end].to_vec();
                let to = rng.below(s.len() + 1);
                s.splice(to..to, chunk);
            }
            3 => {
                let other = rng.pick(seeds);
                let from = rng.below(other.len() + 1);
                let end = (from + rng.below(64)).min(other.len());
                s.splice(at..at, other[from..end].iter().copied());
            }
            4 if !s.is_empty() => {
                let i = rng.below(s.len());
                s[i] = u8::try_from(rng.below(256)).unwrap_or(b'x');
            }
            _ => {
                let token = rng.pick(tokens);
                for _ in 0..rng.below(50) {
                    s.splice(at..at, token.bytes());
                }
            }
        }
    }
    s
}

/// One change somewhere in `value`: a node replaced (by a hostile scalar, a token, another
/// seed's part, itself nested deep or repeated), a key dropped, renamed or added.
fn mutate_json(rng: &mut Rng, seeds: &[Vec<u8>], tokens: &[&str], value: &mut Value, depth: u32) {
    // Walk down to a random node now and then.
    if depth < 32 && rng.below(3) != 0 {
        match value {
            Value::Object(map) if !map.is_empty() => {
                let index = rng.below(map.len());
                if let Some(child) = map.values_mut().nth(index) {
                    return mutate_json(rng, seeds, tokens, child, depth + 1);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                let index = rng.below(items.len());
                return mutate_json(rng, seeds, tokens, &mut items[index], depth + 1);
            }
            _ => {}
        }
    }
    match rng.below(9) {
        0 => *value = scalar(rng, tokens),
        1 => {
            let other = rng.pick(seeds);
            if let Ok(other) = serde_json::from_slice::<Value>(other) {
                *value = random_part(rng, other);
            }
        }
        2 => {
            // Deep nesting: past the parsers' recursion limits now and then.
            let levels = if rng.one_in(4) {
                130 + rng.below(200)
            } else {
                rng.below(20)
            };
            for _ in 0..levels {
                let inner = value.take();
                *value = if rng.one_in(2) {
                    Value::Array(vec![inner])
                } else {
                    Value::Object(Map::from_iter([(rng.pick(tokens).to_string(), inner)]))
                };
            }
        }
        3 => {
            // Many copies of a small value only: a long string or a tree is copied a few times.
            let small = match &*value {
                Value::String(text) => text.len() <= 64,
                Value::Array(_) | Value::Object(_) => false,
                _ => true,
            };
            let copies = if small && rng.one_in(8) {
                10_000
            } else {
                rng.below(20)
            };
            *value = Value::Array(vec![value.clone(); copies]);
        }
        4 if value.is_object() => {
            let map = value.as_object_mut().expect("checked");
            if !map.is_empty() {
                let key = map.keys().nth(rng.below(map.len())).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
        }
        5 if value.is_object() => {
            let key = rng.pick(tokens).to_string();
            let new = scalar(rng, tokens);
            value.as_object_mut().expect("checked").insert(key, new);
        }
        6 if value.is_object() => {
            // A known key under another node: the right name at the wrong place.
            let map = value.as_object_mut().expect("checked");
            let moved = map.values().nth(rng.below(map.len().max(1))).cloned();
            if let Some(moved) = moved {
                map.insert(rng.pick(tokens).to_string(), moved);
            }
        }
        7 => {
            if let Value::String(text) = value {
                let token = rng.pick(tokens);
                let at = rng.below(text.chars().count() + 1);
                let at = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
                text.insert_str(at, token);
            } else {
                *value = Value::String(rng.pick(tokens).to_string());
            }
        }
        _ => *value = Value::Object(Map::new()),
    }
}

/// A random node of `value`, whole or in part.
fn random_part(rng: &mut Rng, value: Value) -> Value {
    if rng.one_in(3) {
        return value;
    }
    match value {
        Value::Object(map) if !map.is_empty() => {
            let index = rng.below(map.len());
            let child = map.into_iter().nth(index).map(|(_, v)| v);
            random_part(rng, child.unwrap_or(Value::Null))
        }
        Value::Array(mut items) if !items.is_empty() => {
            let index = rng.below(items.len());
            random_part(rng, items.swap_remove(index))
        }
        other => other,
    }
}

/// A hostile scalar: extreme numbers, long or odd strings, tokens.
fn scalar(rng: &mut Rng, tokens: &[&str]) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => Value::from(u64::MAX),
        3 => Value::from(i64::MIN),
        4 => Value::from(-1),
        5 => Value::from(1e308),
        6 => Value::from(0.5),
        7 => Value::from(rng.below(10)),
        8 => Value::String("\u{0}\u{fffd}\u{1F389}\u{202e}".repeat(rng.below(4))),
        9 => Value::String("x".repeat(if rng.one_in(4) { 1 << 20 } else { 300 })),
        _ => Value::String(rng.pick(tokens).to_string()),
    }
}
