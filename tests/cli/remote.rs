//! Roles on other hosts, over real SSH: a private `sshd` on 127.0.0.1 (its own config, host key
//! and port) whose sessions get another host's environment through `SetEnv` (its own HOME, state
//! dir, tmux server and PATH with the built sb, and no locale), and a client side with its own
//! ssh_config and known_hosts (`SB_SSH_CONFIG`). Host keys are always checked.

use crate::env::{FakeAgent, Input, SB, TestEnv, fixture, stderr, wait_for};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const SSHD: &str = "/usr/sbin/sshd";
const ALIAS: &str = "sbremote";
const MENU: &str = "45-bash-permission-prompt";
const IDLE: &str = "42-mock-simple-reply-idle";

/// A second "host": `remote` is its tmux server, state dir and HOME (reached only through sshd),
/// `sshd` the daemon serving it, `config` the client's ssh_config naming it `sbremote`.
struct Host {
    remote: TestEnv,
    sshd: std::cell::RefCell<Option<Child>>,
    dir: PathBuf,
    config: PathBuf,
    known_hosts: PathBuf,
    sshd_config: PathBuf,
}

fn keygen(path: &Path) {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .output()
        .expect("ssh-keygen (openssh-client) must be installed: .ci/run installs it");
    assert!(out.status.success(), "ssh-keygen: {}", stderr(&out));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn user() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl Host {
    fn new() -> Host {
        assert!(
            Path::new(SSHD).exists(),
            "{SSHD} is missing: the remote-host tests need openssh-server (`apt-get install openssh-server`; .ci/run installs it)"
        );
        let remote = TestEnv::new();
        let dir = remote.dir.path().join("ssh");
        std::fs::create_dir_all(&dir).unwrap();
        keygen(&dir.join("host_key"));
        keygen(&dir.join("user_key"));
        std::fs::copy(dir.join("user_key.pub"), dir.join("authorized_keys")).unwrap();
        // sshd running as root needs its privilege separation directory.
        if !Path::new("/run/sshd").exists() && user() == "root" {
            let _ = std::fs::create_dir_all("/run/sshd");
        }
        let sb_dir = Path::new(SB).parent().unwrap();
        let port = free_port();
        let sshd_config = dir.join("sshd_config");
        let d = dir.display();
        std::fs::write(
            &sshd_config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n\
                 PermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\nPidFile none\n\
                 SetEnv HOME={home} SESSION_BRIDGE_DIR={state} SB_TMUX_SOCKET={sock} TMUX_TMPDIR={tmp} PATH={sb}:/usr/local/bin:/usr/bin:/bin\n",
                home = remote.home.display(),
                state = remote.state.display(),
                sock = remote.sock.display(),
                tmp = remote.dir.path().display(),
                sb = sb_dir.display(),
            ),
        )
        .unwrap();
        let known_hosts = dir.join("known_hosts");
        let host_pub = std::fs::read_to_string(dir.join("host_key.pub")).unwrap();
        std::fs::write(&known_hosts, format!("[127.0.0.1]:{port} {host_pub}")).unwrap();
        let config = dir.join("ssh_config");
        std::fs::write(
            &config,
            format!(
                "Host {ALIAS}\n  HostName 127.0.0.1\n  Port {port}\n  User {user}\n  IdentityFile {d}/user_key\n  \
                 IdentitiesOnly yes\n  UserKnownHostsFile {kh}\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n",
                user = user(),
                kh = known_hosts.display()
            ),
        )
        .unwrap();
        let host = Host {
            remote,
            sshd: std::cell::RefCell::new(None),
            dir,
            config,
            known_hosts,
            sshd_config,
        };
        host.start(port);
        host
    }

    fn start(&self, port: u16) {
        let child = Command::new(SSHD)
            .arg("-D")
            .arg("-f")
            .arg(&self.sshd_config)
            .arg("-E")
            .arg(self.dir.join("sshd.log"))
            .env_clear()
            .stdin(Stdio::null())
            .spawn()
            .expect("start sshd");
        *self.sshd.borrow_mut() = Some(child);
        let up = wait_for(Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(
            up,
            "sshd did not listen on 127.0.0.1:{port}: {}",
            std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
        );
    }

    /// Stop the daemon (connections already open stay, as with a real sshd).
    fn stop(&self) {
        if let Some(mut c) = self.sshd.borrow_mut().take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// `ssh sbremote CMD` with the test's client config.
    fn ssh(&self, cmd: &str) -> Output {
        Command::new("ssh")
            .arg("-F")
            .arg(&self.config)
            .args(["-o", "BatchMode=yes", ALIAS, cmd])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// `ssh sbremote CMD`, asserted to succeed.
    fn ssh_json(&self, cmd: &str) -> Output {
        let out = self.ssh(cmd);
        assert!(out.status.success(), "{cmd}: {}", stderr(&out));
        out
    }

    /// A fake agent on the remote host's tmux server, registered there as `role` (over SSH).
    fn role(&self, role: &str, screen: Option<&str>) -> FakeAgent {
        let agent = match screen {
            Some(text) => {
                let path = self.remote.dir.path().join(format!("{role}.screen"));
                std::fs::write(&path, text).unwrap();
                self.remote
                    .agent(role, &["--screen", path.to_str().unwrap()])
            }
            None => self.remote.agent(role, &[]),
        };
        let out = self.ssh(&format!("sb register {role} --pane {}", agent.pane));
        assert!(out.status.success(), "remote register: {}", stderr(&out));
        agent
    }

    /// sb on the local host, with the test's ssh_config.
    fn sb(&self, local: &TestEnv, args: &[&str]) -> Output {
        local
            .sb()
            .env("SB_SSH_CONFIG", &self.config)
            .args(args)
            .output()
            .unwrap()
    }

    fn sb_stdin(&self, local: &TestEnv, args: &[&str], input: &[u8]) -> Output {
        local
            .sb()
            .env("SB_SSH_CONFIG", &self.config)
            .args(args)
            .write_stdin(input.to_vec())
            .output()
            .unwrap()
    }

    /// Close the shared connection a local state dir holds to this host.
    fn close_connection(&self, local: &TestEnv) {
        let _ = Command::new("ssh")
            .arg("-F")
            .arg(&self.config)
            .arg("-o")
            .arg(format!("ControlPath=\"{}/ssh/%C\"", local.state.display()))
            .args(["-O", "exit", ALIAS])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A local env whose shared connection to `host` is closed when the test ends.
struct Local<'a> {
    env: TestEnv,
    host: &'a Host,
}

impl Drop for Local<'_> {
    fn drop(&mut self) {
        self.host.close_connection(&self.env);
    }
}

fn local(host: &Host) -> Local<'_> {
    Local {
        env: TestEnv::new(),
        host,
    }
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?} / {}", out.stdout, stderr(out)))
}

fn register(host: &Host, l: &TestEnv, role: &str) {
    let out = host.sb(l, &["register", role, "--host", ALIAS]);
    assert!(out.status.success(), "register --host: {}", stderr(&out));
}

#[test]
fn send_over_ssh_arrives_byte_exact_in_one_paste_and_is_logged_on_both_hosts() {
    let host = Host::new();
    let dev = host.role("dev", None);
    let l = local(&host);
    register(&host, &l.env, "dev");
    // Quotes, command substitution, backticks, newlines, a glob, and 100 KB in all.
    let mut text = String::from(
        "it's \"quoted\" $(touch /tmp/sb-pwned) `id` $HOME *\n\tsecond line; rm -rf x && echo ok\n",
    );
    while text.len() < 100_000 {
        text.push_str("0123456789 abcdefghij 'q' \"d\" $(x) `y`\n");
    }
    text.push_str("end");
    let out = host.sb_stdin(&l.env, &["--json", "send", "dev", "-"], text.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let r = json(&out);
    assert_eq!(r["host"], ALIAS, "{r}");
    assert_eq!(r["delivered"], true);
    let id = r["id"].as_str().unwrap().to_string();
    let inputs = dev.wait_inputs(2);
    assert_eq!(inputs.len(), 2, "one paste, then one Enter");
    // tmux's paste turns each newline into the CR a terminal sends for Enter.
    let want = format!("[from:user] {text}").replace('\n', "\r");
    assert!(
        inputs[0] == Input::Paste(want.clone()),
        "the paste is the text byte for byte ({} bytes expected)",
        want.len()
    );
    assert_eq!(inputs[1], Input::Key(b'\r'));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(dev.inputs().len(), 2, "nothing else was typed");
    assert!(!Path::new("/tmp/sb-pwned").exists());
    // The remote logged it where it was delivered; the sender logged it too, under the same id.
    let there = host.remote.log("conversation.jsonl");
    assert_eq!(there.len(), 1);
    assert_eq!(
        (there[0]["id"].as_str(), there[0]["text"].as_str()),
        (Some(id.as_str()), Some(text.as_str()))
    );
    assert!(there[0]["host"].is_null());
    let here = l.env.log("conversation.jsonl");
    assert_eq!(here.len(), 1);
    assert_eq!(
        (
            here[0]["id"].as_str(),
            here[0]["host"].as_str(),
            here[0]["outcome"].as_str()
        ),
        (Some(id.as_str()), Some(ALIAS), Some("delivered"))
    );
    assert_eq!(here[0]["text"].as_str(), Some(text.as_str()));
    // history --hosts: one message, marked as delivered on the remote host.
    let out = host.sb(&l.env, &["--json", "history", "--hosts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let h = json(&out);
    let msgs = h["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 1, "{h}");
    assert_eq!(
        (msgs[0]["id"].as_str(), msgs[0]["host"].as_str()),
        (Some(id.as_str()), Some(ALIAS))
    );
}

#[test]
fn the_remote_session_has_no_locale_and_sb_works_there() {
    let host = Host::new();
    let out = host.ssh("env");
    assert!(out.status.success(), "{}", stderr(&out));
    let env = String::from_utf8_lossy(&out.stdout).into_owned();
    for var in ["LANG=", "LC_ALL=", "LC_CTYPE="] {
        assert!(
            !env.lines()
                .any(|l| l.starts_with(var) && l.len() > var.len()),
            "the remote session must have no locale: {env}"
        );
    }
    // Non-ASCII text and a non-ASCII session name through a remote without a locale.
    let dev = host.role("dev", None);
    host.remote
        .tmux(&["rename-session", "-t", "sbtest", "sesión-ü"]);
    let l = local(&host);
    register(&host, &l.env, "dev");
    let out = host.sb(&l.env, &["send", "dev", "héllo wörld ✓ — ünïcode"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        dev.wait_inputs(2)[0],
        Input::Paste("[from:user] héllo wörld ✓ — ünïcode".into())
    );
    let p = json(&host.sb(&l.env, &["--json", "peers"]));
    assert_eq!(p["peers"][0]["session"], "sesión-ü", "{p}");
    assert_eq!(p["peers"][0]["alive"], true);
}

#[test]
fn guard_refusal_detect_peek_respond_and_peers_over_ssh() {
    let host = Host::new();
    let dev = host.role("dev", Some(&fixture(MENU)));
    let l = local(&host);
    register(&host, &l.env, "dev");

    // The guard runs next to the pane: exit 6, same kind and message id on both hosts.
    let out = host.sb(
        &l.env,
        &["--json", "send", "dev", "--from", "gestor", "take #14"],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let e = json(&out)["error"].clone();
    assert_eq!(
        (e["kind"].as_str(), e["exit_code"].as_u64()),
        (Some("refused"), Some(6))
    );
    assert_eq!(e["host"], ALIAS);
    assert!(
        stderr(&out).contains("Do you want to proceed?"),
        "{}",
        stderr(&out)
    );
    let id = e["message_id"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(200));
    assert!(dev.bytes().is_empty(), "nothing typed into the menu");
    let there = host.remote.log("conversation.jsonl");
    let here = l.env.log("conversation.jsonl");
    assert_eq!(
        (there[0]["id"].as_str(), there[0]["outcome"].as_str()),
        (Some(id.as_str()), Some("undelivered"))
    );
    assert_eq!(
        (here[0]["id"].as_str(), here[0]["outcome"].as_str()),
        (Some(id.as_str()), Some("undelivered"))
    );
    assert_eq!(here[0]["host"], ALIAS);

    // detect and peek read the remote pane.
    let d = json(&host.sb(&l.env, &["--json", "detect", "dev"]));
    assert_eq!(d["state"], "waiting_select", "{d}");
    assert_eq!(d["question"], "Do you want to proceed?");
    let fp = d["fingerprint"].as_str().unwrap().to_string();
    let p = json(&host.sb(&l.env, &["--json", "peek", "dev", "--lines", "40"]));
    assert!(
        p["text"]
            .as_str()
            .unwrap()
            .contains("Do you want to proceed?"),
        "{p}"
    );

    // respond with the wrong fingerprint: refused there, nothing sent.
    let out = host.sb(
        &l.env,
        &[
            "respond",
            "dev",
            "--option",
            "1",
            "--expect",
            "0000000000000000",
        ],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(dev.bytes().is_empty());
    // The right one: the menu takes the digit (the agent closes its menu on a key).
    let (record, screen) = (dev.record.clone(), dev.screen.clone());
    let closer = std::thread::spawn(move || {
        let agent = FakeAgent {
            pane: String::new(),
            record,
            screen,
        };
        wait_for(Duration::from_secs(20), || !agent.bytes().is_empty());
        agent.draw(&fixture(IDLE));
    });
    let out = host.sb(
        &l.env,
        &["--json", "respond", "dev", "--option", "1", "--expect", &fp],
    );
    closer.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let r = json(&out);
    assert_eq!(
        (r["keys"][0].as_str(), r["taken"].as_bool()),
        (Some("1"), Some(true)),
        "{r}"
    );
    assert_eq!(dev.bytes(), b"1");

    // wait, then a delivered send; peers shows the role with its host.
    let out = host.sb(
        &l.env,
        &[
            "--json",
            "wait",
            "dev",
            "--until",
            "idle",
            "--timeout",
            "10s",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = host.sb(&l.env, &["send", "dev", "--from", "gestor", "now go"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let peers = json(&host.sb(&l.env, &["--json", "peers"]));
    let p = &peers["peers"][0];
    assert_eq!(
        (p["role"].as_str(), p["host"].as_str(), p["alive"].as_bool()),
        (Some("dev"), Some(ALIAS), Some(true)),
        "{peers}"
    );
    assert_eq!(p["pane"].as_str(), Some(dev.pane.as_str()));
    let table = String::from_utf8_lossy(&host.sb(&l.env, &["peers"]).stdout).into_owned();
    assert!(table.contains(&format!("{ALIAS}:{}", dev.pane)), "{table}");

    // history --hosts: both messages once each, newest last, each marked with its host.
    let h = json(&host.sb(&l.env, &["--json", "history", "--hosts"]));
    let msgs = h["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2, "{h}");
    assert_eq!(msgs[0]["id"].as_str(), Some(id.as_str()));
    assert_eq!(
        (msgs[0]["outcome"].as_str(), msgs[1]["outcome"].as_str()),
        (Some("undelivered"), Some("delivered"))
    );
    assert!(msgs.iter().all(|m| m["host"] == ALIAS), "{h}");
    assert_eq!(msgs[1]["text"], "now go");
}

#[test]
fn prompts_inbox_and_raw_keys_run_on_the_remote_host() {
    let host = Host::new();
    let dev = host.role("dev", None);
    let l = local(&host);
    register(&host, &l.env, "dev");
    let briefing = "You are dev.\nQuote: 'x' \"y\" $(z) `w`";
    let out = host.sb_stdin(&l.env, &["prompt", "set", "dev", "-"], briefing.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(host.remote.read("prompts.json").contains("You are dev."));
    assert!(
        !l.env.read("prompts.json").contains("You are dev."),
        "saved where the role lives"
    );
    let g = json(&host.sb(&l.env, &["--json", "prompt", "get", "dev"]));
    assert_eq!(g["text"], briefing);
    let out = host.sb(&l.env, &["send", "dev", "hi"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let inbox = json(&host.sb(&l.env, &["--json", "inbox", "dev"]));
    assert_eq!(inbox["messages"][0]["text"], "hi", "{inbox}");
    dev.wait_inputs(2);
    let out = host.sb(&l.env, &["--json", "respond", "dev", "Escape"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(wait_for(Duration::from_secs(10), || dev
        .bytes()
        .ends_with(b"\x1b")));
    // An invalid key is refused here, before anything is composed for the remote.
    let out = host.sb(&l.env, &["respond", "dev", "$(touch x)"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // unregister drops the pointer only.
    let out = host.sb(&l.env, &["--json", "unregister", "dev"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["host"], ALIAS);
    assert!(host.remote.read("registry.json").contains("\"dev\""));
    assert_eq!(
        host.sb(&l.env, &["send", "dev", "x"]).status.code(),
        Some(3)
    );
}

#[test]
fn sshd_stopped_is_exit_4_with_the_ssh_error_and_the_message_logged_undelivered() {
    let host = Host::new();
    let _dev = host.role("dev", None);
    let l = local(&host);
    register(&host, &l.env, "dev");
    host.stop();
    host.close_connection(&l.env);
    let out = host.sb(&l.env, &["--json", "send", "dev", "are you there?"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let e = json(&out)["error"].clone();
    assert_eq!(e["kind"], "host_unreachable", "{e}");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cannot reach host {ALIAS} over SSH"))
            && err.contains("Connection refused"),
        "{err}"
    );
    assert!(err.contains("hint:") && err.contains("BatchMode"), "{err}");
    let here = l.env.log("conversation.jsonl");
    assert_eq!(here.len(), 1);
    assert_eq!(
        (
            here[0]["outcome"].as_str(),
            here[0]["host"].as_str(),
            here[0]["id"].as_str()
        ),
        (Some("undelivered"), Some(ALIAS), e["message_id"].as_str())
    );
    assert!(
        here[0]["error"]
            .as_str()
            .unwrap()
            .contains("Connection refused")
    );
    // peers still lists the role, alive unknown, with a warning.
    let out = host.sb(&l.env, &["--json", "peers"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let p = json(&out);
    assert!(p["peers"][0]["alive"].is_null(), "{p}");
    assert!(p["warning"].as_str().unwrap().contains(ALIAS));
    // history --hosts still shows this host's log, and warns.
    let out = host.sb(&l.env, &["--json", "history", "--hosts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["messages"].as_array().unwrap().len(), 1);
    assert!(stderr(&out).contains(ALIAS));
}

#[test]
fn a_host_key_mismatch_is_refused_and_nothing_is_typed() {
    let host = Host::new();
    let dev = host.role("dev", None);
    let l = local(&host);
    register(&host, &l.env, "dev");
    host.close_connection(&l.env);
    // Another key for the same host in known_hosts: ssh must refuse, sb must not work around it.
    let other = host.dir.join("other_key");
    keygen(&other);
    let line = std::fs::read_to_string(&host.known_hosts).unwrap();
    let addr = line.split(' ').next().unwrap();
    let other_pub = std::fs::read_to_string(other.with_extension("pub")).unwrap();
    std::fs::write(&host.known_hosts, format!("{addr} {other_pub}")).unwrap();
    let out = host.sb(&l.env, &["--json", "send", "dev", "secret plan"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(json(&out)["error"]["kind"], "host_unreachable");
    let err = stderr(&out);
    assert!(err.contains("Host key verification failed"), "{err}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(dev.bytes().is_empty(), "nothing was typed");
    assert!(
        host.remote.read("conversation.jsonl").is_empty(),
        "the remote sb never ran"
    );
    assert_eq!(l.env.log("conversation.jsonl")[0]["outcome"], "undelivered");
}

#[test]
fn a_remote_without_sb_is_a_clear_error_naming_the_host() {
    let host = Host::new();
    let _dev = host.role("dev", None);
    let l = local(&host);
    let out = host.sb(
        &l.env,
        &[
            "--json",
            "register",
            "dev",
            "--host",
            ALIAS,
            "--remote-sb",
            "/nonexistent/bin/sb",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(json(&out)["error"]["kind"], "no_remote_sb");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("host {ALIAS} has no usable sb"))
            && err.contains("/nonexistent/bin/sb"),
        "{err}"
    );
    assert!(err.contains("--remote-sb"), "{err}");
    assert!(
        !l.env.read("registry.json").contains(ALIAS),
        "nothing recorded"
    );
    // A role the remote does not have: exit 3, naming it and what the host has.
    let out = host.sb(&l.env, &["register", "nobody", "--host", ALIAS]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("nobody@{ALIAS}"))
            && stderr(&out).contains(&format!("dev@{ALIAS}")),
        "{}",
        stderr(&out)
    );
    // A state dir too long for a socket path (and no XDG_RUNTIME_DIR): said, before ssh runs.
    let long = l
        .env
        .dir
        .path()
        .join("a-state-directory-whose-path-is-too-long-for-sockets");
    let out = host.sb(
        &l.env,
        &[
            "register",
            "dev",
            "--host",
            ALIAS,
            "--state-dir",
            long.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("too long") && stderr(&out).contains("XDG_RUNTIME_DIR"),
        "{}",
        stderr(&out)
    );
    // A host that reads as an option is refused before ssh runs.
    let out = host.sb(
        &l.env,
        &["register", "dev", "--host=-oProxyCommand=touch x"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn watch_follows_a_remote_role_and_notifies_a_local_manager() {
    let host = Host::new();
    let dev = host.role("dev", Some(&fixture(IDLE)));
    let l = local(&host);
    register(&host, &l.env, "dev");
    let gestor = l.env.role("gestor");
    let mut child = Command::new(SB)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &l.env.home)
        .env("SESSION_BRIDGE_DIR", &l.env.state)
        .env("SB_TMUX_SOCKET", &l.env.sock)
        .env("SB_SSH_CONFIG", &host.config)
        .args([
            "watch",
            "--notify",
            "gestor",
            "--interval",
            "150ms",
            "--jsonl",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pasted = |g: &FakeAgent| {
        g.inputs().into_iter().find_map(|i| match i {
            Input::Paste(p) => Some(p),
            _ => None,
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    dev.draw(&fixture(MENU));
    let got = wait_for(Duration::from_secs(20), || pasted(&gestor).is_some());
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(
        got,
        "no notice; events: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let notice = pasted(&gestor).unwrap();
    assert!(
        notice.starts_with(
            "[from:watch] [sb watch] dev is waiting on a menu: Do you want to proceed?"
        ) && notice.contains("sb respond dev --option 1 --expect"),
        "{notice}"
    );
    let events = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        events
            .lines()
            .any(|l| l.contains("\"role\":\"dev\"") && l.contains("\"to\":\"waiting_select\"")),
        "{events}"
    );
}

#[test]
fn up_starts_a_role_with_host_on_that_host_and_down_stops_it() {
    let host = Host::new();
    let l = local(&host);
    let proj = l.env.dir.path().join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    let rec = host.remote.dir.path().join("dev.rec");
    std::fs::write(
        proj.join("sb.toml"),
        format!(
            "session = \"mixed\"\n\
             [[role]]\nname = \"gestor\"\ncommand = \"{SB} agent --record {gestor}\"\n\
             [[role]]\nname = \"dev\"\nhost = \"{ALIAS}\"\ncommand = \"sb agent --record {rec}\"\nbriefing = \"You are dev, on another host. 'q' $(x)\"\n",
            gestor = l.env.dir.path().join("gestor.rec").display(),
            rec = rec.display()
        ),
    )
    .unwrap();
    let up = l
        .env
        .sb()
        .env("SB_SSH_CONFIG", &host.config)
        .current_dir(&proj)
        .args(["--json", "up", "--timeout", "20s"])
        .output()
        .unwrap();
    assert!(
        up.status.success(),
        "{}\n{}",
        stderr(&up),
        String::from_utf8_lossy(&up.stdout)
    );
    let r = json(&up);
    let dev = r["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["role"] == "dev")
        .unwrap()
        .clone();
    assert_eq!(
        (dev["host"].as_str(), dev["status"].as_str()),
        (Some(ALIAS), Some("ready")),
        "{r}"
    );
    // Started on the remote host's tmux server, registered and briefed there; a pointer here.
    assert!(
        host.remote
            .tmux(&["list-sessions", "-F", "#{session_name}"])
            .contains("mixed")
    );
    assert!(host.remote.read("registry.json").contains("\"dev\""));
    assert!(
        host.remote
            .read("prompts.json")
            .contains("You are dev, on another host.")
    );
    assert!(l.env.read("registry.json").contains(ALIAS));
    let out = host.sb(
        &l.env,
        &["send", "dev", "--from", "gestor", "hello over there"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(wait_for(Duration::from_secs(10), || {
        String::from_utf8_lossy(&std::fs::read(&rec).unwrap_or_default())
            .contains("hello over there")
    }));
    let down = l
        .env
        .sb()
        .env("SB_SSH_CONFIG", &host.config)
        .current_dir(&proj)
        .args(["--json", "down", "--grace", "2s"])
        .output()
        .unwrap();
    assert!(down.status.success(), "{}", stderr(&down));
    let d = json(&down);
    let dev = d["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["role"] == "dev")
        .unwrap()
        .clone();
    assert_eq!(dev["host"], ALIAS, "{d}");
    assert!(
        !host.remote.read("registry.json").contains("\"dev\""),
        "unregistered there"
    );
    assert!(
        !l.env.read("registry.json").contains(ALIAS),
        "the pointer is gone here"
    );
}

/// One `sb mcp` session: the handshake, then each `tools/call` in order; returns the results.
fn mcp_calls(
    host: &Host,
    l: &TestEnv,
    calls: &[(&str, serde_json::Value)],
) -> Vec<serde_json::Value> {
    use std::io::{BufRead, BufReader, Write};
    let mut child = Command::new(SB)
        .arg("mcp")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &l.home)
        .env("SESSION_BRIDGE_DIR", &l.state)
        .env("SB_TMUX_SOCKET", &l.sock)
        .env("SB_SSH_CONFIG", &host.config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut write = |v: serde_json::Value| {
        writeln!(stdin, "{v}").unwrap();
        stdin.flush().unwrap();
    };
    let mut answer = |id: u64| loop {
        let line = lines.next().expect("sb mcp answers").unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        if v["id"] == id {
            return v;
        }
    };
    write(
        serde_json::json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}),
    );
    answer(0);
    write(serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    let mut out = Vec::new();
    for (i, (tool, args)) in calls.iter().enumerate() {
        let id = u64::try_from(i + 1).unwrap();
        write(
            serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": tool, "arguments": args}}),
        );
        out.push(answer(id)["result"].clone());
    }
    let _ = child.kill();
    let _ = child.wait();
    out
}

#[test]
fn mcp_tools_follow_the_pointer_and_return_the_clis_json() {
    let host = Host::new();
    let dev = host.role("dev", None);
    let _rev = host.role("rev", Some(&fixture(MENU)));
    let l = local(&host);
    register(&host, &l.env, "dev");
    register(&host, &l.env, "rev");
    let r = mcp_calls(
        &host,
        &l.env,
        &[
            (
                "send",
                serde_json::json!({"to": "dev", "text": "via mcp: 'q' $(x)", "from": "gestor"}),
            ),
            ("detect_question", serde_json::json!({"role": "dev"})),
            ("history", serde_json::json!({"hosts": true})),
            (
                "send",
                serde_json::json!({"to": "rev", "text": "into a menu?"}),
            ),
        ],
    );
    assert_eq!(r[0]["isError"], false, "{}", r[0]);
    assert_eq!(r[0]["structuredContent"]["delivered"], true, "{}", r[0]);
    assert_eq!(
        dev.wait_inputs(2)[0],
        Input::Paste("[from:gestor] via mcp: 'q' $(x)".into())
    );
    let cli = json(&host.sb(&l.env, &["--json", "detect", "dev"]));
    assert_eq!(r[1]["structuredContent"]["state"], cli["state"], "{}", r[1]);
    assert_eq!(r[1]["structuredContent"]["pane"], cli["pane"]);
    let msgs = r[2]["structuredContent"]["messages"].as_array().unwrap();
    assert_eq!(
        (msgs.len(), msgs[0]["host"].as_str()),
        (1, Some(ALIAS)),
        "{}",
        r[2]
    );
    // The guard's refusal there comes back as the tool's error: the remote's document, plus host.
    assert_eq!(r[3]["isError"], true, "{}", r[3]);
    let e = &r[3]["structuredContent"]["error"];
    assert_eq!(
        (
            e["kind"].as_str(),
            e["exit_code"].as_u64(),
            e["host"].as_str()
        ),
        (Some("refused"), Some(6), Some(ALIAS)),
        "{e}"
    );
    let text = r[3]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("sb: error: {}", e["message"].as_str().unwrap()))
            && text.contains(&format!("(on host {ALIAS})")),
        "{text}"
    );
}

#[test]
fn when_ready_waits_here_and_ctrl_c_leaves_nothing_waiting_there() {
    let host = Host::new();
    let dev = host.role("dev", Some(&fixture(MENU)));
    let l = local(&host);
    register(&host, &l.env, "dev");
    // Timed out: exit 5, nothing typed, logged undelivered on both hosts under one id.
    let out = host.sb(
        &l.env,
        &["--json", "send", "dev", "--when-ready=1s", "later"],
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let id = json(&out)["error"]["message_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(dev.bytes().is_empty());
    let there = host.remote.log("conversation.jsonl");
    assert_eq!(
        (there.len(), there[0]["id"].as_str()),
        (1, Some(id.as_str())),
        "one message there, however many tries"
    );
    assert_eq!(there[0]["outcome"], "undelivered");
    // Ctrl-C while waiting: exit 130, and once the menu closes nothing is typed later.
    let child = Command::new(SB)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &l.env.home)
        .env("SESSION_BRIDGE_DIR", &l.env.state)
        .env("SB_SSH_CONFIG", &host.config)
        .args(["send", "dev", "--when-ready=60s", "never"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // SIGINT to sb and its ssh, as a terminal's Ctrl-C reaches the whole foreground group.
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-INT", &pid]).status();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    dev.draw(&fixture(IDLE));
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        dev.bytes().is_empty(),
        "nothing typed after the sender stopped"
    );
    // And a send that waits while the menu closes is delivered once.
    dev.draw(&fixture(MENU));
    std::thread::sleep(Duration::from_millis(300));
    let closer = {
        let (record, screen) = (dev.record.clone(), dev.screen.clone());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1200));
            FakeAgent {
                pane: String::new(),
                record,
                screen,
            }
            .draw(&fixture(IDLE));
        })
    };
    let out = host.sb(&l.env, &["send", "dev", "--when-ready=20s", "now"]);
    closer.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let pastes: Vec<Input> = dev
        .wait_inputs(2)
        .into_iter()
        .filter(|i| matches!(i, Input::Paste(_)))
        .collect();
    assert_eq!(pastes, vec![Input::Paste("[from:user] now".into())]);
}

#[test]
fn a_queued_message_waits_in_the_hosts_queue_not_this_ones() {
    let host = Host::new();
    let dev = host.role("dev", Some(&fixture(MENU)));
    let l = local(&host);
    register(&host, &l.env, "dev");
    let out = host.sb(
        &l.env,
        &[
            "--json",
            "send",
            "dev",
            "--queue",
            "--ttl",
            "1s",
            "after the menu",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let r = json(&out);
    assert_eq!(
        (r["outcome"].as_str(), r["host"].as_str()),
        (Some("queued"), Some(ALIAS)),
        "{r}"
    );
    let id = r["id"].as_str().unwrap().to_string();
    // Queued there (that host's watcher delivers it), and only there.
    let q = json(&host.ssh_json("sb --json queue"));
    assert_eq!(q["queued"][0]["id"].as_str(), Some(id.as_str()), "{q}");
    let here = json(&host.sb(&l.env, &["--json", "queue"]));
    assert_eq!(here["queued"].as_array().map(Vec::len), Some(0), "{here}");
    // A watcher here, past the TTL, neither delivers nor expires the copy.
    std::thread::sleep(Duration::from_millis(1200));
    let out = host.sb(
        &l.env,
        &["watch", "--rounds", "2", "--interval", "200ms", "--jsonl"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mine = l.env.log("conversation.jsonl");
    assert_eq!(
        (mine.len(), mine[0]["outcome"].as_str()),
        (1, Some("queued")),
        "{mine:?}"
    );
    assert!(dev.bytes().is_empty(), "nothing typed");
}
