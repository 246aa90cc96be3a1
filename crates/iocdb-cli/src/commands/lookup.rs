//! `iocdb lookup` and `iocdb match`.

use std::io::{BufRead, BufReader, Write};

use anyhow::{Context as _, Result};
use iocdb_core::{Database, Hit, Lookup, MatchKind};
use serde::Serialize;

use super::{finish, open_read, stdout};
use crate::Status;
use crate::args::{Global, LookupArgs, MatchArgs, OutputFormat};
use crate::output::{Table, csv_line, write_json, write_jsonl};

/// One hit, as the JSON contract of `lookup` and `match` spells it.
#[derive(Debug, Serialize)]
struct HitOut {
    event_uuid: String,
    event_info: String,
    source: String,
    attribute_uuid: String,
    #[serde(rename = "type")]
    attr_type: String,
    category: String,
    value: String,
    to_ids: bool,
    first_seen: Option<String>,
    last_seen: Option<String>,
    #[serde(rename = "match")]
    match_kind: &'static str,
    matched: String,
}

/// The answer for one looked-up value.
#[derive(Debug, Serialize)]
struct LookupOut {
    value: String,
    key: String,
    hits: Vec<HitOut>,
    warninglists: Vec<String>,
}

fn hit_out(hit: &Hit) -> HitOut {
    let a = &hit.attribute;
    HitOut {
        event_uuid: hit.event.uuid.to_string(),
        event_info: hit.event.info.clone(),
        source: hit.event.source.clone(),
        attribute_uuid: a.uuid.to_string(),
        attr_type: a.attr_type.name().to_owned(),
        category: a.category.name().to_owned(),
        value: a.value.clone(),
        to_ids: a.to_ids,
        first_seen: a.first_seen.map(|t| t.to_rfc3339()),
        last_seen: a.last_seen.map(|t| t.to_rfc3339()),
        match_kind: match hit.match_kind {
            MatchKind::Exact => "exact",
            MatchKind::Cidr => "cidr",
        },
        matched: hit.value.clone(),
    }
}

fn lookup_out(lookup: &Lookup) -> LookupOut {
    LookupOut {
        value: lookup.query.clone(),
        key: lookup.key.clone(),
        hits: lookup.hits.iter().map(hit_out).collect(),
        warninglists: lookup.warninglists.clone(),
    }
}

const HIT_COLUMNS: [&str; 9] =
    ["value", "match", "type", "category", "to_ids", "event", "source", "first_seen", "last_seen"];

fn hit_row(query: &str, hit: &HitOut) -> Vec<String> {
    vec![
        query.to_owned(),
        if hit.match_kind == "cidr" { format!("cidr {}", hit.matched) } else { "exact".to_owned() },
        hit.attr_type.clone(),
        hit.category.clone(),
        hit.to_ids.to_string(),
        hit.event_info.clone(),
        hit.source.clone(),
        hit.first_seen.clone().unwrap_or_default(),
        hit.last_seen.clone().unwrap_or_default(),
    ]
}

pub(crate) fn lookup(global: &Global, args: &LookupArgs) -> Result<Status> {
    let db = open_read(global)?;
    let results: Vec<LookupOut> = args
        .values
        .iter()
        .map(|v| db.lookup(v).map(|l| lookup_out(&l)))
        .collect::<Result<_, _>>()?;
    let mut out = stdout();
    match args.output.resolve() {
        OutputFormat::Json => write_json(&mut out, &results)?,
        OutputFormat::Jsonl => {
            for result in &results {
                write_jsonl(&mut out, result)?;
            }
        }
        format => {
            let mut table = Table::new(HIT_COLUMNS.to_vec());
            for result in &results {
                for hit in &result.hits {
                    table.row(hit_row(&result.value, hit));
                }
            }
            if format == OutputFormat::Csv {
                table.write_csv(&mut out)?;
            } else {
                table.write_aligned(&mut out)?;
                for result in results.iter().filter(|r| r.hits.is_empty()) {
                    writeln!(out, "{}: not found", result.value)?;
                }
                for result in results.iter().filter(|r| !r.warninglists.is_empty()) {
                    writeln!(
                        out,
                        "{}: on warninglist {}",
                        result.value,
                        result.warninglists.join(", ")
                    )?;
                }
            }
        }
    }
    finish(out)?;
    let any = results.iter().any(|r| !r.hits.is_empty());
    Ok(if any { Status::Success } else { Status::NoMatch })
}

/// A hit of `match`, with where it came from.
#[derive(Debug, Serialize)]
struct MatchOut<'a> {
    file: &'a str,
    line: u64,
    input: &'a str,
    #[serde(flatten)]
    hit: HitOut,
}

pub(crate) fn matches(global: &Global, args: &MatchArgs) -> Result<Status> {
    let db = open_read(global)?;
    let format = match args.output.resolve() {
        OutputFormat::Json => OutputFormat::Jsonl,
        other => other,
    };
    let mut out = stdout();
    if format != OutputFormat::Jsonl {
        let mut header = vec!["file", "line"];
        header.extend(HIT_COLUMNS);
        writeln!(
            out,
            "{}",
            if format == OutputFormat::Csv { header.join(",") } else { header.join("\t") }
        )?;
    }
    let mut matcher = Matcher { db: &db, extract: args.extract, format, any: false };
    if args.files.is_empty() {
        matcher.read("-", std::io::stdin().lock(), &mut out)?;
    } else {
        for file in &args.files {
            let reader = std::fs::File::open(file)
                .with_context(|| format!("cannot open {}", file.display()))?;
            matcher.read(&file.display().to_string(), BufReader::new(reader), &mut out)?;
        }
    }
    finish(out)?;
    Ok(if matcher.any { Status::Success } else { Status::NoMatch })
}

struct Matcher<'a> {
    db: &'a Database,
    extract: bool,
    format: OutputFormat,
    any: bool,
}

impl Matcher<'_> {
    /// Streams the lines of one input, writing hits as they are found.
    fn read(&mut self, name: &str, mut input: impl BufRead, out: &mut impl Write) -> Result<()> {
        let mut line = String::new();
        let mut number = 0u64;
        loop {
            line.clear();
            let read = input.read_line(&mut line).with_context(|| format!("cannot read {name}"))?;
            if read == 0 {
                return Ok(());
            }
            number += 1;
            for value in self.values(&line) {
                let lookup = self.db.lookup(&value)?;
                for hit in &lookup.hits {
                    self.any = true;
                    self.write(out, name, number, &value, hit_out(hit))?;
                }
            }
        }
    }

    fn values(&self, line: &str) -> Vec<String> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Vec::new();
        }
        if self.extract {
            iocdb_import::feed::extract_indicators(line)
                .into_iter()
                .map(|(_, value)| value)
                .collect()
        } else {
            vec![line.to_owned()]
        }
    }

    fn write(
        &self,
        out: &mut impl Write,
        file: &str,
        line: u64,
        input: &str,
        hit: HitOut,
    ) -> Result<()> {
        match self.format {
            OutputFormat::Jsonl | OutputFormat::Json => {
                write_jsonl(out, &MatchOut { file, line, input, hit })?;
            }
            OutputFormat::Csv => {
                let mut row = vec![file.to_owned(), line.to_string()];
                row.extend(hit_row(input, &hit));
                writeln!(out, "{}", csv_line(&row))?;
            }
            OutputFormat::Table => {
                let mut row = vec![file.to_owned(), line.to_string()];
                row.extend(hit_row(input, &hit));
                writeln!(out, "{}", row.join("\t"))?;
            }
        }
        Ok(())
    }
}
