//! Run a subprocess with a time bound: its stdin fed from a thread, its output collected, and
//! after the deadline the child killed through its own `Child` handle (never a raw pid, which
//! could have been reaped and reused) and reaped.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What a finished child left behind.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Why a bounded run did not produce an [`Output`].
#[derive(Debug)]
pub enum RunError {
    /// The program could not be started (`NotFound` when it is not on PATH).
    Spawn(std::io::Error),
    /// Waiting on it failed.
    Wait(std::io::Error),
    /// It did not finish within the bound; it was killed and reaped.
    TimedOut,
}

/// Run `cmd` (its stdout and stderr are captured; stdin is `input` or /dev/null) and wait at
/// most `timeout` for it to exit.
pub fn run(mut cmd: Command, input: Option<&[u8]>, timeout: Duration) -> Result<Output, RunError> {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(RunError::Spawn)?;
    let deadline = Instant::now() + timeout;
    // Write stdin from a thread so a large input cannot deadlock against the child's output.
    let writer = input.and_then(|bytes| {
        let mut pipe = child.stdin.take()?;
        let bytes = bytes.to_vec();
        Some(std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        }))
    });
    let (tx, rx) = mpsc::channel();
    let out = spawn_reader(child.stdout.take(), tx.clone(), false);
    let err = spawn_reader(child.stderr.take(), tx, true);
    let (mut stdout, mut stderr, mut open) = (Vec::new(), Vec::new(), 2);
    // Both pipes reach EOF when the child exits (or closes them); until then the deadline holds.
    while open > 0 {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok((is_err, bytes)) => {
                open -= 1;
                if is_err {
                    stderr = bytes;
                } else {
                    stdout = bytes;
                }
            }
            Err(_) => return Err(kill(&mut child)),
        }
    }
    let status = loop {
        match child.try_wait().map_err(RunError::Wait)? {
            Some(status) => break status,
            None if Instant::now() >= deadline => return Err(kill(&mut child)),
            // The pipes are closed: the child is exiting; look again soon.
            None => std::thread::sleep(Duration::from_micros(200)),
        }
    };
    for h in [out, err].into_iter().flatten() {
        let _ = h.join();
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
    Ok(Output {
        status,
        stdout,
        stderr,
    })
}

type Chunk = (bool, Vec<u8>);

fn spawn_reader<R: Read + Send + 'static>(
    pipe: Option<R>,
    tx: mpsc::Sender<Chunk>,
    is_err: bool,
) -> Option<std::thread::JoinHandle<()>> {
    let Some(mut pipe) = pipe else {
        let _ = tx.send((is_err, Vec::new()));
        return None;
    };
    Some(std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        let _ = tx.send((is_err, buf));
    }))
}

/// Kill a child that has not been waited on (so its pid is still ours) and reap it.
fn kill(child: &mut Child) -> RunError {
    let _ = child.kill();
    let _ = child.wait();
    RunError::TimedOut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_and_status_are_collected() {
        let mut c = Command::new("sh");
        c.args(["-c", "cat; echo err >&2; exit 3"]);
        let out = run(c, Some(b"in"), Duration::from_secs(10)).unwrap();
        assert_eq!(out.stdout, b"in");
        assert_eq!(out.stderr, b"err\n");
        assert_eq!(out.status.code(), Some(3));
    }

    #[test]
    fn a_child_that_hangs_is_killed_at_the_deadline() {
        let mut c = Command::new("sleep");
        c.arg("30");
        let start = Instant::now();
        assert!(matches!(
            run(c, None, Duration::from_millis(200)),
            Err(RunError::TimedOut)
        ));
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let c = Command::new("/nonexistent/sb-no-such-program");
        match run(c, None, Duration::from_secs(1)) {
            Err(RunError::Spawn(e)) => assert_eq!(e.kind(), std::io::ErrorKind::NotFound),
            other => panic!("{other:?}"),
        }
    }
}
