//! The memory budget of a logic worker process: a global allocator that counts the bytes the
//! process holds and refuses to go past the budget.
//!
//! A worker process runs one app, so the process's heap is the app's: its boa context, its
//! strings and arrays, its messages. Once a request would take the heap past the budget the
//! worker says so on stderr ([`BUDGET_EXCEEDED`]) and exits with [`EXIT_MEMORY_BUDGET`],
//! rather than returning null (which Rust turns into an abort and, on many machines, a core
//! dump). In a host process the budget is unlimited and the allocator only counts.

// A global allocator is `unsafe` by definition: it hands out raw memory. Every block here
// comes from and goes back to `System` unchanged; the only addition is the count.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The exit status of a worker that went over its memory budget.
pub(crate) const EXIT_MEMORY_BUDGET: i32 = 86;

/// How a worker that went over its budget starts its last line on stderr; the size it
/// asked for follows.
pub(crate) const BUDGET_EXCEEDED: &str = "capsule-worker: memory budget exceeded by a request of ";

static USED: AtomicU64 = AtomicU64::new(0);
static BUDGET: AtomicU64 = AtomicU64::new(u64::MAX);
static INSTALLED: AtomicBool = AtomicBool::new(false);
static EXITING: AtomicBool = AtomicBool::new(false);

/// The global allocator that gives a logic worker process its memory budget. A binary that
/// serves as a worker ([`crate::worker_main`]) installs it:
///
/// ```ignore
/// #[global_allocator]
/// static ALLOCATOR: capsule_logic::BudgetAllocator = capsule_logic::BudgetAllocator;
/// ```
///
/// Without it a worker still isolates the app, but with no memory budget.
#[derive(Debug, Clone, Copy, Default)]
pub struct BudgetAllocator;

impl BudgetAllocator {
    /// Counts `size` more bytes, or ends the process if that goes past the budget. What
    /// the exit itself allocates is let through.
    fn take(size: usize) {
        let size = size as u64;
        let used = USED.fetch_add(size, Ordering::Relaxed).saturating_add(size);
        if used > BUDGET.load(Ordering::Relaxed) {
            USED.fetch_sub(size, Ordering::Relaxed);
            if !EXITING.swap(true, Ordering::Relaxed) {
                exceeded(size);
            }
        }
    }

    fn give_back(size: usize) {
        USED.fetch_sub(size as u64, Ordering::Relaxed);
    }

    /// The bytes this process holds through the allocator now, where it is the process's
    /// global allocator (0 where it is not): the live heap, without what the system
    /// allocator keeps of freed memory.
    pub fn held_bytes() -> u64 {
        used()
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// blocks and their layouts are `System`'s; the counting touches only atomics and never
// allocates.
unsafe impl GlobalAlloc for BudgetAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        INSTALLED.store(true, Ordering::Relaxed);
        Self::take(layout.size());
        // SAFETY: forwarded unchanged (see above).
        let block = unsafe { System.alloc(layout) };
        if block.is_null() {
            Self::give_back(layout.size());
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        INSTALLED.store(true, Ordering::Relaxed);
        Self::take(layout.size());
        // SAFETY: forwarded unchanged (see above).
        let block = unsafe { System.alloc_zeroed(layout) };
        if block.is_null() {
            Self::give_back(layout.size());
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged (see above).
        unsafe { System.dealloc(block, layout) };
        Self::give_back(layout.size());
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old_size = layout.size();
        if new_size > old_size {
            Self::take(new_size - old_size);
        }
        // SAFETY: forwarded unchanged (see above).
        let moved = unsafe { System.realloc(block, layout, new_size) };
        if moved.is_null() {
            if new_size > old_size {
                Self::give_back(new_size - old_size);
            }
        } else if new_size < old_size {
            Self::give_back(old_size - new_size);
        }
        moved
    }
}

/// Says on stderr that a request of `size` bytes went past the budget and ends the process.
/// Nothing here allocates: the line is written from a buffer on the stack.
fn exceeded(size: u64) -> ! {
    let mut line = [0u8; 128];
    let mut cursor = std::io::Cursor::new(&mut line[..]);
    let _ = writeln!(cursor, "{BUDGET_EXCEEDED}{size} bytes");
    let written = usize::try_from(cursor.position()).unwrap_or(0);
    let _ = std::io::stderr().write_all(&line[..written]);
    std::process::exit(EXIT_MEMORY_BUDGET);
}

/// Bytes the process holds through [`BudgetAllocator`] (0 when it is not installed).
pub(crate) fn used() -> u64 {
    USED.load(Ordering::Relaxed)
}

/// Whether this binary allocates through [`BudgetAllocator`].
pub(crate) fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// Sets the budget of this (worker) process.
pub(crate) fn set_budget(bytes: u64) {
    BUDGET.store(bytes, Ordering::Relaxed);
}

/// Reads the size a worker asked for from its stderr, if it went over its budget.
pub(crate) fn exceeded_request(stderr: &str) -> Option<u64> {
    stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(BUDGET_EXCEEDED))
        .and_then(|rest| rest.strip_suffix(" bytes"))
        .and_then(|size| size.parse().ok())
}

/// Gives the memory glibc's allocator holds free back to the system: freed blocks between
/// live ones otherwise stay in the process (its resident set keeps the high-water mark of
/// every burst). A no-op with another C library.
pub(crate) fn return_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only walks glibc's own free lists, under
    // their locks, and is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_read_back_from_the_last_budget_line() {
        let stderr = format!("some log\n{BUDGET_EXCEEDED}8589934656 bytes\n");
        assert_eq!(exceeded_request(&stderr), Some(8_589_934_656));
        assert_eq!(
            exceeded_request("memory allocation of 12 bytes failed"),
            None
        );
    }
}
