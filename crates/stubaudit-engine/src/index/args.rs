//! What each call in a fn body is handed: the receivers of its arguments
//! (`exec(&self.pool)`, `execute(&mut *conn)`), so that the graph can tell a
//! call into unread code that gets an I/O handle (DESIGN "Handles carry
//! I/O"). Only arguments that name a value (a binding, `self`, a field, a
//! chain) are kept; `&`, `&mut` and `*` are see-through.

use super::body::{position, receiver};
use super::{Position, Receiver};
use syn::visit::Visit;

/// The receivers of the arguments of every call in `block` that has any,
/// by the position of the callee's name, in source order.
pub fn read(block: &syn::Block) -> Vec<(Position, Vec<Receiver>)> {
    let mut visitor = ArgsVisitor { found: Vec::new() };
    visitor.visit_block(block);
    visitor.found
}

struct ArgsVisitor {
    found: Vec<(Position, Vec<Receiver>)>,
}

impl ArgsVisitor {
    fn push<'a>(&mut self, at: Position, args: impl Iterator<Item = &'a syn::Expr>) {
        let receivers: Vec<Receiver> = args
            .map(|arg| receiver(peel(arg)))
            .filter(|receiver| *receiver != Receiver::Unknown)
            .collect();
        if !receivers.is_empty() {
            self.found.push((at, receivers));
        }
    }
}

/// `&x`, `&mut *x`, `(x)`: `x`.
fn peel(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Reference(reference) => peel(&reference.expr),
        syn::Expr::Paren(paren) => peel(&paren.expr),
        syn::Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => peel(&unary.expr),
        other => other,
    }
}

impl<'ast> Visit<'ast> for ArgsVisitor {
    fn visit_item(&mut self, _item: &'ast syn::Item) {
        // Items nested in a body are indexed on their own.
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(func) = &*call.func {
            if let Some(last) = func.path.segments.last() {
                self.push(position(last.ident.span()), call.args.iter());
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.push(position(call.method.span()), call.args.iter());
        syn::visit::visit_expr_method_call(self, call);
    }
}
