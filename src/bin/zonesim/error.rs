//! A failed command: the message for stderr and the exit code.

use zonesim::scenario::ScenarioError;

/// A failed command: the message for stderr and the exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad input: arguments, a scenario file, an invalid or too-large study (exit 2).
    Input(String),
    /// A valid study could not run, or output could not be written (exit 1).
    Run(String),
}

impl CliError {
    /// The process exit code: 2 for input errors, 1 for run errors.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Run(_) => 1,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            CliError::Input(m) | CliError::Run(m) => m,
        }
    }
}

impl From<ScenarioError> for CliError {
    fn from(e: ScenarioError) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<zonesim::Error> for CliError {
    fn from(e: zonesim::Error) -> Self {
        // Phase is non_exhaustive: a phase added later counts as a run error.
        match e.phase() {
            zonesim::Phase::Load | zonesim::Phase::Build => CliError::Input(e.to_string()),
            _ => CliError::Run(e.to_string()),
        }
    }
}

/// Prefixes a message with the file (or study) it is about.
pub fn with_source(source: &str, e: CliError) -> CliError {
    match e {
        CliError::Input(m) => CliError::Input(format!("{source}: {m}")),
        CliError::Run(m) => CliError::Run(format!("{source}: {m}")),
    }
}
