//! `cargo stubaudit`: see <https://github.com/stubaudit/stubaudit#readme>.

fn main() -> cargo_stubaudit::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    cargo_stubaudit::run(args, &mut std::io::stdout(), &mut std::io::stderr())
}
