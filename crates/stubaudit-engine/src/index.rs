//! Stage `index`: the compact per-file summary that every later stage works
//! from. It holds names, paths as written, line spans, call sites and test
//! context; the `syn` tree it came from is dropped right after extraction
//! (see `extract`), which keeps memory at a fraction of the source size.

mod args;
mod body;
mod extract;
mod types;

pub use extract::{extract, FileContext};

use std::path::PathBuf;

/// A path as written in the source, one string per segment.
pub type PathSegments = Vec<String>;

/// A module path, crate name first, shared by every item of the module:
/// cloning it is a reference count, so an index holds each module's path
/// once however many items it has.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ModulePath(std::sync::Arc<PathSegments>);

impl std::ops::Deref for ModulePath {
    type Target = PathSegments;

    fn deref(&self) -> &PathSegments {
        &self.0
    }
}

impl From<PathSegments> for ModulePath {
    fn from(segments: PathSegments) -> ModulePath {
        ModulePath(std::sync::Arc::new(segments))
    }
}

impl std::borrow::Borrow<[String]> for ModulePath {
    fn borrow(&self) -> &[String] {
        &self.0
    }
}

/// Lines `start..=end`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineSpan {
    /// First line.
    pub start: u32,
    /// Last line.
    pub end: u32,
}

/// A position in a file, 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line.
    pub line: u32,
    /// Column, 1-based, in characters.
    pub column: u32,
}

/// What a type expression means for method resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A named type (`Box`, `Arc`, `&` and the like already peeled off).
    Path(PathSegments),
    /// A seam: `dyn A + B`, `impl A`, or a generic parameter bounded by these traits.
    Bounds(Vec<PathSegments>),
    /// A generic type and its first type argument (`Pooled<'_, Conn>`): a
    /// type that derefs to its parameter is seen through when resolved.
    Generic(PathSegments, Box<TypeRef>),
    /// What the fn at this path returns (`let repo = open(dir);`), looked
    /// up when the graph resolves it.
    ReturnOf(PathSegments),
    /// The type of an expression chain (`let s = self.clone();`), worked
    /// out where the binding is used.
    Expr(Box<Chain>),
    /// Anything else: tuples, arrays, fn pointers, `_`.
    Unknown,
}

/// What a method call is made on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receiver {
    /// `self`.
    SelfValue,
    /// `self.field`.
    SelfField(String),
    /// A local binding or parameter.
    Var(String),
    /// A chain: `Type::new(..).args(..)`, `self.a.b`, `x.lock().unwrap()`.
    Chain(Box<Chain>),
    /// Anything the index cannot name (an index expression, a closure call).
    Unknown,
}

/// A receiver expression read as a start and steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// Where the chain starts.
    pub base: ChainBase,
    /// What is applied to it, in order; `?`, `.await`, `&` and parentheses
    /// are see-through and not listed.
    pub steps: Steps,
}

/// The steps of a [`Chain`]: a prefix of one list shared by every call of
/// the same chain (`b.x().y().z()` keeps `x, y` once for the receivers of
/// `y` and `z`), so a chain of n calls costs O(n), not O(n²).
#[derive(Clone, Default)]
pub struct Steps {
    all: std::sync::Arc<[Step]>,
    len: usize,
}

impl Steps {
    /// The steps, in order.
    pub fn as_slice(&self) -> &[Step] {
        &self.all[..self.len]
    }

    /// Whether both are prefixes of the same shared list.
    pub fn same_list(&self, other: &Steps) -> bool {
        std::sync::Arc::ptr_eq(&self.all, &other.all)
    }

    /// The first `len` steps, sharing this list.
    pub fn prefix(&self, len: usize) -> Steps {
        Steps {
            all: self.all.clone(),
            len: len.min(self.len),
        }
    }
}

impl From<Vec<Step>> for Steps {
    fn from(steps: Vec<Step>) -> Self {
        let len = steps.len();
        Steps {
            all: steps.into(),
            len,
        }
    }
}

impl std::ops::Deref for Steps {
    type Target = [Step];
    fn deref(&self) -> &[Step] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a Steps {
    type Item = &'a Step;
    type IntoIter = std::slice::Iter<'a, Step>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl PartialEq for Steps {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Steps {}

impl std::fmt::Debug for Steps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

/// The start of a [`Chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBase {
    /// `self`.
    SelfValue,
    /// A local binding or parameter.
    Var(String),
    /// A call of a path: `Type::new(..)`, `helper(..)`.
    Call(PathSegments),
}

/// One step of a [`Chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.field`.
    Field(String),
    /// `.method(..)`.
    Method(String),
}

/// A `let` (or closure parameter) binding and where it starts to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The bound name.
    pub name: String,
    /// Its type, [`TypeRef::Unknown`] when not known (it still shadows).
    pub ty: TypeRef,
    /// Where it is bound.
    pub at: Position,
}

/// A call or use inside a fn body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallKind {
    /// `a::b::f(…)`, `Type::method(…)`, `Self::helper(…)`.
    Path(PathSegments),
    /// `receiver.method(…)`.
    Method {
        /// What it is called on.
        receiver: Receiver,
        /// The method name.
        name: String,
    },
    /// `Trait::m(self, …)` or `Type::m(self, …)`: a call on `self` through a
    /// qualified path.
    SelfPath(PathSegments),
    /// `Type { … }` or a bare `Type` used as a value (a unit struct).
    Construct(PathSegments),
}

/// One call site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// What is called.
    pub kind: CallKind,
    /// Where the callee's name is written.
    pub at: Position,
    /// Length of the callee's name, for underlining.
    pub len: u32,
}

/// How a fn body ends up, as far as a stub is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// An ordinary body.
    Code,
    /// No body (a required trait method).
    Absent,
    /// Only `todo!()`, `unimplemented!()`, `panic!()` or `unreachable!()`.
    Phantom {
        /// The macro's name.
        macro_name: String,
        /// Where it is.
        at: Position,
    },
}

/// Who owns a fn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A free fn.
    Module,
    /// A method of `impls[index]`.
    Impl(usize),
    /// A method of `traits[index]` (a default method or a required one).
    Trait(usize),
}

/// A fn, method or trait method.
#[derive(Debug, Clone)]
pub struct FnItem {
    /// Its name.
    pub name: String,
    /// The module it is in, crate name first.
    pub module: ModulePath,
    /// Who owns it.
    pub owner: Owner,
    /// The lines from its first attribute-free line to its closing brace.
    pub span: LineSpan,
    /// Where its name is written.
    pub name_at: Position,
    /// Test code (`cfg(test)`, a test target, a `#[test]` fn).
    pub in_test: bool,
    /// A `#[test]`-like fn.
    pub is_test: bool,
    /// How its body reads.
    pub body: Body,
    /// Parameters with their types (`self` is not listed).
    pub params: Vec<(String, TypeRef)>,
    /// What it returns, `Result` and `Option` peeled.
    pub ret: TypeRef,
    /// Takes `self` in some form: a method, not an associated fn.
    pub has_receiver: bool,
    /// `let` bindings and closure parameters, in source order.
    pub lets: Vec<Binding>,
    /// Call sites, in source order.
    pub calls: Vec<Call>,
    /// The generic parameters in scope (the impl's or trait's, then its
    /// own) with their trait bounds, `where` clauses included: a path call
    /// `H::get(..)` or `T::Client::new(..)` is read through them.
    pub generics: Vec<(String, Vec<PathSegments>)>,
    /// The receivers of each call's arguments, by the position of the
    /// callee's name (as [`Call::at`]), for calls handed any value.
    pub call_args: Vec<(Position, Vec<Receiver>)>,
}

/// A trait definition.
#[derive(Debug, Clone)]
pub struct TraitItem {
    /// Its name.
    pub name: String,
    /// The module it is in.
    pub module: ModulePath,
    /// Where its name is written.
    pub name_at: Position,
    /// Test code.
    pub in_test: bool,
    /// Carries `#[automock]` (also under `cfg_attr`).
    pub automock: bool,
    /// Marked `#[stubaudit::boundary]`.
    pub boundary: bool,
    /// Its supertraits, as written.
    pub supertraits: Vec<PathSegments>,
    /// Its associated types and their trait bounds (`type Client: Http;`).
    pub assoc_types: Vec<(String, Vec<PathSegments>)>,
    /// Declared plain `pub` (not `pub(crate)` or private): code outside
    /// its crate may implement it, if its module is reachable too.
    pub public: bool,
    /// Its methods, as indexes into [`FileIndex::fns`].
    pub methods: Vec<usize>,
}

/// An `impl` block.
#[derive(Debug, Clone)]
pub struct ImplItem {
    /// The module it is in.
    pub module: ModulePath,
    /// The type it is for.
    pub self_ty: TypeRef,
    /// The trait it implements, as written.
    pub trait_path: Option<PathSegments>,
    /// Where the block starts.
    pub at: Position,
    /// Test code.
    pub in_test: bool,
    /// Carries `#[automock]`.
    pub automock: bool,
    /// Carries `#[mry::mry]`.
    pub mry: bool,
    /// A blanket impl (`impl<T: Trait> Trait for &T`): forwarding, no
    /// implementation of its own.
    pub blanket: bool,
    /// `type Target = …;` of an `impl Deref`.
    pub deref_target: Option<TypeRef>,
    /// That target is the impl's own type parameter (`impl<T> Deref for
    /// Pooled<T> { type Target = T; }`): the type is seen through.
    pub deref_to_param: bool,
    /// The self type's generic type arguments, read with the impl's
    /// bounds: in `impl<H: Http> Sites for HttpSites<H>` the first is the
    /// seam `Http`. A field typed by the struct's parameter is read through
    /// them.
    pub self_args: Vec<TypeRef>,
    /// Its associated types (`type Client = Reqwest;`).
    pub assoc_types: Vec<(String, TypeRef)>,
    /// Its methods, as indexes into [`FileIndex::fns`].
    pub methods: Vec<usize>,
    /// The self type as written, in short (`(R, E)`, `&mut R`, `[u8; _]`,
    /// `fn(..)`): the name of an implementation whose type has no path.
    pub self_text: String,
    /// A blanket impl whose type parameter is bounded by the trait it
    /// implements (`impl<R: Read> Read for &mut R`): it only forwards.
    pub forwarding: bool,
}

/// A struct or enum, with its fields' types.
#[derive(Debug, Clone)]
pub struct TypeItem {
    /// Its name.
    pub name: String,
    /// The module it is in.
    pub module: ModulePath,
    /// Where its name is written.
    pub name_at: Position,
    /// Test code.
    pub in_test: bool,
    /// Named fields and their types; tuple fields are named `0`, `1`, ….
    pub fields: Vec<(String, TypeRef)>,
    /// Fields whose value is one of the type's own generic parameters
    /// (through wrappers: `Arc<H>`), with that parameter's position among
    /// the type parameters: each impl says what the parameter is there.
    pub generic_fields: Vec<(String, usize)>,
    /// Marked `#[faux::create]`.
    pub faux: bool,
}

/// A `mock! { … }` block.
#[derive(Debug, Clone)]
pub struct MockMacro {
    /// The mock's base name (the type is `Mock` + name).
    pub name: String,
    /// The module it is in.
    pub module: ModulePath,
    /// Where the name is written.
    pub at: Position,
    /// Test code.
    pub in_test: bool,
    /// The traits it implements, as written.
    pub traits: Vec<PathSegments>,
    /// Methods of its own block (`mock! { pub Name { fn m(); } … }`): it
    /// stands in for the struct `Name` itself.
    pub inherent: Vec<String>,
}

/// A `use` binding: `alias` names `target` in `module`.
#[derive(Debug, Clone)]
pub struct UseItem {
    /// The module the `use` is in.
    pub module: ModulePath,
    /// The name it binds, `*` for a glob.
    pub alias: String,
    /// The path it names.
    pub target: PathSegments,
    /// Carries mockall_double's `#[double]`.
    pub double: bool,
    /// `pub use` (any visibility): seen through glob imports.
    pub public: bool,
    /// Only compiled for tests (`#[cfg(test)] use …`).
    pub in_test: bool,
}

/// A module declared with `mod name;` (its file is found by `files`).
#[derive(Debug, Clone)]
pub struct ModDecl {
    /// The module's name.
    pub name: String,
    /// The module path of the new module.
    pub module: ModulePath,
    /// The value of a `#[path = "…"]` attribute.
    pub path_attr: Option<String>,
    /// Inline modules between the file's module and this declaration.
    pub inline_parents: Vec<String>,
    /// Declared under `cfg(test)` (or inside test code).
    pub in_test: bool,
    /// Where it is declared.
    pub line: u32,
    /// An `include!` of a file into the declaring module, not a child module.
    pub include: bool,
}

/// An item a `mod` defines (module, type, trait, fn, const): used to resolve paths.
#[derive(Debug, Clone)]
pub struct Defined {
    /// The module it is in.
    pub module: ModulePath,
    /// Its name.
    pub name: String,
}

/// Everything later stages need from one file.
#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    /// The file.
    pub path: PathBuf,
    /// The file's module path, crate name first.
    pub module: ModulePath,
    /// Sorted lines holding code.
    pub code_lines: Vec<u32>,
    /// Number of lines.
    pub line_count: u32,
    /// Fns, methods and trait methods.
    pub fns: Vec<FnItem>,
    /// Traits.
    pub traits: Vec<TraitItem>,
    /// Impl blocks.
    pub impls: Vec<ImplItem>,
    /// Structs and enums.
    pub types: Vec<TypeItem>,
    /// `mock!` blocks.
    pub mocks: Vec<MockMacro>,
    /// Modules carrying `#[automock]`, as module paths.
    pub automock_mods: Vec<PathSegments>,
    /// `static` and `const` items with their types: (module, name, type).
    pub statics: Vec<(ModulePath, String, TypeRef)>,
    /// `type Name = Target;` aliases: (module, name, target).
    pub aliases: Vec<(ModulePath, String, TypeRef)>,
    /// `use` bindings.
    pub uses: Vec<UseItem>,
    /// `mod name;` declarations.
    pub mod_decls: Vec<ModDecl>,
    /// Names each module defines.
    pub defined: Vec<Defined>,
    /// Modules declared without plain `pub` (private or `pub(…)`): items
    /// under them are not reachable from outside the crate by path.
    pub private_modules: Vec<PathSegments>,
    /// Identifiers inside item macros the index could not read: a trait
    /// named there may be implemented by the macro.
    pub macro_idents: Vec<String>,
    /// Notes about macros and items the index could not read.
    pub notes: Vec<(u32, String)>,
}

impl FnItem {
    /// The receivers of the arguments of the call at `at`.
    pub fn args_at(&self, at: Position) -> &[Receiver] {
        match self
            .call_args
            .binary_search_by(|(call_at, _)| call_at.cmp(&at))
        {
            Ok(found) => &self.call_args[found].1,
            Err(_) => &[],
        }
    }

    /// The type of `name` as seen at `at`, and where it was bound: the last
    /// binding before `at`, else a parameter.
    pub fn binding_type(&self, name: &str, at: Position) -> Option<(&TypeRef, Position)> {
        self.lets
            .iter()
            .rev()
            .find(|binding| binding.name == name && binding.at < at)
            .map(|binding| (&binding.ty, binding.at))
            .or_else(|| {
                self.params
                    .iter()
                    .rev()
                    .find(|(param, _)| param == name)
                    .map(|(_, ty)| (ty, Position { line: 0, column: 0 }))
            })
    }
}

impl FileIndex {
    /// Number of code lines within `span`.
    pub fn code_lines_in(&self, span: LineSpan) -> u32 {
        let start = self.code_lines.partition_point(|&line| line < span.start);
        let end = self.code_lines.partition_point(|&line| line <= span.end);
        (end - start) as u32
    }
}
