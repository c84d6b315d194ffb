//! Text that reaches a peer's screen or a saved briefing: the sanitizer, and lossy reading of
//! input that is not valid UTF-8.

use std::io::Read;

/// Remove everything that could end the bracketed paste early, act as a keystroke, or make the
/// text read differently on screen than in the log: ESC and all other C0/C1 controls except `\n`
/// and `\t` (`\r\n` and lone `\r` become `\n`), the bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), and the Unicode line and paragraph separators
/// (U+2028, U+2029, which become `\n`).
pub fn sanitize(text: &str) -> String {
    let text = text
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    text.chars()
        .filter(|&c| {
            c == '\n'
                || c == '\t'
                || !(c.is_control()
                    || ('\u{80}'..='\u{9f}').contains(&c)
                    || ('\u{202a}'..='\u{202e}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c))
        })
        .collect()
}

/// Read all of `r` as text; bytes that are not UTF-8 become U+FFFD. The flag says whether any did.
pub fn read_lossy(mut r: impl Read) -> std::io::Result<(String, bool)> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes)?;
    Ok(lossy(bytes))
}

/// Bytes as text, invalid UTF-8 replaced by U+FFFD; the flag says whether anything was replaced.
pub fn lossy(bytes: Vec<u8>) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    }
}

/// The warning printed when input was not valid UTF-8.
pub fn lossy_warning(what: &str) -> String {
    format!(
        "sb: warning: {what} is not valid UTF-8; the invalid bytes were replaced by U+FFFD (\u{fffd})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_removes_escapes_and_controls() {
        let s = sanitize("a\x1b[201~b\x1b[200~c\x07\x00\r\nd\re\t\u{9b}f\u{7f}ü");
        assert_eq!(s, "a[201~b[200~c\nd\ne\tfü");
        assert!(!s.contains('\x1b'));
    }

    #[test]
    fn sanitize_removes_bidi_controls_and_unicode_line_breaks() {
        // "Trojan source": an override makes `admin` render as something else.
        let s = sanitize(
            "a\u{202e}nimda\u{202c} b\u{2066}c\u{2069}\u{202a}\u{202b}\u{202d}\u{2067}\u{2068}",
        );
        assert_eq!(s, "animda bc");
        assert_eq!(sanitize("one\u{2028}two\u{2029}three"), "one\ntwo\nthree");
        // Neighbours of the ranges stay: LRM/RLM marks, ZWJ in emoji, U+2065, U+206A.
        let keep = "\u{200e}\u{200f}👩\u{200d}💻\u{2065}\u{206a}\u{2029}";
        assert_eq!(
            sanitize(keep),
            "\u{200e}\u{200f}👩\u{200d}💻\u{2065}\u{206a}\n"
        );
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let (s, bad) = read_lossy(&b"caf\xe9 ok"[..]).unwrap();
        assert_eq!(s, "caf\u{fffd} ok");
        assert!(bad);
        let (s, bad) = read_lossy("café".as_bytes()).unwrap();
        assert_eq!((s.as_str(), bad), ("café", false));
    }
}
