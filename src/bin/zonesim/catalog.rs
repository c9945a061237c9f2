//! `zonesim catalog`: the built-in catalogue as a table, or as a scenario file (TOML or JSON).

use zonesim::{catalog, scenario};

use crate::args::{CatalogArgs, CatalogFormat};
use crate::error::CliError;
use crate::output::emit;
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
    let text = match a.format {
        CatalogFormat::Table => table::catalog_table(&cat),
        CatalogFormat::Json => scenario::catalog_scenario(&cat, scenario::Format::Json),
        CatalogFormat::Toml => scenario::catalog_scenario(&cat, scenario::Format::Toml),
    };
    emit(&text, a.output.as_deref())
}
