//! STIX patterns: the comparisons an indicator's pattern makes.
//!
//! The `stix2` crate's parser (`stix2::patterns::Pattern::parse`) reads the pattern first.
//! It rejects some valid patterns (several comparisons inside one `[...]`, list paths such
//! as `resolves_to_refs[*].value`, `NOT` before the operator), so a rejected pattern goes
//! to [`scan`], a tolerant tokenizer that finds every `object:path <op> value` comparison
//! whatever surrounds it. Both give the same [`Comparison`]s for the patterns both read
//! (a test checks it on every real pattern of the fixtures).

use stix2::patterns::{ComparisonOperator, Pattern, PatternExpression, PatternValue};

use super::mapping::canonical_path;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`, `<=`, `>`, `>=`
    Order,
    /// `LIKE`
    Like,
    /// `MATCHES`
    Matches,
    /// `IN`
    In,
    /// `ISSUBSET`, `ISSUPERSET`
    Subset,
}

impl Operator {
    /// The operator for a word or symbol, case-insensitively.
    fn from_token(token: &str) -> Option<Self> {
        let op = match token.to_ascii_uppercase().as_str() {
            "=" => Operator::Equal,
            "!=" => Operator::NotEqual,
            "<" | "<=" | ">" | ">=" => Operator::Order,
            "LIKE" => Operator::Like,
            "MATCHES" => Operator::Matches,
            "IN" => Operator::In,
            "ISSUBSET" | "ISSUPERSET" => Operator::Subset,
            _ => return None,
        };
        Some(op)
    }

    /// How the operator is written, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Operator::Equal => "=",
            Operator::NotEqual => "!=",
            Operator::Order => "<, <=, >, >=",
            Operator::Like => "LIKE",
            Operator::Matches => "MATCHES",
            Operator::In => "IN",
            Operator::Subset => "ISSUBSET/ISSUPERSET",
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// A string literal, unescaped.
    Text(String),
    /// An integer literal.
    Integer(i64),
    /// Anything else (a list, a float, a boolean, a timestamp, binary, hex).
    Other,
}

/// One `object-type:path <operator> value` comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comparison {
    /// The cyber-observable type (`file`, `ipv4-addr`, ...).
    pub(crate) object_type: String,
    /// The property path in canonical form (see [`canonical_path`]).
    pub(crate) path: String,
    /// The operator.
    pub(crate) operator: Operator,
    /// Whether `NOT` negates the comparison.
    pub(crate) negated: bool,
    /// The value compared against.
    pub(crate) value: Value,
}

impl Comparison {
    /// The value, when this is a plain (not negated) equality with a string or integer.
    pub(crate) fn equality_value(&self) -> Option<String> {
        if self.operator != Operator::Equal || self.negated {
            return None;
        }
        match &self.value {
            Value::Text(text) => Some(text.clone()),
            Value::Integer(n) => Some(n.to_string()),
            Value::Other => None,
        }
    }
}

/// The comparisons of a pattern, and whether the tolerant scanner had to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// Every comparison, in pattern order.
    pub(crate) comparisons: Vec<Comparison>,
    /// `stix2` rejected the pattern (or it was too deeply nested to hand over).
    pub(crate) fallback: bool,
}

/// Patterns with more brackets than this skip `stix2`: its parser recurses on
/// parentheses and builds a tree as deep as the number of observations.
const MAX_STIX2_NESTING: usize = 64;

/// Finds the comparisons of a STIX pattern: `stix2` first, the tolerant scanner when
/// `stix2` rejects it. Never fails and never panics; a pattern with no comparison gives an
/// empty list.
pub(crate) fn parse(pattern: &str) -> Parsed {
    let nesting = pattern.bytes().filter(|b| matches!(b, b'(' | b'[')).count();
    if nesting <= MAX_STIX2_NESTING
        && let Ok(expression) = Pattern::new(pattern).parse()
    {
        return Parsed { comparisons: from_stix2(&expression), fallback: false };
    }
    Parsed { comparisons: scan(pattern), fallback: true }
}

/// The comparisons of a parsed `stix2` expression, in order (iterative: the tree is as
/// deep as the pattern is long).
fn from_stix2(expression: &PatternExpression) -> Vec<Comparison> {
    let mut out = Vec::new();
    let mut stack = vec![expression];
    while let Some(node) = stack.pop() {
        match node {
            PatternExpression::Comparison(c) => out.push(Comparison {
                object_type: c.object_type.clone(),
                path: canonical_path(&c.object_path),
                operator: from_stix2_operator(c.operator),
                negated: c.negated,
                value: from_stix2_value(&c.value),
            }),
            PatternExpression::And(a, b)
            | PatternExpression::Or(a, b)
            | PatternExpression::FollowedBy(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            PatternExpression::Qualified(inner, _) => stack.push(inner),
        }
    }
    out
}

fn from_stix2_operator(op: ComparisonOperator) -> Operator {
    match op {
        ComparisonOperator::Equal => Operator::Equal,
        ComparisonOperator::NotEqual => Operator::NotEqual,
        ComparisonOperator::LessThan
        | ComparisonOperator::LessThanOrEqual
        | ComparisonOperator::GreaterThan
        | ComparisonOperator::GreaterThanOrEqual => Operator::Order,
        ComparisonOperator::Matches => Operator::Matches,
        ComparisonOperator::Like => Operator::Like,
        ComparisonOperator::In => Operator::In,
        ComparisonOperator::IsSubset | ComparisonOperator::IsSuperset => Operator::Subset,
    }
}

/// `stix2` keeps string literals as written, escapes included: undo `\'` and `\\`.
fn from_stix2_value(value: &PatternValue) -> Value {
    match value {
        PatternValue::String(raw) => Value::Text(unescape(raw)),
        PatternValue::Integer(n) => Value::Integer(*n),
        _ => Value::Other,
    }
}

/// Undoes the two escapes of STIX string literals, `\'` and `\\`; any other backslash is
/// kept as written.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(next @ ('\'' | '\\')) => out.push(next),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Writes `value` as a STIX string literal: quoted, `\` and `'` escaped.
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A token of the tolerant scanner.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// `object-type:path`, path as written.
    Path(String, String),
    /// A quoted string, unescaped.
    Text(String),
    /// A word, number or operator symbol.
    Word(String),
    /// A prefixed literal: `t'...'`, `h'...'`, `b'...'`.
    Prefixed,
    /// `(`
    Open,
    /// `)`
    Close,
    /// Anything else: brackets, commas.
    Punct,
}

/// The tolerant reading of a pattern: every `object:path [NOT] <op> value` it contains,
/// whatever the brackets and boolean operators around it.
pub(crate) fn scan(pattern: &str) -> Vec<Comparison> {
    let tokens = tokenize(pattern);
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Path(object_type, path) = token else { continue };
        let before_not = i > 0 && is_word(tokens.get(i - 1), "NOT");
        if let Some(c) = comparison_at(&tokens, i + 1, object_type, path, before_not) {
            out.push(c);
        }
    }
    out
}

/// The comparison whose operator starts at `tokens[at]`, if there is one.
fn comparison_at(
    tokens: &[Token],
    mut at: usize,
    object_type: &str,
    path: &str,
    mut negated: bool,
) -> Option<Comparison> {
    if is_word(tokens.get(at), "NOT") {
        negated = !negated;
        at += 1;
    }
    let Some(Token::Word(op)) = tokens.get(at) else { return None };
    let operator = Operator::from_token(op)?;
    let value = match tokens.get(at + 1)? {
        Token::Text(text) => Value::Text(text.clone()),
        Token::Word(word) => word.parse::<i64>().map_or(Value::Other, Value::Integer),
        Token::Prefixed | Token::Open => Value::Other,
        _ => return None,
    };
    Some(Comparison {
        object_type: object_type.to_owned(),
        path: canonical_path(path),
        operator,
        negated,
        value,
    })
}

fn is_word(token: Option<&Token>, word: &str) -> bool {
    matches!(token, Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
}

/// Splits a pattern into tokens. Unterminated strings run to the end.
fn tokenize(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let (token, next) = match c {
            c if c.is_whitespace() => (None, i + 1),
            '\'' => {
                let (text, next) = read_string(&chars, i + 1);
                (Some(Token::Text(text)), next)
            }
            '(' => (Some(Token::Open), i + 1),
            ')' => (Some(Token::Close), i + 1),
            '=' | '!' | '<' | '>' => read_symbol(&chars, i),
            c if is_ident(c) => read_word(&chars, i),
            _ => (Some(Token::Punct), i + 1),
        };
        tokens.extend(token);
        i = next.max(i + 1);
    }
    tokens
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_' || c == '.'
}

/// Reads a string body starting after its opening quote; returns it unescaped and the
/// index after the closing quote.
fn read_string(chars: &[char], start: usize) -> (String, usize) {
    let mut out = String::new();
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        match c {
            '\'' => return (out, i + 1),
            '\\' => {
                match chars.get(i + 1) {
                    Some(&next @ ('\'' | '\\')) => out.push(next),
                    Some(&next) => {
                        out.push('\\');
                        out.push(next);
                    }
                    None => out.push('\\'),
                }
                i += 2;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    (out, i)
}

fn read_symbol(chars: &[char], start: usize) -> (Option<Token>, usize) {
    let first = chars.get(start).copied().unwrap_or('=');
    let two = chars.get(start + 1) == Some(&'=') && first != '=';
    let len = if two { 2 } else { 1 };
    let symbol: String = chars.iter().skip(start).take(len).collect();
    (Some(Token::Word(symbol)), start + len)
}

/// Reads a word, a number, a prefixed literal, or an `object-type:path`.
fn read_word(chars: &[char], start: usize) -> (Option<Token>, usize) {
    let mut i = start;
    while chars.get(i).is_some_and(|c| is_ident(*c)) {
        i += 1;
    }
    let word: String = chars.iter().skip(start).take(i - start).collect();
    match chars.get(i) {
        Some('\'') if matches!(word.as_str(), "t" | "h" | "b") => {
            let (_, next) = read_string(chars, i + 1);
            (Some(Token::Prefixed), next)
        }
        Some(':') if !word.contains('.') => {
            let (path, next) = read_path(chars, i + 1);
            (Some(Token::Path(word, path)), next)
        }
        _ => (Some(Token::Word(word)), i),
    }
}

/// Reads an object path after `type:`: identifiers, `.`, quoted components, `[...]`.
fn read_path(chars: &[char], start: usize) -> (String, usize) {
    let mut path = String::new();
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        match c {
            '\'' if path.is_empty() || path.ends_with('.') => {
                let (text, next) = read_string(chars, i + 1);
                path.push('\'');
                path.push_str(&text);
                path.push('\'');
                i = next;
            }
            '[' => {
                let close = (i..chars.len()).find(|&j| chars.get(j) == Some(&']'));
                let end = close.unwrap_or(chars.len());
                path.extend(chars.iter().skip(i).take(end + 1 - i));
                i = end + 1;
            }
            c if is_ident(c) => {
                path.push(c);
                i += 1;
            }
            _ => break,
        }
    }
    (path, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq(object_type: &str, path: &str, value: &str) -> Comparison {
        Comparison {
            object_type: object_type.into(),
            path: path.into(),
            operator: Operator::Equal,
            negated: false,
            value: Value::Text(value.into()),
        }
    }

    #[test]
    fn stix2_reads_simple_patterns() {
        let parsed = parse("[file:hashes.'SHA-256' = 'AbC']");
        assert!(!parsed.fallback);
        assert_eq!(parsed.comparisons, [eq("file", "hashes.sha256", "AbC")]);
    }

    #[test]
    fn fallback_reads_list_paths_and_and() {
        let pattern = "[domain-name:value = 'circl.lu' AND domain-name:resolves_to_refs[*].value = '149.13.33.14']";
        let parsed = parse(pattern);
        assert!(parsed.fallback);
        assert_eq!(
            parsed.comparisons,
            [
                eq("domain-name", "value", "circl.lu"),
                eq("domain-name", "resolves_to_refs[*].value", "149.13.33.14"),
            ]
        );
    }

    #[test]
    fn escapes_are_undone() {
        let pattern = r"[windows-registry-key:key = 'HKCU\\Software\\Run' AND file:name = 'it\'s']";
        let want =
            [eq("windows-registry-key", "key", r"HKCU\Software\Run"), eq("file", "name", "it's")];
        assert_eq!(scan(pattern), want);
        let single = r"[windows-registry-key:key = 'HKCU\\Software\\Run']";
        assert_eq!(parse(single).comparisons, want[..1]);
    }

    #[test]
    fn quote_round_trips() {
        let value = r"a'b\c";
        let pattern = format!("[file:name = {}]", quote(value));
        assert_eq!(parse(&pattern).comparisons, [eq("file", "name", value)]);
        assert_eq!(scan(&pattern), [eq("file", "name", value)]);
    }

    #[test]
    fn operators_and_negation() {
        let found = scan(
            "[file:name NOT = 'a' OR file:size > 10 OR url:value MATCHES '^x' OR \
             ipv4-addr:value ISSUBSET '10.0.0.0/8' OR NOT mutex:name IN ('a', 'b')]",
        );
        let ops: Vec<_> = found.iter().map(|c| (c.operator, c.negated)).collect();
        assert_eq!(
            ops,
            [
                (Operator::Equal, true),
                (Operator::Order, false),
                (Operator::Matches, false),
                (Operator::Subset, false),
                (Operator::In, true),
            ]
        );
        assert_eq!(found[1].value, Value::Integer(10));
        assert_eq!(found[4].value, Value::Other);
    }

    #[test]
    fn timestamps_and_qualifiers_are_not_comparisons() {
        let found = scan(
            "[file:name = 'a'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z' \
             WITHIN 5 SECONDS",
        );
        assert_eq!(found, [eq("file", "name", "a")]);
    }

    proptest::proptest! {
        /// Any value, quoted, reads back as itself through both readers.
        #[test]
        fn quoted_values_read_back(value in "\\PC*") {
            let pattern = format!("[file:name = {}]", quote(&value));
            proptest::prop_assert_eq!(&parse(&pattern).comparisons, &[eq("file", "name", &value)]);
            proptest::prop_assert_eq!(&scan(&pattern), &[eq("file", "name", &value)]);
        }

        /// Whatever the text, reading it ends.
        #[test]
        fn any_text_is_read(text in "\\PC*") {
            let _ = parse(&text);
        }
    }

    /// The real patterns of the fixtures (`testdata/stix`): wherever `stix2` reads one,
    /// the tolerant scanner finds the same comparisons, and every pattern has one.
    #[test]
    fn scanner_agrees_with_stix2_on_real_patterns() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/stix/valid");
        let mut patterns = Vec::new();
        collect_patterns(&root, &mut patterns);
        assert!(patterns.len() > 80, "found {} patterns", patterns.len());
        let mut read_by_stix2 = 0;
        for pattern in &patterns {
            let parsed = parse(pattern);
            assert!(!parsed.comparisons.is_empty(), "{pattern}");
            if !parsed.fallback {
                read_by_stix2 += 1;
                assert_eq!(scan(pattern), parsed.comparisons, "{pattern}");
            }
        }
        assert!(read_by_stix2 * 10 > patterns.len() * 9, "{read_by_stix2} of {}", patterns.len());
    }

    fn collect_patterns(dir: &std::path::Path, out: &mut Vec<String>) {
        let entries = std::fs::read_dir(dir).expect("testdata/stix/valid");
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect_patterns(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("fixture");
                let json: serde_json::Value = serde_json::from_str(&text).expect("fixture JSON");
                let objects = json.get("objects").unwrap_or(&json);
                for object in objects.as_array().into_iter().flatten() {
                    if let Some(pattern) = object.get("pattern").and_then(|p| p.as_str()) {
                        out.push(pattern.to_owned());
                    }
                }
            }
        }
    }

    #[test]
    fn garbage_never_panics() {
        for input in
            ["", "[", "'", "[a:", "[a:b =", "[a:b = '", "\\", "[a:'x", "[a:b[", "é:ü = 'ö'"]
        {
            let _ = parse(input);
            let _ = scan(input);
        }
        let deep = "(".repeat(100_000);
        assert!(parse(&deep).comparisons.is_empty());
    }
}
