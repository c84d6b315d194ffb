//! The `sb` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    match sb::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => sb::report_error(&err),
    }
}
