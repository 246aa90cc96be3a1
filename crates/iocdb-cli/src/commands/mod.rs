//! One module per group of subcommands; `run` dispatches.

mod admin;
mod correlate;
mod export;
mod import;
mod lookup;
mod overlap;

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::CommandFactory;
use iocdb_core::{Database, Error as DbError};

use crate::Status;
use crate::args::{Cli, Command, Global};

/// Runs a parsed command line.
pub(crate) fn run(cli: Cli) -> Result<Status> {
    let global = &cli.global;
    match cli.command {
        Command::Import(args) => import::run(global, &args),
        Command::Lookup(args) => lookup::lookup(global, &args),
        Command::Match(args) => lookup::matches(global, &args),
        Command::Correlate(args) => correlate::run(global, &args),
        Command::Overlap(args) => overlap::run(global, &args),
        Command::Sources(args) => admin::sources(global, &args),
        Command::Events(args) => admin::events(global, &args),
        Command::Stats(args) => admin::stats(global, &args),
        Command::Check(args) => admin::check(global, &args),
        Command::Delete(args) => admin::delete(global, &args),
        Command::Exclusions(args) => admin::exclusions(global, &args),
        Command::Export(args) => export::run(global, &args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "iocdb", &mut io::stdout().lock());
            Ok(Status::Success)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut io::stdout().lock())?;
            Ok(Status::Success)
        }
    }
}

/// The database directory: `--db`, `IOCDB_DB`, or the user's data directory.
fn db_path(global: &Global) -> Result<PathBuf> {
    if let Some(path) = &global.db {
        return Ok(path.clone());
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .context("no database given: use --db PATH or set IOCDB_DB (HOME is not set either)")?;
    Ok(data.join("iocdb"))
}

/// Opens the database for reading; readers take no lock and run beside an import.
fn open_read(global: &Global) -> Result<Database> {
    let path = db_path(global)?;
    Database::open_read_only(&path).map_err(|e| explain(e, &path))
}

/// Opens (creating if needed) the database for writing.
fn open_write(global: &Global) -> Result<Database> {
    let path = db_path(global)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Database::open_or_create(&path).map_err(|e| explain(e, &path))
}

/// Opens the existing database for writing (no creation).
fn open_existing_write(global: &Global) -> Result<Database> {
    let path = db_path(global)?;
    Database::open(&path).map_err(|e| explain(e, &path))
}

/// Turns an open error into a message that says what to do.
fn explain(err: DbError, path: &std::path::Path) -> anyhow::Error {
    match err {
        DbError::Locked { .. } => anyhow::anyhow!(
            "database {} is in use by another writer; wait for it to finish (read-only commands work meanwhile)",
            path.display()
        ),
        DbError::NotFound { .. } => anyhow::anyhow!(
            "no database at {}; create one with `iocdb --db {} import FILE...`",
            path.display(),
            path.display()
        ),
        other => {
            anyhow::Error::new(other).context(format!("cannot open database {}", path.display()))
        }
    }
}

/// Standard output, buffered; flushed (and broken pipes reported) by the caller.
fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::new(io::stdout().lock())
}

/// Flushes an output writer.
fn finish(mut out: impl Write) -> Result<()> {
    out.flush()?;
    Ok(())
}

/// Parses an event reference given by the user.
fn event_ref(text: &str) -> Result<iocdb_core::EventRef> {
    text.parse()
        .map_err(|_| anyhow::anyhow!("{text:?} is neither an event uuid nor a numeric event id"))
}
