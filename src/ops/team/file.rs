//! The team file (`sb.toml`): its format, parsed with the `toml` crate through serde, and its
//! validation. Every error names the file and line and says how to fix it; `load` returns all of
//! them at once as one usage error (exit 2), before anything is started.

use crate::error::{Result, SbError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file `sb up`, `sb down` and `sb init` use when no `-f` is given.
pub const DEFAULT_FILE: &str = "sb.toml";

/// tmux's named layouts.
pub const LAYOUTS: &[&str] = &[
    "tiled",
    "even-horizontal",
    "even-vertical",
    "main-horizontal",
    "main-vertical",
    "main-horizontal-mirrored",
    "main-vertical-mirrored",
];

/// An agent sb knows how to start, stop and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    Claude,
    Codex,
    Gemini,
}

impl AgentKind {
    /// The program's name on PATH.
    pub fn program(self) -> &'static str {
        match self {
            AgentKind::Claude => "claude",
            AgentKind::Codex => "codex",
            AgentKind::Gemini => "gemini",
        }
    }

    /// What the agent takes as "exit cleanly", typed at its prompt.
    pub fn exit_command(self) -> &'static str {
        match self {
            AgentKind::Claude => "/exit",
            AgentKind::Codex | AgentKind::Gemini => "/quit",
        }
    }
}

/// How a role's program is started.
#[derive(Debug, Clone, PartialEq)]
pub enum Launch {
    /// A known agent: its binary (found on PATH) and extra arguments.
    Agent {
        kind: AgentKind,
        program: PathBuf,
        args: Vec<String>,
    },
    /// Anything else: a shell command line.
    Command(String),
}

impl Launch {
    /// `claude`, `codex`, `gemini` or `command`.
    pub fn label(&self) -> &'static str {
        match self {
            Launch::Agent { kind, .. } => kind.program(),
            Launch::Command(_) => "command",
        }
    }

    pub fn kind(&self) -> Option<AgentKind> {
        match self {
            Launch::Agent { kind, .. } => Some(*kind),
            Launch::Command(_) => None,
        }
    }

    /// The shell command line run in the pane.
    pub fn command_line(&self) -> String {
        match self {
            Launch::Agent { program, args, .. } => {
                let mut words = vec![crate::ops::setup::shell_quote(&program.to_string_lossy())];
                words.extend(args.iter().map(|a| crate::ops::setup::shell_quote(a)));
                format!("exec {}", words.join(" "))
            }
            Launch::Command(c) => c.clone(),
        }
    }
}

/// One validated role.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub name: String,
    /// The line of its `name = …` in the file.
    pub line: usize,
    pub launch: Launch,
    /// Absolute working directory (before any worktree).
    pub cwd: PathBuf,
    pub briefing: Option<String>,
    /// Branch to `git worktree add` for this role.
    pub worktree: Option<String>,
    /// The SSH host the role runs on (`host = "build1"`): `sb up` starts it there with that
    /// host's sb. Its program, `cwd` (empty = the remote HOME) and worktree are the remote's.
    pub host: Option<String>,
}

/// A validated team file.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Absolute path of the file.
    pub path: PathBuf,
    pub session: String,
    pub layout: String,
    /// The role `sb watch --notify` reports to, in its own window.
    pub watch: Option<String>,
    pub roles: Vec<Role>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeam {
    session: Option<Spanned<String>>,
    layout: Option<Spanned<String>>,
    watch: Option<Spanned<String>>,
    #[serde(default)]
    role: Vec<Spanned<RawRole>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    name: Spanned<String>,
    agent: Option<Spanned<String>>,
    command: Option<Spanned<String>>,
    args: Option<Spanned<Vec<String>>>,
    cwd: Option<Spanned<String>>,
    briefing: Option<Spanned<String>>,
    briefing_file: Option<Spanned<String>>,
    worktree: Option<Spanned<String>>,
    host: Option<Spanned<String>>,
}

/// How `load` treats the programs the roles run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Programs {
    /// Each agent binary (or a command's first word) must be on PATH: `sb up`.
    MustExist,
    /// Not checked: `sb down` stops a team even after its agent was uninstalled.
    Unchecked,
}

/// Errors collected while validating, each with its line.
struct Problems<'a> {
    file: &'a str,
    text: &'a str,
    list: Vec<(usize, String)>,
}

impl Problems<'_> {
    fn at(&mut self, span: Range<usize>, msg: impl Into<String>) {
        self.list.push((line_of(self.text, span.start), msg.into()));
    }

    fn into_result(mut self) -> Result<()> {
        if self.list.is_empty() {
            return Ok(());
        }
        self.list.sort_by_key(|(l, _)| *l);
        let lines: Vec<String> = self
            .list
            .iter()
            .map(|(l, m)| format!("{}:{l}: {m}", self.file))
            .collect();
        let n = lines.len();
        Err(SbError::Usage(format!(
            "{} in the team file; nothing was started:\n  {}",
            if n == 1 {
                "1 problem".to_string()
            } else {
                format!("{n} problems")
            },
            lines.join("\n  ")
        )))
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Read and validate the team file at `path`.
pub fn load(path: &Path, programs: Programs) -> Result<Team> {
    // `-f -`: the file on stdin (how `sb up` hands a host its roles); paths are relative to the
    // current directory.
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| SbError::Usage(format!("cannot read the team file from stdin: {e}")))?;
        let abs = std::env::current_dir()
            .map_err(|e| SbError::Usage(format!("cannot resolve the current directory: {e}")))?
            .join(DEFAULT_FILE);
        return parse(&text, &abs, "<stdin>", programs);
    }
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SbError::Usage(format!(
            "no team file {shown}: create one with `sb init`, or name another with -f FILE"
        )),
        _ => SbError::Usage(format!("cannot read the team file {shown}: {e}")),
    })?;
    let abs = std::path::absolute(path)
        .map_err(|e| SbError::Usage(format!("cannot resolve {shown}: {e}")))?;
    parse(&text, &abs, &shown, programs)
}

/// Parse and validate team-file text; `path` is the file's absolute path (relative paths in it
/// are relative to its directory) and `shown` the name used in messages.
pub fn parse(text: &str, path: &Path, shown: &str, programs: Programs) -> Result<Team> {
    let raw: RawTeam = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        SbError::Usage(format!(
            "{shown}:{line}: {}; nothing was started\n  (the format is in `man sb-up`; `sb init` writes a commented example)",
            explain_toml(e.message())
        ))
    })?;
    let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
    let mut p = Problems {
        file: shown,
        text,
        list: Vec::new(),
    };

    let session = match &raw.session {
        Some(s) => {
            if let Err(why) = check_session(s.get_ref()) {
                p.at(s.span(), format!("session {:?} {why}", s.get_ref()));
            }
            s.get_ref().clone()
        }
        None => default_session(&dir),
    };
    let layout = match &raw.layout {
        Some(l) if !LAYOUTS.contains(&l.get_ref().as_str()) => {
            p.at(
                l.span(),
                format!(
                    "layout {:?} is not a tmux layout: use one of {}",
                    l.get_ref(),
                    LAYOUTS.join(", ")
                ),
            );
            "tiled".to_string()
        }
        Some(l) => l.get_ref().clone(),
        None => "tiled".to_string(),
    };
    if raw.role.is_empty() {
        p.at(
            0..0,
            "no roles: add a [[role]] table with a name and an agent (see `sb init`)",
        );
    }

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut roles = Vec::new();
    for r in &raw.role {
        let r = r.get_ref();
        let name = r.name.get_ref().clone();
        let line = line_of(text, r.name.span().start);
        if let Err(e) = crate::store::validate_role(&name) {
            let hint = e.hint().unwrap_or_default();
            p.at(r.name.span(), format!("{e}; {hint}"));
        }
        if let Some(first) = seen.insert(name.clone(), line) {
            p.at(
                r.name.span(),
                format!(
                    "duplicate role name {name:?} (also on line {first}): give each role its own name"
                ),
            );
        }
        let host = r.host.as_ref().map(|h| {
            if let Err(e) = crate::remote::check_host(h.get_ref()) {
                p.at(h.span(), e.to_string());
            }
            h.get_ref().clone()
        });
        // A role on another host: its program, directory and repository are that host's, and
        // that host's sb checks them.
        let programs = if host.is_some() {
            Programs::Unchecked
        } else {
            programs
        };
        let launch = launch(r, &name, &dir, programs, &mut p);
        let cwd = match &r.cwd {
            Some(c) if host.is_some() => PathBuf::from(c.get_ref()),
            None if host.is_some() => PathBuf::new(),
            Some(c) => {
                let d = dir.join(c.get_ref());
                if !d.is_dir() {
                    p.at(
                        c.span(),
                        format!(
                            "cwd {:?} of role {name} is not a directory ({}): create it or fix the path (relative to the team file)",
                            c.get_ref(),
                            d.display()
                        ),
                    );
                }
                normalize(&d)
            }
            None => dir.clone(),
        };
        let briefing = briefing(r, &name, &dir, &mut p);
        if let Some(w) = &r.worktree {
            if let Err(why) = check_branch(w.get_ref()) {
                p.at(
                    w.span(),
                    format!("worktree branch {:?} of role {name} {why}", w.get_ref()),
                );
            } else if host.is_none() && cwd.is_dir() && super::git::toplevel(&cwd).is_none() {
                p.at(
                    w.span(),
                    format!(
                        "role {name} asks for a worktree, but {} is not inside a git repository: run `git init` there, or drop `worktree`",
                        cwd.display()
                    ),
                );
            }
        }
        if let Some(launch) = launch {
            roles.push(Role {
                name,
                line,
                launch,
                cwd,
                briefing,
                worktree: r.worktree.as_ref().map(|w| w.get_ref().clone()),
                host,
            });
        }
    }
    let watch = raw.watch.as_ref().map(|w| {
        if !seen.contains_key(w.get_ref()) {
            p.at(
                w.span(),
                format!(
                    "watch = {:?} names no role in this file: name the role that should get the notices (e.g. the manager)",
                    w.get_ref()
                ),
            );
        }
        w.get_ref().clone()
    });
    p.into_result()?;
    Ok(Team {
        path: path.to_path_buf(),
        session,
        layout,
        watch,
        roles,
    })
}

fn launch(
    r: &RawRole,
    name: &str,
    dir: &Path,
    programs: Programs,
    p: &mut Problems,
) -> Option<Launch> {
    let name_span = r.name.span();
    match (&r.agent, &r.command) {
        (None, None) => {
            p.at(
                name_span,
                format!(
                    "role {name} says neither `agent` nor `command`: add agent = \"claude\" (or codex, gemini), or command = \"…\" for another program"
                ),
            );
            None
        }
        (Some(a), Some(_)) => {
            p.at(
                a.span(),
                format!("role {name} has both `agent` and `command`: keep one of them"),
            );
            None
        }
        (Some(a), None) => {
            let kind = match a.get_ref().as_str() {
                "claude" => AgentKind::Claude,
                "codex" => AgentKind::Codex,
                "gemini" => AgentKind::Gemini,
                other => {
                    p.at(
                        a.span(),
                        format!(
                            "agent {other:?} of role {name} is not one sb knows: use claude, codex or gemini, or command = \"{other} …\""
                        ),
                    );
                    return None;
                }
            };
            let program = match programs {
                Programs::Unchecked => PathBuf::from(kind.program()),
                Programs::MustExist => match crate::ops::setup::find_on_path(kind.program()) {
                    Some(p) => p,
                    None => {
                        p.at(
                            a.span(),
                            format!(
                                "role {name}: `{}` is not on PATH: install it, or put its directory on PATH",
                                kind.program()
                            ),
                        );
                        return None;
                    }
                },
            };
            let args = r
                .args
                .as_ref()
                .map(|a| a.get_ref().clone())
                .unwrap_or_default();
            Some(Launch::Agent {
                kind,
                program,
                args,
            })
        }
        (None, Some(c)) => {
            if let Some(a) = &r.args {
                p.at(
                    a.span(),
                    format!("role {name}: `args` goes with `agent`; with `command`, write the arguments into the command"),
                );
            }
            if c.get_ref().trim().is_empty() {
                p.at(c.span(), format!("role {name}: command is empty"));
                return None;
            }
            if programs == Programs::MustExist
                && let Some(prog) = first_program(c.get_ref())
            {
                {
                    let found = if prog.contains('/') {
                        is_executable(&dir.join(&prog))
                    } else {
                        crate::ops::setup::find_on_path(&prog).is_some() || is_shell_word(&prog)
                    };
                    if !found {
                        p.at(
                            c.span(),
                            format!(
                                "role {name}: `{prog}` (the command's program) is not on PATH: install it, fix the command, or give its full path"
                            ),
                        );
                        return None;
                    }
                }
            }
            Some(Launch::Command(c.get_ref().clone()))
        }
    }
}

fn briefing(r: &RawRole, name: &str, dir: &Path, p: &mut Problems) -> Option<String> {
    match (&r.briefing, &r.briefing_file) {
        (Some(b), Some(_)) => {
            p.at(
                b.span(),
                format!("role {name} has both `briefing` and `briefing_file`: keep one of them"),
            );
            None
        }
        (Some(b), None) => {
            if b.get_ref().trim().is_empty() {
                p.at(
                    b.span(),
                    format!("the briefing of role {name} is empty: write one, or drop the key"),
                );
            }
            Some(b.get_ref().clone())
        }
        (None, Some(f)) => {
            let path = dir.join(f.get_ref());
            match std::fs::read_to_string(&path) {
                Ok(t) if t.trim().is_empty() => {
                    p.at(
                        f.span(),
                        format!("briefing_file {} of role {name} is empty", path.display()),
                    );
                    None
                }
                Ok(t) => Some(t),
                Err(e) => {
                    p.at(
                        f.span(),
                        format!(
                            "briefing_file {:?} of role {name} cannot be read ({}: {e}): create it or fix the path (relative to the team file)",
                            f.get_ref(),
                            path.display()
                        ),
                    );
                    None
                }
            }
        }
        (None, None) => None,
    }
}

/// The first word of a shell command that names a program, skipping `VAR=value` and `exec`.
fn first_program(command: &str) -> Option<String> {
    command
        .split_whitespace()
        .find(|w| (w.starts_with('=') || !w.contains('=')) && *w != "exec")
        .map(|w| w.trim_matches(|c| c == '\'' || c == '"').to_string())
}

/// Shell keywords and builtins that may start a command line.
fn is_shell_word(w: &str) -> bool {
    matches!(
        w,
        "cd" | "export" | "set" | "if" | "while" | "for" | "case" | "{" | "(" | "." | "exec"
    )
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The session name from a directory's name: characters tmux accepts, at most 64.
pub fn default_session(dir: &Path) -> String {
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let s: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "sb".into() } else { s }
}

fn check_session(s: &str) -> std::result::Result<(), &'static str> {
    if s.is_empty() || s.len() > 64 {
        return Err("must be 1-64 characters");
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err("may only contain A-Z a-z 0-9 _ - (tmux gives '.' and ':' a meaning)");
    }
    if s.starts_with('-') {
        return Err("must not start with '-'");
    }
    Ok(())
}

fn check_branch(b: &str) -> std::result::Result<(), &'static str> {
    let bad = b.is_empty()
        || b.starts_with('-')
        || b.starts_with('/')
        || b.ends_with('/')
        || b.ends_with(".lock")
        || b.contains("..")
        || b.contains("//")
        || b.contains("@{")
        || b.chars()
            .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c));
    if bad {
        Err("is not a valid git branch name (e.g. \"sb/dev\")")
    } else {
        Ok(())
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// toml's messages for serde's errors, with the fix.
fn explain_toml(msg: &str) -> String {
    let msg = msg.trim();
    if msg.starts_with("unknown field") {
        return format!("{msg}; remove or rename the key");
    }
    if msg.starts_with("missing field `name`") {
        return "a [[role]] has no `name`: add name = \"dev\" (for example)".into();
    }
    msg.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Team> {
        parse(
            text,
            Path::new("/tmp/proj/sb.toml"),
            "sb.toml",
            Programs::Unchecked,
        )
    }

    fn err(text: &str) -> String {
        let e = parse_str(text).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{e}");
        e.to_string()
    }

    #[test]
    fn a_full_file_parses() {
        let t = parse(
            "session = \"shop\"\nlayout = \"even-horizontal\"\nwatch = \"gestor\"\n\n[[role]]\nname = \"gestor\"\nagent = \"claude\"\nargs = [\"--model\", \"opus\"]\nbriefing = \"You lead.\"\n\n[[role]]\nname = \"dev\"\ncommand = \"sh -c 'exec cat'\"\nworktree = \"sb/dev\"\n",
            Path::new("/tmp/sb.toml"),
            "sb.toml",
            Programs::Unchecked,
        );
        // /tmp is not a git repository: the worktree check is the only complaint
        let e = t.unwrap_err().to_string();
        assert!(
            e.contains("sb.toml:14:") && e.contains("not inside a git repository"),
            "{e}"
        );
        let t = parse_str(
            "session = \"shop\"\nwatch = \"gestor\"\n[[role]]\nname = \"gestor\"\nagent = \"claude\"\nargs = [\"--model\", \"opus\"]\nbriefing = \"You lead.\"\n[[role]]\nname = \"dev\"\ncommand = \"sh -c 'exec cat'\"\n",
        )
        .unwrap();
        assert_eq!(t.session, "shop");
        assert_eq!(t.layout, "tiled");
        assert_eq!(t.watch.as_deref(), Some("gestor"));
        assert_eq!(t.roles[0].line, 4);
        assert_eq!(t.roles[0].launch.command_line(), "exec claude --model opus");
        assert_eq!(
            t.roles[1].launch,
            Launch::Command("sh -c 'exec cat'".into())
        );
        assert_eq!(t.roles[1].cwd, Path::new("/tmp/proj"));
    }

    #[test]
    fn errors_name_the_line_and_the_fix() {
        let e = err("[[role]]\nname = \"dev\"\nagnet = \"claude\"\n");
        assert!(e.contains("sb.toml:3:") && e.contains("agnet"), "{e}");
        let e = err(
            "[[role]]\nname = \"dev\"\nagent = \"claude\"\n[[role]]\nname = \"dev\"\nagent = \"claude\"\n",
        );
        assert!(
            e.contains("sb.toml:5: duplicate role name \"dev\" (also on line 2)"),
            "{e}"
        );
        let e = err("[[role]]\nname = \"a b\"\nagent = \"claude\"\n");
        assert!(e.contains("sb.toml:2: invalid role name"), "{e}");
        let e = err("[[role]]\nname = \"dev\"\nagent = \"claude\"\nbriefing_file = \"nope.md\"\n");
        assert!(e.contains("sb.toml:4: briefing_file \"nope.md\""), "{e}");
        let e = err(
            "[[role]]\nname = \"dev\"\nagent = \"claude\"\nbriefing = \"x\"\nbriefing_file = \"b.md\"\n",
        );
        assert!(e.contains("sb.toml:4:") && e.contains("keep one"), "{e}");
        let e = err("[[role]]\nname = \"dev\"\n");
        assert!(e.contains("sb.toml:2:") && e.contains("neither"), "{e}");
        let e = err("[[role]]\nname = \"dev\"\nagent = \"claude\"\ncommand = \"x\"\n");
        assert!(e.contains("sb.toml:3:") && e.contains("both"), "{e}");
        let e = err("[[role]]\nname = \"dev\"\nagent = \"cursor\"\n");
        assert!(
            e.contains("sb.toml:3:") && e.contains("claude, codex or gemini"),
            "{e}"
        );
        let e = err("layout = \"grid\"\n[[role]]\nname = \"dev\"\nagent = \"claude\"\n");
        assert!(e.contains("sb.toml:1:") && e.contains("tiled"), "{e}");
        let e = err("watch = \"boss\"\n[[role]]\nname = \"dev\"\nagent = \"claude\"\n");
        assert!(
            e.contains("sb.toml:1:") && e.contains("names no role"),
            "{e}"
        );
        let e = err("session = \"a.b\"\n[[role]]\nname = \"dev\"\nagent = \"claude\"\n");
        assert!(e.contains("sb.toml:1:"), "{e}");
        let e = err("[[role]\nname = \"dev\"\n");
        assert!(e.contains("sb.toml:1:"), "{e}");
        let e = err("");
        assert!(e.contains("no roles"), "{e}");
        // two problems at once, in line order
        let e = err("[[role]]\nname = \"x y\"\nagent = \"claude\"\n[[role]]\nname = \"dev\"\n");
        assert!(e.contains("2 problems"), "{e}");
        assert!(
            e.find("sb.toml:2:").unwrap() < e.find("sb.toml:5:").unwrap(),
            "{e}"
        );
    }

    #[test]
    fn session_names_come_from_the_directory() {
        assert_eq!(default_session(Path::new("/src/my.shop")), "my-shop");
        assert_eq!(default_session(Path::new("/")), "sb");
    }

    #[test]
    fn the_program_of_a_command_skips_assignments_and_exec() {
        assert_eq!(first_program("FOO=1 exec sb agent").as_deref(), Some("sb"));
        assert_eq!(first_program("'/bin/x' y").as_deref(), Some("/bin/x"));
    }
}
