//! The integration suite: the `sb` binary against real tmux servers on private sockets.

mod env;
mod errors;
mod guard;
mod json;
mod send;
mod state;
