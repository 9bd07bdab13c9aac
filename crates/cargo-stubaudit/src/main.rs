//! `cargo stubaudit`: see <https://github.com/stubaudit/stubaudit#readme>.

fn main() -> cargo_stubaudit::ExitCode {
    cargo_stubaudit::main()
}
