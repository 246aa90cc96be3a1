//! Decoding a file, a directory or a stream whatever its format: detection and dispatch.

use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use crate::context::Context;
use crate::detect::{Format, HEAD_LEN, detect_format};
use crate::error::{ErrorKind, ImportError, Position};
use crate::feed::{FeedOptions, Preset, decode_csv, decode_freetext, detect_preset, infer_layout};

/// Read buffer size for decoding files and streams.
const BUFFER: usize = 64 * 1024;

/// Decodes the file or directory at `path` into `ctx`'s sink and returns its format.
///
/// The format is detected from the content ([`detect_format`]) unless given. Errors and
/// warnings name `path`. Dispatch:
///
/// - STIX, OpenIOC, MISP JSON: [`crate::stix::decode`], [`crate::openioc::decode`],
///   [`crate::misp::decode`];
/// - a MISP feed directory (or its `manifest.json`): [`crate::misp::decode_feed_dir`];
/// - CSV: the preset [`detect_preset`] recognises, else the layout [`infer_layout`]
///   guesses, through [`decode_csv`]; the event is titled `preset: file name` (or the file
///   name). A CSV file whose layout is not recognised is an error: decode it with
///   [`decode_csv`] and a [`crate::feed::CsvLayout`];
/// - free text: [`decode_freetext`], the event titled with the file name;
/// - a warninglist is an error: it holds no events (read it with
///   [`crate::misp::decode_warninglist`]).
pub fn decode_path(
    path: &Path,
    format: Option<Format>,
    ctx: &mut Context<'_>,
) -> Result<Format, ImportError> {
    ctx.set_file(Some(path));
    if path.is_dir() {
        return decode_dir(path, format, ctx);
    }
    let manifest = path.file_name().is_some_and(|n| n == "manifest.json");
    let format = match format {
        None if manifest => detect_file(path)?,
        given => given,
    };
    if format == Some(Format::MispFeed) {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        return decode_dir(dir, format, ctx);
    }
    let file = std::fs::File::open(path).map_err(|e| ctx.error(e.into(), Position::default()))?;
    decode_stream(file, format, Some(path), ctx)
}

/// Decodes a stream (standard input, a network body) into `ctx`'s sink and returns its
/// format. `name` is what errors and event titles call it (`<stdin>`); it is not opened.
/// A MISP feed cannot come from a stream.
pub fn decode_reader(
    reader: impl Read,
    format: Option<Format>,
    name: Option<&Path>,
    ctx: &mut Context<'_>,
) -> Result<Format, ImportError> {
    ctx.set_file(name);
    decode_stream(reader, format, name, ctx)
}

/// Detects the format of the file or directory at `path` from its first 8 KB (see
/// [`detect_format`]); `Ok(None)` when it is not recognised.
pub fn detect_file(path: &Path) -> Result<Option<Format>, ImportError> {
    if path.is_dir() {
        return Ok(detect_format(Some(path), b""));
    }
    let file = std::fs::File::open(path).map_err(|e| ImportError::from(e).in_file(path))?;
    let head = read_head(file).map_err(|e| e.in_file(path))?;
    Ok(detect_format(Some(path), &head))
}

fn decode_dir(
    dir: &Path,
    format: Option<Format>,
    ctx: &mut Context<'_>,
) -> Result<Format, ImportError> {
    match format.or_else(|| detect_format(Some(dir), b"")) {
        Some(Format::MispFeed) => {
            crate::misp::decode_feed_dir(dir, ctx)?;
            Ok(Format::MispFeed)
        }
        _ => {
            let message =
                "a directory is read only as a MISP feed, and this one has no manifest.json";
            Err(ctx.error(ErrorKind::UnknownFormat(message.to_owned()), Position::default()))
        }
    }
}

/// Reads the head, detects the format if needed and dispatches.
fn decode_stream(
    reader: impl Read,
    format: Option<Format>,
    name: Option<&Path>,
    ctx: &mut Context<'_>,
) -> Result<Format, ImportError> {
    let mut reader = reader;
    let head = read_head(&mut reader).map_err(|e| ctx.attach_file(e))?;
    let Some(format) = format.or_else(|| detect_format(name, &head)) else {
        return Err(unknown_format(&head, ctx));
    };
    let title = title(name);
    let layout = match format {
        Format::Csv => Some(csv_layout(&head, &title, ctx)?),
        _ => None,
    };
    let input = BufReader::with_capacity(BUFFER, Cursor::new(head).chain(reader));
    match format {
        Format::Stix => crate::stix::decode(input, ctx)?,
        Format::OpenIoc => crate::openioc::decode(input, ctx)?,
        Format::Misp => crate::misp::decode(input, ctx)?,
        Format::Csv => {
            let layout = layout.unwrap_or_default();
            decode_csv(input, &layout, ctx)?;
        }
        Format::Freetext => decode_freetext(input, &FeedOptions::named(title), ctx)?,
        Format::MispFeed => {
            let found = "a stream (a MISP feed is a directory with manifest.json)".to_owned();
            let kind = ErrorKind::Expected { expected: "a directory".to_owned(), found };
            return Err(ctx.error(kind, Position::default()));
        }
        Format::Warninglist => {
            let expected = "events (a warninglist holds none: read it with \
                            iocdb_import::misp::decode_warninglist)"
                .to_owned();
            let kind = ErrorKind::Expected { expected, found: "a MISP warninglist".to_owned() };
            return Err(ctx.error(kind, Position::default()));
        }
    }
    Ok(format)
}

/// The first 8 KB of `reader` (less if it ends sooner).
fn read_head(reader: impl Read) -> Result<Vec<u8>, ImportError> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    reader.take(HEAD_LEN as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// The layout of a CSV file: a recognised preset, else a guessed layout.
fn csv_layout(
    head: &[u8],
    title: &str,
    ctx: &mut Context<'_>,
) -> Result<crate::feed::CsvLayout, ImportError> {
    if let Some(preset) = detect_preset(head) {
        let mut layout = preset.layout();
        layout.feed.event_info = format!("{preset}: {title}");
        ctx.report.count(format!("csv: preset {preset}"), 1);
        return Ok(layout);
    }
    if let Some(mut layout) = infer_layout(head) {
        layout.feed.event_info = title.to_owned();
        ctx.report.count("csv: inferred layout", 1);
        return Ok(layout);
    }
    let presets: Vec<&str> = Preset::all().iter().map(|p| p.name()).collect();
    let message = format!(
        "no CSV layout recognised: the header matches none of the presets ({}) and no \
         column holds indicators; give a column mapping (feed::CsvLayout)",
        presets.join(", ")
    );
    Err(ctx.error(ErrorKind::UnknownFormat(message), Position::line(1)))
}

/// The event title of a file: its name.
fn title(name: Option<&Path>) -> String {
    name.and_then(Path::file_name)
        .map_or_else(|| "<stdin>".to_owned(), |n| n.to_string_lossy().into_owned())
}

fn unknown_format(head: &[u8], ctx: &Context<'_>) -> ImportError {
    let what = if head.trim_ascii().is_empty() {
        "the input is empty".to_owned()
    } else if head.contains(&0) {
        "the input is binary".to_owned()
    } else {
        "expected STIX or MISP JSON, OpenIOC XML, a MISP feed directory, CSV or text".to_owned()
    };
    ctx.error(ErrorKind::UnknownFormat(what), Position::default())
}
