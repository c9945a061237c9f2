//! `zonesim sweep` (a grid of one or two parameters, or a tornado) and
//! `zonesim uncertain` (two-level Monte Carlo over the file's uncertain
//! parameters).

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use zonesim::scenario::Scenario;
use zonesim::sensitivity::{
    Axis, Figure, ParamError, SweepResult, TornadoParam, TornadoResult, six_digits as sig, tornado,
};
use zonesim::uncertainty::{UncertaintyResult, UncertaintySpec};

use crate::args::{OutputArgs, OutputFormat, SimArgs};
use crate::error::{CliError, with_source};
use crate::output::{check_distinct, emit, to_json};
use crate::run::{outputs, with_progress};

/// Arguments of `zonesim sweep`.
#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// Scenario file (.toml or .json); the built-in eu-hubs study when left out.
    pub file: Option<PathBuf>,
    /// PATH=V1,V2,... (once or twice): the parameter and its values, e.g.
    /// `zone.alibaba-fr-par-*.time_to_repair.median=1,2,4`. Overrides the
    /// file's `[[sweep.axis]]`.
    #[arg(long = "set", value_name = "PATH=V1,V2,...")]
    pub set: Vec<String>,
    /// Rank the parameters in a tornado instead: each alone at the ends of
    /// its range (`--range`, else the file's `[[sweep.range]]`, else the
    /// catalogue's stated ranges).
    #[arg(long)]
    pub tornado: bool,
    /// PATH=LOW..HIGH (repeatable): a tornado range.
    #[arg(long = "range", value_name = "PATH=LOW..HIGH")]
    pub range: Vec<String>,
    /// The deployment the tornado shows (default: the file's, else the first).
    #[arg(long, value_name = "NAME")]
    pub deployment: Option<String>,
    /// The figure the tornado ranks by.
    #[arg(long, value_enum, default_value_t = FigureArg::Downtime)]
    pub figure: FigureArg,
    /// Trials, seed and threads.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Also draw the sweep (or the tornado) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// `--figure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FigureArg {
    /// Mean downtime a trial (minutes).
    Downtime,
    /// Mean availability.
    Availability,
}

/// Arguments of `zonesim uncertain`.
#[derive(Debug, Clone, Args)]
pub struct UncertainArgs {
    /// Scenario file (.toml or .json) with `[[uncertain]]` parameters.
    pub file: PathBuf,
    /// Parameter sets to draw (overrides the file's `[uncertainty].draws`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub draws: Option<u32>,
    /// Trials, seed and threads (`--seed` is the inner runs'; the outer
    /// draws use `[uncertainty].seed`).
    #[command(flatten)]
    pub sim: SimArgs,
    /// Output options.
    #[command(flatten)]
    pub out: OutputArgs,
}

fn figure(f: FigureArg) -> Figure {
    match f {
        FigureArg::Downtime => Figure::DowntimeMinutes,
        FigureArg::Availability => Figure::MeanAvailability,
    }
}

fn pct(t: f64) -> String {
    let s = format!("{:.4}", t * 100.0);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// Runs `zonesim sweep`.
///
/// # Errors
/// Bad arguments or files (exit 2), a failed run or output (exit 1).
pub fn sweep(a: &SweepArgs) -> Result<(), CliError> {
    check_distinct(
        a.file.as_deref(),
        &outputs(a.plot.as_deref(), a.out.output.as_deref()),
    )?;
    let (mut study, spec) = match &a.file {
        Some(p) => {
            let sc = Scenario::from_path(p)?;
            let spec = sc.sweep().cloned();
            (sc.into_study(), spec)
        }
        None => (zonesim::catalog::default_study(), None),
    };
    let source = a
        .file
        .as_ref()
        .map_or("the default study".to_string(), |p| p.display().to_string());
    a.sim.apply(&mut study);
    let spec = spec.unwrap_or_default();
    let runs_of = |n: usize| study.simulation.trials * n as u64;
    let in_source = |e: ParamError| CliError::Input(format!("{source}: {e}"));
    if a.tornado {
        let given = a
            .range
            .iter()
            .map(|r| {
                TornadoParam::parse(r).map_err(|e| CliError::Input(format!("--range {r}: {e}")))
            })
            .collect::<Result<_, _>>()?;
        let ranges = spec.ranges_or(&study, given).map_err(in_source)?;
        let deployment = spec
            .deployment_or(&study, a.deployment.as_deref())
            .map_err(in_source)?;
        let fig = figure(a.figure);
        let result = with_progress(runs_of(2 * ranges.len() + 1), a.sim.threads, |opts| {
            tornado(&study, &ranges, opts).map_err(|e| with_source(&source, e.into()))
        })?;
        let text = match a.out.format {
            OutputFormat::Table => tornado_table(&result, &deployment, fig),
            OutputFormat::Json => to_json(&result)?,
        };
        if let Some(path) = &a.plot {
            let svg = zonesim::plot::tornado_svg(&result, &deployment, fig)
                .map_err(|e| CliError::Run(e.to_string()))?;
            emit(&svg, Some(path))?;
        }
        return emit(&text, a.out.output.as_deref());
    }
    let given = a
        .set
        .iter()
        .map(|s| Axis::parse(s).map_err(|e| CliError::Input(format!("--set {s}: {e}"))))
        .collect::<Result<_, _>>()?;
    let axes = spec.axes_or(given).map_err(in_source)?;
    let points: usize = axes.iter().map(|x| x.values.len()).product();
    let result = with_progress(runs_of(points), a.sim.threads, |opts| {
        zonesim::sensitivity::sweep(&study, &axes, opts).map_err(|e| with_source(&source, e.into()))
    })?;
    let text = match a.out.format {
        OutputFormat::Table => sweep_table(&result),
        OutputFormat::Json => to_json(&result)?,
    };
    if let Some(path) = &a.plot {
        let svg = zonesim::plot::sweep_svg(&result).map_err(|e| CliError::Run(e.to_string()))?;
        emit(&svg, Some(path))?;
    }
    emit(&text, a.out.output.as_deref())
}

fn sweep_table(r: &SweepResult) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Sweep: {} trials a point, seed {} at every point (common random numbers)",
        r.trials, r.seed
    );
    let mut head: Vec<String> = r.axes.iter().map(|a| a.path.to_string()).collect();
    head.extend(
        [
            "deployment",
            "availability",
            "95% CI",
            "downtime min",
            "vs first",
        ]
        .iter()
        .map(|h| h.to_string()),
    );
    head.extend(r.sla_targets.iter().map(|t| format!("P({})", pct(*t))));
    let mut rows = vec![head];
    for p in &r.points {
        for d in &p.deployments {
            let mut row: Vec<String> = p.values.iter().map(|v| format!("{v}")).collect();
            row.push(d.name.clone());
            row.push(format!("{:.6}", d.mean_availability));
            row.push(format!("[{:.6}, {:.6}]", d.ci95[0], d.ci95[1]));
            row.push(format!("{:.2}", d.downtime_minutes));
            row.push(format!("{:+.2}", d.downtime_minutes_vs_first));
            row.extend(d.p_sla.iter().map(|x| format!("{x:.4}")));
            rows.push(row);
        }
    }
    s.push_str(&align(&rows));
    s
}

fn tornado_table(r: &TornadoResult, deployment: &str, fig: Figure) -> String {
    let mut s = String::new();
    let label = fig.label(&r.sla_targets);
    let base = r
        .base
        .iter()
        .find(|d| d.name == deployment)
        .map_or(f64::NAN, |d| fig.of(d));
    let _ = writeln!(
        s,
        "Tornado for {deployment}: {label}; {} trials a run, the study's seed in every run\n\
         at the study's own parameters: {base:.6}",
        r.trials
    );
    let mut rows = vec![
        [
            "parameter",
            "path",
            "low",
            "high",
            "figure at low",
            "figure at high",
            "swing",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect::<Vec<_>>(),
    ];
    for (bar, lo, hi) in r.ranked(deployment, fig).unwrap_or_default() {
        rows.push(vec![
            bar.param.label.clone(),
            bar.param.path.to_string(),
            format!("{}", sig(bar.param.low)),
            format!("{}", sig(bar.param.high)),
            format!("{lo:.6}"),
            format!("{hi:.6}"),
            format!("{:.6}", (hi - lo).abs()),
        ]);
    }
    s.push_str(&align(&rows));
    s
}

fn align(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, x)| format!("{x:<w$}", w = widths[i]))
            .collect();
        let _ = writeln!(s, "{}", line.join("  ").trim_end());
    }
    s
}

/// Runs `zonesim uncertain`.
///
/// # Errors
/// Bad arguments or files (exit 2), a failed run or output (exit 1).
pub fn uncertain(a: &UncertainArgs) -> Result<(), CliError> {
    check_distinct(Some(&a.file), &outputs(None, a.out.output.as_deref()))?;
    let sc = Scenario::from_path(&a.file)?;
    let source = a.file.display().to_string();
    let spec = UncertaintySpec::required(sc.uncertainty(), a.draws)
        .map_err(|e| CliError::Input(format!("{source}: {e}")))?;
    let mut study = sc.into_study();
    a.sim.apply(&mut study);
    let total = study.simulation.trials * spec.draws as u64;
    let result = with_progress(total, a.sim.threads, |opts| {
        spec.run(&study, opts)
            .map_err(|e| with_source(&source, e.into()))
    })?;
    let text = match a.out.format {
        OutputFormat::Table => uncertainty_table(&result),
        OutputFormat::Json => to_json(&result)?,
    };
    emit(&text, a.out.output.as_deref())
}

fn uncertainty_table(r: &UncertaintyResult) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Parameter uncertainty: {} parameter sets (outer seed {}), {} trials each",
        r.draws, r.seed, r.trials
    );
    for u in &r.params {
        let _ = writeln!(s, "  {} ~ {:?}", u.path, u.prior.params());
    }
    let _ = writeln!(s);
    let mut head: Vec<String> = [
        "deployment",
        "pooled availability",
        "95% CI",
        "p5 over sets",
        "p50",
        "p95",
        "inner +-",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    head.extend(
        r.sla_targets
            .iter()
            .map(|t| format!("P(mean >= {})", pct(*t))),
    );
    let mut rows = vec![head];
    for d in &r.deployments {
        let a = &d.availability;
        let mut row = vec![
            d.name.clone(),
            format!("{:.6}", a.mean),
            format!("[{:.6}, {:.6}]", a.ci95[0], a.ci95[1]),
            format!("{:.6}", a.percentiles.p5),
            format!("{:.6}", a.percentiles.p50),
            format!("{:.6}", a.percentiles.p95),
            format!("{:.6}", d.inner_half_width),
        ];
        row.extend(d.p_mean_meets.iter().map(|p| format!("{p:.3}")));
        rows.push(row);
    }
    s.push_str(&align(&rows));
    let _ = writeln!(s, "\nPairs (the same trials within each set):");
    let last = r.sla_targets.len().saturating_sub(1);
    let target = r.sla_targets.get(last).map_or(String::new(), |t| pct(*t));
    let mut rows = vec![vec![
        "first".to_string(),
        "second".to_string(),
        "P(second better)".to_string(),
        "P(first better)".to_string(),
        format!("P(second meets {target}, first not)"),
    ]];
    for p in &r.pairs {
        rows.push(vec![
            p.first.clone(),
            p.second.clone(),
            format!("{:.3}", p.p_second_better),
            format!("{:.3}", p.p_first_better),
            format!(
                "{:.3}",
                p.p_second_meets_first_not
                    .get(last)
                    .copied()
                    .unwrap_or(f64::NAN)
            ),
        ]);
    }
    s.push_str(&align(&rows));
    s
}
