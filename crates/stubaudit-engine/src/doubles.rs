//! Stage `doubles`: the test doubles a workspace defines and the stub
//! sites where tests set them up, each tied to the trait, type or module it
//! stands in for. This file holds the data model and runs the jobs, one
//! module each: `library` (the stubaudit library's doubles), `wire`
//! (mock-server crates, as a table, and hand-written test servers),
//! `mockall` (`#[automock]`, `mock!`, faux, mry), `fakes` (hand-written
//! `impl Trait for Fake`), `names` (how test code names a double, external
//! globs included) and `sites` (where tests set doubles up).

use crate::graph::Graph;
use crate::index::Position;
use serde::Serialize;
use std::collections::HashMap;

pub use sites::test_name;

mod fakes;
mod library;
mod mockall;
mod names;
mod sites;
mod wire;

/// How a double is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DoubleKind {
    /// `#[automock]` (also under `cfg_attr`).
    MockallAutomock,
    /// A `mock!` block.
    MockallMock,
    /// A mock swapped in with mockall_double's `#[double]`.
    MockallDouble,
    /// A hand-written `impl Trait for X` in test code.
    Fake,
    /// faux.
    Faux,
    /// mry.
    Mry,
    /// A wire-level HTTP server double (wiremock, httpmock, mockito).
    Wire,
    /// A double from the stubaudit library (`HttpStub`, `MockHttpClient`, …).
    Stubaudit,
}

impl DoubleKind {
    /// Every kind, in report order.
    pub const ALL: [DoubleKind; 8] = [
        DoubleKind::MockallAutomock,
        DoubleKind::MockallMock,
        DoubleKind::MockallDouble,
        DoubleKind::Fake,
        DoubleKind::Faux,
        DoubleKind::Mry,
        DoubleKind::Wire,
        DoubleKind::Stubaudit,
    ];

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DoubleKind::MockallAutomock => "mockall-automock",
            DoubleKind::MockallMock => "mockall-mock",
            DoubleKind::MockallDouble => "mockall-double",
            DoubleKind::Fake => "fake",
            DoubleKind::Faux => "faux",
            DoubleKind::Mry => "mry",
            DoubleKind::Wire => "wire",
            DoubleKind::Stubaudit => "stubaudit",
        }
    }
}

/// What a double stands in for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StandsFor {
    /// A first-party trait, by key.
    Trait(String),
    /// A first-party type's inherent methods, by key.
    Type(String),
    /// A first-party module of free fns, by key.
    Module(String),
    /// A boundary trait (library or configured), by key.
    Boundary(String),
    /// A trait outside the workspace, by path.
    External(String),
    /// An HTTP server: the network itself.
    Wire,
}

/// A double type.
#[derive(Debug, Clone)]
pub struct Double {
    /// Its absolute key (`crate::module::MockX`).
    pub key: String,
    /// Its name as tests write it.
    pub name: String,
    /// How it is made.
    pub kind: DoubleKind,
    /// What it replaces.
    pub stands_for: Vec<StandsFor>,
    /// Where it is defined (file index, position), when in the workspace.
    pub defined_at: Option<(usize, Position)>,
    /// For a fake: the methods it writes itself (trait defaults it leaves
    /// alone run for real in the test). Empty for generated mocks.
    pub methods: Vec<String>,
}

/// One place where a test sets a double up.
#[derive(Debug, Clone)]
pub struct StubSite {
    /// File index in the graph.
    pub file: usize,
    /// Where.
    pub at: Position,
    /// Length of the underlined name.
    pub len: u32,
    /// The fn that sets it up, `module::fn` without the crate name.
    pub test: String,
    /// Index into [`Doubles::doubles`].
    pub double: usize,
    /// What this site replaces.
    pub target: StandsFor,
    /// The method it stubs; `None` when a whole object is installed.
    pub method: Option<String>,
    /// The test names the real type, swapped for the mock by `#[double]`.
    pub via_double: bool,
}

/// The doubles of a workspace and their stub sites.
#[derive(Debug, Clone, Default)]
pub struct Doubles {
    /// Every double type.
    pub doubles: Vec<Double>,
    /// Every stub site, in file order.
    pub sites: Vec<StubSite>,
}

/// Doubles as they are found, merged by key: a second definition of the
/// same double (an automock trait seen through two impls) adds what it
/// stands for.
#[derive(Default)]
pub(crate) struct Registry {
    doubles: Vec<Double>,
    by_key: HashMap<String, usize>,
}

impl Registry {
    /// Adds `double`, or merges it into the known double of the same key.
    pub(crate) fn add(&mut self, double: Double) {
        if let Some(&existing) = self.by_key.get(&double.key) {
            let known = &mut self.doubles[existing];
            known.methods.extend(double.methods);
            for stands in double.stands_for {
                if !known.stands_for.contains(&stands) {
                    known.stands_for.push(stands);
                }
            }
        } else {
            self.by_key.insert(double.key.clone(), self.doubles.len());
            self.doubles.push(double);
        }
    }

    /// The double of `key`, to add what else it stands for.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Double> {
        let index = *self.by_key.get(key)?;
        self.doubles.get_mut(index)
    }
}

/// The key of a free fn (`module::name`): a hand-written test server's.
fn graph_key(fn_item: &crate::index::FnItem) -> String {
    crate::graph::key(&fn_item.module, &fn_item.name)
}

/// Finds every double and stub site.
pub fn find(graph: &Graph) -> Doubles {
    let mut registry = Registry::default();
    library::add(&mut registry);
    wire::add(graph, &mut registry);
    mockall::add(graph, &mut registry);
    fakes::add(graph, &mut registry);
    let doubles = registry.doubles;
    let sites = sites::find(graph, &doubles);
    Doubles { doubles, sites }
}
