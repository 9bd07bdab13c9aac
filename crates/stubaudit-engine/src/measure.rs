//! Stage `measure`: per stub site, the height above the I/O boundary, the
//! status, the hidden lines, the lower stub points and the finding, exactly
//! as DESIGN.md's vocabulary defines them. Heights are memoised per fn, so
//! the stage is linear in the call graph. This file runs the steps for each
//! site; each job is a module: `target` (what the site replaces and its
//! implementations), `status` (per method, then per site: phantom, plugin,
//! external, unknown), `hidden` (the hidden set and its ranges), `lower`
//! (every boundary below), `verdict` (code, help, allowed stubs, level:
//! [`Policy`]), `height` (heights and layers).

mod height;
mod hidden;
mod lower;
mod status;
mod target;
mod verdict;

use crate::code::{Code, Level};
use crate::doubles::{Double, DoubleKind, Doubles, StandsFor, StubSite};
use crate::graph::{Edge, FnId, Graph};
use crate::index::Body;
use crate::load::Workspace;
use crate::report::{
    relative, DoubleInfo, Hidden, ImplementationInfo, LowerStubPoint, MethodInfo, NoteAt, Site,
    Status, Stub, TargetInfo,
};
use height::Heights;
use lower::Lower;
use status::{site_status, Measured, SiteStatus};
use std::collections::HashSet;
use std::path::Path;
use target::{implementations_of, is_library_double, short, target_location, target_methods};

pub use lower::MAX_LOWER_POINTS;
pub use status::PLUGIN_IMPLEMENTATIONS;
pub use verdict::Policy;

/// A plugin trait's double lists this many of its implementations.
pub const PLUGIN_SHOWN_IMPLEMENTATIONS: usize = 10;

/// What every site is measured against.
struct Context<'a> {
    graph: &'a Graph,
    policy: &'a Policy,
    root: &'a Path,
    /// Per package: it may be published.
    publishable: Vec<bool>,
}

/// Measures every stub site of the selected packages of `workspace`.
pub fn measure(
    graph: &Graph,
    doubles: &Doubles,
    policy: &Policy,
    workspace: &Workspace,
) -> Vec<Stub> {
    let selected: HashSet<usize> = workspace
        .packages
        .iter()
        .enumerate()
        .filter(|(_, package)| package.selected)
        .map(|(index, _)| index)
        .collect();
    let context = Context {
        graph,
        policy,
        root: &workspace.root,
        publishable: workspace
            .packages
            .iter()
            .map(|package| package.publishable)
            .collect(),
    };
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
        stubs.push(measure_site(&context, &mut heights, site, double));
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
        stubs.push(unused_double(
            &context,
            &mut heights,
            index,
            double,
            file,
            at,
        ));
    }
    stubs
}

/// A mockall double that no test sets up, reported where it is defined.
fn unused_double(
    context: &Context<'_>,
    heights: &mut Heights<'_>,
    index: usize,
    double: &Double,
    file: usize,
    at: crate::index::Position,
) -> Stub {
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
    let mut stub = measure_site(context, heights, &site, double);
    stub.code = Code::UnusedDouble;
    stub.level = context.policy.level(Code::UnusedDouble, None);
    stub.site.test = None;
    stub.hidden = Hidden {
        lines: 0,
        uncovered: None,
        ranges: Vec::new(),
    };
    stub.lower_stub_point = None;
    stub.lower_stub_points.clear();
    stub.notes.clear();
    stub.help = format!(
        "no test sets `{}` up: remove it, or test through it",
        double.name
    );
    stub.id = stable_id(&stub.site, &stub.target);
    stub
}

/// Measures one site: implementations, status, hidden set, lower stub
/// points, then the verdict.
fn measure_site(
    context: &Context<'_>,
    heights: &mut Heights<'_>,
    site: &StubSite,
    double: &Double,
) -> Stub {
    let graph = context.graph;
    let root = context.root;
    let (target_path, methods) = target_methods(graph, site, double);
    let implementations = measured_implementations(graph, heights, site, &methods);
    let status = site_status(
        graph,
        &site.target,
        &target_path,
        &methods,
        &implementations,
        &context.publishable,
    );
    // A plugin trait's implementations are not what the double hides.
    let hidden_set = if status.status == Status::Plugin {
        Default::default()
    } else {
        let descend = !matches!(site.target, StandsFor::Boundary(_));
        hidden::hidden_fns(heights, &implementations, descend)
    };
    let ranges = hidden::ranges(graph, &hidden_set, root);
    let hidden_lines: u32 = ranges.iter().map(|range| range.lines).sum();
    let lower = lower::lower_of(
        graph,
        heights,
        &status,
        &implementations,
        &hidden_set,
        graph.files[site.file].package,
    );
    let code = verdict::code_of(&status, hidden_lines, context.policy);
    let help = verdict::help(
        code,
        &status,
        &help_facts(
            &target_path,
            site,
            &status,
            &implementations,
            lower.as_ref(),
            hidden_lines,
        ),
        context.policy,
    );
    let shown = shown_implementations(&status, &implementations);
    let rel = |file: usize| relative(root, &graph.files[file].index.path);
    let (site_info, target) = site_and_target(graph, root, site, &target_path);
    let (lower_stub_point, lower_stub_points) = match lower {
        Some(Lower { primary, all, .. }) => (
            primary.map(|point| point_info(point, &rel)),
            all.into_iter()
                .map(|point| point_info(point, &rel))
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    let mut stub = Stub {
        id: stable_id(&site_info, &target),
        code,
        level: Level::Warn,
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
        implementations_omitted: implementations.len() - shown.len(),
        implementations: implementation_infos(graph, root, &shown),
        methods: method_infos(site, &status),
        height: if matches!(status.status, Status::Io | Status::Wire) {
            status.height
        } else {
            None
        },
        status: status.status,
        hidden: Hidden {
            lines: hidden_lines,
            uncovered: None,
            ranges,
        },
        lower_stub_point,
        lower_stub_points,
        help,
        notes: notes(context, code, &shown),
        approximate: hidden::approximate_calls(graph, &hidden_set, root),
        site_len: site.len,
        allowed: None,
    };
    context.policy.rejudge(&mut stub);
    stub
}

/// Where the site is and what it replaces, as the report shows them.
fn site_and_target(
    graph: &Graph,
    root: &Path,
    site: &StubSite,
    target_path: &str,
) -> (Site, TargetInfo) {
    let rel = |file: usize| relative(root, &graph.files[file].index.path);
    let (target_file, target_line) = target_location(graph, site);
    let site_info = Site {
        file: rel(site.file),
        line: site.at.line,
        column: site.at.column,
        test: Some(site.test.clone()),
    };
    let target = TargetInfo {
        path: target_path.to_string(),
        method: site.method.clone(),
        file: target_file.map(rel),
        line: target_line,
    };
    (site_info, target)
}

/// The listed implementations, sorted.
fn implementation_infos(
    graph: &Graph,
    root: &Path,
    shown: &[&Measured],
) -> Vec<ImplementationInfo> {
    let mut infos: Vec<ImplementationInfo> = shown
        .iter()
        .map(|measured| {
            let fn_item = graph.fn_item(measured.fn_id);
            ImplementationInfo {
                type_name: measured.type_name.clone(),
                file: relative(root, &graph.file_of(measured.fn_id).index.path),
                line_start: fn_item.span.start,
                line_end: fn_item.span.end,
                height: measured.height,
            }
        })
        .collect();
    infos.sort();
    infos
}

/// Every production implementation of the methods the site stands for,
/// measured; only those in packages the test's package can reach, when
/// there are any (a trait implemented only downstream: all count).
fn measured_implementations(
    graph: &Graph,
    heights: &mut Heights<'_>,
    site: &StubSite,
    methods: &[String],
) -> Vec<Measured> {
    let implementations: Vec<Measured> = methods
        .iter()
        .flat_map(|method| {
            implementations_of(graph, &site.target, method)
                .into_iter()
                .map(move |(fn_id, type_name)| (method, fn_id, type_name))
        })
        // The library's own doubles (`HttpStub`, `DbStub`) implement the
        // boundary traits too: they are doubles, not adapters.
        .filter(|(_, fn_id, _)| !is_library_double(graph, *fn_id))
        .map(|(method, fn_id, type_name)| Measured {
            phantom: matches!(graph.fn_item(fn_id).body, Body::Phantom { .. }),
            unresolved: heights
                .unit(fn_id)
                .iter()
                .any(|&member| !graph.approximate[member].is_empty()),
            height: heights.height(fn_id),
            method: method.clone(),
            fn_id,
            type_name,
        })
        .collect();
    let reachable = |measured: &Measured| {
        graph
            .reach
            .get(graph.files[site.file].package)
            .is_none_or(|reach| reach.contains(&graph.file_of(measured.fn_id).package))
    };
    if implementations.iter().any(reachable) {
        implementations
            .into_iter()
            .filter(|measured| reachable(measured))
            .collect()
    } else {
        implementations
    }
}

/// The implementations a finding lists: all, or a plugin trait's first few
/// (lowest first, then by type).
fn shown_implementations<'m>(
    status: &SiteStatus,
    implementations: &'m [Measured],
) -> Vec<&'m Measured> {
    let mut shown: Vec<&Measured> = implementations.iter().collect();
    if status.status == Status::Plugin {
        shown.sort_by(|a, b| {
            (a.height.is_none(), a.height, &a.type_name).cmp(&(
                b.height.is_none(),
                b.height,
                &b.type_name,
            ))
        });
        shown.truncate(PLUGIN_SHOWN_IMPLEMENTATIONS);
    }
    shown
}

/// Per method a whole double stands for, its status and height.
fn method_infos(site: &StubSite, status: &SiteStatus) -> Vec<MethodInfo> {
    if site.method.is_some() {
        return Vec::new();
    }
    status
        .methods
        .iter()
        .map(|method| MethodInfo {
            method: method.method.clone(),
            status: method.status,
            height: method.height,
        })
        .collect()
}

fn help_facts<'a>(
    target_path: &'a str,
    site: &'a StubSite,
    status: &'a SiteStatus,
    implementations: &[Measured],
    lower: Option<&Lower>,
    hidden_lines: u32,
) -> verdict::HelpFacts<'a> {
    verdict::HelpFacts {
        target_path,
        method: site.method.as_deref(),
        unimplemented: status
            .phantom_methods()
            .into_iter()
            .filter(|method| {
                implementations
                    .iter()
                    .all(|measured| measured.method != *method)
            })
            .collect(),
        lower: lower
            .map(|lower| {
                lower
                    .all
                    .iter()
                    .map(|point| short(&point.info.path, Some(&point.info.method)))
                    .collect()
            })
            .unwrap_or_default(),
        lower_total: lower.map_or(0, |lower| lower.total),
        more_lines: lower.map_or(0, |lower| lower.more_lines),
        hidden_lines,
    }
}

/// The locations shown under a finding: each phantom body, and for a
/// finding that is no boundary stub each implementation that does not run.
fn notes(context: &Context<'_>, code: Code, shown: &[&Measured]) -> Vec<NoteAt> {
    let graph = context.graph;
    let mut notes: Vec<NoteAt> = Vec::new();
    for measured in shown {
        let fn_item = graph.fn_item(measured.fn_id);
        let file = relative(context.root, &graph.file_of(measured.fn_id).index.path);
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
    notes
}

/// A lower point as the report shows it.
fn point_info(point: LowerPoint, rel: &impl Fn(usize) -> String) -> LowerStubPoint {
    LowerStubPoint {
        file: point.file.map(rel),
        ..point.info
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
