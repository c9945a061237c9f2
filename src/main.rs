//! The `zonesim` command line; see [`zonesim::cli`].

fn main() -> std::process::ExitCode {
    zonesim::cli::main()
}
