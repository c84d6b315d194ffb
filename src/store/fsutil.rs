//! File primitives: advisory locks, atomic whole-file rewrites, private (0600) files.

use crate::error::{Result, SbError};
use crate::poll::{Step, Waited, poll_until};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An exclusive advisory lock on a lock file, released on drop.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Block until the lock is ours.
    pub fn acquire(path: &Path) -> Result<FileLock> {
        let file = open_lock_file(path)?;
        file.lock().map_err(|e| io_err("lock", path, e))?;
        Ok(FileLock { _file: file })
    }

    /// Try for at most `budget`; None when someone else holds it that long.
    pub fn acquire_within(path: &Path, budget: Duration) -> Result<Option<FileLock>> {
        let file = open_lock_file(path)?;
        let got = poll_until(budget, Duration::from_millis(1), || match file.try_lock() {
            Ok(()) => Ok(Step::Done(())),
            Err(fs::TryLockError::WouldBlock) => Ok(Step::Again),
            Err(fs::TryLockError::Error(e)) => Err(io_err("lock", path, e)),
        })?;
        Ok(match got {
            Waited::Done(()) => Some(FileLock { _file: file }),
            Waited::TimedOut => None,
        })
    }
}

/// Open (creating it 0600, never through a symlink) the file a lock is taken on.
pub fn open_lock_file(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| io_err("create", dir, e))?;
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| io_err("open", path, e))
}

/// Replace `path` with `bytes` so readers see the old or the new whole file, never a mix:
/// temp file in the same directory (0600), fsync, rename over, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    let tmp: PathBuf = dir.join(format!(
        ".{name}.tmp.{}.{}",
        std::process::id(),
        crate::clock::new_id()
    ));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        remove_stale_temps(dir, name);
        Ok(())
    })();
    result.map_err(|e: std::io::Error| {
        let _ = fs::remove_file(&tmp);
        io_err("write", path, e)
    })
}

/// Remove temp files of `name` left by writers that were killed before their rename (their pid,
/// the part after `.tmp.`, no longer runs). Best effort.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        // SAFETY: kill with signal 0 only checks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Read a whole file; Ok(None) when it does not exist. Refuses to follow a symlink.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
    {
        Ok(mut f) => {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut buf).map_err(|e| io_err("read", path, e))?;
            Ok(Some(buf))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err("read", path, e)),
    }
}

/// An I/O error naming the file and what was being done; symlink refusals say so.
pub fn io_err(op: &str, path: &Path, e: std::io::Error) -> SbError {
    if e.raw_os_error() == Some(libc::ELOOP) {
        return SbError::Unsafe(format!(
            "{} is a symbolic link; sb does not follow links in its state directory",
            path.display()
        ));
    }
    SbError::Other(anyhow::anyhow!("cannot {op} {}: {e}", path.display()))
}
