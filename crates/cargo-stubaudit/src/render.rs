//! Renderers: one per `--message-format`, each reading the engine's one
//! report model and nothing else; the wording they share lives here.

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use stubaudit_engine::report::{Status, Stub};
use stubaudit_engine::Code;

/// The one-line title of a finding.
pub fn title(stub: &Stub) -> String {
    let name = short(&stub.target.path, stub.target.method.as_deref());
    match stub.code {
        Code::HighStub => {
            let height = stub.height.unwrap_or(0);
            format!(
                "`{name}` is stubbed {height} layer{} above the I/O boundary",
                if height == 1 { "" } else { "s" }
            )
        }
        Code::PhantomStub => format!("`{}` is stubbed, but never implemented", phantom_name(stub)),
        Code::PureStub => format!("`{name}` is stubbed, but reaches no I/O"),
        Code::ThickAdapter => format!(
            "`{name}` is stubbed at the boundary, but its adapter hides {} lines",
            stub.hidden.lines
        ),
        Code::BoundaryStub if stub.status == Status::Wire => {
            format!("`{}` stands in for the network", stub.double.type_name)
        }
        Code::BoundaryStub if stub.status == Status::Plugin => {
            format!("`{name}` is a plugin interface: the double is a test input")
        }
        Code::BoundaryStub if matches!(stub.status, Status::External | Status::Unknown) => {
            format!("`{name}` is stubbed, but not measured")
        }
        Code::BoundaryStub => format!("`{name}` is stubbed at the I/O boundary"),
        Code::UnusedDouble => format!("`{}` is never set up", stub.double.type_name),
    }
}

/// What a phantom stub names: the methods of a whole double that have no
/// real implementation, when only some of them have none.
fn phantom_name(stub: &Stub) -> String {
    let phantom: Vec<&str> = stub
        .methods
        .iter()
        .filter(|method| method.status == Status::Phantom)
        .map(|method| method.method.as_str())
        .collect();
    if phantom.is_empty() || phantom.len() == stub.methods.len() {
        return short(&stub.target.path, stub.target.method.as_deref());
    }
    phantom
        .iter()
        .map(|method| short(&stub.target.path, Some(method)))
        .collect::<Vec<_>>()
        .join("`, `")
}

/// `Trait::method` from a path.
pub fn short(path: &str, method: Option<&str>) -> String {
    let name = path.rsplit("::").next().unwrap_or(path);
    match method {
        Some(method) => format!("{name}::{method}"),
        None => name.to_string(),
    }
}

/// Source lines of the audited workspace, each file read once, for the
/// renderers that show code.
pub struct SourceCache {
    root: PathBuf,
    files: HashMap<String, Option<Vec<String>>>,
}

impl SourceCache {
    /// A cache over the workspace at `root`.
    pub fn new(root: &Path) -> Self {
        SourceCache {
            root: root.to_path_buf(),
            files: HashMap::new(),
        }
    }

    /// Line `line` (1-based) of the workspace-relative `file`.
    pub fn line(&mut self, file: &str, line: u32) -> Option<&str> {
        let root = &self.root;
        let lines = self.files.entry(file.to_string()).or_insert_with(|| {
            let bytes = std::fs::read(root.join(file)).ok()?;
            Some(
                String::from_utf8_lossy(&bytes)
                    .lines()
                    .map(String::from)
                    .collect(),
            )
        });
        lines
            .as_ref()?
            .get(line.checked_sub(1)? as usize)
            .map(String::as_str)
    }
}
