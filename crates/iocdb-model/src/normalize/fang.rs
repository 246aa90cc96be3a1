//! Refanging and defanging: the `hxxp://evil[.]com` convention of threat reports.
//!
//! # The marker language
//!
//! [`refang`] reads its input left to right and rewrites these *markers*, letters matched
//! case-insensitively:
//!
//! | marker | becomes |
//! |---|---|
//! | `[.]` `(.)` `{.}` `[dot]` `(dot)` | `.` |
//! | `[@]` `[at]` `(at)` | `@` |
//! | `[:]` | `:` |
//! | `[://]` | `://` |
//! | `[/]` `[[]` `[(]` `[{]` | `/` `[` `(` `{` (escapes, see below) |
//! | `hxxp` `hxtp` `htxp` `meow` | `http` (a *scheme marker*, see below) |
//!
//! A scheme marker is only rewritten where it is a URL scheme: at the start of the text or
//! after a character that is not alphanumeric, and followed by an optional `s` and one of
//! `://`, `[://]`, `[:]//`. So `hxxps[:]//x` and `MEOW://x` are refanged, `homeowner` and
//! `hxxp-proxy` are not. The letters keep their case (`HXXP` → `HTTP`).
//!
//! MISP's own table (`ComplexTypeTool::REFANG_REGEX_TABLE`) has `hxxp`, `meow`, `[.]`,
//! `[dot]`, `(dot)`, `[@]`, `[at]`, `[:]`; the other markers are common in reports.
//!
//! # Exact inversion
//!
//! [`defang`] is the inverse: `refang(&defang(x)) == x` for **every** string `x`. It turns
//! `http`/`https` schemes into `hxxp`/`hxxps`, every `.` of the host part into `[.]` and
//! every `@` into `[@]`. Text of `x` that [`refang`] would otherwise misread is escaped:
//!
//! - a `[`, `(` or `{` that starts a marker in `x` is written `[[]`, `[(]` or `[{]`
//!   (so a literal `[.]` becomes `[[].]`, which refangs back to `[.]`);
//! - a literal scheme marker such as `hxxp://` has its first `/` written `[/]`
//!   (`hxxp:[/]/`), so it no longer has the shape of a scheme marker.
//!
//! The escapes are themselves markers, which is what makes the scheme exact rather than
//! limited to realistic indicators.

use std::borrow::Cow;

/// The bracket markers and what they stand for. No marker is a prefix of another, so at
/// most one matches at any position.
const MARKERS: [(&str, &str); 14] = [
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("[@]", "@"),
    ("[at]", "@"),
    ("(at)", "@"),
    ("[:]", ":"),
    ("[://]", "://"),
    ("[/]", "/"),
    ("[[]", "["),
    ("[(]", "("),
    ("[{]", "{"),
];

/// The defanged spellings of `http` that [`refang`] rewrites.
const SCHEME_MARKERS: [&str; 4] = ["hxxp", "hxtp", "htxp", "meow"];

/// What may follow a scheme (after its optional `s`) for it to be a scheme.
const SCHEME_SEPARATORS: [&str; 3] = ["://", "[://]", "[:]//"];

/// Rewrites defanged text (`hxxp://evil[.]com`) into its original form
/// (`http://evil.com`); see the module documentation for the markers. Borrows when there
/// is nothing to rewrite.
pub fn refang(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0; // text[..copied] is already in `out`
    let mut pos = 0;
    while let Some(skip) = bytes.get(pos..).and_then(|rest| rest.iter().position(starts_marker)) {
        pos += skip;
        let (len, replacement) = match marker_at(text, pos) {
            Some((marker, replacement)) => (marker.len(), Cow::Borrowed(replacement)),
            None => match scheme_marker_at(text, pos) {
                Some(letters) => (4, Cow::Owned(refang_scheme(letters))),
                None => {
                    pos += 1;
                    continue;
                }
            },
        };
        out.push_str(&text[copied..pos]);
        out.push_str(&replacement);
        pos += len;
        copied = pos;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Whether a marker or scheme marker can start with this byte.
fn starts_marker(byte: &u8) -> bool {
    matches!(byte, b'[' | b'(' | b'{' | b'h' | b'H' | b'm' | b'M')
}

/// Defangs `text` so it can be pasted without becoming a live link: `http` schemes become
/// `hxxp`, dots of the host part `[.]`, `@` `[@]`. Exactly inverted by [`refang`]; see the
/// module documentation for the escapes that guarantee it.
///
/// The host part is what follows the first `://` up to the next `/`, `?` or `#`; without
/// `://`, the text up to the first `/`, `?` or `#` (so `evil.com/a.php` becomes
/// `evil[.]com/a.php`).
pub fn defang(text: &str) -> String {
    let host = host_range(text);
    let mut out = String::with_capacity(text.len() + 16);
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        if let Some(consumed) = defang_scheme_at(text, pos, &mut out) {
            pos += consumed;
            continue;
        }
        match c {
            '[' | '(' | '{' if marker_at(text, pos).is_some() => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            '.' if host.contains(&pos) => out.push_str("[.]"),
            '@' => out.push_str("[@]"),
            _ => out.push(c),
        }
        pos += c.len_utf8();
    }
    out
}

/// The bracket marker starting at byte `pos`, if any (letters case-insensitive).
fn marker_at(text: &str, pos: usize) -> Option<(&'static str, &'static str)> {
    let rest = text.as_bytes().get(pos..)?;
    MARKERS.into_iter().find(|(marker, _)| starts_with_ignore_case(rest, marker))
}

/// The letters of the scheme marker starting at byte `pos`, if one starts there: at a
/// word start, followed by an optional `s` and a separator.
fn scheme_marker_at(text: &str, pos: usize) -> Option<&str> {
    if !at_word_start(text, pos) {
        return None;
    }
    let rest = text.get(pos..)?;
    let letters = rest.get(..4)?;
    if !SCHEME_MARKERS.iter().any(|m| letters.eq_ignore_ascii_case(m)) {
        return None;
    }
    let after = &rest[4..];
    let after = after.strip_prefix(['s', 'S']).unwrap_or(after);
    SCHEME_SEPARATORS.iter().any(|sep| after.starts_with(sep)).then_some(letters)
}

/// `http` with the case of each letter of the four-letter scheme marker.
fn refang_scheme(letters: &str) -> String {
    letters
        .chars()
        .zip("http".chars())
        .map(|(from, to)| if from.is_ascii_uppercase() { to.to_ascii_uppercase() } else { to })
        .collect()
}

/// At a scheme position of `text` (byte `pos`): defangs an `http(s)://` scheme, or
/// escapes a literal scheme marker. Returns the number of bytes of `text` consumed.
fn defang_scheme_at(text: &str, pos: usize, out: &mut String) -> Option<usize> {
    if let Some(letters) = scheme_marker_at(text, pos) {
        // Literal `hxxp...`: keep it, and break the separator if refang would accept it.
        let rest = &text[pos + 4..];
        let s_len = usize::from(rest.starts_with(['s', 'S']));
        out.push_str(letters);
        out.push_str(&rest[..s_len]);
        if rest[s_len..].starts_with("://") {
            out.push_str(":[/]/");
            return Some(4 + s_len + 3);
        }
        return Some(4 + s_len);
    }
    let rest = text.get(pos..)?;
    let letters = rest.get(..4)?;
    let after = &rest[4..];
    let after = after.strip_prefix(['s', 'S']).unwrap_or(after);
    if at_word_start(text, pos) && letters.eq_ignore_ascii_case("http") && after.starts_with("://")
    {
        for (from, to) in letters.chars().zip("hxxp".chars()) {
            out.push(if from.is_ascii_uppercase() { to.to_ascii_uppercase() } else { to });
        }
        return Some(4);
    }
    None
}

/// Whether byte `pos` starts a word: the start of the text or after a character that is
/// not alphanumeric.
fn at_word_start(text: &str, pos: usize) -> bool {
    text.get(..pos)
        .and_then(|before| before.chars().next_back())
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Byte range of the host part of `text` (see [`defang`]).
fn host_range(text: &str) -> std::ops::Range<usize> {
    let start = text.find("://").map_or(0, |i| i + 3);
    let end = text[start..].find(['/', '?', '#']).map_or(text.len(), |i| start + i);
    start..end
}

/// ASCII case-insensitive `starts_with` on bytes.
fn starts_with_ignore_case(haystack: &[u8], needle: &str) -> bool {
    haystack.get(..needle.len()).is_some_and(|head| head.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refangs_the_common_forms() {
        let cases = [
            ("hxxp://evil[.]com/a.php", "http://evil.com/a.php"),
            ("hxxps[:]//evil[.]com", "https://evil.com"),
            ("hXXps[://]evil(.)com", "hTTps://evil.com"),
            ("meow://evil{.}com", "http://evil.com"),
            ("HXXP://EVIL[DOT]COM", "HTTP://EVIL.COM"),
            ("evil(dot)example[dot]org", "evil.example.org"),
            ("bad[@]evil[.]com", "bad@evil.com"),
            ("bad[at]evil(dot)com", "bad@evil.com"),
            ("bad(AT)evil.com", "bad@evil.com"),
            ("1.2.3[.]4", "1.2.3.4"),
            ("(hxxp://x[.]y)", "(http://x.y)"),
        ];
        for (defanged, fanged) in cases {
            assert_eq!(refang(defanged), fanged, "{defanged}");
        }
    }

    #[test]
    fn refang_leaves_ordinary_text_alone_and_borrows() {
        for text in
            ["homeowner", "hxxp-proxy", "ahxxp://x", "http://[2001:db8::1]:80/", "a[b]c", ""]
        {
            assert!(matches!(refang(text), Cow::Borrowed(t) if t == text), "{text}");
        }
    }

    #[test]
    fn defangs_urls_hosts_and_emails() {
        assert_eq!(defang("http://evil.com/a.php?x=1.2"), "hxxp://evil[.]com/a.php?x=1.2");
        assert_eq!(defang("HTTPS://Evil.com"), "HXXPS://Evil[.]com");
        assert_eq!(defang("evil.example.com"), "evil[.]example[.]com");
        assert_eq!(defang("bad@evil.com"), "bad[@]evil[.]com");
        assert_eq!(defang("10.0.0.1"), "10[.]0[.]0[.]1");
        assert_eq!(defang("xhttp://a"), "xhttp://a");
    }

    #[test]
    fn defang_escapes_text_that_looks_defanged() {
        assert_eq!(defang("a[.]b"), "a[[][.]]b");
        assert_eq!(defang("hxxp://a"), "hxxp:[/]/a");
        assert_eq!(defang("(dot)"), "[(]dot)");
        for x in ["a[.]b", "hxxp://a", "(dot)", "[[]", "hxxps[:]//a.b", "meow://x", "{.}", "[/]"] {
            assert_eq!(refang(&defang(x)), x, "{x}");
        }
    }
}
