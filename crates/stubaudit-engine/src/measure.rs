//! Stage `measure`: per stub site, the height above the I/O boundary, the
//! status, the hidden lines, the lower stub point and the finding, exactly
//! as DESIGN.md's vocabulary defines them. Heights are memoised per fn, so
//! the stage is linear in the call graph.

mod height;

use crate::code::{Code, Level};
use crate::doubles::{Double, DoubleKind, Doubles, StandsFor, StubSite};
use crate::graph::{Edge, FnId, Graph};
use crate::index::Body;
use crate::report::{
    relative, DoubleInfo, Hidden, HiddenRange, ImplementationInfo, LowerStubPoint, NoteAt, Site,
    Status, Stub, TargetInfo,
};
use height::Heights;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

/// The rules findings are judged by.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Level per code; codes not listed keep their default.
    pub levels: HashMap<Code, Level>,
    /// A height-0 stub hiding more lines than this is a thick adapter.
    pub thick_adapter_lines: u32,
    /// High stubs above this height are denied.
    pub max_height: Option<u32>,
    /// Stubs allowed by configuration: target path or `path::method`, and why.
    pub allowed: Vec<(String, String)>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            levels: HashMap::new(),
            thick_adapter_lines: 20,
            max_height: None,
            allowed: Vec::new(),
        }
    }
}

impl Policy {
    /// The level of `code` for a stub at `height`.
    pub fn level(&self, code: Code, height: Option<u32>) -> Level {
        let level = self
            .levels
            .get(&code)
            .copied()
            .unwrap_or(code.default_level());
        match (code, self.max_height, height) {
            (Code::HighStub, Some(max), Some(height)) if height > max && level != Level::Allow => {
                Level::Deny
            }
            _ => level,
        }
    }
}

/// Measures every stub site of the selected packages.
pub fn measure(
    graph: &Graph,
    doubles: &Doubles,
    policy: &Policy,
    selected: &HashSet<usize>,
    root: &Path,
) -> Vec<Stub> {
    let mut heights = Heights::new(graph);
    let mut stubs = Vec::new();
    let mut used: HashSet<usize> = HashSet::new();
    for site in &doubles.sites {
        used.insert(site.double);
        if !selected.contains(&graph.files[site.file].package) {
            continue;
        }
        let double = &doubles.doubles[site.double];
        let whole_object = site.method.is_none()
            && matches!(
                site.target,
                StandsFor::Trait(_) | StandsFor::Type(_) | StandsFor::External(_)
            );
        if whole_object && target_methods(graph, site, double).1.is_empty() {
            // A fake that writes no method of its trait (or of a marker
            // trait) replaces nothing: the trait's own code runs.
            continue;
        }
        stubs.push(measure_site(
            graph,
            &mut heights,
            policy,
            root,
            site,
            double,
        ));
    }
    for (index, double) in doubles.doubles.iter().enumerate() {
        let Some((file, at)) = double.defined_at else {
            continue;
        };
        let mockall = matches!(
            double.kind,
            DoubleKind::MockallAutomock | DoubleKind::MockallMock
        );
        if used.contains(&index) || !mockall || !selected.contains(&graph.files[file].package) {
            continue;
        }
        let site = StubSite {
            file,
            at,
            len: double.name.len() as u32,
            test: String::new(),
            double: index,
            target: double
                .stands_for
                .first()
                .cloned()
                .unwrap_or_else(|| StandsFor::External(double.key.clone())),
            method: None,
            via_double: false,
        };
        let mut stub = measure_site(graph, &mut heights, policy, root, &site, double);
        stub.code = Code::UnusedDouble;
        stub.level = policy.level(Code::UnusedDouble, None);
        stub.site.test = None;
        stub.hidden = Hidden {
            lines: 0,
            uncovered: None,
            ranges: Vec::new(),
        };
        stub.lower_stub_point = None;
        stub.notes.clear();
        stub.help = format!(
            "no test sets `{}` up: remove it, or test through it",
            double.name
        );
        stub.id = stable_id(&stub.site, &stub.target);
        stubs.push(stub);
    }
    stubs
}

/// One implementation of the stubbed target, measured.
struct Measured {
    fn_id: FnId,
    type_name: String,
    height: Option<u32>,
    phantom: bool,
}

fn measure_site(
    graph: &Graph,
    heights: &mut Heights<'_>,
    policy: &Policy,
    root: &Path,
    site: &StubSite,
    double: &Double,
) -> Stub {
    let rel = |file: usize| relative(root, &graph.files[file].index.path);
    let (target_path, methods) = target_methods(graph, site, double);
    let implementations: Vec<Measured> = methods
        .iter()
        .flat_map(|method| implementations_of(graph, &site.target, method))
        // The library's own doubles (`HttpStub`, `DbStub`) implement the
        // boundary traits too: they are doubles, not adapters.
        .filter(|(fn_id, _)| !is_library_double(graph, *fn_id))
        .map(|(fn_id, type_name)| Measured {
            phantom: matches!(graph.fn_item(fn_id).body, Body::Phantom { .. }),
            height: heights.height(fn_id),
            fn_id,
            type_name,
        })
        .collect();
    // Only code the test's package can reach can be what it replaces; when
    // none is reachable (a trait implemented only downstream), all count.
    let reachable = |measured: &Measured| {
        graph
            .reach
            .get(graph.files[site.file].package)
            .is_none_or(|reach| reach.contains(&graph.file_of(measured.fn_id).package))
    };
    let implementations: Vec<Measured> = if implementations.iter().any(reachable) {
        implementations
            .into_iter()
            .filter(|measured| reachable(measured))
            .collect()
    } else {
        implementations
    };
    let real: Vec<&Measured> = implementations.iter().filter(|m| !m.phantom).collect();
    let macro_made =
        implementations.is_empty() && graph.macro_idents.contains(short_name(&target_path));
    let (status, height) = match &site.target {
        StandsFor::Wire => (Status::Wire, Some(0)),
        // Another crate's trait: measured through the workspace's own impls
        // of it (`impl tower::Service<Req> for SubgraphService`), if any.
        StandsFor::External(_) if real.is_empty() => (Status::External, None),
        // Many workspace types implement it (`tower::Service`): which one the
        // double replaces cannot be told.
        StandsFor::External(_) if distinct_types(&implementations) > MAX_EXTERNAL_IMPLS => {
            (Status::External, None)
        }
        StandsFor::Boundary(_) => (Status::Io, Some(0)),
        // An item macro the audit cannot read may implement it.
        _ if macro_made => (Status::External, None),
        _ if real.is_empty() => (Status::Phantom, None),
        _ => match real.iter().filter_map(|m| m.height).min() {
            Some(height) => (Status::Io, Some(height)),
            None => (Status::Pure, None),
        },
    };
    // Hidden: every implementation's unit, and below height 0 the layers down to I/O.
    let mut hidden: BTreeSet<FnId> = BTreeSet::new();
    // A boundary's adapters are height 0 by definition: their own lines only.
    let descend = !matches!(site.target, StandsFor::Boundary(_));
    for measured in &implementations {
        heights.hide_from(measured.fn_id, descend, &mut hidden);
    }
    let lower = match (status, height) {
        (Status::Io, Some(h)) if h > 0 => real
            .iter()
            .filter(|m| m.height == Some(h))
            .find_map(|m| heights.lower_point(m.fn_id)),
        _ => None,
    };
    let still_hidden: BTreeSet<FnId> = match &lower {
        Some(point) => {
            let mut below = BTreeSet::new();
            let descend = !matches!(point.edge, Edge::Boundary { .. } | Edge::TraitMethod { .. });
            for fn_id in heights.edge_targets(&point.edge, graph.files[site.file].package) {
                heights.hide_from(fn_id, descend, &mut below);
            }
            below
        }
        None => BTreeSet::new(),
    };
    let lines_of = |fn_id: FnId| {
        graph
            .file_of(fn_id)
            .index
            .code_lines_in(graph.fn_item(fn_id).span)
    };
    let mut ranges: Vec<HiddenRange> = hidden
        .iter()
        .map(|&fn_id| {
            let fn_item = graph.fn_item(fn_id);
            HiddenRange {
                file: rel(graph.fns[fn_id].file),
                start: fn_item.span.start,
                end: fn_item.span.end,
                fn_name: graph.display_name(fn_id),
                lines: lines_of(fn_id),
            }
        })
        .collect();
    ranges.sort();
    // Copies of one default method (inherited by several types) are one range.
    ranges.dedup_by(|a, b| (&a.file, a.start, a.end) == (&b.file, b.start, b.end));
    let hidden_lines: u32 = ranges.iter().map(|range| range.lines).sum();
    let more_lines = hidden_lines
        - hidden
            .intersection(&still_hidden)
            .map(|&f| lines_of(f))
            .sum::<u32>();
    let code = match (status, height) {
        (Status::Phantom, _) => Code::PhantomStub,
        (Status::Pure, _) => Code::PureStub,
        (Status::Io, Some(h)) if h > 0 => Code::HighStub,
        (Status::Io, _) if hidden_lines > policy.thick_adapter_lines => Code::ThickAdapter,
        _ => Code::BoundaryStub,
    };
    let method = site.method.clone();
    let short_target = short(&target_path, method.as_deref());
    let help = match code {
        Code::HighStub => match &lower {
            Some(point) => format!(
                "stub `{}` instead: {more_lines} more lines run under test",
                short(&point.info.path, Some(&point.info.method))
            ),
            None => "stub the I/O boundary below instead".to_string(),
        },
        Code::PhantomStub if implementations.is_empty() => {
            format!("no production code implements `{short_target}`: the double is its only implementation")
        }
        Code::PhantomStub => format!("`{short_target}` is never written: write it, then test it through its boundary"),
        Code::PureStub => format!("`{short_target}` reaches no I/O: run the real implementation instead"),
        Code::ThickAdapter => format!(
            "the adapter hides {hidden_lines} lines (more than {}): move its logic above the boundary, or test it against a real engine",
            policy.thick_adapter_lines
        ),
        _ if status == Status::External => format!(
            "`{short_target}` is implemented outside the workspace, or by a macro the audit cannot read: not measured"
        ),
        _ => "stubbed at the I/O boundary: the code above it runs under test".to_string(),
    };
    let mut notes: Vec<NoteAt> = Vec::new();
    for measured in &implementations {
        let fn_item = graph.fn_item(measured.fn_id);
        let file = rel(graph.fns[measured.fn_id].file);
        if let Body::Phantom { macro_name, at } = &fn_item.body {
            notes.push(NoteAt {
                file,
                line: at.line,
                column: at.column,
                len: macro_name.len() as u32 + 1,
                label: format!(
                    "the only implementation, `{}::{}`, is `{macro_name}!()`",
                    measured.type_name, fn_item.name
                ),
            });
        } else if code != Code::BoundaryStub {
            let height = match measured.height {
                Some(height) => format!("height {height}"),
                None => "no I/O".to_string(),
            };
            notes.push(NoteAt {
                file,
                line: fn_item.name_at.line,
                column: fn_item.name_at.column,
                len: fn_item.name.len() as u32,
                label: format!(
                    "`{}::{}` ({height}) does not run in this test",
                    measured.type_name, fn_item.name
                ),
            });
        }
    }
    let mut implementation_infos: Vec<ImplementationInfo> = implementations
        .iter()
        .map(|measured| {
            let fn_item = graph.fn_item(measured.fn_id);
            ImplementationInfo {
                type_name: measured.type_name.clone(),
                file: rel(graph.fns[measured.fn_id].file),
                line_start: fn_item.span.start,
                line_end: fn_item.span.end,
                height: measured.height,
            }
        })
        .collect();
    implementation_infos.sort();
    let (target_file, target_line) = target_location(graph, site);
    let site_info = Site {
        file: rel(site.file),
        line: site.at.line,
        column: site.at.column,
        test: Some(site.test.clone()),
    };
    let target = TargetInfo {
        path: target_path.clone(),
        method,
        file: target_file.map(rel),
        line: target_line,
    };
    let allowed = policy
        .allowed
        .iter()
        .find(|(path, _)| {
            *path == target_path
                || Some(path.as_str())
                    == target
                        .method
                        .as_ref()
                        .map(|m| format!("{target_path}::{m}"))
                        .as_deref()
        })
        .map(|(_, reason)| reason.clone());
    let level = if allowed.is_some() {
        Level::Allow
    } else {
        policy.level(code, height)
    };
    Stub {
        id: stable_id(&site_info, &target),
        code,
        level,
        site: site_info,
        double: DoubleInfo {
            kind: if site.via_double {
                DoubleKind::MockallDouble.as_str().to_string()
            } else {
                double.kind.as_str().to_string()
            },
            type_name: double.name.clone(),
        },
        target,
        implementations: implementation_infos,
        height: if matches!(status, Status::Io | Status::Wire) {
            height
        } else {
            None
        },
        status,
        hidden: Hidden {
            lines: hidden_lines,
            uncovered: None,
            ranges,
        },
        lower_stub_point: lower.map(|point| LowerStubPoint {
            file: point.file.map(rel),
            ..point.info
        }),
        help,
        notes,
        approximate: approximate_calls(graph, &hidden, root),
        site_len: site.len,
        allowed,
    }
}

/// The name-only call edges inside the hidden fns.
fn approximate_calls(graph: &Graph, hidden: &BTreeSet<FnId>, root: &Path) -> Vec<String> {
    let mut calls: Vec<String> = hidden
        .iter()
        .flat_map(|&fn_id| {
            graph.approximate[fn_id].iter().map(move |edge| {
                let target = match &edge.edge {
                    Edge::Method(callee) => graph.display_name(*callee),
                    Edge::TraitMethod { trait_key, method } => {
                        format!(
                            "{}::{method}",
                            trait_key.rsplit("::").next().unwrap_or(trait_key)
                        )
                    }
                    _ => String::new(),
                };
                format!(
                    "{}:{} `{target}`",
                    relative(root, &graph.file_of(fn_id).index.path),
                    edge.at.line
                )
            })
        })
        .collect();
    calls.sort();
    calls.dedup();
    calls
}

/// The target's path and the methods the site replaces: the one stubbed,
/// or for a whole object every method (a fake: the ones it writes itself).
fn target_methods(graph: &Graph, site: &StubSite, double: &Double) -> (String, Vec<String>) {
    let path = match &site.target {
        StandsFor::Trait(key)
        | StandsFor::Type(key)
        | StandsFor::Module(key)
        | StandsFor::Boundary(key)
        | StandsFor::External(key) => key.clone(),
        StandsFor::Wire => "http".to_string(),
    };
    let methods = match (&site.method, &site.target) {
        (Some(method), _) => vec![method.clone()],
        (None, StandsFor::Trait(_) | StandsFor::Boundary(_) | StandsFor::External(_))
            if !double.methods.is_empty() =>
        {
            let mut methods = double.methods.clone();
            methods.sort();
            methods.dedup();
            methods
        }
        (None, StandsFor::Type(key)) => {
            let mut methods: Vec<String> = graph
                .inherent
                .get(key)
                .into_iter()
                .flatten()
                .map(|&fn_id| graph.fn_item(fn_id).name.clone())
                .filter(|name| !matches!(name.as_str(), "new" | "default"))
                .collect();
            methods.sort();
            methods.dedup();
            methods
        }
        (None, StandsFor::Trait(key)) | (None, StandsFor::Boundary(key)) => {
            match graph.traits.get(key) {
                Some(&(file, local)) => graph.files[file].index.traits[local]
                    .methods
                    .iter()
                    .map(|&method| graph.files[file].index.fns[method].name.clone())
                    .collect(),
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    (path, methods)
}

/// Production implementations of `method` of the target: (fn, type name).
fn implementations_of(graph: &Graph, target: &StandsFor, method: &str) -> Vec<(FnId, String)> {
    let production = |fn_id: &FnId| {
        let fn_item = graph.fn_item(*fn_id);
        !fn_item.in_test && !graph.file_of(*fn_id).in_test
    };
    match target {
        StandsFor::Trait(key) | StandsFor::Boundary(key) | StandsFor::External(key) => graph
            .implementations(key, method, true)
            .iter()
            .map(|implementation| (implementation.fn_id, implementation.type_name.clone()))
            .collect(),
        StandsFor::Type(key) => graph
            .method_of(key, method)
            .filter(production)
            .map(|fn_id| (fn_id, key.rsplit("::").next().unwrap_or(key).to_string()))
            .into_iter()
            .collect(),
        StandsFor::Module(key) => graph
            .free_fns
            .get(&format!("{key}::{method}"))
            .copied()
            .filter(production)
            .map(|fn_id| (fn_id, key.rsplit("::").next().unwrap_or(key).to_string()))
            .into_iter()
            .collect(),
        StandsFor::Wire => Vec::new(),
    }
}

/// Where the stubbed trait method (or type) is declared.
fn target_location(graph: &Graph, site: &StubSite) -> (Option<usize>, Option<u32>) {
    if let (StandsFor::Trait(key) | StandsFor::Boundary(key), Some(method)) =
        (&site.target, &site.method)
    {
        if let Some(fn_id) = graph.trait_method(key, method) {
            return (
                Some(graph.fns[fn_id].file),
                Some(graph.fn_item(fn_id).name_at.line),
            );
        }
    }
    match &site.target {
        StandsFor::Trait(key) | StandsFor::Boundary(key) => graph
            .traits
            .get(key)
            .map(|&(file, local)| {
                (
                    Some(file),
                    Some(graph.files[file].index.traits[local].name_at.line),
                )
            })
            .unwrap_or((None, None)),
        StandsFor::Type(key) => graph
            .types
            .get(key)
            .map(|&(file, local)| {
                (
                    Some(file),
                    Some(graph.files[file].index.types[local].name_at.line),
                )
            })
            .unwrap_or((None, None)),
        // An automocked module: the stubbed free fn.
        StandsFor::Module(module) => site
            .method
            .as_ref()
            .and_then(|method| graph.free_fns.get(&format!("{module}::{method}")))
            .map(|&fn_id| {
                (
                    Some(graph.fns[fn_id].file),
                    Some(graph.fn_item(fn_id).name_at.line),
                )
            })
            .unwrap_or((None, None)),
        _ => (None, None),
    }
}

/// Whether `fn_id` is a method of one of the stubaudit library's doubles.
fn is_library_double(graph: &Graph, fn_id: FnId) -> bool {
    let (self_key, _) = graph.owner_keys(fn_id);
    self_key.is_some_and(|key| {
        let name = short_name(&key);
        key.starts_with("stubaudit::")
            && matches!(
                name,
                "HttpStub" | "DbStub" | "MockHttpClient" | "MockAsyncHttpClient" | "MockDatabase"
            )
    })
}

/// More workspace impls of another crate's trait than this, and a double of
/// it is not measured against them.
const MAX_EXTERNAL_IMPLS: usize = 3;

fn distinct_types(implementations: &[Measured]) -> usize {
    let mut types: Vec<&str> = implementations
        .iter()
        .map(|m| m.type_name.as_str())
        .collect();
    types.sort_unstable();
    types.dedup();
    types.len()
}

/// The last segment of a path.
fn short_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// `Trait::method` from a full path.
fn short(path: &str, method: Option<&str>) -> String {
    let name = path.rsplit("::").next().unwrap_or(path);
    match method {
        Some(method) => format!("{name}::{method}"),
        None => name.to_string(),
    }
}

/// A stable id: FNV-1a over the site and target, hex. (Std's hasher is not
/// stable across Rust versions; baselines need ids that are.)
fn stable_id(site: &Site, target: &TargetInfo) -> String {
    let text = format!(
        "{}:{}:{}:{}:{}",
        site.file,
        site.line,
        site.column,
        target.path,
        target.method.as_deref().unwrap_or("")
    );
    crate::report::stable_hash(&text)
}

/// A lower stub point found by descending the cheapest path to I/O.
pub struct LowerPoint {
    /// The edge that reaches it.
    pub edge: Edge,
    /// The reported point.
    pub info: LowerStubPoint,
    /// File index, when in the workspace.
    pub file: Option<usize>,
}

/// Whether `fn_id` is owned by an impl in production code.
pub fn is_production(graph: &Graph, fn_id: FnId) -> bool {
    !graph.fn_item(fn_id).in_test && !graph.file_of(fn_id).in_test
}
