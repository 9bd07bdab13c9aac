//! `-j/--jobs N` as cargo reads it: a positive number of threads, or a
//! negative one counted back from the number of cores (`-j -1`: all but
//! one), never 0. More threads than [`MAX_JOBS`] is refused: parsing is
//! CPU-bound, so threads past the cores only cost (thousands took tens of
//! seconds to start, each with the parse stack).

/// The most threads `-j` accepts.
pub const MAX_JOBS: usize = 256;

/// clap's value parser for `-j`.
pub fn parse(text: &str) -> Result<usize, String> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    resolve(text, cores)
}

fn resolve(text: &str, cores: usize) -> Result<usize, String> {
    let jobs: i64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of jobs"))?;
    match jobs {
        0 => Err("jobs may not be 0".to_string()),
        negative if negative < 0 => {
            let left = (cores as i64).saturating_add(negative);
            Ok(left.max(1) as usize)
        }
        positive if positive as u64 > MAX_JOBS as u64 => Err(format!(
            "{positive} jobs is more than the {MAX_JOBS} threads the audit runs (this machine has {cores} cores)"
        )),
        positive => Ok(positive as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_read_as_cargo_reads_them() {
        assert_eq!(resolve("4", 8), Ok(4));
        assert_eq!(resolve("-1", 8), Ok(7));
        assert_eq!(resolve("-20", 8), Ok(1));
        assert_eq!(resolve("0", 8), Err("jobs may not be 0".to_string()));
        assert!(resolve("100000", 8).is_err_and(|e| e.contains("more than the 256")));
        assert!(resolve("many", 8).is_err_and(|e| e.contains("`many`")));
        assert_eq!(resolve("256", 8), Ok(256));
    }
}
