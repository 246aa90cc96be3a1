//! `iocdb overlap`.

use std::io::Write;

use anyhow::{Context as _, Result, bail};
use iocdb_core::{Overlap, OverlapOptions, TimeWindow};
use iocdb_model::Timestamp;
use serde::Serialize;

use super::{finish, open_read, stdout};
use crate::Status;
use crate::args::{Global, OutputFormat, OverlapArgs};
use crate::output::{Table, ratio, write_json, write_jsonl};

#[derive(Debug, Serialize)]
struct PairOut<'a> {
    source: &'a str,
    other: &'a str,
    intersection: u64,
    jaccard: f64,
    containment: f64,
}

fn parse_time(text: &Option<String>, what: &str) -> Result<Option<Timestamp>> {
    text.as_deref()
        .map(|t| {
            Timestamp::parse(t)
                .with_context(|| format!("--{what} {t:?}: expected YYYY-MM-DD or an RFC 3339 time"))
        })
        .transpose()
}

pub(crate) fn run(global: &Global, args: &OverlapArgs) -> Result<Status> {
    let db = open_read(global)?;
    let mut sources = args.names.clone();
    sources.extend(args.sources.iter().cloned());
    let since = parse_time(&args.since, "since")?;
    let until = parse_time(&args.until, "until")?;
    let window = (since.is_some() || until.is_some()).then_some(TimeWindow { since, until });
    if args.values {
        let [a, b] = sources.as_slice() else {
            bail!("--values takes exactly two sources, got {}", sources.len());
        };
        let values = db.overlap_values(a, b, window)?;
        let mut out = stdout();
        match args.output.resolve() {
            OutputFormat::Json => write_json(&mut out, &values)?,
            OutputFormat::Jsonl => values.iter().try_for_each(|v| write_jsonl(&mut out, v))?,
            _ => values.iter().try_for_each(|v| writeln!(out, "{v}"))?,
        }
        finish(out)?;
        return Ok(Status::Success);
    }
    let result = db.overlap(&OverlapOptions { sources, window, cooccurrence: None })?;
    let mut out = stdout();
    match args.output.resolve() {
        OutputFormat::Json => write_json(&mut out, &result)?,
        OutputFormat::Jsonl => pairs(&result).iter().try_for_each(|p| write_jsonl(&mut out, p))?,
        OutputFormat::Csv => pair_table(&result).write_csv(&mut out)?,
        OutputFormat::Table => matrix(&result, &mut out)?,
    }
    finish(out)?;
    Ok(Status::Success)
}

fn pairs(r: &Overlap) -> Vec<PairOut<'_>> {
    let mut out = Vec::new();
    for (i, a) in r.sources.iter().enumerate() {
        for (j, b) in r.sources.iter().enumerate() {
            if i != j {
                out.push(PairOut {
                    source: a,
                    other: b,
                    intersection: r.intersection[i][j],
                    jaccard: r.jaccard[i][j],
                    containment: r.containment[i][j],
                });
            }
        }
    }
    out
}

fn pair_table(r: &Overlap) -> Table {
    let mut table = Table::new(vec!["source", "other", "intersection", "jaccard", "containment"]);
    for p in pairs(r) {
        table.row(vec![
            p.source.to_owned(),
            p.other.to_owned(),
            p.intersection.to_string(),
            ratio(p.jaccard),
            ratio(p.containment),
        ]);
    }
    table
}

/// The matrix for people: sizes and exclusive counts, then intersection counts with the
/// containment of the row in the column as a percentage (MISP's matrix reading).
fn matrix(r: &Overlap, out: &mut impl Write) -> Result<()> {
    let mut header: Vec<String> = ["source", "size", "exclusive"].map(String::from).to_vec();
    header.extend((0..r.sources.len()).map(|i| format!("[{}]", i + 1)));
    let mut table = Table::new(header);
    for (i, name) in r.sources.iter().enumerate() {
        let mut row =
            vec![format!("[{}] {name}", i + 1), r.sizes[i].to_string(), r.exclusive[i].to_string()];
        for j in 0..r.sources.len() {
            row.push(if i == j {
                "-".to_owned()
            } else {
                format!("{} ({:.0}%)", r.intersection[i][j], 100.0 * r.containment[i][j])
            });
        }
        table.row(row);
    }
    table.write_aligned(out)?;
    writeln!(out, "cell: values shared (share of the row's values found in the column)")?;
    Ok(())
}
