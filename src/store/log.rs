//! Append-only JSON Lines logs (`conversation.jsonl`, `mailbox/<role>.jsonl`, `events.jsonl`):
//! whole-line appends under a lock, and tail reads whose cost grows with the lines asked for.

use super::StateDir;
use super::fsutil::io_err;
use crate::error::Result;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

/// One message, as written to `conversation.jsonl` and the recipient's mailbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Message {
    /// Unique, sorts by time.
    pub id: String,
    /// RFC 3339 UTC with milliseconds.
    pub ts: String,
    pub from: String,
    pub to: String,
    /// The text as typed into the peer (sanitized, without the `[from:…]` tag).
    pub text: String,
    /// tmux accepted the paste.
    pub delivered: bool,
    /// tmux accepted the Enter that submits it.
    pub submitted: bool,
    /// Why it was not delivered or not submitted.
    pub error: Option<String>,
    /// Where the message stands. Each message is logged twice: a `sending` record, durably
    /// written before any byte is typed, then its outcome under the same id. A `sending` record
    /// with no later outcome means sb was stopped between the two: the outcome is unknown.
    /// Absent in logs written before write-ahead records (read as delivered/undelivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The host the message was delivered on, when that is not this one: the sender's copy of a
    /// message to a role on another host (`sb register ROLE --host`), and `history --hosts`.
    /// Absent for messages delivered here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The steps the message went through, oldest first, each with its time (`queued`, `typed`,
    /// `submitted`, `seen`, or `refused` / `expired` / `flagged` / `dropped`). Every record
    /// carries the whole list so far, so the last record holds all of it. Absent in older logs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receipts: Vec<Receipt>,
    /// A queued message: not delivered after this time (RFC 3339 UTC), but expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// A delivered message: what its `seen` receipt is checked against (taken before typing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<SeenBasis>,
    /// How it went: `paste` (typed into the pane) or `native` (over Claude Code's own socket,
    /// `crate::native`). Absent in write-ahead and queued records and in older logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// One step of a message's way to its recipient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Receipt {
    pub step: Step,
    /// RFC 3339 UTC with milliseconds.
    pub ts: String,
    /// For `seen`: `transcript` or `screen`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// Why (`queued`, `refused`, `expired`, `flagged`: the reason in words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A receipt step (docs/ARCHITECTURE.md, "Receipts").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Refused by the guard and stored for `sb watch` to deliver (`send --queue`).
    Queued,
    /// Pasted into the recipient's pane.
    Typed,
    /// Enter was pressed after the paste.
    Submitted,
    /// Seen taken as a user turn (in the recipient's transcript, or on its screen).
    Seen,
    /// Typed but not seen within `sb watch --flag-unseen`; the sender was told, once.
    Flagged,
    /// Refused by the guard (not queued): not typed.
    Refused,
    /// Queued longer than its TTL: never typed; the sender was told, once.
    Expired,
    /// Removed from the queue with `sb queue drop`: never typed.
    Dropped,
}

/// What the `seen` receipt of a delivered message compares against, read before typing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SeenBasis {
    /// The agent seen on the recipient's screen (how its transcript is read).
    pub agent: crate::detect::Agent,
    /// The recipient's transcript, when a hook recorded one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
    /// The transcript's length before the paste: only user turns after it count.
    #[serde(default)]
    pub offset: u64,
    /// How often the message's probe was on screen before the paste.
    #[serde(default)]
    pub visible: usize,
    /// The recipient was busy before the paste (a busy screen may only have queued it).
    #[serde(default)]
    pub busy: bool,
}

/// A message's state in the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Logged, about to be typed (or waiting for the peer with --when-ready).
    Sending,
    /// Typed into the peer's pane (see `submitted`).
    Delivered,
    /// Not typed: refused by the guard, timed out, interrupted, or the pane was gone.
    Undelivered,
    /// Refused by the guard and stored: `sb watch` delivers it when the peer can take it.
    Queued,
    /// Queued longer than its TTL: never typed.
    Expired,
    /// Removed from the queue (`sb queue drop`): never typed.
    Dropped,
    /// Sent over Claude Code's socket (`via: native`) and held there for a person's yes/no
    /// (the recipient's `crossSessionInbound` setting): not yet seen by its model.
    Held,
}

impl Message {
    /// The outcome, also for records written before `outcome` existed.
    pub fn outcome(&self) -> Outcome {
        self.outcome.unwrap_or(if self.delivered {
            Outcome::Delivered
        } else {
            Outcome::Undelivered
        })
    }

    /// A record that only adds a receipt step (`seen`, `flagged`) to a delivered message: it
    /// updates the message in place and does not move it in the log's order.
    pub fn is_receipt_only(&self) -> bool {
        self.outcome() == Outcome::Delivered
            && self
                .receipts
                .last()
                .is_some_and(|r| matches!(r.step, Step::Seen | Step::Flagged))
    }

    /// Whether a receipt with this step is recorded.
    pub fn has_step(&self, step: Step) -> bool {
        self.receipts.iter().any(|r| r.step == step)
    }

    /// Add a step at `ts`.
    pub fn push_step(&mut self, step: Step, ts: &str, via: Option<&str>, note: Option<&str>) {
        self.receipts.push(Receipt {
            step,
            ts: ts.to_string(),
            via: via.map(str::to_string),
            note: note.map(str::to_string),
        });
    }
}

/// Collapse the records of each message into one: its last record, at the place of its last
/// record that is not receipt-only (outcomes are written under the pane lock, so this is
/// delivery order; a later `seen` or `flagged` step updates the message where it stands). A
/// message left at `sending` keeps that outcome (unknown: sb stopped before logging it).
pub fn fold_outcomes(records: Vec<Message>) -> Vec<Message> {
    use std::collections::HashMap;
    let mut last: HashMap<String, usize> = HashMap::new();
    let mut place: HashMap<String, usize> = HashMap::new();
    for (i, m) in records.iter().enumerate() {
        last.insert(m.id.clone(), i);
        if !m.is_receipt_only() || !place.contains_key(&m.id) {
            place.insert(m.id.clone(), i);
        }
    }
    let mut slots: Vec<Option<Message>> = vec![None; records.len()];
    let mut latest: HashMap<String, Message> = HashMap::new();
    for (i, m) in records.into_iter().enumerate() {
        if last.get(&m.id) == Some(&i) {
            latest.insert(m.id.clone(), m);
        }
    }
    for (id, m) in latest {
        if let Some(&p) = place.get(&id) {
            slots[p] = Some(m);
        }
    }
    slots.into_iter().flatten().collect()
}

/// Append a receipt-only record (a `seen` or `flagged` step) to the conversation log. Mailboxes
/// are not touched: a mailbox lists what reached its role, and its read marker must not move.
pub fn append_receipt(dir: &StateDir, msg: &Message) -> Result<()> {
    dir.ensure()?;
    append_record(&dir.conversation(), msg)
}

/// The records appended to a log after byte `offset`, oldest first, and the offset after the
/// last whole line read (where the next read starts). A file shorter than `offset` (replaced)
/// is read from the start; unreadable lines are passed over.
pub fn read_from<T: DeserializeOwned>(path: &Path, offset: u64) -> Result<(Vec<T>, u64)> {
    let Some(file) = open_read(path)? else {
        return Ok((vec![], 0));
    };
    let len = file.metadata().map_err(|e| io_err("read", path, e))?.len();
    let offset = if len < offset { 0 } else { offset };
    if len == offset {
        return Ok((vec![], offset));
    }
    let n = usize::try_from(len - offset)
        .map_err(|_| io_err("read", path, std::io::ErrorKind::FileTooLarge.into()))?;
    let mut buf = vec![0u8; n];
    file.read_exact_at(&mut buf, offset)
        .map_err(|e| io_err("read", path, e))?;
    let whole = buf.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let records = buf[..whole]
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect();
    Ok((records, offset + whole as u64))
}

/// Append `msg` to the conversation and the recipient's mailbox. The conversation lock is held
/// until both lines are written, so both files list messages in the same order. With `durable`
/// both files are flushed to disk (fdatasync) before it returns: the write-ahead record that
/// must exist before anything is typed.
pub fn append_message_with(dir: &StateDir, msg: &Message, durable: bool) -> Result<()> {
    dir.ensure()?;
    let mut line = serde_json::to_vec(msg).map_err(|e| crate::error::SbError::Other(e.into()))?;
    line.push(b'\n');
    let conv = dir.conversation();
    let conv_file = open_append(&conv)?;
    conv_file.lock().map_err(|e| io_err("lock", &conv, e))?;
    write_line(&conv_file, &conv, &line)?;
    let mbox = dir.mailbox(&msg.to);
    let mbox_file = open_append(&mbox)?;
    write_line(&mbox_file, &mbox, &line)?;
    if durable {
        conv_file
            .sync_data()
            .map_err(|e| io_err("flush", &conv, e))?;
        mbox_file
            .sync_data()
            .map_err(|e| io_err("flush", &mbox, e))?;
    }
    Ok(())
}

/// Append one serializable record as a line under the file's own lock.
pub fn append_record<T: Serialize>(path: &Path, record: &T) -> Result<()> {
    let mut line =
        serde_json::to_vec(record).map_err(|e| crate::error::SbError::Other(e.into()))?;
    line.push(b'\n');
    let f = open_append(path)?;
    f.lock().map_err(|e| io_err("lock", path, e))?;
    write_line(&f, path, &line)
}

fn open_append(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true) // to look at the last byte (see `write_line`)
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| io_err("open", path, e))
}

/// One `write` of the whole line (O_APPEND places it at the end atomically w.r.t. other appenders).
/// Called under the lock. If the file does not end in a newline, a writer died inside its `write`
/// (SIGKILL stops a large write between pages) and left a torn line: end that fragment first, so
/// it stays one unreadable line (skipped and counted by readers) instead of swallowing this one.
fn write_line(mut f: &File, path: &Path, line: &[u8]) -> Result<()> {
    let len = f
        .metadata()
        .map_err(|e| io_err("append to", path, e))?
        .len();
    let mut last = [b'\n'];
    if len > 0 {
        f.read_exact_at(&mut last, len - 1)
            .map_err(|e| io_err("read", path, e))?;
    }
    let repaired;
    let line = if last[0] == b'\n' {
        line
    } else {
        repaired = [b"\n", line].concat();
        &repaired[..]
    };
    let n = f.write(line).map_err(|e| io_err("append to", path, e))?;
    if n != line.len() {
        // A short write (disk full): cut the partial line off so no torn line stays behind.
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = f.set_len(len.saturating_sub(n as u64));
        return Err(io_err(
            "append to",
            path,
            std::io::Error::other("short write (disk full?)"),
        ));
    }
    Ok(())
}

/// The last records of a log, oldest first, and how many unreadable lines were skipped.
#[derive(Debug)]
pub struct Tail<T> {
    pub records: Vec<T>,
    pub skipped: usize,
}

/// Read the last `limit` records matching `keep` (0 = all), scanning the file backwards in
/// blocks. A missing file is empty. Torn or corrupt lines are skipped and counted.
pub fn read_tail<T: DeserializeOwned>(
    path: &Path,
    limit: usize,
    keep: impl Fn(&T) -> bool,
) -> Result<Tail<T>> {
    let mut tail = Tail {
        records: Vec::new(),
        skipped: 0,
    };
    let torn = scan_back(path, |seg| {
        if limit != 0 && tail.records.len() >= limit {
            return false;
        }
        take_line(seg, &mut tail, &keep);
        true
    })?;
    tail.skipped += torn;
    tail.records.reverse();
    Ok(tail)
}

/// The records after the newest one for which `is_mark` holds, oldest first, and whether such a
/// record was found (if not, every record is returned). Reads backwards only as far as the mark.
pub fn read_since<T: DeserializeOwned>(
    path: &Path,
    is_mark: impl Fn(&T) -> bool,
) -> Result<(Tail<T>, bool)> {
    let mut tail = Tail {
        records: Vec::new(),
        skipped: 0,
    };
    let mut found = false;
    let torn = scan_back(path, |seg| {
        if seg.iter().all(u8::is_ascii_whitespace) {
            return true;
        }
        match serde_json::from_slice::<T>(seg) {
            Ok(r) if is_mark(&r) => {
                found = true;
                return false;
            }
            Ok(r) => tail.records.push(r),
            Err(_) => tail.skipped += 1,
        }
        true
    })?;
    tail.skipped += torn;
    tail.records.reverse();
    Ok((tail, found))
}

/// Call `line` with each complete line of the file, newest first, until it returns false;
/// returns 1 when the file ends in a torn line (bytes after the final newline), which is not
/// passed on. Reads backwards in 64 KiB blocks, so the cost grows with the lines visited.
fn scan_back(path: &Path, mut line: impl FnMut(&[u8]) -> bool) -> Result<usize> {
    const BLOCK: u64 = 64 * 1024;
    let Some(file) = open_read(path)? else {
        return Ok(0);
    };
    let mut pos = file.metadata().map_err(|e| io_err("read", path, e))?.len();
    let mut carry: Vec<u8> = Vec::new();
    let mut first = true;
    let mut torn = 0;
    while pos > 0 {
        let n = BLOCK.min(pos);
        pos -= n;
        let n = usize::try_from(n)
            .map_err(|_| io_err("read", path, std::io::ErrorKind::FileTooLarge.into()))?;
        let mut buf = vec![0u8; n];
        file.read_exact_at(&mut buf, pos)
            .map_err(|e| io_err("read", path, e))?;
        buf.extend_from_slice(&carry);
        let segs: Vec<&[u8]> = buf.split(|b| *b == b'\n').collect();
        let last = segs.len() - 1;
        for (i, seg) in segs.iter().enumerate().rev() {
            if i == 0 && pos > 0 {
                carry = seg.to_vec();
                break;
            }
            if i == last && first {
                // Bytes after the final newline: a line torn by a crash (or being written).
                torn = usize::from(!seg.is_empty());
                continue;
            }
            if !line(seg) {
                return Ok(torn);
            }
        }
        first = false;
    }
    Ok(torn)
}

/// Call `on_record` with every record from the start of the file, oldest first, until it
/// returns false, holding one line in memory at a time; returns how many lines were unreadable
/// (a torn last line included). A missing file has none.
pub fn read_each<T: DeserializeOwned>(
    path: &Path,
    mut on_record: impl FnMut(T) -> bool,
) -> Result<usize> {
    use std::io::BufRead;
    let Some(file) = open_read(path)? else {
        return Ok(0);
    };
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
    let mut line = Vec::new();
    let mut skipped = 0;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| io_err("read", path, e))?;
        if n == 0 {
            return Ok(skipped);
        }
        if line.last() != Some(&b'\n') {
            // A torn last line (a crash, or a writer still writing).
            return Ok(skipped + 1);
        }
        let body = &line[..line.len() - 1];
        if body.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<T>(body) {
            Ok(r) => {
                if !on_record(r) {
                    return Ok(skipped);
                }
            }
            Err(_) => skipped += 1,
        }
    }
}

fn open_read(path: &Path) -> Result<Option<File>> {
    match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
    {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err("read", path, e)),
    }
}

fn take_line<T: DeserializeOwned>(seg: &[u8], tail: &mut Tail<T>, keep: &impl Fn(&T) -> bool) {
    if seg.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    match serde_json::from_slice::<T>(seg) {
        Ok(r) if keep(&r) => tail.records.push(r),
        Ok(_) => {}
        Err(_) => tail.skipped += 1,
    }
}

/// Follow a log from byte `offset`: call `on_record` for each new complete line, forever (until
/// `on_record` returns false). Polls the file size; a truncated file is read again from the start.
pub fn follow<T: DeserializeOwned>(
    path: &Path,
    mut offset: u64,
    mut on_record: impl FnMut(T) -> bool,
) -> Result<()> {
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if len < offset {
            offset = 0;
            pending.clear();
        }
        if len > offset {
            let f = File::open(path).map_err(|e| io_err("read", path, e))?;
            let n = usize::try_from(len - offset)
                .map_err(|_| io_err("read", path, std::io::ErrorKind::FileTooLarge.into()))?;
            let mut buf = vec![0u8; n];
            f.read_exact_at(&mut buf, offset)
                .map_err(|e| io_err("read", path, e))?;
            offset = len;
            pending.extend_from_slice(&buf);
            while let Some(nl) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=nl).collect();
                if let Ok(r) = serde_json::from_slice::<T>(&line[..nl])
                    && !on_record(r)
                {
                    return Ok(());
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
}

/// Size of a file, 0 when missing.
pub fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(i: usize, to: &str) -> Message {
        Message {
            id: format!("{i:08}"),
            ts: "2026-11-26T10:00:00.000Z".into(),
            from: "a".into(),
            to: to.into(),
            text: format!("m{i}\nline"),
            delivered: true,
            submitted: true,
            error: None,
            outcome: None,
            host: None,
            receipts: vec![],
            expires_at: None,
            basis: None,
            via: None,
        }
    }

    #[test]
    fn outcomes_fold_into_one_message_each() {
        let mut a = msg(1, "dev");
        a.outcome = Some(Outcome::Sending);
        a.delivered = false;
        let mut a2 = a.clone();
        a2.outcome = Some(Outcome::Delivered);
        a2.delivered = true;
        let mut b = msg(2, "dev");
        b.outcome = Some(Outcome::Sending);
        b.delivered = false;
        let old = msg(0, "dev");
        let folded = fold_outcomes(vec![old.clone(), a.clone(), b.clone(), a2.clone()]);
        assert_eq!(folded, vec![old.clone(), b.clone(), a2]);
        assert_eq!(old.outcome(), Outcome::Delivered);
        assert_eq!(b.outcome(), Outcome::Sending);
        let mut undelivered = msg(3, "dev");
        undelivered.delivered = false;
        assert_eq!(undelivered.outcome(), Outcome::Undelivered);
    }

    #[test]
    fn receipt_steps_update_a_message_in_place_and_a_delivery_moves_it() {
        let ts = "2026-11-26T10:00:01.000Z";
        let mut a = msg(1, "dev");
        a.outcome = Some(Outcome::Delivered);
        a.push_step(Step::Typed, ts, None, None);
        a.push_step(Step::Submitted, ts, None, None);
        let b = {
            let mut b = msg(2, "dev");
            b.outcome = Some(Outcome::Delivered);
            b
        };
        let mut a_seen = a.clone();
        a_seen.push_step(Step::Seen, ts, Some("transcript"), None);
        assert!(a_seen.is_receipt_only() && !a.is_receipt_only());
        // A queued message delivered later moves to its delivery.
        let mut q = msg(3, "dev");
        q.outcome = Some(Outcome::Queued);
        q.delivered = false;
        q.push_step(Step::Queued, ts, None, Some("a menu is open"));
        let mut q_done = q.clone();
        q_done.outcome = Some(Outcome::Delivered);
        q_done.delivered = true;
        q_done.push_step(Step::Typed, ts, None, None);
        let folded = fold_outcomes(vec![
            a.clone(),
            q.clone(),
            b.clone(),
            a_seen.clone(),
            q_done.clone(),
        ]);
        assert_eq!(folded, vec![a_seen, b, q_done]);
        // Old readers' records (no receipts) are never receipt-only.
        assert!(!msg(4, "dev").is_receipt_only());
        // A record from an older sb (no receipts, no outcome) still reads.
        let old: Message = serde_json::from_str(
            r#"{"id":"1","ts":"t","from":"a","to":"b","text":"x","delivered":true,"submitted":true,"error":null}"#,
        )
        .unwrap();
        assert!(old.receipts.is_empty() && old.outcome() == Outcome::Delivered);
    }

    #[test]
    fn read_from_returns_whole_new_lines_and_where_to_resume() {
        let dir = tempfile::tempdir().unwrap();
        let st = StateDir::at(dir.path());
        append_message_with(&st, &msg(1, "x"), false).unwrap();
        let path = st.conversation();
        let (r, at) = read_from::<Message>(&path, 0).unwrap();
        assert_eq!((r.len(), at), (1, file_len(&path)));
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"id\":\"torn").unwrap();
        let (r, at2) = read_from::<Message>(&path, at).unwrap();
        assert!(
            r.is_empty() && at2 == at,
            "a line still being written waits"
        );
        // A replaced (shorter) file is read from the start.
        std::fs::write(&path, b"").unwrap();
        append_message_with(&st, &msg(2, "x"), false).unwrap();
        let (r, _) = read_from::<Message>(&path, at2 + 10_000).unwrap();
        assert_eq!(r[0].id, "00000002");
    }

    #[test]
    fn tail_reads_last_records_across_blocks_and_skips_torn_and_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let st = StateDir::at(dir.path());
        for i in 0..3000 {
            append_message_with(&st, &msg(i, if i % 2 == 0 { "x" } else { "y" }), false).unwrap();
        }
        let path = st.conversation();
        let t: Tail<Message> = read_tail(&path, 5, |_| true).unwrap();
        assert_eq!(
            t.records.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
            ["00002995", "00002996", "00002997", "00002998", "00002999"]
        );
        let all: Tail<Message> = read_tail(&path, 0, |_| true).unwrap();
        assert_eq!(all.records.len(), 3000);
        assert_eq!(all.skipped, 0);
        let ys: Tail<Message> = read_tail(&path, 2, |m: &Message| m.to == "y").unwrap();
        assert_eq!(
            ys.records.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["00002997", "00002999"]
        );
        // A corrupt line in the middle and a torn last line.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{not json}\n").unwrap();
        append_message_with(&st, &msg(3000, "x"), false).unwrap();
        f.write_all(b"{\"id\":\"torn").unwrap();
        let t: Tail<Message> = read_tail(&path, 3, |_| true).unwrap();
        assert_eq!(
            t.records.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["00002998", "00002999", "00003000"]
        );
        assert_eq!(t.skipped, 2);
        let mb: Tail<Message> = read_tail(&st.mailbox("y"), 0, |_| true).unwrap();
        assert_eq!(mb.records.len(), 1500);
    }

    #[test]
    fn read_each_streams_every_record_in_order_and_counts_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let st = StateDir::at(dir.path());
        for i in 0..2000 {
            append_message_with(&st, &msg(i, "x"), false).unwrap();
        }
        let path = st.conversation();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{not json}\n\n").unwrap();
        append_message_with(&st, &msg(2000, "x"), false).unwrap();
        f.write_all(b"{\"id\":\"torn").unwrap();
        let mut ids = Vec::new();
        let skipped = read_each(&path, |m: Message| {
            ids.push(m.id);
            true
        })
        .unwrap();
        assert_eq!(ids.len(), 2001);
        assert_eq!(ids[0], "00000000");
        assert_eq!(ids[2000], "00002000");
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(skipped, 2, "the corrupt line and the torn tail");
        // It stops when asked, having read no further than needed.
        let mut n = 0;
        read_each(&path, |_: Message| {
            n += 1;
            n < 3
        })
        .unwrap();
        assert_eq!(n, 3);
        // The reader holds one line at a time: its buffer is the fixed 64 KiB plus one line,
        // whatever the file's size (see `read_each`); a missing file is empty.
        assert_eq!(
            read_each(Path::new("/nonexistent/sb/x.jsonl"), |_: Message| true).unwrap(),
            0
        );
    }

    #[test]
    fn read_since_returns_what_follows_the_mark() {
        let dir = tempfile::tempdir().unwrap();
        let st = StateDir::at(dir.path());
        for i in 0..3000 {
            append_message_with(&st, &msg(i, "x"), false).unwrap();
        }
        let path = st.mailbox("x");
        let (t, found) = read_since(&path, |m: &Message| m.id == "00002990").unwrap();
        assert!(found);
        assert_eq!(t.records.len(), 9);
        assert_eq!(t.records[0].id, "00002991");
        let (t, found) = read_since(&path, |m: &Message| m.id == "gone").unwrap();
        assert!(!found);
        assert_eq!(t.records.len(), 3000);
        let (t, found) = read_since(&path, |m: &Message| m.id == "00002999").unwrap();
        assert!(found && t.records.is_empty());
    }

    #[test]
    fn missing_log_is_empty() {
        let t: Tail<Message> =
            read_tail(Path::new("/nonexistent/sb/conv.jsonl"), 10, |_| true).unwrap();
        assert!(t.records.is_empty());
    }
}
