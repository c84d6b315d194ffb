//! sb, the session bridge: lets AI coding sessions in tmux panes talk to each other.
//!
//! The crate is a library with one binary on top. `ops` holds every operation as a plain function
//! with typed params and a serializable report; `cli` and `mcp` are thin adapters over it, so the
//! command line and the MCP server behave the same. `tmux` is the only module that runs tmux,
//! `store` the only one that touches the state directory, `detect` classifies a captured screen.

pub mod agent;
pub mod cli;
pub mod clock;
pub mod detect;
pub mod error;
pub mod mcp;
pub mod ops;
pub mod output;
pub mod store;
pub mod tmux;
pub mod transcript;

use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

pub use error::{Result, SbError};

/// Parse `args` and run the command; Ok(code) on success (code is 0 unless a command says otherwise).
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> Result<ExitCode> {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Ok(ExitCode::from(if e.use_stderr() { 2 } else { 0 }));
        }
    };
    cli::dispatch(cli).map(ExitCode::from)
}

/// Print an error once, as `sb: error: …` with its hint, and return its exit code.
pub fn report_error(err: &SbError) -> ExitCode {
    if matches!(err, SbError::BrokenPipe) {
        return ExitCode::SUCCESS;
    }
    output::note(&err.render());
    ExitCode::from(err.exit_code())
}
