//! The constructors: `new_in` / `try_new_in` (or the names `#[scan(constructor = "...")]`
//! gives), `build_in` / `try_build_in` for a struct with arena-backed fields, and an enum's
//! `new_in(&line, value)` plus `new_<variant>_in` / `build_<variant>_in` per variant with
//! arena-backed fields.
//!
//! Every constructor is a pair: the `try_` form does the work and returns a `Result`; the
//! panicking form calls it and panics with the error's message. [`Pair`] is the one template
//! both are written from, so the pairs cannot drift apart.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use super::{Expander, Shape};
use crate::attr::Max;
use crate::model::{self, Body, Field, Kind, Style};

/// Above this many parameters clippy's `too_many_arguments` (at its default threshold of 7)
/// flags a function, in the user's crate, at their `#[derive]`. The constructors take one
/// parameter per field so that a call reads like the struct literal it replaces; only a
/// type with this many fields or more gets the lint allowed on its constructors, which the
/// `GlyphRun` type in `tests/tests/bounds.rs` shows is needed (CI's clippy runs over it with
/// `-D warnings`).
const CLIPPY_MAX_ARGUMENTS: usize = 7;

/// One try/panicking constructor pair, everything but the shared shape of the two methods.
struct Pair {
    /// The panicking form, `new_in`; the `try_` form is named after it.
    name: Ident,
    /// Docs of the `try_` form, `# Errors` included.
    try_doc: String,
    /// When the panicking form panics: the `try_` form's errors, in words.
    panics: &'static str,
    /// The line parameter: `line`, or `__arena_line` if a field takes that name.
    line: Ident,
    /// The parameters after the line, `name: Type`, and the arguments that forward them.
    params: Vec<TokenStream>,
    args: Vec<TokenStream>,
    /// The `Ok` type: `&'__arena_line mut Self` or `Self`.
    output: TokenStream,
    /// Whether the constructor keeps a borrow of the line (it makes a `LineVec`): the line
    /// parameter is then `&'__arena_line Line<'_>`, and the value lives as long as that
    /// borrow rather than the line.
    borrows_line: bool,
    where_clause: TokenStream,
    /// The body of the `try_` form.
    body: TokenStream,
}

impl Expander<'_> {
    /// The inherent impl that holds every constructor, or nothing with `no_constructor`.
    pub(super) fn constructors(&self) -> TokenStream {
        let Some(base) = &self.input.attrs.constructor else {
            return TokenStream::new();
        };
        let name = self.name;
        let (impl_generics, ty_generics, _) = self.input.ast.generics.split_for_impl();
        let where_clause = self.where_clause(true);
        let mut pairs = Vec::new();
        match &self.input.body {
            Body::Struct(..) => {
                let shape = &self.shapes()[0];
                pairs.push(self.allocating(shape, base.clone()));
                if shape.fields.iter().any(|f| f.kind.is_arena_backed()) {
                    pairs.push(self.by_value(shape, format_ident!("build_in")));
                }
            }
            Body::Enum(variants) => {
                pairs.push(self.move_in(base.clone()));
                for (variant, shape) in variants.iter().zip(self.shapes()) {
                    if !shape.fields.iter().any(|f| f.kind.is_arena_backed()) {
                        continue;
                    }
                    let snake = model::snake_case(&variant.ident.to_string());
                    pairs.push(self.allocating(&shape, format_ident!("new_{}_in", snake)));
                    pairs.push(self.by_value(&shape, format_ident!("build_{}_in", snake)));
                }
            }
        }
        let methods = pairs.iter().map(|pair| self.pair(pair));
        quote! {
            #[automatically_derived]
            impl #impl_generics #name #ty_generics #where_clause {
                #(#methods)*
            }
        }
    }

    /// Writes both methods of `pair`.
    fn pair(&self, pair: &Pair) -> TokenStream {
        let try_form = self.fallible(pair);
        let panicking = self.panicking(pair);
        quote!(#try_form #panicking)
    }

    /// The method signature both forms of `pair` share, up to the return type.
    fn signature(&self, pair: &Pair, name: &Ident) -> TokenStream {
        let krate = self.krate;
        let vis = &self.input.ast.vis;
        let Pair {
            line,
            params,
            borrows_line,
            ..
        } = pair;
        let allow = if params.len() + 1 > CLIPPY_MAX_ARGUMENTS {
            quote!(#[allow(clippy::too_many_arguments)])
        } else {
            TokenStream::new()
        };
        let line_ty = if *borrows_line {
            quote!(&'__arena_line #krate::Line<'_>)
        } else {
            quote!(&#krate::Line<'__arena_line>)
        };
        quote! {
            #[inline]
            #allow
            #vis fn #name<'__arena_line>(
                #line: #line_ty,
                #(#params),*
            )
        }
    }

    /// The `try_` form: does the work, returns a `Result`.
    fn fallible(&self, pair: &Pair) -> TokenStream {
        let krate = self.krate;
        let try_name = try_name(pair);
        let signature = self.signature(pair, &try_name);
        let Pair {
            try_doc,
            output,
            where_clause,
            body,
            borrows_line,
            line,
            ..
        } = pair;
        // The line seen with the borrow's lifetime, so the `LineVec`s made from it and the
        // value holding them can be named with it.
        let narrow = if *borrows_line {
            quote!(let #line = #krate::__private::narrow(#line);)
        } else {
            TokenStream::new()
        };
        quote! {
            #[doc = #try_doc]
            #signature -> ::core::result::Result<#output, #krate::ScanError>
            #where_clause
            {
                #narrow
                #body
            }
        }
    }

    /// The panicking form: the `try_` form, panicking with the error's message.
    fn panicking(&self, pair: &Pair) -> TokenStream {
        let try_name = try_name(pair);
        let signature = self.signature(pair, &pair.name);
        let Pair {
            panics,
            line,
            args,
            output,
            where_clause,
            ..
        } = pair;
        let doc = format!(
            "[`{try_name}`](Self::{try_name}), panicking with the error's message.\n\n\
             # Panics\n\n{panics}"
        );
        let krate = self.krate;
        // Only with arena-core's `panicking` feature: the macro's definition depends on it,
        // so the derive need not know how arena-core was built.
        quote! {
            #krate::__if_panicking! {
                #[doc = #doc]
                #[track_caller]
                #signature -> #output
                #where_clause
                {
                    match Self::#try_name(#line, #(#args),*) {
                        ::core::result::Result::Ok(__arena_value) => __arena_value,
                        ::core::result::Result::Err(__arena_error) => {
                            ::core::panic!("{}", __arena_error)
                        }
                    }
                }
            }
        }
    }

    /// `new_in` / `try_new_in` (or a variant's `new_<variant>_in`): the value in the line.
    fn allocating(&self, shape: &Shape<'_>, name: Ident) -> Pair {
        let krate = self.krate;
        let line = &self.line;
        let fill = self.fill(shape, true);
        let construct = self.construct(shape);
        let force = self.force_bound();
        let arena_backed = self.describe_fields(shape);
        let try_doc = if arena_backed.is_empty() {
            format!(
                "Moves a `{}` built from these fields into `{line}`.\n\n\
                 # Errors\n\n`ScanError::Full` if the line has no room; the line is then \
                 unchanged.",
                shape.display
            )
        } else {
            format!(
                "Allocates a `{}` in `{line}`, first copying its arena-backed fields into the \
                 line: {arena_backed}. Takes at most `SCAN_BOUND` bytes.\n\n\
                 # Errors\n\n`ScanError::TooLong` if an input is longer than its field's `max` \
                 (never truncated); `ScanError::Full` if the line has less room left than the \
                 worst case for these inputs. Either way nothing was allocated.",
                shape.display
            )
        };
        Pair {
            name,
            try_doc,
            panics: TOO_LONG_OR_FULL,
            line: line.clone(),
            params: self.params(shape.fields),
            args: self.args(shape.fields),
            output: quote!(&'__arena_line mut Self),
            borrows_line: borrows_line(shape.fields),
            where_clause: self.method_where(shape.fields),
            body: quote! {
                #force
                #fill
                ::core::result::Result::Ok(#krate::Line::try_alloc(#line, #construct)?)
            },
        }
    }

    /// `build_in` / `try_build_in`: the value by value, its arena-backed fields in the line.
    fn by_value(&self, shape: &Shape<'_>, name: Ident) -> Pair {
        let fill = self.fill(shape, false);
        let construct = self.construct(shape);
        let force = self.force_bound();
        let try_doc = format!(
            "Builds a `{}` by value, copying its arena-backed fields into `{}`: {}. For a \
             value that becomes a `#[scan(child)]` of another type (whose bound counts these \
             copies) or is stored inline.\n\n\
             # Errors\n\n`ScanError::TooLong` if an input is longer than its field's `max` \
             (never truncated); `ScanError::Full` if the line has less room left than the \
             worst case for these inputs. Either way nothing was allocated.",
            shape.display,
            self.line,
            self.describe_fields(shape)
        );
        Pair {
            name,
            try_doc,
            panics: TOO_LONG_OR_FULL,
            line: self.line.clone(),
            params: self.params(shape.fields),
            args: self.args(shape.fields),
            output: quote!(Self),
            borrows_line: borrows_line(shape.fields),
            where_clause: self.method_where(shape.fields),
            body: quote! {
                #force
                #fill
                ::core::result::Result::Ok(#construct)
            },
        }
    }

    /// An enum's `new_in(&line, value)`: moves a whole value in.
    fn move_in(&self, name: Ident) -> Pair {
        let krate = self.krate;
        let force = self.force_bound();
        let type_name = self.name;
        let try_doc = format!(
            "Moves `value` into `line`. Takes at most `slot_bound::<{type_name}>()` bytes (a \
             variant's `new_<variant>_in` copies its arena-backed fields in too).\n\n\
             # Errors\n\n`ScanError::Full` if the line has no room; the line is then unchanged."
        );
        // The only parameters are `line` and `value`: no field name can clash with them.
        let line = Ident::new("line", Span::call_site());
        Pair {
            name,
            try_doc,
            panics: "If the line is full.",
            params: vec![quote!(value: Self)],
            args: vec![quote!(value)],
            output: quote!(&'__arena_line mut Self),
            borrows_line: false,
            where_clause: quote!(where Self: '__arena_line,),
            body: quote! {
                #force
                ::core::result::Result::Ok(#krate::Line::try_alloc(#line, value)?)
            },
            line,
        }
    }

    /// The lifetime relations every constructor needs: the line's lifetime outlives each
    /// reference field it fills (so the copies coerce into the fields), and the value does
    /// not outlive the line. Together they make those lifetimes equal to the line's.
    fn method_where(&self, fields: &[Field<'_>]) -> TokenStream {
        let mut seen: Vec<&syn::Lifetime> = Vec::new();
        for field in fields {
            if let Kind::Slice { lifetime, .. }
            | Kind::Str { lifetime, .. }
            | Kind::Vec { lifetime, .. }
            | Kind::Child { lifetime, .. } = &field.kind
                && !seen.contains(lifetime)
            {
                seen.push(lifetime);
            }
        }
        quote!(where #('__arena_line: #seen,)* Self: '__arena_line)
    }

    /// The parameters after the line: one per field, except a `LineVec`, which the
    /// constructor makes empty.
    fn params(&self, fields: &[Field<'_>]) -> Vec<TokenStream> {
        fields
            .iter()
            .filter_map(|field| {
                let binding = &field.binding;
                let ty: TokenStream = match &field.kind {
                    Kind::Plain => {
                        let ty = field.ty;
                        quote!(#ty)
                    }
                    Kind::Slice { elem, .. } => quote!(&[#elem]),
                    Kind::Str { .. } => quote!(&::core::primitive::str),
                    Kind::Child { referent, .. } => quote!(#referent),
                    Kind::Vec { .. } => return None,
                };
                Some(quote!(#binding: #ty))
            })
            .collect()
    }

    fn construct(&self, shape: &Shape<'_>) -> TokenStream {
        let path = &shape.path;
        let members = shape.fields.iter().map(|f| &f.member);
        let bindings: Vec<_> = shape.fields.iter().map(|f| &f.binding).collect();
        match shape.style {
            Style::Named => quote!(#path { #(#members: #bindings),* }),
            Style::Unnamed => quote!(#path ( #(#bindings),* )),
            Style::Unit => quote!(#path),
        }
    }

    /// Checks every input length, then that the line has room for the worst case of these
    /// inputs, then copies the arena-backed fields in. Nothing is allocated unless all of it
    /// fits, so a failed call leaves the line unchanged.
    fn fill(&self, shape: &Shape<'_>, with_self: bool) -> TokenStream {
        let krate = self.krate;
        let line = &self.line;
        let type_name = &shape.display;
        let mut length_checks = Vec::new();
        let mut needs = Vec::new();
        let mut copies = Vec::new();
        if with_self {
            needs.push(quote!(#krate::slot_bound::<Self>()));
        }
        for field in shape.fields {
            let binding = &field.binding;
            let field_name = &field.name;
            let span = field.ty.span();
            let mut length = |max: &Max| {
                length_checks.push(quote! {
                    if #binding.len() > #max {
                        return ::core::result::Result::Err(#krate::ScanError::TooLong {
                            type_name: #type_name,
                            field: #field_name,
                            max: #max,
                            len: #binding.len(),
                        });
                    }
                });
            };
            match &field.kind {
                Kind::Plain => {}
                Kind::Slice { elem, max, .. } => {
                    length(max);
                    needs.push(quote! {
                        match #krate::slice_bound::<#elem>(#binding.len()) {
                            ::core::option::Option::Some(__arena_bytes) => __arena_bytes,
                            ::core::option::Option::None => ::core::primitive::usize::MAX,
                        }
                    });
                    copies.push(quote_spanned! {span=>
                        let #binding = #krate::Line::try_alloc_slice_copy(#line, #binding)?;
                    });
                }
                Kind::Str { max, .. } => {
                    length(max);
                    needs.push(quote! {
                        match #krate::slice_bound::<::core::primitive::u8>(#binding.len()) {
                            ::core::option::Option::Some(__arena_bytes) => __arena_bytes,
                            ::core::option::Option::None => ::core::primitive::usize::MAX,
                        }
                    });
                    copies.push(quote! {
                        let #binding = #krate::Line::try_alloc_str(#line, #binding)?;
                    });
                }
                Kind::Child { referent, .. } => {
                    needs.push(quote!(#krate::slot_bound::<#referent>()));
                    copies.push(quote! {
                        let #binding = #krate::Line::try_alloc(#line, #binding)?;
                    });
                }
                Kind::Vec { elem, max, .. } => {
                    needs.push(quote! {
                        match #krate::slice_bound::<#elem>(#max) {
                            ::core::option::Option::Some(__arena_bytes) => __arena_bytes,
                            ::core::option::Option::None => ::core::primitive::usize::MAX,
                        }
                    });
                    copies.push(quote_spanned! {span=>
                        let #binding = #krate::Line::try_vec_with_capacity::<#elem>(#line, #max)?;
                    });
                }
            }
        }
        if copies.is_empty() {
            // A single allocation fails as a whole already.
            return TokenStream::new();
        }
        let need = needs.iter().fold(
            quote!(0),
            |acc, need| quote!(::core::primitive::usize::saturating_add(#acc, #need)),
        );
        quote! {
            #(#length_checks)*
            #krate::__private::check_room(#line, #need)?;
            #(#copies)*
        }
    }

    fn force_bound(&self) -> TokenStream {
        let krate = self.krate;
        // Evaluating the bound runs the deferred checks for this instantiation.
        quote! {
            let _: ::core::primitive::usize = const { <Self as #krate::ScanLocal>::SCAN_BOUND };
        }
    }

    fn describe_fields(&self, shape: &Shape<'_>) -> String {
        let parts: Vec<String> = shape
            .fields
            .iter()
            .filter_map(|f| match &f.kind {
                Kind::Plain => None,
                Kind::Slice { max, .. } => {
                    Some(format!("`{}` (at most {} elements)", f.name, max_text(max)))
                }
                Kind::Str { max, .. } => {
                    Some(format!("`{}` (at most {} bytes)", f.name, max_text(max)))
                }
                Kind::Child { .. } => Some(format!("`{}` (allocated)", f.name)),
                Kind::Vec { max, .. } => Some(format!(
                    "`{}` (made empty, with room for {} elements)",
                    f.name,
                    max_text(max)
                )),
            })
            .collect();
        parts.join(", ")
    }

    /// The arguments that forward a constructor's parameters, in order.
    fn args(&self, fields: &[Field<'_>]) -> Vec<TokenStream> {
        fields
            .iter()
            .filter(|field| !matches!(field.kind, Kind::Vec { .. }))
            .map(|field| {
                let binding = &field.binding;
                quote!(#binding)
            })
            .collect()
    }
}

/// The `# Panics` text of a constructor whose `try_` form checks lengths and room.
const TOO_LONG_OR_FULL: &str = "If an input is too long or the line is full.";

/// Whether a constructor of these fields makes a `LineVec` (and so keeps a line borrow).
fn borrows_line(fields: &[Field<'_>]) -> bool {
    fields.iter().any(|f| matches!(f.kind, Kind::Vec { .. }))
}

/// `try_new_in` for `new_in`.
fn try_name(pair: &Pair) -> Ident {
    format_ident!("try_{}", pair.name)
}

fn max_text(max: &Max) -> String {
    match max {
        Max::Literal(lit) => lit.base10_digits().to_owned(),
        Max::Const(path) => quote!(#path).to_string().replace(' ', ""),
    }
}
