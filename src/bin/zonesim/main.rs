//! The `zonesim` command line.
//!
//! The binary only consumes the library: it parses the arguments into checked
//! ones ([`cli`]), runs the library, and renders what it returns ([`table`]
//! for text; JSON and SVG come from the library's own types). Nothing here is
//! public API of the crate.

mod cli;
mod table;

fn main() -> std::process::ExitCode {
    cli::main()
}
