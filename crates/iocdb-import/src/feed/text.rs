//! Bytes to text, for feeds that are mostly UTF-8 and sometimes Latin-1.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};

/// The UTF-8 byte-order mark spreadsheets put at the start of CSV files.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes bytes as UTF-8, or as Latin-1 when they are not UTF-8 (every byte is then one
/// character, so nothing is lost and nothing fails).
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// `bytes` without a leading byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// Consumes a byte-order mark at the start of `input`, if there is one.
pub(crate) fn skip_bom(input: &mut impl BufRead) -> io::Result<()> {
    let buf = input.fill_buf()?;
    if buf.starts_with(BOM) {
        input.consume(BOM.len());
    }
    Ok(())
}

/// Reads one line (through `\n`, which is kept) into `line`; returns the bytes read, 0 at
/// the end of the input.
pub(crate) fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    line.clear();
    input.read_until(b'\n', line)
}

/// `line` without its line ending.
pub(crate) fn chomp(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The bytes a CSV parser reads, cleaned of two producer habits:
///
/// - `\r\n` line ends become `\n`, so the parser's line numbers count every line (it
///   counts a CRLF-terminated record's `\n` towards the next record);
/// - when `spaced` is set, the one space abuse.ch's ThreatFox and MalwareBazaar exports put
///   after each delimiter that follows a closing quote (`"a", "b"`) is dropped, so the
///   parser sees `"a","b"` and honours the quotes of the next field.
pub(crate) struct CsvInput<R> {
    inner: R,
    spaced: bool,
    quote: u8,
    delimiter: u8,
    /// 0: nothing pending; 1: just saw a quote; 2: just saw a quote then a delimiter.
    state: u8,
    /// A `\r` read but not yet written: dropped if a `\n` follows.
    held_cr: bool,
    /// The last byte written, to end the input with a line break.
    last: Option<u8>,
    /// The end of the input was reached.
    done: bool,
    chunk: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
}

/// Bytes read from the inner reader at a time.
const CHUNK: usize = 32 * 1024;

impl<R: Read> CsvInput<R> {
    /// Wraps `inner`; `quote` and `delimiter` are the dialect's.
    pub(crate) fn new(inner: R, spaced: bool, quote: u8, delimiter: u8) -> Self {
        CsvInput {
            inner,
            spaced,
            quote,
            delimiter,
            state: 0,
            held_cr: false,
            last: None,
            done: false,
            chunk: vec![0; CHUNK],
            out: Vec::with_capacity(CHUNK + 1),
            out_pos: 0,
        }
    }

    /// Reads and cleans the next chunk into `out`; `false` at the end of the input.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() {
            let n = self.inner.read(&mut self.chunk)?.min(self.chunk.len());
            if n == 0 {
                return Ok(self.finish());
            }
            for i in 0..n {
                let byte = self.chunk.get(i).copied().unwrap_or_default();
                self.push(byte);
            }
        }
        Ok(true)
    }

    /// Ends the input with a line break if it lacks one (a comment on the last line is
    /// then skipped like the others); `true` if that wrote anything.
    fn finish(&mut self) -> bool {
        if self.done {
            return false;
        }
        self.done = true;
        if std::mem::take(&mut self.held_cr) {
            self.emit(b'\r');
        }
        if self.last.is_some_and(|b| b != b'\n') {
            self.emit(b'\n');
        }
        !self.out.is_empty()
    }

    fn push(&mut self, byte: u8) {
        if std::mem::take(&mut self.held_cr) && byte != b'\n' {
            self.emit(b'\r');
        }
        if byte == b'\r' {
            self.held_cr = true;
            return;
        }
        if self.spaced && self.state == 2 && byte == b' ' {
            self.state = 0;
            return;
        }
        self.emit(byte);
    }

    fn emit(&mut self, byte: u8) {
        self.state = if byte == self.quote {
            1
        } else if byte == self.delimiter && self.state == 1 {
            2
        } else {
            0
        };
        self.out.push(byte);
        self.last = Some(byte);
    }
}

impl<R: Read> Read for CsvInput<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos >= self.out.len() && !self.refill()? {
            return Ok(0);
        }
        let available = self.out.get(self.out_pos..).unwrap_or_default();
        let n = available.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_is_kept_whole() {
        assert_eq!(decode(b"caf\xe9"), "café");
        assert_eq!(decode("café".as_bytes()), "café");
    }

    fn clean(input: &[u8], spaced: bool) -> String {
        let mut out = String::new();
        CsvInput::new(input, spaced, b'"', b',').read_to_string(&mut out).expect("read");
        out
    }

    #[test]
    fn spaces_after_quoted_fields_are_dropped() {
        let input = b"\"a\", \"b,c\", \"d\"\n\"e\",  f, g\n";
        assert_eq!(clean(input, true), "\"a\",\"b,c\",\"d\"\n\"e\", f, g\n");
        assert_eq!(clean(input, false), String::from_utf8_lossy(input));
    }

    #[test]
    fn crlf_becomes_lf() {
        assert_eq!(clean(b"a,b\r\nc\rd\r\n\r", false), "a,b\nc\rd\n\r\n");
        assert_eq!(clean(b"# end", false), "# end\n");
        assert_eq!(clean(b"", false), "");
    }

    #[test]
    fn a_cr_at_a_chunk_boundary_is_handled() {
        let mut input = vec![b'x'; CHUNK - 1];
        input.extend_from_slice(b"\r\ny\r");
        let out = clean(&input, false);
        assert!(out.ends_with("x\ny\r\n"), "{:?}", out.get(out.len() - 5..));
        assert_eq!(out.len(), CHUNK + 3);
    }
}
