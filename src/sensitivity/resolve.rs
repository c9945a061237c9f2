//! What a sweep, a tornado or an uncertain run is given, resolved the one
//! way the command line and the Python package share: `PATH=V1,V2,...` and
//! `PATH=LOW..HIGH` parsed and checked, the file's `[sweep]` (and the
//! catalogue's ranges) as defaults, and the messages when nothing is given.

use std::cmp::Ordering;

use super::{Axis, ParamError, ParamPath, SweepSpec, TornadoParam, catalog_ranges};
use crate::study::Study;
use crate::uncertainty::UncertaintySpec;

impl Axis {
    /// An axis from `PATH=V1,V2,...` (what `zonesim sweep --set` takes).
    ///
    /// # Errors
    /// [`ParamError::BadSweep`] without `=` or with a value that is not a
    /// number (naming it), [`ParamError::BadPath`] for a path that does not
    /// parse.
    ///
    /// ```
    /// use zonesim::sensitivity::Axis;
    /// let a = Axis::parse("zone.a.time_to_repair.mean=1,2,4").unwrap();
    /// assert_eq!(a.values, [1.0, 2.0, 4.0]);
    /// let e = Axis::parse("zone.a.time_to_repair.mean=1,x").unwrap_err();
    /// assert_eq!(e.to_string(), "\"x\" is not a number");
    /// ```
    pub fn parse(text: &str) -> Result<Axis, ParamError> {
        let (path, values) = text
            .split_once('=')
            .ok_or_else(|| ParamError::BadSweep("expected PATH=V1,V2,...".into()))?;
        let path: ParamPath = path.trim().parse()?;
        let values = values
            .split(',')
            .map(|v| number(v.trim()))
            .collect::<Result<Vec<f64>, ParamError>>()?;
        Ok(Axis::new(path, values))
    }
}

impl TornadoParam {
    /// A tornado range from `PATH=LOW..HIGH` (what `zonesim sweep --range`
    /// takes), labelled by its path.
    ///
    /// # Errors
    /// As [`TornadoParam::checked`], and [`ParamError::BadSweep`] when the
    /// text is not of that form or an end is not a number.
    ///
    /// ```
    /// use zonesim::sensitivity::TornadoParam;
    /// let t = TornadoParam::parse("zone.a.time_to_repair.median=1..4").unwrap();
    /// assert_eq!((t.low, t.high), (1.0, 4.0));
    /// let e = TornadoParam::parse("zone.a.time_to_repair.median=4..1").unwrap_err();
    /// assert_eq!(e.to_string(), "needs LOW < HIGH, got 4..1");
    /// ```
    pub fn parse(text: &str) -> Result<TornadoParam, ParamError> {
        let form = || ParamError::BadSweep("expected PATH=LOW..HIGH".into());
        let (path, range) = text.split_once('=').ok_or_else(form)?;
        let (lo, hi) = range.split_once("..").ok_or_else(form)?;
        TornadoParam::checked(path, number(lo.trim())?, number(hi.trim())?)
    }

    /// A tornado range over `[low, high]` of the parameter `path`, labelled
    /// by its path.
    ///
    /// # Errors
    /// [`ParamError::BadSweep`] unless `low < high`, [`ParamError::BadPath`]
    /// for a path that does not parse.
    pub fn checked(path: &str, low: f64, high: f64) -> Result<TornadoParam, ParamError> {
        if low.partial_cmp(&high) != Some(Ordering::Less) {
            return Err(ParamError::BadSweep(format!(
                "needs LOW < HIGH, got {low}..{high}"
            )));
        }
        let p: ParamPath = path.trim().parse()?;
        Ok(TornadoParam::new(path.trim(), p, low, high))
    }
}

impl SweepSpec {
    /// The axes to sweep: `given` when there are any, else the file's.
    ///
    /// # Errors
    /// [`ParamError::BadSweep`] when neither has an axis.
    pub fn axes_or(&self, given: Vec<Axis>) -> Result<Vec<Axis>, ParamError> {
        let axes = if given.is_empty() {
            self.axes.clone()
        } else {
            given
        };
        if axes.is_empty() {
            return Err(ParamError::BadSweep(
                "nothing to sweep: give --set PATH=V1,V2,... (or [[sweep.axis]] in the file), \
                 or --tornado"
                    .into(),
            ));
        }
        Ok(axes)
    }

    /// The tornado's ranges: `given` when there are any, else the file's
    /// `[[sweep.range]]`, else the catalogue's stated ranges
    /// ([`catalog_ranges`]) of the study's parameters.
    ///
    /// # Errors
    /// [`ParamError::BadSweep`] when all three are empty.
    pub fn ranges_or(
        &self,
        study: &Study,
        given: Vec<TornadoParam>,
    ) -> Result<Vec<TornadoParam>, ParamError> {
        let ranges = if !given.is_empty() {
            given
        } else if !self.ranges.is_empty() {
            self.ranges.clone()
        } else {
            catalog_ranges(study)
        };
        if ranges.is_empty() {
            return Err(ParamError::BadSweep(
                "no tornado range: give --range PATH=LOW..HIGH or [[sweep.range]] \
                 (the catalogue's ranges apply only to its zones and region events)"
                    .into(),
            ));
        }
        Ok(ranges)
    }

    /// The deployment a tornado shows: `given`, else the file's, else the
    /// study's first.
    ///
    /// # Errors
    /// [`ParamError::NotFound`] when the study has no deployment of that name.
    pub fn deployment_or(&self, study: &Study, given: Option<&str>) -> Result<String, ParamError> {
        let name = given
            .map(str::to_string)
            .or_else(|| self.deployment.clone())
            .or_else(|| study.deployments.first().map(|d| d.name.clone()))
            .unwrap_or_default();
        if !study.deployments.iter().any(|d| d.name == name) {
            return Err(ParamError::NotFound {
                path: "--deployment".into(),
                reason: format!("no deployment is named \"{name}\""),
            });
        }
        Ok(name)
    }
}

impl UncertaintySpec {
    /// The uncertain parameters of a scenario file (its
    /// [`crate::scenario::Scenario::uncertainty`]), with `draws` parameter
    /// sets instead of the file's when given.
    ///
    /// # Errors
    /// [`ParamError::BadSweep`] when the file has no `[[uncertain]]`
    /// parameter (the message shows one).
    pub fn required(
        spec: Option<&UncertaintySpec>,
        draws: Option<u32>,
    ) -> Result<UncertaintySpec, ParamError> {
        let spec = spec.ok_or_else(|| {
            ParamError::BadSweep(
                "no [[uncertain]] parameter: give each one a path and a prior, e.g.\n  \
                 [[uncertain]]\n  path = \"zone.*.time_to_failure.mean\"\n  \
                 prior = { dist = \"lognormal\", median = 48667, sigma = 0.7 }"
                    .into(),
            )
        })?;
        Ok(match draws {
            Some(d) => UncertaintySpec::new(spec.params.clone(), d, spec.seed),
            None => spec.clone(),
        })
    }
}

fn number(v: &str) -> Result<f64, ParamError> {
    v.parse::<f64>()
        .map_err(|_| ParamError::BadSweep(format!("\"{v}\" is not a number")))
}
