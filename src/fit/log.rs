//! Incident logs: one outage a row, read into the times to failure and to
//! repair they show, censored where the window cuts them.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::{FitError, Observation};

/// The largest incident log [`IncidentLog::from_path`] reads (64 MiB).
pub const MAX_LOG_BYTES: u64 = 64 << 20;

/// The observation window of a log: `[0, hours]` when the log gives hours,
/// or two instants when it gives RFC 3339 times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    /// Times in the log are hours since the window's start; the window is `[0, H]`.
    Hours(f64),
    /// Times in the log are RFC 3339 instants; the window is `[from, to]`.
    Times {
        /// Start of the window.
        from: jiff::Timestamp,
        /// End of the window.
        to: jiff::Timestamp,
    },
}

impl Window {
    /// Parses `FROM..TO`, two RFC 3339 instants (`2021-01-01T00:00:00Z..2026-01-01T00:00:00Z`).
    ///
    /// # Errors
    /// A message naming the part that is not an instant, or a window that
    /// does not end after it starts.
    ///
    /// ```
    /// use zonesim::fit::Window;
    /// let w = Window::parse_times("2025-01-01T00:00:00Z..2025-01-02T00:00:00Z").unwrap();
    /// assert_eq!(w.hours(), 24.0);
    /// assert!(Window::parse_times("2025-01-01..").is_err());
    /// ```
    pub fn parse_times(text: &str) -> Result<Window, String> {
        let (a, b) = text
            .split_once("..")
            .ok_or_else(|| format!("expected FROM..TO (two RFC 3339 times), got \"{text}\""))?;
        let parse = |s: &str| {
            s.trim().parse::<jiff::Timestamp>().map_err(|e| {
                format!("\"{s}\" is not an RFC 3339 time (e.g. 2025-01-01T00:00:00Z): {e}")
            })
        };
        let (from, to) = (parse(a)?, parse(b)?);
        let w = Window::Times { from, to };
        if w.hours() > 0.0 {
            Ok(w)
        } else {
            Err(format!(
                "the window must end after it starts, got \"{text}\""
            ))
        }
    }

    /// The window's length in hours.
    pub fn hours(&self) -> f64 {
        match *self {
            Window::Hours(h) => h,
            Window::Times { from, to } => hours_between(from, to),
        }
    }
}

fn hours_between(from: jiff::Timestamp, to: jiff::Timestamp) -> f64 {
    let d = to.as_nanosecond() - from.as_nanosecond();
    d as f64 / 3.6e12
}

/// What the log's rows are outages of: its id column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A `zone` column: each zone's own outages.
    Zone,
    /// A `region` column: region-wide events (a common cause).
    Region,
}

impl Subject {
    /// The column name.
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Zone => "zone",
            Subject::Region => "region",
        }
    }
}

/// One outage of the log, in hours since the window's start.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Incident {
    /// The zone or region id.
    pub id: String,
    /// Start (hours since the window's start).
    pub start: f64,
    /// End, or `None` when it was still open (an empty `end`).
    pub end: Option<f64>,
    /// 1-based line of the file.
    pub line: usize,
}

/// A checked incident log.
///
/// ```
/// use zonesim::fit::{IncidentLog, Subject, Window};
/// let csv = "zone,start,end\na,100,102\na,500,\nb,10,13.5\n";
/// let log = IncidentLog::from_reader(csv.as_bytes(), "log.csv", &Window::Hours(1000.0)).unwrap();
/// assert_eq!(log.subject, Subject::Zone);
/// let obs = log.observations(&[]);
/// // Repairs: 2 h and 3.5 h complete, a's second still open after 500 h.
/// assert_eq!(obs.time_to_repair.len(), 3);
/// assert_eq!(obs.time_to_repair.iter().filter(|o| o.censored).count(), 1);
///
/// let bad = "zone,start,end\na,100,90\n";
/// let err = IncidentLog::from_reader(bad.as_bytes(), "log.csv", &Window::Hours(1000.0)).unwrap_err();
/// assert!(err.to_string().starts_with("log.csv:2: end:"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct IncidentLog {
    /// The file name used in messages.
    pub file: String,
    /// Zone or region outages.
    pub subject: Subject,
    /// The window's length in hours.
    pub window_hours: f64,
    /// The outages, in file order.
    pub incidents: Vec<Incident>,
}

/// The durations a log shows, pooled over its ids.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Observations {
    /// Up times: from the window's start (or an outage's end) to the next
    /// outage; the last one censored at the window's end.
    pub time_to_failure: Vec<Observation>,
    /// Outage lengths; censored at the window's end when still open.
    pub time_to_repair: Vec<Observation>,
    /// The ids observed, in order of first appearance (then the extra ones).
    pub ids: Vec<String>,
}

impl IncidentLog {
    /// Reads a log file, at most [`MAX_LOG_BYTES`] of it.
    ///
    /// # Errors
    /// As [`IncidentLog::from_reader`], and [`FitError::BadLog`] when the
    /// file cannot be read or is larger than [`MAX_LOG_BYTES`].
    pub fn from_path(path: impl AsRef<Path>, window: &Window) -> Result<IncidentLog, FitError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let bad = |message: String| FitError::BadLog {
            file: file.clone(),
            message,
        };
        let f = std::fs::File::open(path).map_err(|e| bad(format!("cannot read: {e}")))?;
        let mut bytes = Vec::new();
        f.take(MAX_LOG_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| bad(format!("cannot read: {e}")))?;
        if bytes.len() as u64 > MAX_LOG_BYTES {
            return Err(bad(
                "larger than the 64 MiB limit for an incident log".to_string()
            ));
        }
        IncidentLog::from_reader(bytes.as_slice(), &file, window)
    }

    /// Reads a log: a header row naming `zone` (or `region`), `start` and
    /// `end` (other columns are ignored), then one outage a row. Lines
    /// starting with `#` are comments. Times are hours since the window's
    /// start for [`Window::Hours`] and RFC 3339 instants for
    /// [`Window::Times`]; an empty `end` is an outage still open.
    ///
    /// # Errors
    /// [`FitError::BadLog`] for a missing or ambiguous column or a window
    /// that is not positive; [`FitError::BadRow`] with the line and column
    /// for a row whose time does not parse, lies outside the window, ends
    /// before it starts, or overlaps an earlier outage of the same id.
    pub fn from_reader(
        reader: impl Read,
        file: &str,
        window: &Window,
    ) -> Result<IncidentLog, FitError> {
        let bad_log = |message: String| FitError::BadLog {
            file: file.to_string(),
            message,
        };
        let w = window.hours();
        if !crate::distributions::is_positive_finite(w) {
            return Err(bad_log(format!(
                "the window must be a finite number of hours > 0, got {w}"
            )));
        }
        // Comment lines become empty lines, which the reader skips; line
        // numbers are counted from each record's byte offset, so they are
        // the file's own.
        let mut text = String::new();
        let mut reader = reader;
        reader
            .read_to_string(&mut text)
            .map_err(|e| bad_log(format!("cannot read: {e}")))?;
        let text: String = text
            .split_inclusive('\n')
            .map(|l| {
                if l.trim_start().starts_with('#') {
                    if l.ends_with('\n') { "\n" } else { "" }
                } else {
                    l
                }
            })
            .collect();
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        // A record's offset is where the reader started on it, before any
        // empty lines it skipped: its line is the first non-empty one.
        let line_of = |byte: u64| {
            let b = text.as_bytes();
            let mut at = (byte as usize).min(b.len());
            while at < b.len() && (b[at] == b'\n' || b[at] == b'\r') {
                at += 1;
            }
            b[..at].iter().filter(|&&c| c == b'\n').count() + 1
        };
        let csv_err = |e: csv::Error| match e.position() {
            Some(p) => FitError::BadRow {
                file: file.to_string(),
                line: line_of(p.byte()),
                field: "row".into(),
                message: e.to_string(),
            },
            None => bad_log(e.to_string()),
        };
        let headers = rdr.headers().map_err(csv_err)?.clone();
        let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let subject = match (col("zone"), col("region")) {
            (Some(_), Some(_)) => {
                return Err(bad_log(
                    "the header names both `zone` and `region`; a log holds one kind of outage"
                        .into(),
                ));
            }
            (Some(_), None) => Subject::Zone,
            (None, Some(_)) => Subject::Region,
            (None, None) => {
                return Err(bad_log(format!(
                    "the header must name a `zone` (or `region`) column, `start` and `end`; got: {}",
                    headers.iter().collect::<Vec<_>>().join(",")
                )));
            }
        };
        let id_col = col(subject.as_str()).expect("found above");
        let (Some(start_col), Some(end_col)) = (col("start"), col("end")) else {
            return Err(bad_log(format!(
                "the header must name `start` and `end` columns; got: {}",
                headers.iter().collect::<Vec<_>>().join(",")
            )));
        };
        let mut incidents = Vec::new();
        let mut last_end: HashMap<String, (Option<f64>, usize)> = HashMap::new();
        for rec in rdr.records() {
            let rec = rec.map_err(csv_err)?;
            let line = rec.position().map_or(0, |p| line_of(p.byte()));
            let row_err = |field: &str, message: String| FitError::BadRow {
                file: file.to_string(),
                line,
                field: field.to_string(),
                message,
            };
            let id = rec.get(id_col).unwrap_or("").to_string();
            if id.is_empty() {
                return Err(row_err(subject.as_str(), "is empty".into()));
            }
            let time = |field: &str, cell: &str| -> Result<f64, FitError> {
                let t = match window {
                    Window::Hours(_) => cell.parse::<f64>().map_err(|_| {
                        row_err(
                            field,
                            format!(
                                "expected hours since the window's start (a number), got \"{cell}\""
                            ),
                        )
                    })?,
                    Window::Times { from, .. } => {
                        let ts = cell.parse::<jiff::Timestamp>().map_err(|e| {
                            row_err(field, format!("\"{cell}\" is not an RFC 3339 time: {e}"))
                        })?;
                        hours_between(*from, ts)
                    }
                };
                if !t.is_finite() || t < 0.0 || t > w {
                    return Err(row_err(
                        field,
                        format!("\"{cell}\" lies outside the observation window [0, {w} h]"),
                    ));
                }
                Ok(t)
            };
            let start_cell = rec.get(start_col).unwrap_or("");
            let start = time("start", start_cell)?;
            let end_cell = rec.get(end_col).unwrap_or("");
            let end = if end_cell.is_empty() {
                None
            } else {
                let e = time("end", end_cell)?;
                if e <= start {
                    return Err(row_err(
                        "end",
                        format!("\"{end_cell}\" is not after the start \"{start_cell}\""),
                    ));
                }
                Some(e)
            };
            if let Some((prev, prev_line)) = last_end.get(&id) {
                match prev {
                    None => {
                        return Err(row_err(
                            "start",
                            format!(
                                "{} \"{id}\" has an outage still open from line {prev_line}",
                                subject.as_str()
                            ),
                        ));
                    }
                    Some(p) if start < *p => {
                        return Err(row_err(
                            "start",
                            format!(
                                "overlaps or precedes the outage of {} \"{id}\" on line {prev_line}; \
                                 list each id's outages in time order, without overlaps",
                                subject.as_str()
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
            last_end.insert(id.clone(), (end, line));
            incidents.push(Incident {
                id,
                start,
                end,
                line,
            });
        }
        Ok(IncidentLog {
            file: file.to_string(),
            subject,
            window_hours: w,
            incidents,
        })
    }

    /// The ids in order of first appearance.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for i in &self.incidents {
            if !ids.contains(&i.id) {
                ids.push(i.id.clone());
            }
        }
        ids
    }

    /// The durations the log shows, pooled over its ids and the `extra` ids
    /// (observed through the whole window with no outage: one censored up
    /// time each). Each id's window starts with a fresh up time (exact for
    /// exponential times to failure; for the others it assumes the zone was
    /// new, or just repaired, at the window's start); an outage open at the
    /// end gives a censored repair, and the time since the last outage a
    /// censored up time.
    pub fn observations(&self, extra: &[String]) -> Observations {
        let w = self.window_hours;
        let mut out = Observations {
            ids: self.ids(),
            ..Observations::default()
        };
        for e in extra {
            if !out.ids.contains(e) {
                out.ids.push(e.clone());
            }
        }
        for id in &out.ids {
            let mut up_from = Some(0.0);
            for inc in self.incidents.iter().filter(|i| &i.id == id) {
                if let Some(u) = up_from
                    && inc.start > u
                {
                    out.time_to_failure
                        .push(Observation::observed(inc.start - u));
                }
                match inc.end {
                    Some(e) => out
                        .time_to_repair
                        .push(Observation::observed(e - inc.start)),
                    None => {
                        if w > inc.start {
                            out.time_to_repair
                                .push(Observation::censored(w - inc.start));
                        }
                    }
                }
                up_from = inc.end;
            }
            if let Some(u) = up_from
                && w > u
            {
                out.time_to_failure.push(Observation::censored(w - u));
            }
        }
        out
    }
}
