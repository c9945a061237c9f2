//! `zonesim run --trials-out FILE.csv`: one row per trial, streamed in
//! trial order, written atomically.

use std::cell::RefCell;
use std::io;
use std::path::Path;

use zonesim::StudyResult;
use zonesim::engine::{Accumulators, TrialObserver};
use zonesim::stats::TrialOutcome;
use zonesim::study::Study;

use crate::error::CliError;
use crate::output::write_file_with;

/// The CSV header: `trial`, then for each deployment its downtime minutes,
/// outages and longest outage minutes.
pub fn header(study: &Study) -> Vec<String> {
    let mut h = vec!["trial".to_string()];
    for d in &study.deployments {
        for col in ["downtime_minutes", "outages", "longest_outage_minutes"] {
            h.push(format!("{}.{col}", d.name));
        }
    }
    h
}

/// Runs `run` with an observer that writes every trial's row to `path` (a
/// CSV file, replaced atomically once the run is complete).
///
/// # Errors
/// `run`'s error, or [`CliError::Run`] when the file cannot be written;
/// the file is then untouched.
pub fn write<R>(path: &Path, study: &Study, run: R) -> Result<(Accumulators, StudyResult), CliError>
where
    R: FnOnce(Option<&mut TrialObserver<'_>>) -> Result<(Accumulators, StudyResult), CliError>,
{
    if path.extension().is_some_and(|e| e != "csv") {
        return Err(CliError::Input(format!(
            "--trials-out {}: only CSV (.csv) is written by this build",
            path.display()
        )));
    }
    let mut outcome: Option<Result<(Accumulators, StudyResult), CliError>> = None;
    let written = write_file_with(path, |w| {
        let csv = RefCell::new(csv::Writer::from_writer(w));
        let failed: RefCell<Option<csv::Error>> = RefCell::new(None);
        csv.borrow_mut()
            .write_record(header(study))
            .map_err(io::Error::other)?;
        let mut row = Vec::new();
        let mut observe = |trial: u64, outcomes: &[TrialOutcome]| {
            row.clear();
            row.push(trial.to_string());
            for o in outcomes {
                row.push(format!("{}", o.downtime_hours * 60.0));
                row.push(o.outages.to_string());
                row.push(format!("{}", o.longest_hours * 60.0));
            }
            match csv.borrow_mut().write_record(&row) {
                Ok(()) => true,
                Err(e) => {
                    *failed.borrow_mut() = Some(e);
                    false
                }
            }
        };
        let r = run(Some(&mut observe));
        if let Some(e) = failed.borrow_mut().take() {
            return Err(io::Error::other(e));
        }
        let failed_run = r.is_err();
        outcome = Some(r);
        if failed_run {
            return Err(io::Error::other("the run failed"));
        }
        csv.into_inner().flush().map_err(io::Error::other)
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
