//! sb, the session bridge: lets AI coding sessions in tmux panes talk to each other.
//!
//! The crate is a library with one binary on top. `ops` holds every operation as a plain function
//! with typed params and a serializable report; `cli` and `mcp` are thin adapters over it, so the
//! command line and the MCP server behave the same. `tmux` is the only module that runs tmux,
//! `store` the only one that touches the state directory, `detect` classifies a captured screen.

pub(crate) mod agent;
pub(crate) mod agents;
pub mod cli;
pub(crate) mod clock;
pub(crate) mod control;
pub mod detect;
pub(crate) mod error;
pub(crate) mod guard;
pub(crate) mod interrupt;
pub(crate) mod mcp;
pub(crate) mod native;
pub(crate) mod ops;
pub(crate) mod output;
pub(crate) mod pane;
pub(crate) mod poll;
pub(crate) mod process;
pub(crate) mod procs;
pub(crate) mod remote;
pub(crate) mod sha256;
pub(crate) mod store;
pub(crate) mod text;
pub(crate) mod tmux;
pub(crate) mod transcript;

use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

pub use error::{Result, SbError};

/// Parse `args` and run the command; Ok(code) on success (code is 0 unless a command says otherwise).
/// With `--json`, a failure also prints its structured form on stdout (see `SbError::to_json`);
/// the caller prints the human line on stderr.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> Result<ExitCode> {
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return Ok(usage_error(&e, wants_json(&args))),
    };
    let json = cli.global.json;
    cli::dispatch(cli)
        .map(|()| ExitCode::SUCCESS)
        .inspect_err(|e| {
            // One document: when the command already printed its report (a send delivered but
            // not confirmed, doctor's checklist), the exit code and stderr carry the failure.
            if json && !output::document_printed() && !matches!(e, SbError::SilentExit(_)) {
                print_json_error(e);
            }
        })
}

/// `--json` among the options (before a `--`), for errors found before the command line parsed.
fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// Print a clap error as sb prints every error (`sb: error: …`, exit 2); help and version go to
/// stdout as clap renders them (exit 0).
fn usage_error(e: &clap::Error, json: bool) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let text = e.render().to_string();
    let text = text.trim_end();
    let mut msg = match text.strip_prefix("error: ") {
        Some(rest) => format!("sb: error: {rest}"),
        None => format!("sb: error: {text}"),
    };
    // An option whose value is optional (`--when-ready[=TIMEOUT]`, `--confirm[=TIMEOUT]`) takes
    // it only attached with `=`: point at that form.
    if e.kind() == ErrorKind::ValueValidation
        && let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg)
        && let Some(flag) = ["--when-ready", "--confirm"]
            .into_iter()
            .find(|f| arg.starts_with(f))
    {
        let example = if flag == "--when-ready" { "5m" } else { "30s" };
        let hint = format!(
            "\n  hint: give the timeout attached, as {flag}={example}; a bare {flag} uses the default timeout"
        );
        let end = msg.find('\n').unwrap_or(msg.len());
        msg.insert_str(end, &hint);
    }
    if json {
        let first = msg
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("sb: error: ")
            .to_string();
        let hint = msg
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("hint: "))
            .map(str::to_string);
        let doc = serde_json::json!({"error": {
            "kind": "usage", "message": first, "hint": hint, "exit_code": 2, "message_id": null
        }});
        let _ = output::Out::new(true, output::ColorChoice::Never).line(&doc.to_string());
    }
    output::note(&msg);
    ExitCode::from(2)
}

/// The structured error on stdout, one line of JSON (a closed stdout is ignored).
pub fn print_json_error(err: &SbError) {
    if matches!(err, SbError::BrokenPipe) {
        return;
    }
    let _ = output::Out::new(true, output::ColorChoice::Never).line(&err.to_json().to_string());
}

/// Print an error once, as `sb: error: …` with its hint, and return its exit code.
pub fn report_error(err: &SbError) -> ExitCode {
    match err {
        SbError::BrokenPipe => return ExitCode::SUCCESS,
        // The command printed its result; the status is all there is to add.
        SbError::SilentExit(code) => return ExitCode::from(*code),
        _ => {}
    }
    output::note(&err.render());
    ExitCode::from(err.exit_code())
}
