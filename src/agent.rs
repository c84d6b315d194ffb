//! A small scripted terminal agent (hidden `sb agent`): it stands in for a coding TUI in tests and
//! in `sb demo`. It turns on bracketed paste, reads the terminal raw, records every byte it gets,
//! draws a Claude-like input box (or a canned screen from a file), and can answer with canned lines.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the agent does; set by `sb agent` flags.
#[derive(Debug, Clone, Default)]
pub struct AgentSpec {
    /// Append every byte read from the terminal to this file.
    pub record: Option<PathBuf>,
    /// Draw this file's text as the whole screen, redrawn whenever it changes.
    pub screen: Option<PathBuf>,
    /// Canned reply printed after each submitted message.
    pub reply: Option<String>,
    /// How long to look busy before replying.
    pub think: Duration,
    /// A shell command run once after the first reply (the demo's next hop).
    pub then: Option<String>,
    /// Append each submitted message as a user turn to this JSONL file, like Claude Code's transcript.
    pub transcript: Option<PathBuf>,
    /// Ignore this many Enter presses (as a TUI that took an Enter as a newline would).
    pub swallow_enters: u32,
}

#[derive(Default)]
struct View {
    transcript: Vec<String>,
    draft: String,
    busy: bool,
    pasting: bool,
}

pub fn run(spec: AgentSpec) -> std::io::Result<()> {
    let _raw = RawMode::enable();
    let view = Arc::new(Mutex::new(View::default()));
    print!("\x1b[?2004h");
    draw(&spec, &view.lock().unwrap());
    if let Some(path) = spec.screen.clone() {
        let (spec2, view2) = (spec.clone(), view.clone());
        std::thread::spawn(move || {
            let mut last = None;
            loop {
                let now = std::fs::read(&path).ok();
                if now != last {
                    last = now;
                    draw(&spec2, &view2.lock().unwrap());
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
    }
    let mut record = match &spec.record {
        Some(p) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)?,
        ),
        None => None,
    };
    let mut stdin = std::io::stdin().lock();
    let mut buf = vec![0u8; 65536];
    let mut pending: Vec<u8> = Vec::new();
    let mut then = spec.then.clone();
    let mut swallow = spec.swallow_enters;
    loop {
        let n = stdin.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        if let Some(f) = record.as_mut() {
            f.write_all(&buf[..n])?;
            f.flush()?;
        }
        pending.extend_from_slice(&buf[..n]);
        let submitted = take_input(&mut pending, &mut view.lock().unwrap());
        for text in submitted {
            if swallow > 0 {
                swallow -= 1;
                view.lock().unwrap().draft = text;
                continue;
            }
            if let Some(t) = &spec.transcript {
                let line = serde_json::json!({"type": "user", "message": {"role": "user", "content": text}});
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(t)?;
                writeln!(f, "{line}")?;
            }
            converse(&spec, &view, text);
            if let Some(cmd) = then.take() {
                let _ = std::process::Command::new("sh").arg("-c").arg(cmd).status();
            }
        }
        draw(&spec, &view.lock().unwrap());
    }
}

/// Fold input bytes into the draft; return texts submitted with Enter. Inside a bracketed paste a
/// CR is a newline, outside it submits.
fn take_input(pending: &mut Vec<u8>, v: &mut View) -> Vec<String> {
    let mut out = Vec::new();
    let s = String::from_utf8_lossy(pending).into_owned();
    if s.ends_with('\u{fffd}')
        || ["\x1b", "\x1b[", "\x1b[2", "\x1b[20", "\x1b[200", "\x1b[201"]
            .iter()
            .any(|t| s.ends_with(t))
    {
        return out; // wait for the rest of a character or marker
    }
    pending.clear();
    let mut rest = s.as_str();
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("\x1b[200~") {
            v.pasting = true;
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix("\x1b[201~") {
            v.pasting = false;
            rest = r;
            continue;
        }
        match c {
            '\r' if !v.pasting => out.push(std::mem::take(&mut v.draft)),
            '\r' | '\n' => v.draft.push('\n'),
            '\x7f' => drop(v.draft.pop()),
            c if !c.is_control() || c == '\t' => v.draft.push(c),
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn converse(spec: &AgentSpec, view: &Arc<Mutex<View>>, text: String) {
    {
        let mut v = view.lock().unwrap();
        for (i, line) in text.lines().enumerate() {
            v.transcript
                .push(format!("{} {line}", if i == 0 { "❯" } else { " " }));
        }
        v.busy = spec.reply.is_some();
    }
    if let Some(reply) = &spec.reply {
        draw(spec, &view.lock().unwrap());
        std::thread::sleep(spec.think);
        let mut v = view.lock().unwrap();
        v.transcript.push(format!("● {reply}"));
        v.transcript.push(String::new());
        v.busy = false;
    }
}

fn draw(spec: &AgentSpec, v: &View) {
    let mut s = String::from("\x1b[H\x1b[2J");
    if let Some(text) = spec
        .screen
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
    {
        s.push_str(&text.replace('\n', "\r\n"));
    } else {
        let width = term_width().clamp(20, 400);
        let rule = "─".repeat(width);
        let rows = term_height().saturating_sub(5).max(1);
        let from = v.transcript.len().saturating_sub(rows);
        for line in &v.transcript[from..] {
            let _ = write!(s, "{line}\r\n");
        }
        if v.busy {
            s.push_str("✶ Thinking… (1s · ↓ 12 tokens · esc to interrupt)\r\n");
        }
        let _ = write!(
            s,
            "\r\n{rule}\r\n❯\u{a0}{}\r\n{rule}\r\n",
            v.draft.replace('\n', "\r\n  ")
        );
        s.push_str(if v.busy {
            "  esc to interrupt"
        } else {
            "  ? for shortcuts"
        });
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn term_width() -> usize {
    winsize().0
}
fn term_height() -> usize {
    winsize().1
}
fn winsize() -> (usize, usize) {
    // SAFETY: TIOCGWINSZ fills a plain struct; on failure we use a default.
    unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        if libc::ioctl(1, libc::TIOCGWINSZ, &mut ws) == 0 && ws.ws_col > 0 {
            return (ws.ws_col as usize, ws.ws_row as usize);
        }
    }
    (80, 24)
}

/// Raw terminal input for the agent's lifetime (no echo, no line editing, no CR→NL mapping).
struct RawMode(Option<libc::termios>);

impl RawMode {
    fn enable() -> RawMode {
        // SAFETY: termios calls on fd 0 with a zeroed struct filled by tcgetattr.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &raw mut t) != 0 {
                return RawMode(None);
            }
            let saved = t;
            libc::cfmakeraw(&raw mut t);
            t.c_oflag |= libc::OPOST | libc::ONLCR;
            libc::tcsetattr(0, libc::TCSANOW, &raw const t);
            RawMode(Some(saved))
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(t) = self.0 {
            // SAFETY: restoring the attributes read in enable().
            unsafe { libc::tcsetattr(0, libc::TCSANOW, &raw const t) };
        }
    }
}
