//! The command line, as clap derive types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  iocdb import --source urlhaus urlhaus.csv      import a feed file (format detected)
  iocdb import --source misp ./misp-feed/        import a MISP feed directory
  iocdb lookup 'evil[.]example' 203.0.113.7      where have these values been seen?
  iocdb match --extract /var/log/proxy.log       indicators of a log that are known
  iocdb correlate 5f0c...-uuid --top 10          events sharing values with an event
  iocdb overlap --format json                    how much do the sources overlap?
  iocdb overlap feodo threatfox --values         what do two sources share?";

/// iocdb: a threat-intelligence correlation engine. Import STIX, OpenIOC, CSV and freetext
/// feeds, MISP events and feeds; look up values, match logs, correlate events and measure
/// how sources overlap.
#[derive(Debug, Parser)]
#[command(name = "iocdb", version, after_help = EXAMPLES, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Database directory [default: $XDG_DATA_HOME/iocdb or ~/.local/share/iocdb]
    #[arg(long, env = "IOCDB_DB", global = true, value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,
    /// Print only results and errors: no progress, no summaries
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    /// Print more: every warning of an import, timings
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// Output format of query commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Aligned columns, for people (default on a terminal).
    Table,
    /// One JSON document (default when not on a terminal).
    Json,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header line.
    Csv,
}

/// The `--format` of query commands.
#[derive(Debug, Args)]
pub(crate) struct Output {
    /// Output format [default: table on a terminal, json otherwise]
    #[arg(long, value_enum)]
    pub(crate) format: Option<OutputFormat>,
}

/// Input formats of `import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormat {
    /// Detect from the content.
    Auto,
    /// STIX 2.0 / 2.1 bundle.
    Stix,
    /// OpenIOC 1.0 / 1.1.
    Openioc,
    /// CSV feed (a known layout, detected).
    Csv,
    /// Free text or one value per line.
    Freetext,
    /// MISP JSON event(s).
    Misp,
    /// MISP feed directory (manifest.json + events).
    MispFeed,
    /// MISP warninglist.
    Warninglist,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// MISP CSV export layout.
    Csv,
    /// One JSON object per attribute.
    Jsonl,
    /// MISP JSON events.
    Misp,
    /// A STIX 2.1 bundle.
    Stix,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Import files, directories (recursively) or standard input (-)
    #[command(after_help = "Examples:\n  iocdb import --source feodo ipblocklist.csv\n  \
        iocdb import --source unit42 reports/\n  cat iocs.txt | iocdb import --source notes --format freetext -")]
    Import(ImportArgs),
    /// Look values up: every event, source and attribute carrying them, and CIDR matches
    #[command(
        after_help = "Exit status: 0 when something matched, 1 when nothing did, 2 on error.\n\n\
        Examples:\n  iocdb lookup 8.8.8.8 'hxxp://evil[.]example/x'\n  iocdb lookup 10.0.0.0/8 --format json"
    )]
    Lookup(LookupArgs),
    /// Match values (one per line), or indicators extracted from text, against the database
    #[command(
        after_help = "Exit status: 0 when something matched, 1 when nothing did, 2 on error.\n\n\
        Examples:\n  iocdb match values.txt\n  tail -f proxy.log | iocdb match --extract --format jsonl"
    )]
    Match(MatchArgs),
    /// Events sharing values with an event, ranked by shared values
    #[command(
        after_help = "Example:\n  iocdb correlate 5d1b9a8e-6c1f-4e0b-9a57-1f0c3e1a6b42 --top 5"
    )]
    Correlate(CorrelateArgs),
    /// Overlap of sources: intersection counts, Jaccard, containment, exclusive values
    #[command(
        after_help = "Examples:\n  iocdb overlap\n  iocdb overlap --source a --source b --since 2024-01-01\n  \
        iocdb overlap a b --values"
    )]
    Overlap(OverlapArgs),
    /// List sources
    Sources(ListArgs),
    /// List events
    Events(EventsArgs),
    /// Counts of sources, events, attributes, values; bytes on disk
    Stats(ListArgs),
    /// Verify that the indexes agree with the records (exit 1 on any problem)
    Check(ListArgs),
    /// Delete an event or a whole source
    #[command(
        after_help = "Examples:\n  iocdb delete --event 5d1b9a8e-6c1f-4e0b-9a57-1f0c3e1a6b42\n  iocdb delete --source old-feed"
    )]
    Delete(DeleteArgs),
    /// Export events as CSV, JSON lines, MISP JSON or a STIX 2.1 bundle
    #[command(
        after_help = "Examples:\n  iocdb export --source feodo --to csv\n  iocdb export --event 12 --to stix > event.json"
    )]
    Export(ExportArgs),
    /// Manage correlation exclusions (x, x%, %x, %x%)
    Exclusions(ExclusionArgs),
    /// Print shell completions
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
}

/// `import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// Files, directories, or - for standard input
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Source the events belong to [default: the name of each PATH]
    #[arg(long)]
    pub(crate) source: Option<String>,
    /// Input format
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub(crate) format: InputFormat,
    /// Stop at the first bad record (default: skip it with a warning)
    #[arg(long)]
    pub(crate) strict: bool,
    /// Summary format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub(crate) output: OutputFormat,
}

/// `lookup`.
#[derive(Debug, Args)]
pub(crate) struct LookupArgs {
    /// Values to look up (refanged and normalised like stored values)
    #[arg(required = true)]
    pub(crate) values: Vec<String>,
    #[command(flatten)]
    pub(crate) output: Output,
}

/// `match`.
#[derive(Debug, Args)]
pub(crate) struct MatchArgs {
    /// Files to read [default: standard input]
    pub(crate) files: Vec<PathBuf>,
    /// Extract indicators from each line instead of taking the line as one value
    #[arg(long)]
    pub(crate) extract: bool,
    #[command(flatten)]
    pub(crate) output: Output,
}

/// `correlate`.
#[derive(Debug, Args)]
pub(crate) struct CorrelateArgs {
    /// The event: uuid or numeric id
    pub(crate) event: String,
    /// Show only the N best related events
    #[arg(long, value_name = "N")]
    pub(crate) top: Option<usize>,
    /// Over-correlation cap: values on more attributes of other events are listed apart
    #[arg(long, default_value_t = 20)]
    pub(crate) limit: u64,
    #[command(flatten)]
    pub(crate) output: Output,
}

/// `overlap`.
#[derive(Debug, Args)]
pub(crate) struct OverlapArgs {
    /// Sources to compare (also --source) [default: all]
    #[arg(value_name = "SOURCE")]
    pub(crate) names: Vec<String>,
    /// A source to compare (repeatable)
    #[arg(long = "source", value_name = "NAME")]
    pub(crate) sources: Vec<String>,
    /// Only attributes last seen on or after this date (YYYY-MM-DD or RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub(crate) since: Option<String>,
    /// Only attributes first seen on or before this date
    #[arg(long, value_name = "DATE")]
    pub(crate) until: Option<String>,
    /// List the values two sources share
    #[arg(long)]
    pub(crate) values: bool,
    #[command(flatten)]
    pub(crate) output: Output,
}

/// Commands that only take an output format.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    pub(crate) output: Output,
}

/// `events`.
#[derive(Debug, Args)]
pub(crate) struct EventsArgs {
    /// Only events of this source
    #[arg(long)]
    pub(crate) source: Option<String>,
    #[command(flatten)]
    pub(crate) output: Output,
}

/// `delete`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct DeleteArgs {
    /// The event: uuid or numeric id
    #[arg(long)]
    pub(crate) event: Option<String>,
    /// The source, with all its events
    #[arg(long)]
    pub(crate) source: Option<String>,
}

/// `export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Only events of this source
    #[arg(long)]
    pub(crate) source: Option<String>,
    /// Only this event (uuid or id)
    #[arg(long)]
    pub(crate) event: Option<String>,
    /// Export format
    #[arg(long, value_enum)]
    pub(crate) to: ExportFormat,
    /// Write here instead of standard output
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
}

/// `exclusions`.
#[derive(Debug, Args)]
pub(crate) struct ExclusionArgs {
    /// Add these patterns
    #[arg(long, value_name = "PATTERN")]
    pub(crate) add: Vec<String>,
    /// Remove these patterns
    #[arg(long, value_name = "PATTERN")]
    pub(crate) remove: Vec<String>,
    #[command(flatten)]
    pub(crate) output: Output,
}
