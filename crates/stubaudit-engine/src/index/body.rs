//! Reading fn bodies: call sites with their receivers, `let` bindings whose
//! type can be told from the source, and whether the body is only
//! `todo!()`. Macro arguments that parse as expressions (`assert_eq!(…)`,
//! `format!(…)`) are read too, since calls hide in them.

use super::types::{segments, value_type_ref, GenericScope};
use super::{Binding, Body, Call, CallKind, Chain, ChainBase, Position, Receiver, Step, TypeRef};
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
        self.push(
            CallKind::Method {
                receiver: receiver(&call.receiver),
                name,
            },
            call.method.span(),
            len,
        );
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
fn constructed_type(expr: &syn::Expr) -> Option<TypeRef> {
    match expr {
        syn::Expr::Try(expr_try) => constructed_type(&expr_try.expr),
        syn::Expr::Paren(paren) => constructed_type(&paren.expr),
        syn::Expr::Reference(reference) => constructed_type(&reference.expr),
        syn::Expr::MethodCall(call) => constructed_type(&call.receiver),
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
    let Some(chain) = chain(expr) else {
        return Receiver::Unknown;
    };
    match (&chain.base, chain.steps.as_slice()) {
        (ChainBase::SelfValue, []) => Receiver::SelfValue,
        (ChainBase::SelfValue, [Step::Field(field)]) => Receiver::SelfField(field.clone()),
        (ChainBase::Var(name), []) => Receiver::Var(name.clone()),
        _ => Receiver::Chain(Box::new(chain)),
    }
}

/// Reads `expr` as a start and steps, when it is one.
fn chain(expr: &syn::Expr) -> Option<Chain> {
    let mut steps = Vec::new();
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
                current = &call.receiver;
            }
            syn::Expr::Path(path) => match path.path.get_ident() {
                Some(ident) if ident == "self" => break ChainBase::SelfValue,
                Some(ident) => break ChainBase::Var(ident.to_string()),
                None => return None,
            },
            syn::Expr::Call(call) => match &*call.func {
                syn::Expr::Path(func) => break ChainBase::Call(segments(&func.path)),
                _ => return None,
            },
            _ => return None,
        }
    };
    steps.reverse();
    Some(Chain { base, steps })
}
