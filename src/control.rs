//! tmux control mode (`tmux -C`): one long-lived tmux client per watched session that tells sb
//! when a pane changed (`%output %N …`, layout and window notifications) and carries sb's
//! captures as commands on its stdin (answered in `%begin … %end` / `%error` blocks) instead of a
//! new `tmux` process per capture.
//!
//! A [`Hub`] holds the connections to one tmux server. It attaches a client to each session that
//! holds a watched pane (`%output` is reported only for panes of the client's own session), with
//! `-f ignore-size` so it never changes a window's size, and never to a session that has
//! `destroy-unattached` on (an attached client would keep it alive). It never creates a session.
//! A client exits when its stdin closes: when the `Hub` is dropped, and when sb exits or is killed
//! (the pipe closes with the process). Each client is reaped through its own `Child` handle.
//!
//! Nothing here decides anything about a pane: a capture that fails on the connection is retried
//! by the caller as a plain `tmux` process (`Tmux::snapshot`), whose error is the authoritative
//! one. When a connection is lost (the session or the server went away, the client was killed),
//! [`Hub::alive`] turns false and the caller falls back to polling.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long one command on the connection may take before the connection is given up.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the first answer of a new client may take (it attaches first).
const ATTACH_TIMEOUT: Duration = Duration::from_secs(5);

/// What changed since the last [`Hub::take_changes`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Panes that wrote output.
    pub panes: BTreeSet<String>,
    /// Windows or panes were added, closed or moved, or a connection was lost: look at
    /// everything.
    pub all: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.panes.is_empty() && !self.all
    }
}

/// The notifications of every connection of a hub, gathered in one place.
#[derive(Debug, Default)]
struct Events {
    changes: Mutex<Changes>,
    cond: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Events {
    fn note(&self, f: impl FnOnce(&mut Changes)) {
        f(&mut lock(&self.changes));
        self.cond.notify_all();
    }
}

/// The answer to one command: its output lines, or tmux's error text.
type Reply = Result<String, String>;

/// One control-mode client attached to one session.
struct Conn {
    child: Mutex<Child>,
    stdin: Mutex<Option<ChildStdin>>,
    alive: Arc<AtomicBool>,
    replies: Arc<(Mutex<VecDeque<Reply>>, Condvar)>,
    /// Held for a whole request (write + wait for the answers) so answers come back in order.
    busy: Mutex<()>,
}

impl Conn {
    fn open(tmux: &crate::tmux::Tmux, session: &str, events: Arc<Events>) -> Result<Conn, String> {
        let mut cmd = tmux.command();
        cmd.args(["-C", "attach-session", "-f", "ignore-size", "-t", session])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot run tmux -C: {e}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("tmux -C started without pipes".into());
        };
        let alive = Arc::new(AtomicBool::new(true));
        let replies: Arc<(Mutex<VecDeque<Reply>>, Condvar)> = Arc::default();
        {
            let (alive, replies) = (alive.clone(), replies.clone());
            let session = session.to_string();
            std::thread::spawn(move || {
                read_loop(
                    BufReader::new(stdout),
                    &session,
                    &events,
                    &replies.0,
                    &replies.1,
                );
                alive.store(false, Ordering::SeqCst);
                replies.1.notify_all();
                // Whatever was watched through this client is no longer: look at everything.
                events.note(|c| c.all = true);
            });
        }
        let conn = Conn {
            child: Mutex::new(child),
            stdin: Mutex::new(Some(stdin)),
            alive,
            replies,
            busy: Mutex::new(()),
        };
        // The first answer proves the client attached and reads commands.
        match conn.request(
            &["display-message -p '#{session_id}'".to_string()],
            ATTACH_TIMEOUT,
        ) {
            Ok(r) if r.len() == 1 && r[0].is_ok() => Ok(conn),
            Ok(r) => Err(format!(
                "tmux -C did not attach to session {session}: {}",
                r.into_iter()
                    .filter_map(Result::err)
                    .next()
                    .unwrap_or_default()
            )),
            Err(e) => Err(format!("tmux -C did not attach to session {session}: {e}")),
        }
    }

    fn alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }

    /// Send `lines` (one tmux command each) and wait for one answer per line.
    fn request(&self, lines: &[String], timeout: Duration) -> Result<Vec<Reply>, String> {
        let _busy = lock(&self.busy);
        if !self.alive() {
            return Err("the control connection is closed".into());
        }
        let mut text = String::new();
        for l in lines {
            if l.contains('\n') {
                return Err("a command with a newline cannot go down the connection".into());
            }
            text.push_str(l);
            text.push('\n');
        }
        {
            let mut stdin = lock(&self.stdin);
            let Some(w) = stdin.as_mut() else {
                return Err("the control connection is closed".into());
            };
            if let Err(e) = w.write_all(text.as_bytes()).and_then(|()| w.flush()) {
                self.alive.store(false, Ordering::SeqCst);
                return Err(format!("cannot write to tmux -C: {e}"));
            }
        }
        let deadline = Instant::now() + timeout;
        let (queue, cond) = &*self.replies;
        let mut q = lock(queue);
        while q.len() < lines.len() {
            if !self.alive() {
                return Err("the control connection closed".into());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                // A late answer would be taken for the next command's: give the client up.
                self.alive.store(false, Ordering::SeqCst);
                drop(q);
                self.close();
                return Err(format!(
                    "tmux -C did not answer within {}s",
                    timeout.as_secs()
                ));
            }
            q = cond
                .wait_timeout(q, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        Ok(q.drain(..lines.len()).collect())
    }

    /// Close stdin (the client exits), then make sure it is gone and reaped.
    fn close(&self) {
        lock(&self.stdin).take();
        let mut child = lock(&self.child);
        let until = Instant::now() + Duration::from_millis(300);
        loop {
            match child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < until => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                _ => break,
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.close();
    }
}

/// Read the client's stdout until it ends: answers go to `replies`, notifications to `events`.
fn read_loop(
    mut r: impl BufRead,
    session: &str,
    events: &Events,
    replies: &Mutex<VecDeque<Reply>>,
    cond: &Condvar,
) {
    let mut parser = Parser::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        match r.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        match parser.feed(&line) {
            Some(Item::Reply(reply)) => {
                lock(replies).push_back(reply);
                cond.notify_all();
            }
            Some(Item::Output(pane)) => events.note(|c| {
                c.panes.insert(pane);
            }),
            Some(Item::Structure) => events.note(|c| c.all = true),
            // Its session was destroyed and tmux moved the client to another one
            // (`detach-on-destroy off`): it must not stay attached there.
            Some(Item::Session(s)) if s != session => return,
            Some(Item::Session(_) | Item::Exit) | None => {}
        }
    }
}

/// One thing read from a control client.
#[derive(Debug, PartialEq, Eq)]
enum Item {
    /// The answer to a command this client sent.
    Reply(Reply),
    /// A pane wrote output.
    Output(String),
    /// Panes or windows were added, closed or moved.
    Structure,
    /// The client is now attached to this session (`%session-changed $N name`).
    Session(String),
    /// The client is leaving (`%exit`).
    Exit,
}

/// The line protocol: `%begin TIME NUM FLAGS`, the output, then `%end`/`%error` with the same
/// TIME and NUM; notifications (`%output`, `%layout-change`, …) only between blocks.
#[derive(Debug, Default)]
struct Parser {
    /// Inside a block: its `TIME NUM` guard, whether it answers this client (FLAGS 1), its lines.
    block: Option<(String, bool, Vec<String>)>,
}

impl Parser {
    fn feed(&mut self, line: &[u8]) -> Option<Item> {
        if let Some((guard, ours, body)) = &mut self.block {
            let text = String::from_utf8_lossy(line);
            for (end, ok) in [("%end ", true), ("%error ", false)] {
                if let Some(rest) = text.strip_prefix(end)
                    && rest.rsplit_once(' ').is_some_and(|(g, _)| g == guard)
                {
                    let ours = *ours;
                    let mut out = std::mem::take(body).join("\n");
                    self.block = None;
                    if !ours {
                        return None;
                    }
                    if ok {
                        if !out.is_empty() {
                            out.push('\n');
                        }
                        return Some(Item::Reply(Ok(out)));
                    }
                    return Some(Item::Reply(Err(out)));
                }
            }
            body.push(text.into_owned());
            return None;
        }
        let text = String::from_utf8_lossy(line);
        let mut words = text.splitn(3, ' ');
        match words.next()? {
            "%begin" => {
                let time = words.next()?;
                let (num, flags) = words.next()?.split_once(' ').unwrap_or(("", ""));
                self.block = Some((format!("{time} {num}"), flags == "1", Vec::new()));
                None
            }
            "%output" | "%extended-output" => words
                .next()
                .filter(|p| p.starts_with('%'))
                .map(|p| Item::Output(p.to_string())),
            "%layout-change"
            | "%window-add"
            | "%window-close"
            | "%unlinked-window-add"
            | "%unlinked-window-close"
            | "%window-pane-changed"
            | "%session-window-changed"
            | "%sessions-changed"
            | "%pane-mode-changed" => Some(Item::Structure),
            "%session-changed" => words.next().map(|id| Item::Session(id.to_string())),
            "%exit" => Some(Item::Exit),
            _ => None,
        }
    }
}

/// The control connections to one tmux server, one per watched session.
pub struct Hub {
    tmux: crate::tmux::Tmux,
    events: Arc<Events>,
    conns: Mutex<BTreeMap<String, Arc<Conn>>>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("sessions", &lock(&self.conns).keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A pane as tmux knows it: which session it is in, and whether sb may attach there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneSession {
    pub pane: String,
    pub session: String,
    /// The session has `destroy-unattached` on: an attached client would keep it alive.
    pub no_attach: bool,
}

/// Whether `pane` is a plain tmux pane id (`%12`), safe to put in a command line unquoted.
pub fn is_pane_id(pane: &str) -> bool {
    pane.strip_prefix('%')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

impl Hub {
    /// A hub with no connection yet (see [`Hub::connect`]).
    pub fn new(tmux: &crate::tmux::Tmux) -> Hub {
        let mut tmux = tmux.clone();
        tmux.control = None;
        Hub {
            tmux,
            events: Arc::default(),
            conns: Mutex::new(BTreeMap::new()),
        }
    }

    /// Make sure a live client is attached to the session of every pane in `panes`. Panes that
    /// no longer exist are skipped (the caller finds out itself). An error says why control mode
    /// cannot cover them (no server, tmux too old, a session that must not be attached).
    pub fn connect(&self, panes: &[String]) -> Result<(), String> {
        let where_ = self.sessions()?;
        let mut want = BTreeSet::new();
        for p in panes {
            if let Some(ps) = where_.iter().find(|s| &s.pane == p) {
                if ps.no_attach {
                    return Err(format!(
                        "session {} has destroy-unattached on, and an attached control client would keep it alive",
                        ps.session
                    ));
                }
                want.insert(ps.session.clone());
            }
        }
        let mut conns = lock(&self.conns);
        conns.retain(|_, c| c.alive());
        for s in want {
            if conns.contains_key(&s) {
                continue;
            }
            let c = Conn::open(&self.tmux, &s, self.events.clone())?;
            conns.insert(s, Arc::new(c));
            // A new client sees only what changes from now on.
            self.events.note(|c| c.all = true);
        }
        Ok(())
    }

    /// Every pane with its session (one `list-panes -a`, down a connection when one is open).
    fn sessions(&self) -> Result<Vec<PaneSession>, String> {
        let format = "#{pane_id}\t#{session_id}\t#{destroy-unattached}";
        let out = match self.request(&[format!("list-panes -a -F '{format}'")]) {
            Some(Ok(mut r)) if r.len() == 1 && r[0].is_ok() => r.remove(0).unwrap_or_default(),
            _ => self
                .tmux
                .run(["list-panes", "-a", "-F", format], None)
                .map_err(|e| e.to_string())?,
        };
        Ok(out
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.len() == 3).then(|| PaneSession {
                    pane: f[0].into(),
                    session: f[1].into(),
                    no_attach: f[2] == "on" || f[2] == "1",
                })
            })
            .collect())
    }

    /// Whether no client was lost (true with no client: nothing to watch yet).
    pub fn alive(&self) -> bool {
        lock(&self.conns).values().all(|c| c.alive())
    }

    /// How many clients are attached (live or not yet noticed dead).
    pub fn connections(&self) -> usize {
        lock(&self.conns).len()
    }

    /// Send commands (one per line) down any live connection; None when there is none.
    pub fn request(&self, lines: &[String]) -> Option<Result<Vec<Reply>, String>> {
        let conn = lock(&self.conns).values().find(|c| c.alive()).cloned()?;
        Some(conn.request(lines, REPLY_TIMEOUT))
    }

    /// Take what changed so far, waiting up to `timeout` for something to change.
    pub fn wait_changes(&self, timeout: Duration) -> Changes {
        let deadline = Instant::now() + timeout;
        let mut c = lock(&self.events.changes);
        while c.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            c = self
                .events
                .cond
                .wait_timeout(c, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        std::mem::take(&mut *c)
    }

    /// Take what changed so far, without waiting.
    pub fn take_changes(&self) -> Changes {
        std::mem::take(&mut *lock(&self.events.changes))
    }

    /// Close every connection (also done on drop).
    pub fn close(&self) {
        let conns = std::mem::take(&mut *lock(&self.conns));
        drop(conns);
    }

    /// The process ids of the attached clients (for tests: they must be gone after `close`).
    pub fn client_pids(&self) -> Vec<u32> {
        lock(&self.conns)
            .values()
            .map(|c| lock(&c.child).id())
            .collect()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.close();
    }
}

/// tmux's version as (major, minor) from `tmux -V` ("tmux 3.3a", "tmux next-3.4").
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let num = v.trim().rsplit([' ', '-']).next()?;
    let (major, rest) = num.split_once('.')?;
    let minor: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Control mode with `refresh-client -f`/`attach -f ignore-size` needs tmux 3.2 or later.
pub fn version_supported(v: &str) -> bool {
    parse_version(v).is_some_and(|mv| mv >= (3, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(lines: &[&str]) -> Vec<Item> {
        let mut p = Parser::default();
        lines.iter().filter_map(|l| p.feed(l.as_bytes())).collect()
    }

    #[test]
    fn blocks_answer_only_this_clients_commands() {
        let items = feed_all(&[
            "%begin 1796212137 268 0",
            "%end 1796212137 268 0",
            "%session-changed $0 a",
            "%begin 1796212137 273 1",
            "line one",
            "",
            "%end 1796212137 273 1",
            "%output %3 echo hi\\015\\012",
            "%begin 1796212139 281 1",
            "parse error: unknown command: bogus",
            "%error 1796212139 281 1",
            "%layout-change @1 abc",
            "%exit",
        ]);
        assert_eq!(
            items,
            vec![
                Item::Session("$0".into()),
                Item::Reply(Ok("line one\n\n".into())),
                Item::Output("%3".into()),
                Item::Reply(Err("parse error: unknown command: bogus".into())),
                Item::Structure,
                Item::Exit,
            ]
        );
    }

    #[test]
    fn screen_text_that_looks_like_the_protocol_stays_text() {
        // A pane may show "%end …" or "%output …": inside a block only the matching guard ends it.
        let items = feed_all(&[
            "%begin 10 5 1",
            "%end 10 4 1",
            "%output %9 x",
            "%error 11 5 1",
            "%end 10 5 1",
        ]);
        assert_eq!(
            items,
            vec![Item::Reply(Ok(
                "%end 10 4 1\n%output %9 x\n%error 11 5 1\n".into()
            ))]
        );
    }

    #[test]
    fn an_empty_answer_is_empty() {
        assert_eq!(
            feed_all(&["%begin 1 2 1", "%end 1 2 1"]),
            vec![Item::Reply(Ok(String::new()))]
        );
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("tmux 3.3a"), Some((3, 3)));
        assert_eq!(parse_version("tmux next-3.4"), Some((3, 4)));
        assert_eq!(parse_version("tmux 2.9"), Some((2, 9)));
        assert!(version_supported("tmux 3.2"));
        assert!(!version_supported("tmux 3.1c"));
        assert!(!version_supported("garbage"));
    }

    /// A private tmux server on a temp socket, killed on drop.
    struct Server {
        dir: tempfile::TempDir,
        tmux: crate::tmux::Tmux,
    }

    impl Server {
        fn new() -> Server {
            let dir = tempfile::Builder::new()
                .prefix("sbc")
                .tempdir_in("/tmp")
                .unwrap();
            let tmux = crate::tmux::Tmux::new(Some(dir.path().join("s")));
            tmux.run(
                [
                    "-f",
                    "/dev/null",
                    "new-session",
                    "-d",
                    "-s",
                    "one",
                    "-x",
                    "100",
                    "-y",
                    "30",
                    "sh",
                ],
                None,
            )
            .unwrap();
            Server { dir, tmux }
        }

        fn pane(&self, session: &str) -> String {
            let out = self
                .tmux
                .run(["list-panes", "-t", session, "-F", "#{pane_id}"], None)
                .unwrap();
            out.trim().to_string()
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.tmux.run(["kill-server"], None);
            let _ = &self.dir;
        }
    }

    fn gone(pid: u32) -> bool {
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
    }

    #[test]
    fn captures_down_the_connection_read_as_a_tmux_process_reads_them() {
        let srv = Server::new();
        let pane = srv.pane("one");
        srv.tmux
            .run(
                [
                    "send-keys",
                    "-t",
                    &pane,
                    "printf '\\033[1;31mred\\033[0m é ✓\\n%%end 1 2 1\\n'",
                    "Enter",
                ],
                None,
            )
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let hub = Arc::new(Hub::new(&srv.tmux));
        hub.connect(std::slice::from_ref(&pane)).unwrap();
        let mut via = srv.tmux.clone();
        via.control = Some(hub.clone());
        for escapes in [true, false] {
            let a = srv.tmux.snapshot(&pane, escapes).unwrap();
            let b = via
                .control_snapshot(&pane, escapes)
                .expect("answered on the connection");
            assert_eq!(a.info, b.info);
            assert_eq!(a.screen, b.screen);
            assert!(b.screen.contains("red"), "{}", b.screen);
        }
        // A pane that does not exist: no answer on the connection, the process gives the error.
        assert!(via.control_snapshot("%999", true).is_none());
        assert!(matches!(
            via.snapshot("%999", true),
            Err(crate::tmux::Error::NoPane(_))
        ));
    }

    #[test]
    fn output_closed_panes_and_a_dead_server_are_reported_and_the_client_is_reaped() {
        let srv = Server::new();
        let pane = srv.pane("one");
        srv.tmux
            .run(["new-session", "-d", "-s", "two", "sh"], None)
            .unwrap();
        let other = srv.pane("two");
        let hub = Hub::new(&srv.tmux);
        hub.connect(&[pane.clone(), other.clone()]).unwrap();
        assert_eq!(hub.connections(), 2, "one client per session");
        hub.take_changes();
        for p in [&pane, &other] {
            srv.tmux
                .run(["send-keys", "-t", p, "echo hi", "Enter"], None)
                .unwrap();
            let mut seen = Changes::default();
            let until = Instant::now() + Duration::from_secs(10);
            while !seen.panes.contains(p) && Instant::now() < until {
                seen.panes
                    .extend(hub.wait_changes(Duration::from_millis(200)).panes);
            }
            assert!(seen.panes.contains(p), "{p} wrote output: {seen:?}");
        }
        // A pane closing is a change of everything.
        srv.tmux
            .run(["split-window", "-d", "-t", &pane, "sh"], None)
            .unwrap();
        hub.wait_changes(Duration::from_secs(2));
        srv.tmux.run(["kill-pane", "-t", &pane], None).unwrap();
        let until = Instant::now() + Duration::from_secs(10);
        let mut all = false;
        while !all && Instant::now() < until {
            all = hub.wait_changes(Duration::from_millis(200)).all;
        }
        assert!(all, "a closed pane is reported");
        assert!(hub.alive());
        // The server dies: the clients end, the hub says so, and closing reaps them.
        let pids = hub.client_pids();
        let _ = srv.tmux.run(["kill-server"], None);
        let until = Instant::now() + Duration::from_secs(10);
        while hub.alive() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!hub.alive());
        assert!(hub.request(&["display-message -p x".into()]).is_none());
        hub.close();
        assert!(pids.iter().all(|p| gone(*p)), "{pids:?}");
        assert!(hub.connect(&[other]).is_err(), "no server: no control mode");
    }

    #[test]
    fn a_session_that_dies_unattached_is_not_attached_and_none_is_created() {
        let srv = Server::new();
        let pane = srv.pane("one");
        srv.tmux
            .run(["new-session", "-d", "-s", "keep", "sh"], None)
            .unwrap();
        // A user's client on "one", which ends with the user's detach.
        let mut user = srv.tmux.command();
        user.args(["-C", "attach-session", "-t", "one"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null());
        let mut user = user.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        srv.tmux
            .run(
                ["set-option", "-t", "one", "destroy-unattached", "on"],
                None,
            )
            .unwrap();
        let hub = Hub::new(&srv.tmux);
        let e = hub.connect(std::slice::from_ref(&pane)).unwrap_err();
        assert!(e.contains("destroy-unattached"), "{e}");
        assert_eq!(hub.connections(), 0);
        // Nothing to watch: no client, no session made.
        hub.connect(&["%4242".into()]).unwrap();
        assert_eq!(hub.connections(), 0);
        let sessions = srv
            .tmux
            .run(["list-sessions", "-F", "#{session_name}"], None)
            .unwrap();
        assert_eq!(sessions.lines().collect::<Vec<_>>(), ["keep", "one"]);
        drop(user.stdin.take());
        let _ = user.wait();
    }

    #[test]
    fn a_client_moved_to_another_session_is_given_up() {
        let srv = Server::new();
        let pane = srv.pane("one");
        srv.tmux
            .run(["new-session", "-d", "-s", "two", "sh"], None)
            .unwrap();
        srv.tmux
            .run(["set-option", "-g", "detach-on-destroy", "off"], None)
            .unwrap();
        let hub = Hub::new(&srv.tmux);
        hub.connect(std::slice::from_ref(&pane)).unwrap();
        assert!(hub.alive());
        srv.tmux.run(["kill-session", "-t", "one"], None).unwrap();
        let until = Instant::now() + Duration::from_secs(10);
        while hub.alive() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!hub.alive(), "still counted as watching session one");
        // Reconnecting for a pane that is gone attaches nothing, and the old client is reaped.
        let pids = hub.client_pids();
        hub.connect(std::slice::from_ref(&pane)).unwrap();
        assert_eq!(hub.connections(), 0);
        assert!(pids.iter().all(|p| gone(*p)), "{pids:?}");
    }

    #[test]
    fn dropping_the_hub_ends_its_clients() {
        let srv = Server::new();
        let pane = srv.pane("one");
        let hub = Hub::new(&srv.tmux);
        hub.connect(std::slice::from_ref(&pane)).unwrap();
        let pids = hub.client_pids();
        assert_eq!(pids.len(), 1);
        assert!(!gone(pids[0]));
        let clients = |srv: &Server| {
            srv.tmux
                .run(["list-clients", "-F", "#{client_control_mode}"], None)
                .unwrap()
        };
        assert_eq!(clients(&srv).trim(), "1");
        drop(hub);
        assert!(gone(pids[0]));
        let until = Instant::now() + Duration::from_secs(5);
        while !clients(&srv).trim().is_empty() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(clients(&srv).trim(), "", "the client detached");
        // The window kept its size: the control client never resized it.
        let size = srv
            .tmux
            .run(
                [
                    "display-message",
                    "-p",
                    "-t",
                    &pane,
                    "#{window_width}x#{window_height}",
                ],
                None,
            )
            .unwrap();
        assert_eq!(size.trim(), "100x30");
    }

    #[test]
    fn pane_ids() {
        assert!(is_pane_id("%12"));
        assert!(!is_pane_id("%"));
        assert!(!is_pane_id("%1;kill-server"));
        assert!(!is_pane_id("12"));
    }
}
