//! `zonesim catalog`: the built-in catalogue as a table or JSON.

use zonesim::catalog;

use crate::args::{CatalogArgs, OutputFormat};
use crate::error::CliError;
use crate::output::{emit, to_json};
use crate::table;

/// Runs `zonesim catalog`.
///
/// # Errors
/// [`CliError::Input`] for an unknown catalogue; output errors.
pub fn show_catalog(a: &CatalogArgs) -> Result<(), CliError> {
    let cat = catalog::catalog(&a.name).ok_or_else(|| {
        CliError::Input(format!(
            "unknown catalogue \"{}\"; the built-in ones are: {}",
            a.name,
            catalog::CATALOG_NAMES.join(", ")
        ))
    })?;
    let text = match a.out.format {
        OutputFormat::Table => table::catalog_table(&cat),
        OutputFormat::Json => to_json(&cat)?,
    };
    emit(&text, a.out.output.as_deref())
}
