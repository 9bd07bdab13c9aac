//! The `cargo-stubaudit` binary as the test suite runs it in a child
//! process: cargo sets `CARGO_BIN_EXE_*` only for a package's own binaries,
//! so this package has this copy of `main.rs` (one call, the same
//! [`cargo_stubaudit::main`]). Crashes, hangs, the panic hook's exit code
//! and the working directory are only testable out of process.

fn main() -> cargo_stubaudit::ExitCode {
    cargo_stubaudit::main()
}
