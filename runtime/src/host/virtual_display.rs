use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::{Error, Result};

/// How long Xvfb may take to come up.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A private X server (Xvfb) for running webviews where there is no display, e.g. in CI.
/// The server stops when this value is dropped, or by itself once its last client is gone.
#[derive(Debug)]
pub struct VirtualDisplay {
    child: Child,
    name: String,
}

impl VirtualDisplay {
    /// Starts Xvfb with a `width`×`height` 24-bit screen on a free display number.
    pub fn start(width: u32, height: u32) -> Result<Self> {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
            ])
            .args(["-nolisten", "tcp", "-terminate"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Display(format!("{e}; install it with: apt-get install xvfb")))?;
        // Xvfb writes the display number to the -displayfd once it accepts connections.
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Error::Display("no stdout".into()))?;
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line);
            sender.send(read.map(|_| line)).ok();
        });
        let number = match receiver.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) if line.trim().parse::<u32>().is_ok() => line.trim().to_owned(),
            _ => {
                child.kill().ok();
                child.wait().ok();
                let mut stderr = String::new();
                if let Some(mut err) = child.stderr.take() {
                    err.read_to_string(&mut stderr).ok();
                }
                let last = stderr
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("no output");
                return Err(Error::Display(format!("Xvfb did not start: {last}")));
            }
        };
        // Nothing reads Xvfb's log from here on; keep its pipe from filling up.
        if let Some(mut err) = child.stderr.take() {
            thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        }
        Ok(Self {
            child,
            name: format!(":{number}"),
        })
    }

    /// The display name to put in `DISPLAY`, e.g. `:99`.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
