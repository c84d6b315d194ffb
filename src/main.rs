//! The `sb` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    // `COMPLETE=bash sb …` (what the scripts in completions/ run): answer and exit.
    sb::cli::complete_env();
    match sb::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => sb::report_error(&err),
    }
}
