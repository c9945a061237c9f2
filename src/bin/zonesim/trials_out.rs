//! `zonesim run --trials-out FILE`: one row per trial, streamed in trial
//! order, written atomically, as CSV, Parquet or Arrow IPC by the file's
//! extension.
//!
//! The columns: `trial`; for each deployment `NAME.downtime_minutes`,
//! `NAME.outages`, `NAME.longest_outage_minutes` (that trial's outcome);
//! then for each importance-sampled deployment `NAME.excursion.likelihood_ratio`,
//! `NAME.excursion.downtime_minutes` and `NAME.excursion.outages`: its
//! excursion of the same index (the estimate runs as many excursions as
//! trials, in the same batches), whose weighted mean gives the estimate:
//! `unavailability = R × mean(likelihood_ratio × downtime_minutes) / 60`,
//! `R` being `importance.diagnostics.excursion_rate_per_hour` in the JSON.

use std::cell::RefCell;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, UInt32Array, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use zonesim::StudyResult;
use zonesim::engine::{Accumulators, BATCH_TRIALS, CHECKPOINT_BATCHES, TrialObserver};
use zonesim::rare::Excursion;
use zonesim::stats::TrialOutcome;
use zonesim::study::{Estimator, Study};

use crate::error::CliError;
use crate::output::write_file_with;

/// Rows buffered before they are written as one Arrow record batch (one
/// Parquet row group): one window of the run, so memory does not grow with
/// the trials.
pub const ROWS_PER_BATCH: usize = (BATCH_TRIALS * CHECKPOINT_BATCHES) as usize;

/// The file formats, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.csv`: the `csv` crate, floats printed so they read back exactly.
    Csv,
    /// `.parquet`: Parquet, Snappy-compressed, one row group per window.
    Parquet,
    /// `.arrow` or `.feather`: the Arrow IPC file format (Feather v2).
    Arrow,
}

/// The format `path` names by its extension.
///
/// # Errors
/// [`CliError::Input`] for any other extension (checked before any work).
pub fn format_of(path: &Path) -> Result<Format, CliError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("parquet") => Ok(Format::Parquet),
        Some("arrow" | "feather") => Ok(Format::Arrow),
        other => Err(CliError::Input(format!(
            "--trials-out {}: {}; the format follows the extension: .csv (CSV), .parquet \
             (Parquet), .arrow or .feather (Arrow IPC)",
            path.display(),
            match other {
                Some(e) => format!("unknown extension .{e}"),
                None => "no extension".to_string(),
            }
        ))),
    }
}

/// A column's values and type.
enum Type {
    U64,
    U32,
    F64,
}

/// The columns: name and type, in order.
fn columns(study: &Study) -> Vec<(String, Type)> {
    let mut c = vec![("trial".to_string(), Type::U64)];
    for d in &study.deployments {
        c.push((format!("{}.downtime_minutes", d.name), Type::F64));
        c.push((format!("{}.outages", d.name), Type::U32));
        c.push((format!("{}.longest_outage_minutes", d.name), Type::F64));
    }
    let default = study.simulation.estimator;
    for d in &study.deployments {
        if d.estimator.unwrap_or(default) == Estimator::Importance {
            c.push((format!("{}.excursion.likelihood_ratio", d.name), Type::F64));
            c.push((format!("{}.excursion.downtime_minutes", d.name), Type::F64));
            c.push((format!("{}.excursion.outages", d.name), Type::U32));
        }
    }
    c
}

/// The CSV header (and the column names of every format).
pub fn header(study: &Study) -> Vec<String> {
    columns(study).into_iter().map(|(n, _)| n).collect()
}

/// One row's values, in column order.
fn values(trial: u64, outcomes: &[TrialOutcome], excursions: &[Excursion]) -> Vec<Value> {
    let mut v = vec![Value::U64(trial)];
    for o in outcomes {
        v.push(Value::F64(o.downtime_hours * 60.0));
        v.push(Value::U32(o.outages));
        v.push(Value::F64(o.longest_hours * 60.0));
    }
    for e in excursions {
        v.push(Value::F64(e.likelihood_ratio));
        v.push(Value::F64(e.downtime_hours * 60.0));
        v.push(Value::U32(e.outages));
    }
    v
}

#[derive(Clone, Copy)]
enum Value {
    U64(u64),
    U32(u32),
    F64(f64),
}

/// Rows buffered column by column, up to [`ROWS_PER_BATCH`].
enum Buffer {
    U64(Vec<u64>),
    U32(Vec<u32>),
    F64(Vec<f64>),
}

/// Where rows go: one of the three writers.
enum Sink<'w> {
    Csv(Box<csv::Writer<&'w mut (dyn Write + Send)>>),
    Parquet(Box<parquet::arrow::ArrowWriter<&'w mut (dyn Write + Send)>>),
    Arrow(Box<arrow_ipc::writer::FileWriter<&'w mut (dyn Write + Send)>>),
}

/// A writer of rows: the sink and, for Arrow and Parquet, the columns
/// buffered for the next record batch.
struct Rows<'w> {
    sink: Sink<'w>,
    schema: Arc<Schema>,
    buffers: Vec<Buffer>,
    buffered: usize,
}

impl<'w> Rows<'w> {
    fn new(format: Format, study: &Study, w: &'w mut (dyn Write + Send)) -> io::Result<Self> {
        let cols = columns(study);
        let fields: Vec<Field> = cols
            .iter()
            .map(|(n, t)| {
                let dt = match t {
                    Type::U64 => DataType::UInt64,
                    Type::U32 => DataType::UInt32,
                    Type::F64 => DataType::Float64,
                };
                Field::new(n, dt, false)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let buffers = cols
            .iter()
            .map(|(_, t)| match t {
                Type::U64 => Buffer::U64(Vec::with_capacity(ROWS_PER_BATCH)),
                Type::U32 => Buffer::U32(Vec::with_capacity(ROWS_PER_BATCH)),
                Type::F64 => Buffer::F64(Vec::with_capacity(ROWS_PER_BATCH)),
            })
            .collect();
        let sink = match format {
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(w);
                csv.write_record(header(study)).map_err(io::Error::other)?;
                Sink::Csv(Box::new(csv))
            }
            Format::Parquet => {
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(ROWS_PER_BATCH))
                    .build();
                let writer =
                    parquet::arrow::ArrowWriter::try_new(w, Arc::clone(&schema), Some(props))
                        .map_err(io::Error::other)?;
                Sink::Parquet(Box::new(writer))
            }
            Format::Arrow => Sink::Arrow(Box::new(
                arrow_ipc::writer::FileWriter::try_new(w, &schema).map_err(io::Error::other)?,
            )),
        };
        Ok(Rows {
            sink,
            schema,
            buffers,
            buffered: 0,
        })
    }

    /// Writes (or buffers) one row.
    fn push(&mut self, row: &[Value]) -> io::Result<()> {
        if let Sink::Csv(csv) = &mut self.sink {
            let text = row.iter().map(|v| match *v {
                Value::U64(x) => x.to_string(),
                Value::U32(x) => x.to_string(),
                Value::F64(x) => format!("{x}"),
            });
            return csv.write_record(text).map_err(io::Error::other);
        }
        for (b, v) in self.buffers.iter_mut().zip(row) {
            match (b, *v) {
                (Buffer::U64(b), Value::U64(x)) => b.push(x),
                (Buffer::U32(b), Value::U32(x)) => b.push(x),
                (Buffer::F64(b), Value::F64(x)) => b.push(x),
                _ => return Err(io::Error::other("a row does not fit the columns")),
            }
        }
        self.buffered += 1;
        if self.buffered == ROWS_PER_BATCH {
            self.write_batch()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one record batch (one row group).
    fn write_batch(&mut self) -> io::Result<()> {
        if self.buffered == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self
            .buffers
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    Buffer::U64(v) => Arc::new(UInt64Array::from(std::mem::take(v))),
                    Buffer::U32(v) => Arc::new(UInt32Array::from(std::mem::take(v))),
                    Buffer::F64(v) => Arc::new(Float64Array::from(std::mem::take(v))),
                }
            })
            .collect();
        self.buffered = 0;
        let batch =
            RecordBatch::try_new(Arc::clone(&self.schema), arrays).map_err(io::Error::other)?;
        match &mut self.sink {
            Sink::Csv(_) => Ok(()),
            Sink::Parquet(w) => {
                w.write(&batch).map_err(io::Error::other)?;
                // Close the row group now: nothing of it stays in memory.
                w.flush().map_err(io::Error::other)
            }
            Sink::Arrow(w) => w.write(&batch).map_err(io::Error::other),
        }
    }

    /// Writes what is buffered and the file's footer.
    fn finish(mut self) -> io::Result<()> {
        self.write_batch()?;
        match self.sink {
            Sink::Csv(mut csv) => csv.flush(),
            Sink::Parquet(w) => w.close().map(drop).map_err(io::Error::other),
            Sink::Arrow(mut w) => w.finish().map_err(io::Error::other),
        }
    }
}

/// Runs `run` with an observer that writes every trial's row to `path`
/// (replaced atomically once the run is complete), in the format its
/// extension names.
///
/// # Errors
/// `run`'s error, [`CliError::Input`] for an unknown extension (before
/// running), or [`CliError::Run`] when the file cannot be written; the file
/// is then untouched.
pub fn write<R>(path: &Path, study: &Study, run: R) -> Result<(Accumulators, StudyResult), CliError>
where
    R: FnOnce(Option<&mut TrialObserver<'_>>) -> Result<(Accumulators, StudyResult), CliError>,
{
    let format = format_of(path)?;
    let mut outcome: Option<Result<(Accumulators, StudyResult), CliError>> = None;
    let written = write_file_with(path, |w| {
        let rows = RefCell::new(Rows::new(format, study, w)?);
        let failed: RefCell<Option<io::Error>> = RefCell::new(None);
        let mut observe =
            |trial: u64, outcomes: &[TrialOutcome], excursions: &[Excursion]| match rows
                .borrow_mut()
                .push(&values(trial, outcomes, excursions))
            {
                Ok(()) => true,
                Err(e) => {
                    *failed.borrow_mut() = Some(e);
                    false
                }
            };
        let r = run(Some(&mut observe));
        if let Some(e) = failed.borrow_mut().take() {
            return Err(e);
        }
        let failed_run = r.is_err();
        outcome = Some(r);
        if failed_run {
            return Err(io::Error::other("the run failed"));
        }
        rows.into_inner().finish()
    });
    match (outcome, written) {
        (Some(Err(e)), _) => Err(e),
        (Some(Ok(r)), Ok(())) => Ok(r),
        (_, Err(e)) => Err(CliError::Run(format!(
            "cannot write {}: {e}",
            path.display()
        ))),
        (None, Ok(())) => Err(CliError::Run("the run did not start".into())),
    }
}
