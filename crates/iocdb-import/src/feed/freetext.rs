//! Indicators in prose and in one-value-per-line lists.

use std::io::BufRead;

use iocdb_model::{AttrType, infer_type};

use super::FeedOptions;
use super::collect::{Collector, new_attribute};
use super::text::{chomp, decode, read_line, skip_bom};
use crate::context::Context;
use crate::error::ImportError;

/// Decodes free text (an advisory, a blog post, a plain blocklist) into one event holding
/// every indicator found, each once.
///
/// Lines starting with `#` or `//` are comments, and so is the rest of a line from a `#`
/// or `//` standing alone after whitespace (`1.2.3.4 # scanner`). Each other line is cut
/// into [`tokens`]; a token whose type can be inferred ([`infer_type`], which refangs and
/// normalises) becomes an attribute with its type's default category and `to_ids`. Text
/// that is not UTF-8 is read as Latin-1. Tokens that are not indicators are not errors:
/// prose is mostly words.
pub fn decode_freetext(
    input: impl BufRead,
    options: &FeedOptions,
    ctx: &mut Context<'_>,
) -> Result<(), ImportError> {
    let mut input = input;
    skip_bom(&mut input)?;
    let mut collector = Collector::new(options);
    let mut line = Vec::new();
    let mut number = 0u64;
    while read_line(&mut input, &mut line)? > 0 {
        number += 1;
        let text = decode(chomp(&line));
        for token in tokens(&text) {
            if let Some(inferred) = infer_type(token) {
                let attribute = new_attribute(inferred.attr_type, inferred.value);
                collector.add(None, attribute, false, None);
            }
        }
    }
    ctx.report.count("freetext: lines", number);
    collector.finish(ctx)
}

/// The indicators in one line of text (a log line, a sentence), typed and normalised, in
/// order, duplicates kept. An inline comment ends the line, as in [`tokens`].
pub fn extract_indicators(line: &str) -> Vec<(AttrType, String)> {
    tokens(line).filter_map(infer_type).map(|i| (i.attr_type, i.value)).collect()
}

/// Cuts a line into candidate indicators.
///
/// The line is split on whitespace and on characters that do not occur in indicators
/// (`"` `<` `>` `` ` `` `,` `;` `|`); each piece loses leading quotes and opening brackets,
/// trailing quotes, sentence punctuation (`.` `,` `;` `:` `!` `?`) and closing brackets
/// that have no opening one inside it, so `(hxxp://evil[.]com/a).` gives
/// `hxxp://evil[.]com/a`, and a piece without `://` keeps what follows its last `=`
/// (`host=evil.com` gives `evil.com`). A whole-line comment yields nothing; an inline
/// comment (`#` or `//` standing alone after whitespace) ends the line.
pub fn tokens(line: &str) -> impl Iterator<Item = &str> {
    let text = without_comment(line);
    text.split(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '`' | ',' | ';' | '|'))
        .map(without_key)
        .map(strip_token)
        .filter(|token| !token.is_empty())
}

/// The line up to its comment.
fn without_comment(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with("//") {
        return "";
    }
    let mut previous_blank = true;
    for (i, c) in line.char_indices() {
        if previous_blank {
            let rest = line.get(i..).unwrap_or_default();
            let marker = ["# ", "#\t", "// ", "//\t"].iter().any(|m| rest.starts_with(m));
            if marker || rest == "#" || rest == "//" {
                return line.get(..i).unwrap_or_default();
            }
        }
        previous_blank = c.is_whitespace();
    }
    line
}

/// The value of a `key=value` piece (log lines: `host=evil.com`); URLs are kept whole,
/// their queries hold `=`.
fn without_key(piece: &str) -> &str {
    if piece.contains("://") {
        return piece;
    }
    piece.rsplit('=').next().unwrap_or(piece)
}

/// Strips wrapping and punctuation from both ends of a piece, until nothing changes.
fn strip_token(piece: &str) -> &str {
    let mut token = piece;
    loop {
        let before = token.len();
        token = token.trim_start_matches(['\'', '(', '[', '{', '*', '_', '\u{201c}', '\u{2018}']);
        token = token.trim_end_matches([
            '\'', '.', ',', ';', ':', '!', '?', '*', '_', '\u{201d}', '\u{2019}',
        ]);
        for (open, close) in [('(', ')'), ('[', ']'), ('{', '}')] {
            if token.ends_with(close) && token.matches(close).count() > token.matches(open).count()
            {
                token = token.get(..token.len() - 1).unwrap_or_default();
            }
        }
        if token.len() == before {
            return token;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(line: &str) -> Vec<&str> {
        tokens(line).collect()
    }

    #[test]
    fn tokens_lose_their_wrapping() {
        assert_eq!(
            all("C2 at (hxxp://evil[.]com/a). Also \"10.0.0.1\", 'x.org';"),
            ["C2", "at", "hxxp://evil[.]com/a", "Also", "10.0.0.1", "x.org"]
        );
        assert_eq!(all("[evil[.]com]"), ["evil[.]com"]);
    }

    #[test]
    fn comments_end_the_line() {
        assert_eq!(all("1.2.3.4 # scanner 5.6.7.8"), ["1.2.3.4"]);
        assert_eq!(all("1.2.3.4\t10"), ["1.2.3.4", "10"]);
        assert_eq!(all("# 1.2.3.4"), Vec::<&str>::new());
        assert_eq!(all("  // evil.com"), Vec::<&str>::new());
        assert_eq!(all("see http://a.com/#frag // note"), ["see", "http://a.com/#frag"]);
    }
}
