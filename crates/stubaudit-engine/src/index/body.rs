//! Reading fn bodies: call sites with their receivers, `let` bindings whose
//! type can be told from the source, and whether the body is only
//! `todo!()`. Macro arguments that parse as expressions (`assert_eq!(…)`,
//! `format!(…)`) are read too, since calls hide in them.

use super::types::{segments, value_type_ref, GenericScope};
use super::{
    Binding, Body, Call, CallKind, Chain, ChainBase, Position, Receiver, Step, Steps, TypeRef,
};
use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::visit::Visit;

/// What one body yields.
#[derive(Debug, Default)]
pub struct BodyFacts {
    /// Call sites in source order.
    pub calls: Vec<Call>,
    /// `let` bindings and closure parameters.
    pub lets: Vec<Binding>,
}

/// Reads `block`.
pub fn read_block(block: &syn::Block, scope: &GenericScope) -> BodyFacts {
    let mut visitor = BodyVisitor {
        facts: BodyFacts::default(),
        scope,
        chained: rustc_hash::FxHashMap::default(),
    };
    visitor.visit_block(block);
    visitor.facts
}

/// `Phantom` when `block` holds nothing but a `todo!()`-like macro.
pub fn body_kind(block: &syn::Block) -> Body {
    let meaningful: Vec<&syn::Stmt> = block
        .stmts
        .iter()
        .filter(|stmt| !is_discard(stmt))
        .collect();
    let [stmt] = meaningful.as_slice() else {
        return Body::Code;
    };
    let mac = match stmt {
        syn::Stmt::Macro(stmt_macro) => &stmt_macro.mac,
        syn::Stmt::Expr(syn::Expr::Macro(expr_macro), _) => &expr_macro.mac,
        _ => return Body::Code,
    };
    let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
        return Body::Code;
    };
    if matches!(
        name.as_str(),
        "todo" | "unimplemented" | "panic" | "unreachable"
    ) {
        Body::Phantom {
            at: position(mac.path.segments[0].ident.span()),
            macro_name: name,
        }
    } else {
        Body::Code
    }
}

/// `let _ = x;` silences unused parameters in stubs; it is no logic.
fn is_discard(stmt: &syn::Stmt) -> bool {
    matches!(stmt, syn::Stmt::Local(local) if matches!(local.pat, syn::Pat::Wild(_)))
}

/// The 1-based position where `span` starts.
pub fn position(span: Span) -> Position {
    let start = span.start();
    Position {
        line: start.line as u32,
        column: start.column as u32 + 1,
    }
}

struct BodyVisitor<'a> {
    facts: BodyFacts,
    scope: &'a GenericScope,
    /// The receivers of the method calls inside a chain already read, by
    /// the address of the call's node: the outermost call of a chain reads
    /// it once and the calls below it take a prefix of its steps, so a
    /// chain of n calls is read in O(n) time and memory, not O(n²).
    chained: rustc_hash::FxHashMap<usize, Receiver>,
}

impl BodyVisitor<'_> {
    fn push(&mut self, kind: CallKind, span: Span, len: usize) {
        self.facts.calls.push(Call {
            kind,
            at: position(span),
            len: len as u32,
        });
    }

    /// A bare fn name passed as an argument (`.map(parse_row)`) is called
    /// by the callee: record it as a call. Lowercase single names elsewhere
    /// are locals, and are not recorded.
    fn fn_reference(&mut self, argument: &syn::Expr) {
        if let syn::Expr::Path(path) = argument {
            if let Some(ident) = path.path.get_ident() {
                let name = ident.to_string();
                if name.starts_with(|c: char| c.is_lowercase() || c == '_') && name != "self" {
                    self.push(CallKind::Path(vec![name.clone()]), ident.span(), name.len());
                }
            }
        }
    }

    /// `faux::when!(x.method)` and `faux::when!(x.method(args))` set an
    /// expectation, recorded like mockall's `x.expect_method()`.
    fn faux_when(&mut self, mac: &syn::Macro) {
        let Ok(expr) = mac.parse_body::<syn::Expr>() else {
            return;
        };
        let (base, method) = match &expr {
            syn::Expr::Field(field) => match &field.member {
                syn::Member::Named(name) => (&*field.base, name),
                syn::Member::Unnamed(_) => return,
            },
            syn::Expr::MethodCall(call) => (&*call.receiver, &call.method),
            _ => return,
        };
        let name = method.to_string();
        let len = name.len();
        self.push(
            CallKind::Method {
                receiver: receiver(base),
                name: format!("expect_{name}"),
            },
            method.span(),
            len,
        );
    }

    /// Arguments of `name!(a, b)` / `name![…]` as expressions, the body of
    /// `name! { … }` as statements: one parse attempt each, so a macro with
    /// its own syntax costs one failed parse, not two.
    fn macro_arguments(&mut self, mac: &syn::Macro) {
        if mac.tokens.is_empty() {
            return;
        }
        if matches!(mac.delimiter, syn::MacroDelimiter::Brace(_)) {
            if let Ok(block) = mac.parse_body_with(syn::Block::parse_within) {
                for stmt in &block {
                    self.visit_stmt(stmt);
                }
            }
            return;
        }
        let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(arguments) = mac.parse_body_with(parser) {
            for argument in &arguments {
                self.visit_expr(argument);
            }
        }
    }
}

impl<'ast> Visit<'ast> for BodyVisitor<'_> {
    fn visit_item(&mut self, _item: &'ast syn::Item) {
        // Items nested in a body are indexed on their own, not as calls.
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(func) = &*call.func {
            // `Builder::<MockX>::configure(..)` builds a `MockX`.
            for segment in &func.path.segments {
                let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else {
                    continue;
                };
                for argument in &arguments.args {
                    if let syn::GenericArgument::Type(syn::Type::Path(ty)) = argument {
                        if let Some(last) = ty.path.segments.last() {
                            let name = last.ident.to_string();
                            if is_type_like(&name) {
                                self.push(
                                    CallKind::Construct(segments(&ty.path)),
                                    last.ident.span(),
                                    name.len(),
                                );
                            }
                        }
                    }
                }
            }
            if let Some(last) = func.path.segments.last() {
                let name = last.ident.to_string();
                // `Trait::m(self, ..)`, `Type::m(self, ..)`: a method call on
                // `self`, so `Self::m`.
                let on_self = func.path.segments.len() > 1
                    && call
                        .args
                        .first()
                        .is_some_and(|first| matches!(receiver(first), Receiver::SelfValue));
                let kind = if on_self {
                    CallKind::SelfPath(segments(&func.path))
                } else {
                    CallKind::Path(segments(&func.path))
                };
                self.push(kind, last.ident.span(), name.len());
            }
        } else {
            self.visit_expr(&call.func);
        }
        for argument in &call.args {
            self.fn_reference(argument);
            self.visit_expr(argument);
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        let len = name.len();
        let receiver = match self.chained.remove(&address(call)) {
            Some(receiver) => receiver,
            None => {
                let (receiver, inner) = receiver_and_inner_calls(&call.receiver);
                self.chained.extend(inner);
                receiver
            }
        };
        self.push(CallKind::Method { receiver, name }, call.method.span(), len);
        for argument in &call.args {
            self.fn_reference(argument);
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_struct(&mut self, expr: &'ast syn::ExprStruct) {
        if let Some(last) = expr.path.segments.last() {
            let len = last.ident.to_string().len();
            self.push(
                CallKind::Construct(segments(&expr.path)),
                last.ident.span(),
                len,
            );
        }
        syn::visit::visit_expr_struct(self, expr);
    }

    fn visit_expr_path(&mut self, expr: &'ast syn::ExprPath) {
        // `module::helper` or `Self::helper` as a value is a fn handed on.
        if expr.path.segments.len() > 1 {
            if let Some(last) = expr.path.segments.last() {
                let name = last.ident.to_string();
                if name.starts_with(|c: char| c.is_lowercase() || c == '_') {
                    self.push(
                        CallKind::Path(segments(&expr.path)),
                        last.ident.span(),
                        name.len(),
                    );
                }
            }
        }
        // A bare `Fake` is a unit struct being built.
        if let Some(ident) = expr.path.get_ident() {
            let name = ident.to_string();
            if is_type_like(&name) && !matches!(name.as_str(), "None" | "Some" | "Ok" | "Err") {
                self.push(
                    CallKind::Construct(vec![name.clone()]),
                    ident.span(),
                    name.len(),
                );
            }
        }
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // The initialiser runs before the binding exists.
        syn::visit::visit_local(self, local);
        if let Some((name, ident_at, annotated)) = binding(&local.pat, self.scope) {
            let ty = match annotated {
                Some(ty) => ty,
                None => local
                    .init
                    .as_ref()
                    .and_then(|init| {
                        constructed_type(&init.expr).or_else(|| {
                            chain(&init.expr).map(|chain| TypeRef::Expr(Box::new(chain)))
                        })
                    })
                    .unwrap_or(TypeRef::Unknown),
            };
            // A binding counts from the end of its statement.
            let at = local_end(local).unwrap_or(ident_at);
            self.facts.lets.push(Binding { name, ty, at });
        }
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        // Closure parameters shadow outer bindings (`|mock| mock.expect_x()`).
        for input in &closure.inputs {
            if let Some((name, at, annotated)) = binding(input, self.scope) {
                self.facts.lets.push(Binding {
                    name,
                    ty: annotated.unwrap_or(TypeRef::Unknown),
                    at,
                });
            }
        }
        syn::visit::visit_expr_closure(self, closure);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "when")
        {
            self.faux_when(mac);
        }
        self.macro_arguments(mac);
    }
}

/// A name that reads like a type: `Fake`, not `MAX` or `x`.
fn is_type_like(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

/// The name bound by `pat`, where, and its annotated type.
fn binding(pat: &syn::Pat, scope: &GenericScope) -> Option<(String, Position, Option<TypeRef>)> {
    match pat {
        syn::Pat::Ident(ident) => {
            Some((ident.ident.to_string(), position(ident.ident.span()), None))
        }
        syn::Pat::Type(typed) => {
            let (name, at, _) = binding(&typed.pat, scope)?;
            Some((name, at, Some(value_type_ref(&typed.ty, scope))))
        }
        _ => None,
    }
}

/// Where a `let` statement ends.
fn local_end(local: &syn::Local) -> Option<Position> {
    let end = local.semi_token.spans[0].end();
    Some(Position {
        line: end.line as u32,
        column: end.column as u32 + 1,
    })
}

/// The type an initialiser evidently builds: `Type::new(…)`, `Type { … }`,
/// `Type::default()`, also behind `?`, `.unwrap()` or a builder chain.
fn constructed_type(mut expr: &syn::Expr) -> Option<TypeRef> {
    // A loop, not recursion: a builder chain may be thousands of calls long.
    loop {
        expr = match expr {
            syn::Expr::Try(expr_try) => &expr_try.expr,
            syn::Expr::Paren(paren) => &paren.expr,
            syn::Expr::Reference(reference) => &reference.expr,
            syn::Expr::MethodCall(call) => &call.receiver,
            _ => break,
        };
    }
    match expr {
        syn::Expr::Struct(expr_struct) => Some(TypeRef::Path(segments(&expr_struct.path))),
        syn::Expr::Call(call) => {
            let syn::Expr::Path(func) = &*call.func else {
                return None;
            };
            let all = segments(&func.path);
            let (_, type_path) = all.split_last()?;
            let type_path = type_path.to_vec();
            match type_path.last() {
                Some(type_name) if is_type_like(type_name) || type_name == "Self" => {
                    Some(TypeRef::Path(type_path))
                }
                // `helper()` or `module::helper()`: what that fn returns.
                _ => Some(TypeRef::ReturnOf(all)),
            }
        }
        syn::Expr::Path(path) => {
            let ident = path.path.get_ident()?.to_string();
            is_type_like(&ident).then(|| TypeRef::Path(vec![ident]))
        }
        _ => None,
    }
}

/// What a method call's receiver names.
pub(super) fn receiver(expr: &syn::Expr) -> Receiver {
    receiver_and_inner_calls(expr).0
}

/// What a method call's receiver names, and the receivers of the method
/// calls along its chain (by node address), each a prefix of the same steps.
fn receiver_and_inner_calls(expr: &syn::Expr) -> (Receiver, Vec<(usize, Receiver)>) {
    let (chain, inner) = chain_and_calls(expr);
    let Some(chain) = chain else {
        // The chain's start cannot be named: neither can any call's on it.
        let unknown = inner
            .into_iter()
            .map(|(node, _)| (node, Receiver::Unknown))
            .collect();
        return (Receiver::Unknown, unknown);
    };
    let inner = inner
        .into_iter()
        .map(|(node, len)| {
            let prefix = chain.steps.prefix(len);
            (node, chain_receiver(chain.base.clone(), prefix))
        })
        .collect();
    (chain_receiver(chain.base, chain.steps), inner)
}

/// A chain as a receiver: `self`, `self.field` and a bare name have their
/// own forms.
fn chain_receiver(base: ChainBase, steps: Steps) -> Receiver {
    match (&base, steps.as_slice()) {
        (ChainBase::SelfValue, []) => Receiver::SelfValue,
        (ChainBase::SelfValue, [Step::Field(field)]) => Receiver::SelfField(field.clone()),
        (ChainBase::Var(name), []) => Receiver::Var(name.clone()),
        _ => Receiver::Chain(Box::new(Chain { base, steps })),
    }
}

/// The address of a call's node: a key for [`BodyVisitor::chained`].
fn address(call: &syn::ExprMethodCall) -> usize {
    std::ptr::from_ref(call) as usize
}

/// Reads `expr` as a start and steps, when it is one.
fn chain(expr: &syn::Expr) -> Option<Chain> {
    chain_and_calls(expr).0
}

/// [`chain`], and the method calls on its spine with the number of steps
/// their own receiver has.
fn chain_and_calls(expr: &syn::Expr) -> (Option<Chain>, Vec<(usize, usize)>) {
    let mut steps = Vec::new();
    let mut calls = Vec::new();
    let mut current = expr;
    let base = loop {
        match current {
            syn::Expr::Paren(paren) => current = &paren.expr,
            syn::Expr::Reference(reference) => current = &reference.expr,
            syn::Expr::Try(expr_try) => current = &expr_try.expr,
            syn::Expr::Await(expr_await) => current = &expr_await.base,
            syn::Expr::Field(field) => {
                let name = match &field.member {
                    syn::Member::Named(name) => name.to_string(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                };
                steps.push(Step::Field(name));
                current = &field.base;
            }
            syn::Expr::MethodCall(call) => {
                steps.push(Step::Method(call.method.to_string()));
                calls.push((address(call), steps.len()));
                current = &call.receiver;
            }
            syn::Expr::Path(path) => match path.path.get_ident() {
                Some(ident) if ident == "self" => break Some(ChainBase::SelfValue),
                Some(ident) => break Some(ChainBase::Var(ident.to_string())),
                None => break None,
            },
            syn::Expr::Call(call) => match &*call.func {
                syn::Expr::Path(func) => break Some(ChainBase::Call(segments(&func.path))),
                _ => break None,
            },
            _ => break None,
        }
    };
    // A call pushed as the k-th step (1-based, outermost first) has the
    // steps after it, in source order the first `total - k`, as receiver.
    let total = steps.len();
    let calls = calls
        .into_iter()
        .map(|(node, pushed)| (node, total - pushed))
        .collect();
    steps.reverse();
    let chain = base.map(|base| Chain {
        base,
        steps: steps.into(),
    });
    (chain, calls)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(body: &str) -> Vec<(String, Receiver)> {
        let block: syn::Block = match syn::parse_str(&format!("{{ {body} }}")) {
            Ok(block) => block,
            Err(error) => panic!("{error}"),
        };
        read_block(&block, &GenericScope::default())
            .calls
            .into_iter()
            .filter_map(|call| match call.kind {
                CallKind::Method { receiver, name } => Some((name, receiver)),
                _ => None,
            })
            .collect()
    }

    fn chain_of(base: ChainBase, steps: &[&str]) -> Receiver {
        let steps: Vec<Step> = steps
            .iter()
            .map(|step| match step.strip_prefix('.') {
                Some(field) => Step::Field(field.to_string()),
                None => Step::Method(step.to_string()),
            })
            .collect();
        Receiver::Chain(Box::new(Chain {
            base,
            steps: steps.into(),
        }))
    }

    #[test]
    fn every_call_of_a_chain_has_its_own_prefix_as_receiver() {
        let found = calls("Builder::new().a(x.len()).b().c();");
        let base = || ChainBase::Call(vec!["Builder".to_string(), "new".to_string()]);
        assert_eq!(
            found,
            [
                ("c".to_string(), chain_of(base(), &["a", "b"])),
                ("b".to_string(), chain_of(base(), &["a"])),
                ("a".to_string(), chain_of(base(), &[])),
                ("len".to_string(), Receiver::Var("x".to_string())),
            ]
        );
    }

    #[test]
    fn fields_awaits_and_tries_on_the_way_keep_the_prefixes_right() {
        let found = calls("self.pool.get().await?.lock().run();");
        assert_eq!(
            found,
            [
                (
                    "run".to_string(),
                    chain_of(ChainBase::SelfValue, &[".pool", "get", "lock"])
                ),
                (
                    "lock".to_string(),
                    chain_of(ChainBase::SelfValue, &[".pool", "get"])
                ),
                ("get".to_string(), Receiver::SelfField("pool".to_string())),
            ]
        );
    }

    #[test]
    fn a_chain_on_an_unnamed_start_is_unknown_all_the_way() {
        let found = calls("items[0].a().b();");
        assert_eq!(
            found,
            [
                ("b".to_string(), Receiver::Unknown),
                ("a".to_string(), Receiver::Unknown),
            ]
        );
    }

    /// A long chain shares one list of steps: memory grows linearly.
    #[test]
    fn a_long_chain_shares_one_list_of_steps() {
        let found = calls(&format!("x{};", ".m()".repeat(2_000)));
        assert_eq!(found.len(), 2_000);
        let lists: rustc_hash::FxHashSet<*const Step> = found
            .iter()
            .filter_map(|(_, receiver)| match receiver {
                Receiver::Chain(chain) => Some(chain.steps.as_slice().as_ptr()),
                _ => None,
            })
            .collect();
        assert_eq!(lists.len(), 1);
        let longest = found.iter().filter_map(|(_, receiver)| match receiver {
            Receiver::Chain(chain) => Some(chain.steps.len()),
            _ => None,
        });
        assert_eq!(longest.max(), Some(1_999));
    }
}
