//! Code generation: parse -> validate (both in [`model`]) -> expand (here).
//!
//! The output for a type `T` is one `const _: () = { ... };` holding
//! - the drop-glue checks: free `const` assertions for field types that name no type
//!   parameter (evaluated even by `cargo check`), and an associated const `__ARENA_CHECKS`
//!   for the rest (evaluated once the parameters are known, when `SCAN_BOUND` or a
//!   constructor is used);
//! - `impl ScanLocal for T` with `SCAN_BOUND` = the slot of `T` + the worst case of every
//!   arena-backed field (the maximum over variants for an enum);
//! - the constructors, in an inherent impl with the type's visibility.
//!
//! Every assertion that concerns a field is spanned at that field, so the error lands there.
//! The assertions and the bound are written in [`checks`], the constructors in
//! [`constructors`].

mod checks;
mod constructors;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{DeriveInput, GenericParam, Ident, Path, WherePredicate};

use crate::errors::Errors;
use crate::model::{self, Body, Field, Input, Kind, Style};

/// Expands `#[derive(ScanLocal)]` on `ast`: the impl and constructors, or every error found
/// next to a stub impl (so the user sees these errors, not a cascade of missing-impl ones).
pub(crate) fn derive(ast: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let input = model::parse(ast, &mut errors);
    match errors.finish() {
        Ok(()) => Expander::new(&input).expand(),
        Err(error) => {
            let errors = error.to_compile_error();
            let stub = stub(&input);
            quote!(#errors #stub)
        }
    }
}

fn stub(input: &Input<'_>) -> TokenStream {
    let krate = &input.attrs.krate;
    let name = &input.ast.ident;
    let (impl_generics, ty_generics, where_clause) = input.ast.generics.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::ScanLocal for #name #ty_generics #where_clause {
                const SCAN_BOUND: ::core::primitive::usize = 0;
            }
        };
    }
}

/// One thing built by a constructor: the struct, or one variant of an enum.
struct Shape<'a> {
    /// `Poly`, or `Paint::Gradient` for a variant: how errors name it.
    display: String,
    /// `Self`, or `Self::Gradient`.
    path: TokenStream,
    style: Style,
    fields: &'a [Field<'a>],
}

struct Expander<'a> {
    input: &'a Input<'a>,
    krate: &'a Path,
    name: &'a Ident,
    /// Type and const parameters: a field type naming one is checked after substitution.
    params: Vec<Ident>,
    lifetimes: Vec<Ident>,
    /// The constructor's parameter for the line: `line`, unless a field takes that name.
    line: Ident,
}

impl<'a> Expander<'a> {
    fn new(input: &'a Input<'a>) -> Self {
        let mut params = Vec::new();
        let mut lifetimes = Vec::new();
        for param in &input.ast.generics.params {
            match param {
                GenericParam::Type(t) => params.push(t.ident.clone()),
                GenericParam::Const(c) => params.push(c.ident.clone()),
                GenericParam::Lifetime(l) => lifetimes.push(l.lifetime.ident.clone()),
            }
        }
        let line = if input.all_fields().any(|f| f.binding == "line") {
            Ident::new("__arena_line", Span::call_site())
        } else {
            Ident::new("line", Span::call_site())
        };
        Expander {
            input,
            krate: &input.attrs.krate,
            name: &input.ast.ident,
            params,
            lifetimes,
            line,
        }
    }

    fn is_generic(&self, tokens: TokenStream) -> bool {
        model::mentions(tokens, &self.params)
    }

    fn expand(&self) -> TokenStream {
        let krate = self.krate;
        let name = self.name;
        let (impl_generics, ty_generics, where_clause) = self.input.ast.generics.split_for_impl();

        let (free_checks, generic_checks) = self.checks();
        let free_checks = free_checks.iter().map(|check| {
            let check = model::erase_lifetimes(check.clone(), &self.lifetimes);
            quote!(const _: () = #check;)
        });
        let (checks_impl, run_checks) = if generic_checks.is_empty() {
            (TokenStream::new(), TokenStream::new())
        } else {
            (
                quote! {
                    #[automatically_derived]
                    impl #impl_generics #name #ty_generics #where_clause {
                        #[doc(hidden)]
                        const __ARENA_CHECKS: () = { #(#generic_checks;)* };
                    }
                },
                quote!(let () = Self::__ARENA_CHECKS;),
            )
        };

        let bound = self.bound();
        let trait_where = self.where_clause(false);
        let constructors = self.constructors();

        quote! {
            const _: () = {
                #(#free_checks)*
                #checks_impl

                #[automatically_derived]
                impl #impl_generics #krate::ScanLocal for #name #ty_generics #trait_where {
                    const SCAN_BOUND: ::core::primitive::usize = {
                        #run_checks
                        #bound
                    };
                }

                #constructors
            };
        }
    }

    /// The type's where clause plus the bounds the generated code needs for field types that
    /// name a type parameter: `C: ScanLocal` for children, and (constructors only)
    /// `E: Copy` for copied slices. Concrete field types get spanned assertions instead, so
    /// their errors point at the field, not at the derive.
    fn where_clause(&self, constructors: bool) -> Option<syn::WhereClause> {
        let krate = self.krate;
        let mut predicates: Vec<WherePredicate> = Vec::new();
        for field in self.input.all_fields() {
            match &field.kind {
                Kind::Child { referent, .. } if self.is_generic(quote!(#referent)) => {
                    predicates.push(syn::parse_quote!(#referent: #krate::ScanLocal));
                }
                Kind::Slice { elem, .. } if constructors && self.is_generic(quote!(#elem)) => {
                    predicates.push(syn::parse_quote!(#elem: ::core::marker::Copy));
                }
                _ => {}
            }
        }
        let mut clause = self.input.ast.generics.where_clause.clone();
        if !predicates.is_empty() {
            let clause = clause.get_or_insert_with(|| syn::parse_quote!(where));
            clause.predicates.extend(predicates);
        }
        clause
    }

    fn shapes(&self) -> Vec<Shape<'a>> {
        match &self.input.body {
            Body::Struct(style, fields) => vec![Shape {
                display: self.name.to_string(),
                path: quote!(Self),
                style: *style,
                fields,
            }],
            Body::Enum(variants) => variants
                .iter()
                .map(|v| {
                    let ident = v.ident;
                    Shape {
                        display: format!("{}::{}", self.name, ident),
                        path: quote!(Self::#ident),
                        style: v.style,
                        fields: &v.fields,
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(input: TokenStream) -> String {
        let ast: DeriveInput = syn::parse2(input).unwrap();
        derive(&ast).to_string()
    }

    #[test]
    fn errors_come_with_a_stub_impl() {
        let out = expand(quote! {
            struct S<'l> { #[scan(max = 0)] a: &'l [u8] }
        });
        assert!(out.contains("compile_error"), "{out}");
        assert!(
            out.contains("const SCAN_BOUND : :: core :: primitive :: usize = 0"),
            "{out}"
        );
        assert!(!out.contains("new_in"), "{out}");
    }

    #[test]
    fn the_constructor_docs_name_each_arena_backed_field_and_its_bound() {
        let out = expand(quote! {
            struct S<'l> {
                #[scan(max = 8)] pts: &'l [u16],
                #[scan(max = limits::NAME)] name: &'l str,
                #[scan(child)] style: &'l Style,
                #[scan(max = 3)] ids: LineVec<'l, u32>,
                width: f32,
            }
        });
        let fields = "line: `pts` (at most 8 elements), `name` (at most limits::NAME bytes), \
                      `style` (allocated), `ids` (made empty, with room for 3 elements). Takes \
                      at most `SCAN_BOUND` bytes.";
        assert!(out.contains(fields), "{out}");
    }

    #[test]
    fn renamed_crate_and_constructor_are_used_everywhere() {
        let out = expand(quote! {
            #[scan(crate = "::my_arena", constructor = "alloc_in")]
            pub(crate) struct S<'l> { #[scan(max = 2)] a: &'l [u8], b: u8 }
        });
        assert!(!out.contains("arena_core"), "{out}");
        assert!(out.contains("pub (crate) fn try_alloc_in"), "{out}");
        assert!(out.contains("pub (crate) fn alloc_in"), "{out}");
        assert!(out.contains("pub (crate) fn try_build_in"), "{out}");
    }

    #[test]
    fn no_constructor_emits_only_the_bound() {
        let out = expand(quote! {
            #[scan(no_constructor)]
            struct S(u8);
        });
        assert!(out.contains("ScanLocal for S"), "{out}");
        assert!(!out.contains("fn "), "{out}");
    }

    #[test]
    fn parameters_get_bounds_only_where_the_generated_code_needs_them() {
        let out = expand(quote! {
            struct S<'l, T, C, E> {
                plain: T,
                #[scan(child)] c: &'l C,
                #[scan(max = 3)] e: &'l [E],
            }
        });
        // Children must be ScanLocal for the bound; copied elements Copy for constructors.
        assert!(out.contains("C : :: arena_core :: ScanLocal"), "{out}");
        assert!(out.contains("E : :: core :: marker :: Copy"), "{out}");
        assert!(!out.contains("T : :: arena_core :: ScanLocal"), "{out}");
        // The drop check of `T` waits for the parameter.
        assert!(out.contains("__ARENA_CHECKS"), "{out}");
    }

    #[test]
    fn concrete_checks_are_free_consts_with_lifetimes_erased() {
        let out = expand(quote! {
            struct S<'l> { a: &'l u8, b: [u8; 4] }
        });
        assert!(!out.contains("__ARENA_CHECKS"), "{out}");
        assert!(out.contains("needs_drop :: < & 'static u8 >"), "{out}");
        assert!(out.contains("needs_drop :: < S < 'static > >"), "{out}");
    }

    #[test]
    fn a_field_called_line_renames_the_line_parameter() {
        let out = expand(quote! {
            struct S { line: u32 }
        });
        assert!(
            out.contains("__arena_line : & :: arena_core :: Line"),
            "{out}"
        );
    }

    #[test]
    fn enums_get_variant_constructors_only_for_arena_backed_variants() {
        let out = expand(quote! {
            enum Paint<'l> { Solid(u32), LinearGradient { #[scan(max = 4)] stops: &'l [f32] } }
        });
        assert!(out.contains("fn new_in"), "{out}");
        assert!(out.contains("fn new_linear_gradient_in"), "{out}");
        assert!(out.contains("fn try_build_linear_gradient_in"), "{out}");
        assert!(!out.contains("new_solid_in"), "{out}");
    }

    #[test]
    fn lint_allows_only_past_clippys_argument_threshold() {
        // Six fields: the constructors take seven parameters, which clippy accepts.
        let out = expand(quote! {
            struct S<'l> { a: u8, b: u8, c: u8, d: u8, e: u8, #[scan(max = 2)] f: &'l [u8] }
        });
        assert!(!out.contains("allow"), "{out}");
        // Seven fields: eight parameters, on each of the four constructors and nothing else.
        let out = expand(quote! {
            struct S<'l> { a: u8, b: u8, c: u8, d: u8, e: u8, f: u8, #[scan(max = 2)] g: &'l [u8] }
        });
        assert_eq!(
            out.matches("# [allow (clippy :: too_many_arguments)]")
                .count(),
            4,
            "{out}"
        );
        assert_eq!(out.matches("allow").count(), 4, "{out}");
    }

    #[test]
    fn each_panicking_constructor_forwards_to_its_try_form() {
        let out = expand(quote! {
            struct S<'l> { #[scan(max = 2)] a: &'l [u8], b: u8 }
        });
        for (name, try_name) in [("new_in", "try_new_in"), ("build_in", "try_build_in")] {
            let start = out.find(&format!("fn {name} <")).expect(name);
            let body = &out[start..];
            let body = &body[..body.find("} } }").expect(name)];
            assert!(
                body.contains(&format!("Self :: {try_name} (line , a , b)")),
                "{body}"
            );
            assert!(body.contains("panic ! (\"{}\" , __arena_error)"), "{body}");
        }
    }
}
