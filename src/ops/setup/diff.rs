//! The unified diff (`---`/`+++`/`@@` hunks, 3 lines of context) that `sb setup` shows for the
//! change it makes (or would make, with `--dry-run`) to settings.json.

use std::fmt::Write as _;

/// A unified diff (3 lines of context) of `a` → `b`; whole-file replacement for huge inputs.
pub fn unified_diff(a: &str, b: &str, name: &str, after: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let (n, m) = (a.len(), b.len());
    // ops: (kind, line index in a, line index in b)
    let mut ops: Vec<(char, usize, usize)> = Vec::new();
    if n.saturating_mul(m) > 4_000_000 {
        ops.extend((0..n).map(|i| ('-', i, 0)));
        ops.extend((0..m).map(|j| ('+', n, j)));
    } else {
        let mut t = vec![vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i][j] = if a[i] == b[j] {
                    t[i + 1][j + 1] + 1
                } else {
                    t[i + 1][j].max(t[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                ops.push((' ', i, j));
                (i, j) = (i + 1, j + 1);
            } else if i < n && (j == m || t[i + 1][j] >= t[i][j + 1]) {
                ops.push(('-', i, j));
                i += 1;
            } else {
                ops.push(('+', i, j));
                j += 1;
            }
        }
    }
    let mut out = format!("--- {name}\n+++ {name} ({after})\n");
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(3);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 7 {
            end = changed[k];
            k += 1;
        }
        let end = (end + 4).min(ops.len());
        let hunk = &ops[start..end];
        let (la, lb) = (
            hunk.iter().filter(|o| o.0 != '+').count(),
            hunk.iter().filter(|o| o.0 != '-').count(),
        );
        let (sa, sb) = (
            hunk[0].1 + usize::from(la > 0),
            hunk[0].2 + usize::from(lb > 0),
        );
        let _ = writeln!(out, "@@ -{sa},{la} +{sb},{lb} @@");
        for &(kind, i, j) in hunk {
            let line = if kind == '+' { b[j] } else { a[i] };
            let _ = writeln!(out, "{kind}{line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_only_changed_lines_with_context() {
        let a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let b = "1\n2\n3\n4\n5\nnew\n6\n7\n8\n9\n";
        let d = unified_diff(a, b, "f", "after");
        assert!(
            d.contains("@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n"),
            "{d}"
        );
        assert!(!d.contains(" 1\n"));
    }
}
