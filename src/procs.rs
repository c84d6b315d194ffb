//! Facts about processes from `/proc` (Linux): parent, process group, the terminal's foreground
//! group, start time. Used to tell whether an agent or a bare shell reads a pane's terminal, and
//! to trust an agent's status file only for the live process that wrote it.

/// Whether `pid` is `ancestor` or one of its descendants.
pub fn descends_from(pid: u32, ancestor: u32) -> bool {
    if ancestor == 0 {
        return false;
    }
    let mut p = pid;
    for _ in 0..64 {
        if p == ancestor {
            return true;
        }
        match ProcStat::read(p) {
            Some(s) if s.ppid > 1 && s.ppid != p => p = s.ppid,
            _ => return false,
        }
    }
    false
}

/// The fields of `/proc/<pid>/stat` sb needs.
pub struct ProcStat {
    pub ppid: u32,
    /// Field 5, the process group.
    pub pgrp: u32,
    /// Field 8, the foreground process group of the process's terminal.
    pub tpgid: i64,
    /// Fields 14 + 15, `utime` + `stime`: CPU time used, in clock ticks.
    pub cpu_ticks: u64,
    /// Field 22, `starttime`, as text (clock ticks after boot).
    pub start: String,
}

impl ProcStat {
    pub fn read(pid: u32) -> Option<ProcStat> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        ProcStat::parse(&text)
    }

    /// The command name (field 2) may hold spaces and parentheses: fields are counted after the
    /// last `)`, where field 3 starts.
    fn parse(text: &str) -> Option<ProcStat> {
        let rest = &text[text.rfind(')')? + 1..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        Some(ProcStat {
            ppid: f.get(1)?.parse().ok()?,
            pgrp: f.get(2)?.parse().ok()?,
            tpgid: f.get(5)?.parse().ok()?,
            cpu_ticks: f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?,
            start: (*f.get(19)?).to_string(),
        })
    }
}

/// The program that reads the pane's terminal now: of the processes in the terminal's
/// foreground process group, the one with no child in that group (a shell that runs `claude`
/// without job control stays the group's leader while claude reads the terminal). None when
/// `/proc` does not tell.
pub fn foreground_leaf(pane_pid: u32) -> Option<String> {
    let leaf = foreground_leaf_pid(pane_pid)?;
    let comm = std::fs::read_to_string(format!("/proc/{leaf}/comm")).ok()?;
    Some(comm.trim_end().to_string())
}

/// The pid of [`foreground_leaf`]'s program.
pub fn foreground_leaf_pid(pane_pid: u32) -> Option<u32> {
    let tpgid = ProcStat::read(pane_pid)?.tpgid;
    let tpgid = u32::try_from(tpgid).ok().filter(|g| *g > 0)?;
    let mut members: Vec<(u32, u32)> = Vec::new();
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        // Orphans left in the group by an exited program (re-parented to init) do not count:
        // only the pane's own process tree reads its terminal.
        if let Some(st) = ProcStat::read(pid).filter(|st| st.pgrp == tpgid)
            && descends_from(pid, pane_pid)
        {
            members.push((pid, st.ppid));
        }
    }
    members
        .iter()
        .filter(|(pid, _)| !members.iter().any(|(_, ppid)| ppid == pid))
        .map(|(pid, _)| *pid)
        .max()
}

/// Clock ticks per second of `/proc/<pid>/stat`'s times (`USER_HZ`): 100 on every Linux
/// architecture sb builds for.
pub const TICKS_PER_SECOND: f64 = 100.0;

/// How long ago `pid` started, from its `starttime` and `/proc/uptime`.
pub fn age(pid: u32) -> Option<std::time::Duration> {
    let start: f64 = ProcStat::read(pid)?.start.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    std::time::Duration::try_from_secs_f64(uptime - start / TICKS_PER_SECOND).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_after_the_command_name() {
        let s = ProcStat::parse(
            "42 (we ird) name)) S 7 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765 1 2",
        )
        .unwrap();
        assert_eq!(s.ppid, 7);
        assert_eq!(s.cpu_ticks, 0);
        assert_eq!(s.start, "98765");
        let busy =
            ProcStat::parse("9 (x) R 1 9 9 0 -1 0 0 0 0 0 250 31 0 0 20 0 1 0 5 1 2").unwrap();
        assert_eq!(busy.cpu_ticks, 281);
        assert!(ProcStat::parse("garbage").is_none());
    }

    #[test]
    fn a_new_process_is_young_and_this_one_is_older() {
        use std::time::Duration;
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let young = age(child.id()).unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(young < Duration::from_secs(2), "{young:?}");
        std::thread::sleep(Duration::from_millis(50));
        assert!(age(std::process::id()).unwrap() >= Duration::from_millis(50));
        assert!(age(u32::MAX).is_none());
    }

    #[test]
    fn this_process_descends_from_itself_and_its_parent() {
        let me = std::process::id();
        assert!(descends_from(me, me));
        let parent = ProcStat::read(me).unwrap().ppid;
        assert!(descends_from(me, parent));
        assert!(!descends_from(parent, me));
    }

    #[test]
    fn process_group_and_parent_are_read() {
        use std::os::unix::process::CommandExt;
        // A new process group whose leader (sh, no job control) waits on `sleep`.
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 5; true"])
            .process_group(0)
            .spawn()
            .unwrap();
        let pid = child.id();
        std::thread::sleep(std::time::Duration::from_millis(200));
        let st = ProcStat::read(pid).unwrap();
        assert_eq!(st.pgrp, pid);
        assert!(descends_from(pid, std::process::id()));
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
