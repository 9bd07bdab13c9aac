//! Interned names and paths, the ids name resolution works in (DESIGN.md,
//! "Name resolution"): a [`Symbol`] per distinct identifier and a [`PathId`]
//! per node of one trie of absolute paths (`child: (PathId, Symbol) →
//! PathId`). Crate roots, modules, items and external paths are all
//! `PathId`s; text is only looked at when a path is written out. The
//! tables are plain hash maps with rustc's hasher (`rustc-hash`): keys are
//! short strings and pairs of `u32`, where SipHash would dominate.

use rustc_hash::FxHashMap as HashMap;

/// An interned identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

/// A node of the path trie: the absolute path from the root to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathId(u32);

impl PathId {
    /// The empty path, parent of every crate.
    pub const ROOT: PathId = PathId(0);
}

/// The identifier table.
#[derive(Debug, Default)]
pub struct Names {
    text: Vec<Box<str>>,
    ids: HashMap<Box<str>, Symbol>,
}

impl Names {
    /// The symbol of `text`, added when new.
    pub fn intern(&mut self, text: &str) -> Symbol {
        if let Some(symbol) = self.ids.get(text) {
            return *symbol;
        }
        let symbol = Symbol(self.text.len() as u32);
        self.text.push(text.into());
        self.ids.insert(text.into(), symbol);
        symbol
    }

    /// The symbol of `text`, if it was ever interned.
    pub fn get(&self, text: &str) -> Option<Symbol> {
        self.ids.get(text).copied()
    }

    /// The text of `symbol`.
    pub fn text(&self, symbol: Symbol) -> &str {
        &self.text[symbol.0 as usize]
    }
}

/// One node: its parent, last segment and depth (crates are at depth 1).
#[derive(Debug, Clone, Copy)]
struct Node {
    parent: PathId,
    last: Symbol,
    depth: u32,
}

/// The trie of absolute paths.
#[derive(Debug)]
pub struct Paths {
    nodes: Vec<Node>,
    children: HashMap<(PathId, Symbol), PathId>,
}

impl Default for Paths {
    fn default() -> Paths {
        Paths {
            // The root's parent and symbol are never read.
            nodes: vec![Node {
                parent: PathId::ROOT,
                last: Symbol(u32::MAX),
                depth: 0,
            }],
            children: HashMap::default(),
        }
    }
}

impl Paths {
    /// `parent::last`, added when new.
    pub fn child_or_insert(&mut self, parent: PathId, last: Symbol) -> PathId {
        if let Some(child) = self.children.get(&(parent, last)) {
            return *child;
        }
        let child = PathId(self.nodes.len() as u32);
        let depth = self.nodes[parent.0 as usize].depth + 1;
        self.nodes.push(Node {
            parent,
            last,
            depth,
        });
        self.children.insert((parent, last), child);
        child
    }

    /// `parent::last`, if it exists.
    pub fn child(&self, parent: PathId, last: Symbol) -> Option<PathId> {
        self.children.get(&(parent, last)).copied()
    }

    /// The path of `segments` from the root, added when new.
    pub fn insert(&mut self, segments: impl IntoIterator<Item = Symbol>) -> PathId {
        segments.into_iter().fold(PathId::ROOT, |path, segment| {
            self.child_or_insert(path, segment)
        })
    }

    /// The parent of `path` (the root for a crate, and for the root).
    pub fn parent(&self, path: PathId) -> PathId {
        self.nodes[path.0 as usize].parent
    }

    /// Number of segments in `path`.
    pub fn depth(&self, path: PathId) -> u32 {
        self.nodes[path.0 as usize].depth
    }

    /// The ancestor of `path` with `depth` segments (`path` itself when it
    /// is not deeper).
    pub fn ancestor(&self, mut path: PathId, depth: u32) -> PathId {
        while self.depth(path) > depth {
            path = self.parent(path);
        }
        path
    }

    /// The last segment of `path`, `None` for the root.
    pub fn last(&self, path: PathId) -> Option<Symbol> {
        (path != PathId::ROOT).then(|| self.nodes[path.0 as usize].last)
    }

    /// The first segment (the crate) of `path`, `None` for the root.
    pub fn first(&self, path: PathId) -> Option<Symbol> {
        match self.depth(path) {
            0 => None,
            _ => Some(self.nodes[self.ancestor(path, 1).0 as usize].last),
        }
    }

    /// Whether `path` is `ancestor` or lies below it.
    pub fn starts_with(&self, path: PathId, ancestor: PathId) -> bool {
        let depth = self.depth(ancestor);
        self.depth(path) >= depth && self.ancestor(path, depth) == ancestor
    }

    /// The segments of `path`, from the crate down.
    pub fn segments(&self, mut path: PathId) -> Vec<Symbol> {
        let mut segments = Vec::with_capacity(self.depth(path) as usize);
        while path != PathId::ROOT {
            let node = self.nodes[path.0 as usize];
            segments.push(node.last);
            path = node.parent;
        }
        segments.reverse();
        segments
    }

    /// Number of nodes.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_share_prefixes_and_read_back() {
        let mut names = Names::default();
        let mut paths = Paths::default();
        let [a, b, c] = ["a", "b", "c"].map(|text| names.intern(text));
        let ab = paths.insert([a, b]);
        let abc = paths.insert([a, b, c]);
        assert_eq!(paths.parent(abc), ab);
        assert_eq!(paths.insert([a, b]), ab);
        assert_eq!(paths.segments(abc), vec![a, b, c]);
        assert_eq!(paths.first(abc), Some(a));
        assert!(paths.starts_with(abc, ab));
        assert!(!paths.starts_with(ab, abc));
        assert_eq!(paths.len(), 4);
        assert_eq!(names.text(b), "b");
        assert_eq!(names.get("d"), None);
    }
}
