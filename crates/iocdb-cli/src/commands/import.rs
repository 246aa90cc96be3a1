//! `iocdb import`: decode files into events, then store them.
//!
//! Each file is decoded whole before anything of it is written, so a file that fails
//! (malformed, or a bad record in strict mode) leaves the database unchanged. Events carry
//! stable uuids (their own, or derived from their content), and storing an identical event
//! again writes nothing: re-running an import is safe.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use iocdb_core::{PutOutcome, Writer};
use iocdb_import::{Context, Format, Options, Report, VecSink};
use iocdb_model::{Event, Source, SourceKind};
use serde::Serialize;

use super::{open_write, stdout};
use crate::Status;
use crate::args::{Global, ImportArgs, InputFormat, OutputFormat};
use crate::output::{Table, write_json};

/// What one import run did.
#[derive(Debug, Default, Serialize)]
struct Summary {
    files: u64,
    failed_files: u64,
    events_inserted: u64,
    events_replaced: u64,
    events_unchanged: u64,
    attributes: u64,
    skipped_records: u64,
    warnings: u64,
    warninglists: u64,
    counters: BTreeMap<String, u64>,
    seconds: f64,
}

/// One input: a file, a feed directory, or standard input.
struct Input {
    path: PathBuf,
    source: String,
    format: Option<Format>,
}

pub(crate) fn run(global: &Global, args: &ImportArgs) -> Result<Status> {
    let start = Instant::now();
    let inputs = expand(args)?;
    let db = open_write(global)?;
    let mut writer = db.writer()?;
    let progress = progress_bar(global, inputs.len() as u64);
    let mut summary = Summary::default();
    let mut first_error = None;
    for input in &inputs {
        progress.set_message(input.path.display().to_string());
        match import_one(&mut writer, input, args.strict, &mut summary, global) {
            Ok(()) => {}
            Err(err) if args.strict => return Err(err),
            Err(err) => {
                progress.suspend(|| eprintln!("iocdb: error: {err:#}"));
                summary.failed_files += 1;
                first_error.get_or_insert(err);
            }
        }
        progress.inc(1);
    }
    writer.commit()?;
    progress.finish_and_clear();
    summary.seconds = start.elapsed().as_secs_f64();
    if !global.quiet {
        print_summary(&summary, args.output)?;
    }
    match first_error {
        Some(err) => {
            Err(err.context(format!("{} of {} inputs failed", summary.failed_files, summary.files)))
        }
        None => Ok(Status::Success),
    }
}

fn import_one(
    writer: &mut Writer<'_>,
    input: &Input,
    strict: bool,
    summary: &mut Summary,
    global: &Global,
) -> Result<()> {
    summary.files += 1;
    let format = known_format(input)?;
    if format == Some(Format::Warninglist) {
        let file = std::fs::File::open(&input.path)
            .with_context(|| format!("cannot open {}", input.path.display()))?;
        let list = iocdb_import::misp::decode_warninglist(
            std::io::BufReader::new(file),
            Some(&input.path),
        )?;
        writer.put_warninglist(&list)?;
        summary.warninglists += 1;
        return Ok(());
    }
    let (format, events, report) = decode(input, format, strict)?;
    for warning in report.warnings.iter().take(if global.verbose > 0 { usize::MAX } else { 5 }) {
        if !global.quiet {
            eprintln!("iocdb: warning: {}: {warning}", input.path.display());
        }
    }
    let mut source = Source::new(&input.source, source_kind(format));
    source.format = Some(format.name().to_owned());
    source.location = Some(input.path.display().to_string());
    let id = writer.source(&source)?;
    for event in &events {
        let outcome = writer.put_event(id, event).with_context(|| {
            format!("{}: cannot store event {}", input.path.display(), event.uuid)
        })?;
        match outcome {
            PutOutcome::Inserted(_) => summary.events_inserted += 1,
            PutOutcome::Replaced(_) => summary.events_replaced += 1,
            PutOutcome::Unchanged(_) => summary.events_unchanged += 1,
        }
        summary.attributes += event.attributes.len() as u64;
    }
    summary.skipped_records += report.counters.get("skipped records").copied().unwrap_or(0);
    summary.warnings += report.warnings.len() as u64;
    for (name, n) in report.counters {
        *summary.counters.entry(name).or_default() += n;
    }
    Ok(())
}

/// The input's format: as asked, else detected once from the file's first bytes (standard
/// input is detected by the decoder, which reads it anyway).
fn known_format(input: &Input) -> Result<Option<Format>> {
    match input.format {
        Some(format) => Ok(Some(format)),
        None if input.path.as_os_str() == "-" => Ok(None),
        None => Ok(iocdb_import::detect_file(&input.path)?),
    }
}

/// Decodes one input into memory.
fn decode(
    input: &Input,
    format: Option<Format>,
    strict: bool,
) -> Result<(Format, Vec<Event>, Report)> {
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options { strict });
    let format = if input.path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes).context("cannot read standard input")?;
        iocdb_import::decode_reader(bytes.as_slice(), format, Some(Path::new("<stdin>")), &mut ctx)?
    } else {
        iocdb_import::decode_path(&input.path, format, &mut ctx)?
    };
    let report = std::mem::take(&mut ctx.report);
    drop(ctx);
    Ok((format, sink.0, report))
}

/// Expands directories (recursively, sorted) into files; a directory holding
/// `manifest.json` is one MISP feed input.
fn expand(args: &ImportArgs) -> Result<Vec<Input>> {
    let format = requested_format(args.format);
    let mut inputs = Vec::new();
    for path in &args.paths {
        let source = args.source.clone().unwrap_or_else(|| default_source(path));
        collect(path, &source, format, &mut inputs)?;
    }
    Ok(inputs)
}

fn collect(path: &Path, source: &str, format: Option<Format>, out: &mut Vec<Input>) -> Result<()> {
    let is_feed =
        path.join("manifest.json").is_file() && matches!(format, None | Some(Format::MispFeed));
    if path.as_os_str() == "-" || !path.is_dir() || is_feed {
        if path.as_os_str() != "-" && !path.exists() {
            bail!("{}: no such file or directory", path.display());
        }
        let format = if is_feed { Some(Format::MispFeed) } else { format };
        out.push(Input { path: path.to_path_buf(), source: source.to_owned(), format });
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot read directory {}", path.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for entry in entries {
        let hidden = entry.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let licence = entry.file_name().is_some_and(|n| {
            let n = n.to_string_lossy().to_ascii_lowercase();
            n.starts_with("license") || n.starts_with("licence") || n.ends_with(".md")
        });
        if !hidden && !licence {
            collect(&entry, source, format, out)?;
        }
    }
    Ok(())
}

fn default_source(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "stdin".to_owned();
    }
    let name = if path.is_dir() { path.file_name() } else { path.file_stem() };
    name.map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "default".to_owned())
}

fn requested_format(format: InputFormat) -> Option<Format> {
    match format {
        InputFormat::Auto => None,
        InputFormat::Stix => Some(Format::Stix),
        InputFormat::Openioc => Some(Format::OpenIoc),
        InputFormat::Csv => Some(Format::Csv),
        InputFormat::Freetext => Some(Format::Freetext),
        InputFormat::Misp => Some(Format::Misp),
        InputFormat::MispFeed => Some(Format::MispFeed),
        InputFormat::Warninglist => Some(Format::Warninglist),
    }
}

fn source_kind(format: Format) -> SourceKind {
    match format {
        Format::Csv | Format::Freetext | Format::MispFeed => SourceKind::Feed,
        Format::Warninglist => SourceKind::Warninglist,
        Format::Stix | Format::OpenIoc | Format::Misp => SourceKind::File,
    }
}

fn progress_bar(global: &Global, inputs: u64) -> ProgressBar {
    if global.quiet || !std::io::stderr().is_terminal() || inputs < 2 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(inputs);
    let style = ProgressStyle::with_template(
        "{bar:30} {pos}/{len} files  {per_sec}  ETA {eta}  {wide_msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn print_summary(summary: &Summary, format: OutputFormat) -> Result<()> {
    let mut out = stdout();
    if matches!(format, OutputFormat::Json | OutputFormat::Jsonl) {
        write_json(&mut out, summary)?;
        return super::finish(out);
    }
    let mut table = Table::new(vec!["", "count"]);
    let rows = [
        ("files", summary.files),
        ("failed files", summary.failed_files),
        ("events inserted", summary.events_inserted),
        ("events replaced", summary.events_replaced),
        ("events unchanged", summary.events_unchanged),
        ("attributes", summary.attributes),
        ("skipped records", summary.skipped_records),
        ("warninglists", summary.warninglists),
    ];
    for (name, n) in rows {
        table.row(vec![name.to_owned(), n.to_string()]);
    }
    for (name, n) in &summary.counters {
        if name != "skipped records" {
            table.row(vec![name.clone(), n.to_string()]);
        }
    }
    let mut err = std::io::stderr().lock();
    table.write_aligned(&mut err)?;
    eprintln!("imported in {:.2}s", summary.seconds);
    Ok(())
}
