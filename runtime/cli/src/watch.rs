//! The watch `capsule run` keeps on an app folder someone is editing: the system's file
//! notifications (inotify on Linux, through `notify`) for the whole tree, hidden files and
//! folders (`.git`, editor swap files) left out, a burst of events (an editor's save writes,
//! renames and touches) reported as one change.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// Quiet time that ends a burst of events.
const QUIET: Duration = Duration::from_millis(150);

/// A folder watched for changes, with every folder under it (those created later too).
pub(crate) struct FolderWatch {
    folder: PathBuf,
    events: Receiver<notify::Result<Event>>,
    /// Kept for as long as the watch lasts: dropping it ends the notifications.
    _watcher: RecommendedWatcher,
}

impl FolderWatch {
    /// Starts watching `folder`; every folder under it is watched when this returns.
    pub(crate) fn start(folder: &Path) -> notify::Result<Self> {
        let (sender, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender)?;
        watcher.watch(folder, RecursiveMode::Recursive)?;
        Ok(Self {
            folder: folder.to_owned(),
            events,
            _watcher: watcher,
        })
    }

    /// Waits for the next change to a file that is not hidden, and for the burst it is part
    /// of to end; the files changed (relative to the folder), or `None` once the watch has
    /// ended. Errors the watch reports (an overflowing event queue) are printed and count
    /// as a change, since something may have changed unseen.
    pub(crate) fn next_change(&self) -> Option<Vec<PathBuf>> {
        let mut changed = Vec::new();
        let mut missed = false;
        loop {
            let event = if changed.is_empty() && !missed {
                self.events.recv().ok()?
            } else {
                match self.events.recv_timeout(QUIET) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => return Some(changed),
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            };
            match event {
                Ok(event) if is_change(&event.kind) => {
                    missed |= event.need_rescan();
                    for path in &event.paths {
                        if let Some(relative) = self.visible(path)
                            && !changed.contains(&relative)
                        {
                            changed.push(relative);
                        }
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    eprintln!("watch: {}: {error}", self.folder.display());
                    missed = true;
                }
            }
        }
    }

    /// `path` relative to the folder, unless a part of it is hidden (starts with `.`).
    fn visible(&self, path: &Path) -> Option<PathBuf> {
        let relative = path.strip_prefix(&self.folder).ok()?;
        let hidden = relative.components().any(|part| match part {
            Component::Normal(name) => name.to_string_lossy().starts_with('.'),
            _ => false,
        });
        (!hidden && !relative.as_os_str().is_empty()).then(|| relative.to_owned())
    }
}

/// Whether an event changes what is in the tree (reads and opens do not).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// The next change, or a failure after `within`.
    fn change_within(watch: FolderWatch, within: Duration) -> (FolderWatch, Vec<PathBuf>) {
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let change = watch.next_change();
            sender.send((watch, change)).ok();
        });
        let (watch, change) = receiver.recv_timeout(within).expect("a change was seen");
        (watch, change.expect("the watch goes on"))
    }

    #[test]
    fn a_change_deep_in_a_tree_of_more_than_20000_files_is_seen_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        for folder in 0..210 {
            let path = root.join(format!("miniprogram_npm/lib{folder}/dist"));
            fs::create_dir_all(&path).expect("dirs");
            for file in 0..100 {
                fs::write(path.join(format!("f{file}.js")), "module.exports = 1;").expect("write");
            }
        }
        let deep = root.join("pages/a/b/c/d/e/f/g/h");
        fs::create_dir_all(&deep).expect("dirs");
        fs::write(deep.join("index.wxml"), "<view/>").expect("write");
        fs::create_dir_all(root.join(".git/objects")).expect("dirs");

        let watch = FolderWatch::start(&root).expect("watching");
        // Hidden files change first: they are no change of the app.
        fs::write(root.join(".git/objects/x"), "x").expect("write");
        fs::write(root.join(".index.wxml.swp"), "x").expect("write");
        // An editor's save: a write in several parts, then the file touched again.
        fs::write(deep.join("index.wxml"), "<view>").expect("write");
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(deep.join("index.wxml"))
            .expect("open");
        std::io::Write::write_all(&mut file, b"changed</view>").expect("append");
        drop(file);

        let (watch, changed) = change_within(watch, Duration::from_secs(10));
        assert_eq!(changed, [PathBuf::from("pages/a/b/c/d/e/f/g/h/index.wxml")]);

        // The burst was one change: nothing more until the next edit, in a new folder.
        fs::create_dir_all(root.join("components/card")).expect("dirs");
        fs::write(root.join("components/card/card.wxss"), ".a {}").expect("write");
        let (_, changed) = change_within(watch, Duration::from_secs(10));
        assert!(
            !changed.is_empty() && changed.iter().all(|p| p.starts_with("components")),
            "{changed:?}"
        );
    }
}
