//! What sb knows about each agent beyond its screen: its own status files and, per agent, how a
//! message reaches it. The screen rules live in `crate::detect`.

pub mod claude;
