//! The dev server as a child process: its own process group (so a signal
//! reaches every worker it forks, and we can end them all), its output read
//! line by line on two threads, and a stop that leaves nothing behind.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use crate::error::DevError;
use crate::proc;

/// How many output lines an error message shows.
pub const TAIL_LINES: usize = 12;

/// A line the server printed, colors removed.
#[derive(Debug, Clone)]
pub struct Line {
    pub at: Instant,
    pub text: String,
}

/// A running child in its own process group.
pub struct ServerProcess {
    child: Child,
    pub pid: u32,
    pub started: Instant,
    pub lines: Receiver<Line>,
    tail: Arc<Mutex<VecDeque<String>>>,
    status: Option<ExitStatus>,
}

/// Starts `command` in `cwd`, in a new process group. With `echo`, the
/// child's output is copied to ours as it arrives.
pub fn spawn(command: &[String], cwd: &Path, echo: bool) -> Result<ServerProcess, DevError> {
    let (program, args) = command.split_first().ok_or(DevError::NoCommand)?;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(cwd)
        // The child is not in the terminal's foreground group: reading the
        // terminal would stop it (SIGTTIN), so it gets no stdin.
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => DevError::NotFound {
            program: program.clone(),
        },
        _ => DevError::Spawn {
            program: program.clone(),
            source,
        },
    })?;
    let (tx, rx) = channel();
    let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
    if let Some(out) = child.stdout.take() {
        read_lines(out, tx.clone(), tail.clone(), echo, false);
    }
    if let Some(err) = child.stderr.take() {
        read_lines(err, tx, tail.clone(), echo, true);
    }
    Ok(ServerProcess {
        pid: child.id(),
        child,
        started,
        lines: rx,
        tail,
        status: None,
    })
}

fn read_lines(
    stream: impl Read + Send + 'static,
    tx: Sender<Line>,
    tail: Arc<Mutex<VecDeque<String>>>,
    echo: bool,
    stderr: bool,
) {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let at = Instant::now();
            if echo {
                // A closed terminal must not stop the server: ignore errors.
                if stderr {
                    let _ = std::io::stderr().lock().write_all(&buf);
                } else {
                    let _ = std::io::stdout().lock().write_all(&buf);
                }
            }
            let text = strip_ansi(String::from_utf8_lossy(&buf).trim_end());
            if let Ok(mut t) = tail.lock() {
                if t.len() == TAIL_LINES {
                    t.pop_front();
                }
                t.push_back(text.clone());
            }
            // The receiver may be gone (the run is over); keep draining so the
            // child never blocks on a full pipe.
            let _ = tx.send(Line { at, text });
        }
    });
}

/// Removes ANSI escape sequences (colors, cursor moves).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// `exit code N` or `signal NAME`, for messages.
pub fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(sig)) => match Signal::try_from(sig) {
            Ok(s) => format!("signal {}", s.as_str()),
            Err(_) => format!("signal {sig}"),
        },
        _ => "an unknown status".to_string(),
    }
}

/// The exit code a shell would report: the code, or 128 + the signal.
pub fn exit_code(status: ExitStatus) -> i32 {
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1)
}

impl ServerProcess {
    /// The last lines printed (for error messages).
    pub fn tail(&self) -> Vec<String> {
        self.tail
            .lock()
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The exit status, if the child has exited.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// Sends `signal` to the whole process group.
    pub fn signal_group(&self, signal: Signal) {
        let _ = killpg(Pid::from_raw(self.pid as i32), signal);
    }

    /// Ends the child and everything it started: SIGTERM to the group and to
    /// every descendant (some leave the group), SIGKILL after `grace`.
    pub fn stop(&mut self, grace: Duration) -> ExitStatus {
        let pgid = self.pid as i32;
        let mut tree = proc::descendants(self.pid);
        tree.retain(|&p| p != self.pid);
        self.signal_group(Signal::SIGTERM);
        for &p in &tree {
            let _ = kill(Pid::from_raw(p as i32), Signal::SIGTERM);
        }
        let deadline = Instant::now() + grace;
        loop {
            let exited = self.try_wait().is_some();
            let group_left = proc::group_members(pgid).is_empty();
            let tree_left = tree.iter().any(|&p| proc::alive(p));
            if exited && group_left && !tree_left {
                break;
            }
            if Instant::now() >= deadline {
                self.signal_group(Signal::SIGKILL);
                for &p in &tree {
                    let _ = kill(Pid::from_raw(p as i32), Signal::SIGKILL);
                }
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        self.wait()
    }

    /// Waits for the child to exit, then ends what it left in its group.
    pub fn wait(&mut self) -> ExitStatus {
        let status = match self.status {
            Some(s) => s,
            None => {
                let s = self
                    .child
                    .wait()
                    .unwrap_or_else(|_| ExitStatus::from_raw(1 << 8));
                self.status = Some(s);
                s
            }
        };
        // The leader is gone; workers it left in the group must not outlive it.
        let pgid = self.pid as i32;
        if !proc::group_members(pgid).is_empty() {
            self.signal_group(Signal::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(3);
            while !proc::group_members(pgid).is_empty() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(20));
            }
            self.signal_group(Signal::SIGKILL);
        }
        status
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.try_wait().is_none() {
            self.stop(Duration::from_secs(5));
        }
    }
}
