//! Walking one file's items into a [`FileIndex`]: modules (inline and
//! declared), traits, impls, fns, types, `use` trees, `mock!` blocks and
//! the attributes that matter (`cfg(test)`, `#[test]`, `automock`,
//! `#[double]`, `#[stubaudit::boundary]`). Items inside macro bodies are
//! read when the body parses as items, so a `mod` declared in a macro still
//! counts.

use super::body::{body_kind, position, read_block};
use super::types::{
    forwards_to_itself, param_position, segments, trait_bounds, type_arguments, type_ref,
    type_text, value_type_ref, GenericScope,
};
use super::{
    Body, Defined, FileIndex, FnItem, ImplItem, LineSpan, ModDecl, ModulePath, Owner, PathSegments,
    TraitItem, TypeItem, TypeRef, UseItem,
};
mod attrs;
mod macros;

use attrs::{
    attr_tokens, has_attr, has_cfg_test, is_crate_attr, is_test_attribute, path_attribute,
    TEST_MODULES,
};
use std::path::Path;
use syn::ext::IdentExt;

/// What the caller knows about a file before reading it.
#[derive(Debug, Clone)]
pub struct FileContext<'a> {
    /// The file.
    pub path: &'a Path,
    /// Its module path, crate name first.
    pub module: PathSegments,
    /// Whether the whole file is test code.
    pub in_test: bool,
}

/// Extracts the index of one parsed file.
pub fn extract(
    context: &FileContext<'_>,
    file: &syn::File,
    code_lines: Vec<u32>,
    line_count: u32,
) -> FileIndex {
    let mut extractor = Extractor {
        index: FileIndex {
            path: context.path.to_path_buf(),
            module: ModulePath::from(context.module.clone()),
            code_lines,
            line_count,
            ..FileIndex::default()
        },
    };
    let in_test = context.in_test || has_cfg_test(&file.attrs);
    let module = extractor.index.module.clone();
    extractor.items(&file.items, &module, in_test, &[], &GenericScope::default());
    extractor.index
}

struct Extractor {
    index: FileIndex,
}

impl Extractor {
    fn items(
        &mut self,
        items: &[syn::Item],
        module: &ModulePath,
        in_test: bool,
        inline_parents: &[String],
        scope: &GenericScope,
    ) {
        for item in items {
            self.item(item, module, in_test, inline_parents, scope);
        }
    }

    fn define(&mut self, module: &ModulePath, name: String) {
        self.index.defined.push(Defined {
            module: module.clone(),
            name,
        });
    }

    fn item(
        &mut self,
        item: &syn::Item,
        module: &ModulePath,
        in_test: bool,
        inline_parents: &[String],
        scope: &GenericScope,
    ) {
        match item {
            syn::Item::Mod(item_mod) => {
                let name = item_mod.ident.unraw().to_string();
                let child_test = in_test
                    || has_cfg_test(&item_mod.attrs)
                    || TEST_MODULES.contains(&name.as_str());
                let mut child = module.to_vec();
                child.push(name.clone());
                if !matches!(item_mod.vis, syn::Visibility::Public(_)) {
                    self.index.private_modules.push(child.clone());
                }
                self.define(module, name.clone());
                if has_attr(&item_mod.attrs, "automock") {
                    self.index.automock_mods.push(child.clone());
                    // mockall generates `mock_name` beside the module.
                    self.define(module, format!("mock_{name}"));
                }
                match &item_mod.content {
                    Some((_, items)) => {
                        let mut parents = inline_parents.to_vec();
                        parents.push(name);
                        let child = ModulePath::from(child);
                        self.items(items, &child, child_test, &parents, scope);
                    }
                    None => self.index.mod_decls.push(ModDecl {
                        name,
                        module: ModulePath::from(child),
                        path_attr: path_attribute(&item_mod.attrs),
                        inline_parents: inline_parents.to_vec(),
                        in_test: child_test,
                        line: position(item_mod.ident.span()).line,
                        include: false,
                    }),
                }
            }
            syn::Item::Trait(item_trait) => self.item_trait(item_trait, module, in_test, scope),
            syn::Item::Impl(item_impl) => self.item_impl(item_impl, module, in_test, scope),
            syn::Item::Fn(item_fn) => {
                let item_test = in_test || has_cfg_test(&item_fn.attrs);
                self.define(module, item_fn.sig.ident.to_string());
                let fn_scope = scope.with(&item_fn.sig.generics);
                let mut fn_item = self.fn_item(
                    &item_fn.sig,
                    Some(&item_fn.block),
                    &item_fn.attrs,
                    module,
                    item_test,
                    Owner::Module,
                    &fn_scope,
                );
                fn_item.span.start = fn_item
                    .span
                    .start
                    .min(start_line(&item_fn.vis, &item_fn.sig));
                let nested_test = fn_item.in_test;
                self.index.fns.push(fn_item);
                if nested_test {
                    // A fake declared inside a test fn (`struct Frozen; impl
                    // Clock for Frozen { … }`) is test code of its module.
                    for stmt in &item_fn.block.stmts {
                        if let syn::Stmt::Item(
                            nested @ (syn::Item::Struct(_)
                            | syn::Item::Enum(_)
                            | syn::Item::Impl(_)),
                        ) = stmt
                        {
                            self.item(nested, module, true, inline_parents, scope);
                        }
                    }
                }
            }
            syn::Item::Struct(item_struct) => {
                let item_scope = scope.with(&item_struct.generics);
                let fields = fields(&item_struct.fields, &item_scope);
                self.type_item(
                    &item_struct.ident,
                    &item_struct.attrs,
                    module,
                    in_test,
                    fields,
                );
                if let Some(type_item) = self.index.types.last_mut() {
                    type_item.generic_fields =
                        generic_fields(&item_struct.fields, &item_struct.generics);
                }
            }
            syn::Item::Enum(item_enum) => {
                self.type_item(
                    &item_enum.ident,
                    &item_enum.attrs,
                    module,
                    in_test,
                    Vec::new(),
                );
            }
            syn::Item::Union(item_union) => {
                self.type_item(
                    &item_union.ident,
                    &item_union.attrs,
                    module,
                    in_test,
                    Vec::new(),
                );
            }
            syn::Item::Type(item_type) => {
                self.define(module, item_type.ident.to_string());
                let target = type_ref(&item_type.ty, &GenericScope::default());
                self.index
                    .aliases
                    .push((module.clone(), item_type.ident.to_string(), target));
            }
            syn::Item::Const(item_const) => {
                self.define(module, item_const.ident.to_string());
                let ty = value_type_ref(&item_const.ty, scope);
                self.index
                    .statics
                    .push((module.clone(), item_const.ident.to_string(), ty));
            }
            syn::Item::Static(item_static) => {
                self.define(module, item_static.ident.to_string());
                let ty = value_type_ref(&item_static.ty, scope);
                self.index
                    .statics
                    .push((module.clone(), item_static.ident.to_string(), ty));
            }
            syn::Item::Use(item_use) => {
                let flags = UseFlags {
                    double: has_attr(&item_use.attrs, "double"),
                    public: !matches!(item_use.vis, syn::Visibility::Inherited),
                    in_test: in_test || has_cfg_test(&item_use.attrs),
                };
                let mut prefix = Vec::new();
                if item_use.leading_colon.is_some() {
                    prefix.push("::".to_string());
                }
                self.use_tree(&item_use.tree, &mut prefix, module, flags);
            }
            syn::Item::Macro(item_macro) => {
                self.item_macro(item_macro, module, in_test, inline_parents, scope)
            }
            _ => {}
        }
    }

    fn type_item(
        &mut self,
        ident: &syn::Ident,
        attrs: &[syn::Attribute],
        module: &ModulePath,
        in_test: bool,
        fields: Vec<(String, TypeRef)>,
    ) {
        self.define(module, ident.to_string());
        self.index.types.push(TypeItem {
            name: ident.to_string(),
            module: module.clone(),
            name_at: position(ident.span()),
            in_test: in_test || has_cfg_test(attrs),
            fields,
            generic_fields: Vec::new(),
            faux: attrs.iter().any(|attr| is_crate_attr(attr, "faux")),
        });
    }

    fn item_trait(
        &mut self,
        item_trait: &syn::ItemTrait,
        module: &ModulePath,
        in_test: bool,
        scope: &GenericScope,
    ) {
        let in_test = in_test || has_cfg_test(&item_trait.attrs);
        let name = item_trait.ident.to_string();
        self.define(module, name.clone());
        let trait_index = self.index.traits.len();
        // `#[stubaudit::boundary(mock)]` adds mockall's automock.
        let automock_trait = has_attr(&item_trait.attrs, "automock")
            || item_trait.attrs.iter().any(|attr| {
                attr.path()
                    .segments
                    .last()
                    .is_some_and(|segment| segment.ident == "boundary")
                    && attr_tokens(attr)
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|word| word == "mock")
            });
        let trait_scope = scope.with(&item_trait.generics).in_trait(&name);
        let mut methods = Vec::new();
        let mut assoc_types = Vec::new();
        for trait_item in &item_trait.items {
            if let syn::TraitItem::Type(assoc) = trait_item {
                assoc_types.push((assoc.ident.to_string(), trait_bounds(assoc.bounds.iter())));
            }
            let syn::TraitItem::Fn(method) = trait_item else {
                continue;
            };
            let method_scope = trait_scope.with(&method.sig.generics);
            let fn_item = self.fn_item(
                &method.sig,
                method.default.as_ref(),
                &method.attrs,
                module,
                in_test,
                Owner::Trait(trait_index),
                &method_scope,
            );
            methods.push(self.index.fns.len());
            self.index.fns.push(fn_item);
        }
        self.index.traits.push(TraitItem {
            name,
            module: module.clone(),
            name_at: position(item_trait.ident.span()),
            in_test,
            automock: automock_trait,
            boundary: has_attr(&item_trait.attrs, "boundary"),
            supertraits: trait_bounds(item_trait.supertraits.iter()),
            assoc_types,
            public: matches!(item_trait.vis, syn::Visibility::Public(_)),
            methods,
        });
        if automock_trait {
            // The mock mockall generates beside the trait: tests import it.
            self.define(module, format!("Mock{}", item_trait.ident));
        }
    }

    fn item_impl(
        &mut self,
        item_impl: &syn::ItemImpl,
        module: &ModulePath,
        in_test: bool,
        scope: &GenericScope,
    ) {
        let in_test = in_test || has_cfg_test(&item_impl.attrs);
        let impl_index = self.index.impls.len();
        let impl_scope = scope.with(&item_impl.generics);
        let mut methods = Vec::new();
        for impl_item in &item_impl.items {
            let syn::ImplItem::Fn(method) = impl_item else {
                continue;
            };
            let method_scope = impl_scope.with(&method.sig.generics);
            let mut fn_item = self.fn_item(
                &method.sig,
                Some(&method.block),
                &method.attrs,
                module,
                in_test || has_cfg_test(&method.attrs),
                Owner::Impl(impl_index),
                &method_scope,
            );
            fn_item.span.start = fn_item.span.start.min(start_line(&method.vis, &method.sig));
            methods.push(self.index.fns.len());
            self.index.fns.push(fn_item);
        }
        if has_attr(&item_impl.attrs, "automock") {
            if let TypeRef::Path(path) = type_ref(&item_impl.self_ty, &GenericScope::default()) {
                if let Some(name) = path.last() {
                    self.define(module, format!("Mock{name}"));
                }
            }
        }
        self.index.impls.push(ImplItem {
            module: module.clone(),
            // Generic params of the impl are not bounds here: `impl<T> X<T>` is `X`.
            self_ty: type_ref(&item_impl.self_ty, &GenericScope::default()),
            self_args: type_arguments(&item_impl.self_ty, &impl_scope),
            assoc_types: item_impl
                .items
                .iter()
                .filter_map(|item| match item {
                    syn::ImplItem::Type(assoc) => Some((
                        assoc.ident.to_string(),
                        value_type_ref(&assoc.ty, &impl_scope),
                    )),
                    _ => None,
                })
                .collect(),
            trait_path: item_impl.trait_.as_ref().map(|(_, path, _)| segments(path)),
            at: position(item_impl.impl_token.span),
            in_test,
            automock: has_attr(&item_impl.attrs, "automock")
                || item_impl
                    .attrs
                    .iter()
                    .any(|attr| is_crate_attr(attr, "faux") || is_crate_attr(attr, "mry")),
            mry: item_impl
                .attrs
                .iter()
                .any(|attr| is_crate_attr(attr, "mry")),
            deref_to_param: matches!(
                deref_target_of(item_impl),
                Some(syn::Type::Path(target)) if target.path.get_ident().is_some_and(|ident| {
                    item_impl.generics.type_params().any(|param| param.ident == *ident)
                })
            ),
            deref_target: item_impl
                .trait_
                .as_ref()
                .filter(|(_, path, _)| {
                    path.segments
                        .last()
                        .is_some_and(|segment| segment.ident == "Deref")
                })
                .and_then(|_| {
                    item_impl.items.iter().find_map(|item| match item {
                        syn::ImplItem::Type(ty) if ty.ident == "Target" => {
                            Some(type_ref(&ty.ty, &GenericScope::default()))
                        }
                        _ => None,
                    })
                }),
            blanket: matches!(
                type_ref(&item_impl.self_ty, &GenericScope::default()),
                TypeRef::Path(path) if path.len() == 1
                    && item_impl.generics.type_params().any(|param| param.ident == path[0])
            ),
            forwarding: forwards_to_itself(item_impl),
            self_text: type_text(&item_impl.self_ty),
            methods,
        });
    }

    #[allow(clippy::too_many_arguments)] // one call per item kind; a struct would only rename them
    fn fn_item(
        &mut self,
        sig: &syn::Signature,
        block: Option<&syn::Block>,
        attrs: &[syn::Attribute],
        module: &ModulePath,
        in_test: bool,
        owner: Owner,
        scope: &GenericScope,
    ) -> FnItem {
        let is_test = attrs.iter().any(is_test_attribute);
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => match &*typed.pat {
                    syn::Pat::Ident(ident) => {
                        Some((ident.ident.to_string(), value_type_ref(&typed.ty, scope)))
                    }
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let (body, facts, end) = match block {
            Some(block) => (
                body_kind(block),
                read_block(block, scope),
                block.brace_token.span.close().end().line as u32,
            ),
            None => (Body::Absent, Default::default(), signature_end_line(sig)),
        };
        let mut call_args = block.map(super::args::read).unwrap_or_default();
        call_args.sort_by_key(|(at, _)| *at);
        let start = signature_start_line(sig);
        let ret = match &sig.output {
            syn::ReturnType::Default => TypeRef::Unknown,
            syn::ReturnType::Type(_, ty) => value_type_ref(peel_result(ty), scope),
        };
        FnItem {
            ret,
            has_receiver: sig.receiver().is_some(),
            name: sig.ident.to_string(),
            module: module.clone(),
            owner,
            span: LineSpan {
                start,
                end: end.max(start),
            },
            name_at: position(sig.ident.span()),
            in_test: in_test || is_test,
            is_test,
            body,
            params,
            lets: facts.lets,
            calls: facts.calls,
            generics: scope.params().to_vec(),
            call_args,
        }
    }

    fn use_tree(
        &mut self,
        tree: &syn::UseTree,
        prefix: &mut PathSegments,
        module: &ModulePath,
        flags: UseFlags,
    ) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(&path.tree, prefix, module, flags);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let ident = name.ident.to_string();
                if ident == "self" {
                    if let Some(last) = prefix.last().cloned() {
                        self.push_use(module, last, prefix.clone(), flags);
                    }
                } else {
                    let mut target = prefix.clone();
                    target.push(ident.clone());
                    self.push_use(module, ident, target, flags);
                }
            }
            syn::UseTree::Rename(rename) => {
                let mut target = prefix.clone();
                if rename.ident != "self" {
                    target.push(rename.ident.to_string());
                }
                self.push_use(module, rename.rename.to_string(), target, flags);
            }
            syn::UseTree::Glob(_) => self.push_use(module, "*".to_string(), prefix.clone(), flags),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(tree, prefix, module, flags);
                }
            }
        }
    }

    fn push_use(
        &mut self,
        module: &ModulePath,
        alias: String,
        target: PathSegments,
        flags: UseFlags,
    ) {
        self.index.uses.push(UseItem {
            module: module.clone(),
            alias,
            target,
            double: flags.double,
            public: flags.public,
            in_test: flags.in_test,
        });
    }
}

/// `T` of `Result<T, E>`, `Option<T>`, `io::Result<T>`; other types as they are.
fn peel_result(ty: &syn::Type) -> &syn::Type {
    let syn::Type::Path(type_path) = ty else {
        return ty;
    };
    let Some(last) = type_path.path.segments.last() else {
        return ty;
    };
    // `Result`, `io::Result`, `StdResult`, `anyhow::Result`, `Option`.
    if !last.ident.to_string().ends_with("Result") && last.ident != "Option" {
        return ty;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return ty;
    };
    arguments
        .args
        .iter()
        .find_map(|argument| match argument {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        })
        .unwrap_or(ty)
}

/// The `type Target = …;` of an `impl Deref for …`.
fn deref_target_of(item_impl: &syn::ItemImpl) -> Option<&syn::Type> {
    let (_, path, _) = item_impl.trait_.as_ref()?;
    if path
        .segments
        .last()
        .is_none_or(|segment| segment.ident != "Deref")
    {
        return None;
    }
    item_impl.items.iter().find_map(|item| match item {
        syn::ImplItem::Type(ty) if ty.ident == "Target" => Some(&ty.ty),
        _ => None,
    })
}

/// What a `use` item says about every binding it makes.
#[derive(Debug, Clone, Copy)]
struct UseFlags {
    double: bool,
    public: bool,
    in_test: bool,
}

/// The fields holding one of the struct's own type parameters, with its
/// position.
fn generic_fields(fields: &syn::Fields, generics: &syn::Generics) -> Vec<(String, usize)> {
    fields
        .iter()
        .enumerate()
        .filter_map(|(index, field)| {
            let position = param_position(&field.ty, generics)?;
            let name = field
                .ident
                .as_ref()
                .map_or_else(|| index.to_string(), ToString::to_string);
            Some((name, position))
        })
        .collect()
}

fn fields(fields: &syn::Fields, scope: &GenericScope) -> Vec<(String, TypeRef)> {
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let name = field
                .ident
                .as_ref()
                .map_or_else(|| index.to_string(), ToString::to_string);
            (name, value_type_ref(&field.ty, scope))
        })
        .collect()
}

/// The first line of a fn including its visibility. (Token spans, not
/// `Spanned::span()`, which re-tokenizes the whole signature.)
fn start_line(vis: &syn::Visibility, sig: &syn::Signature) -> u32 {
    let vis_line = match vis {
        syn::Visibility::Inherited => u32::MAX,
        syn::Visibility::Public(token) => token.span.start().line as u32,
        syn::Visibility::Restricted(restricted) => restricted.pub_token.span.start().line as u32,
    };
    vis_line.min(signature_start_line(sig))
}

/// The line of the signature's first keyword.
fn signature_start_line(sig: &syn::Signature) -> u32 {
    [
        sig.constness.as_ref().map(|token| token.span),
        sig.asyncness.as_ref().map(|token| token.span),
        sig.unsafety.as_ref().map(|token| token.span),
        sig.abi.as_ref().map(|abi| abi.extern_token.span),
        Some(sig.fn_token.span),
    ]
    .into_iter()
    .flatten()
    .map(|span| span.start().line as u32)
    .min()
    .unwrap_or(0)
}

/// The last line of a signature without a body: its return type, or its
/// parameter list.
fn signature_end_line(sig: &syn::Signature) -> u32 {
    let paren = sig.paren_token.span.close().end().line as u32;
    match &sig.output {
        syn::ReturnType::Default => paren,
        syn::ReturnType::Type(arrow, _) => paren.max(arrow.spans[0].end().line as u32),
    }
}
