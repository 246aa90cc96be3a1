//! Writing results: aligned tables for people, JSON, JSON lines and CSV for programs.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::args::{Output, OutputFormat};

impl Output {
    /// The chosen format: as asked, else a table on a terminal and JSON otherwise.
    pub(crate) fn resolve(&self) -> OutputFormat {
        self.format.unwrap_or_else(|| {
            if io::stdout().is_terminal() { OutputFormat::Table } else { OutputFormat::Json }
        })
    }
}

/// A table: a header and rows of cells.
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new<S: Into<String>>(header: Vec<S>) -> Self {
        Table { header: header.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Aligned columns, two spaces apart; the last column is not padded.
    pub(crate) fn write_aligned(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(cell.chars().count());
                }
            }
        }
        write_line(out, &self.header, &widths)?;
        for row in &self.rows {
            write_line(out, row, &widths)?;
        }
        Ok(())
    }

    /// CSV with the header line.
    pub(crate) fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", csv_line(&self.header))?;
        for row in &self.rows {
            writeln!(out, "{}", csv_line(row))?;
        }
        Ok(())
    }
}

fn write_line(out: &mut dyn Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
    let last = cells.len().saturating_sub(1);
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        line.push_str(cell);
        if i < last {
            let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(cell.chars().count());
            line.push_str(&" ".repeat(pad + 2));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

/// One CSV line, quoting cells that need it (RFC 4180).
pub(crate) fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    quoted.join(",")
}

/// Writes a value as pretty JSON and a newline.
pub(crate) fn write_json<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// Writes a value as one line of JSON.
pub(crate) fn write_jsonl<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

/// Formats a ratio with three decimals.
pub(crate) fn ratio(x: f64) -> String {
    format!("{x:.3}")
}
