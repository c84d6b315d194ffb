//! The integration suite: the `sb` binary against real tmux servers on private sockets.

mod control;
mod demo;
mod env;
mod errors;
mod failclosed;
mod generated;
mod guard;
mod hook;
mod json;
mod locale;
mod mcp;
mod native;
mod queue;
mod readme;
mod reliability;
mod remote;
mod send;
mod setup;
mod startup;
mod state;
mod up;
mod ux;
