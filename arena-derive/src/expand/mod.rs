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

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, GenericParam, Ident, Path, WherePredicate};

use crate::attr::{Errors, Max};
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

    /// The compile-time assertions, split into those that can be checked where the type is
    /// declared and those that must wait for its parameters.
    fn checks(&self) -> (Vec<TokenStream>, Vec<TokenStream>) {
        let mut free = Vec::new();
        let mut generic = Vec::new();
        let mut push = |is_generic: bool, check: TokenStream| {
            if is_generic {
                generic.push(check);
            } else {
                free.push(check);
            }
        };
        let mut owned_types = Vec::new();
        for shape in self.shapes() {
            for field in shape.fields {
                let (ty, message) = match &field.kind {
                    Kind::Plain => (
                        field.ty,
                        format!(
                            "`{}::{}` needs dropping (its type implements Drop or owns a String, \
                             Vec, Box or similar), but a scan-line arena never runs \
                             destructors: store plain data inline, copy text and slices into \
                             the line with a `&'l str` / `&'l [E]` field and #[scan(max = N)], \
                             or keep the owning value outside the arena",
                            shape.display, field.name
                        ),
                    ),
                    Kind::Child { referent, .. } => (
                        *referent,
                        format!(
                            "`{}::{}` is a #[scan(child)] allocated in the line, and its type \
                             needs dropping, but a scan-line arena never runs destructors: \
                             make the child plain data",
                            shape.display, field.name
                        ),
                    ),
                    Kind::Slice { max, .. } | Kind::Str { max, .. } => {
                        if let Max::Const(path) = max {
                            let message = format!(
                                "`{}::{}`: #[scan(max = {})] must be at least 1: give the largest \
                                 length the field can hold",
                                shape.display,
                                field.name,
                                quote!(#path).to_string().replace(' ', "")
                            );
                            push(
                                self.is_generic(quote!(#path)),
                                quote_spanned!(path.span()=> ::core::assert!(#path > 0, #message)),
                            );
                        }
                        continue;
                    }
                };
                push(
                    self.is_generic(quote!(#ty)),
                    quote_spanned! {ty.span()=>
                        ::core::assert!(!::core::mem::needs_drop::<#ty>(), #message)
                    },
                );
                owned_types.push(ty);
            }
        }
        // `T` itself implementing `Drop` (and no field explaining its drop glue).
        let name = self.name;
        let (_, ty_generics, _) = self.input.ast.generics.split_for_impl();
        let self_generic = !self.params.is_empty();
        let this = if self_generic {
            quote!(Self)
        } else {
            quote!(#name #ty_generics)
        };
        let message = format!(
            "`{name}` implements Drop, but a scan-line arena never runs destructors, so its \
             drop would never run: remove the Drop impl (release what it holds another way), \
             or keep the type out of the arena"
        );
        let field_glue = owned_types
            .iter()
            .map(|ty| quote!(|| ::core::mem::needs_drop::<#ty>()));
        let check = quote_spanned! {name.span()=>
            ::core::assert!(
                !::core::mem::needs_drop::<#this>() #(#field_glue)*,
                #message
            )
        };
        // The Self check must see the same parameters as the field checks it excuses.
        let is_generic = self_generic || owned_types.iter().any(|ty| self.is_generic(quote!(#ty)));
        push(is_generic, check);
        (free, generic)
    }

    /// The extra bytes of one field beyond the value's own slot.
    fn field_extra(&self, shape: &Shape<'_>, field: &Field<'_>) -> Option<TokenStream> {
        let krate = self.krate;
        let slice = |elem: TokenStream, max: &Max| {
            let message = format!(
                "`{}::{}`: #[scan(max = ...)] elements take more bytes than fit in usize: lower \
                 the max",
                shape.display, field.name
            );
            quote_spanned! {max.span()=>
                match #krate::slice_bound::<#elem>(#max) {
                    ::core::option::Option::Some(__arena_bytes) => __arena_bytes,
                    ::core::option::Option::None => ::core::panic!(#message),
                }
            }
        };
        match &field.kind {
            Kind::Plain => None,
            Kind::Slice { elem, max, .. } => Some(slice(quote!(#elem), max)),
            Kind::Str { max, .. } => Some(slice(quote!(::core::primitive::u8), max)),
            Kind::Child { referent, .. } => Some(quote_spanned! {referent.span()=>
                <#referent as #krate::ScanLocal>::SCAN_BOUND
            }),
        }
    }

    fn shape_extra(&self, shape: &Shape<'_>) -> TokenStream {
        let krate = self.krate;
        shape
            .fields
            .iter()
            .filter_map(|f| self.field_extra(shape, f))
            .fold(
                quote!(0),
                |acc, extra| quote!(#krate::__private::add_or_panic(#acc, #extra)),
            )
    }

    /// `SCAN_BOUND`: the slot of the value plus the worst case of its arena-backed fields,
    /// the largest over the variants of an enum.
    fn bound(&self) -> TokenStream {
        let krate = self.krate;
        let extra = match &self.input.body {
            Body::Struct(..) => self.shape_extra(&self.shapes()[0]),
            Body::Enum(_) => {
                let variants = self.shapes();
                let extras = variants.iter().map(|shape| self.shape_extra(shape));
                quote! {{
                    let mut __arena_max: ::core::primitive::usize = 0;
                    #(
                        let __arena_variant: ::core::primitive::usize = #extras;
                        if __arena_variant > __arena_max {
                            __arena_max = __arena_variant;
                        }
                    )*
                    __arena_max
                }}
            }
        };
        quote!(#krate::__private::add_or_panic(#krate::slot_bound::<Self>(), #extra))
    }

    fn constructors(&self) -> TokenStream {
        let Some(base) = &self.input.attrs.constructor else {
            return TokenStream::new();
        };
        let name = self.name;
        let (impl_generics, ty_generics, _) = self.input.ast.generics.split_for_impl();
        let where_clause = self.where_clause(true);
        let try_base = format_ident!("try_{}", base);
        let mut methods = Vec::new();
        match &self.input.body {
            Body::Struct(..) => {
                let shape = &self.shapes()[0];
                methods.push(self.allocating(shape, base, &try_base));
                if shape.fields.iter().any(|f| f.kind.is_arena_backed()) {
                    methods.push(self.by_value(shape, &format_ident!("build_in")));
                }
            }
            Body::Enum(variants) => {
                methods.push(self.move_in(base, &try_base));
                for (variant, shape) in variants.iter().zip(self.shapes()) {
                    if !shape.fields.iter().any(|f| f.kind.is_arena_backed()) {
                        continue;
                    }
                    let snake = model::snake_case(&variant.ident.to_string());
                    let new = format_ident!("new_{}_in", snake);
                    let try_new = format_ident!("try_new_{}_in", snake);
                    methods.push(self.allocating(&shape, &new, &try_new));
                    methods.push(self.by_value(&shape, &format_ident!("build_{}_in", snake)));
                }
            }
        }
        quote! {
            #[automatically_derived]
            impl #impl_generics #name #ty_generics #where_clause {
                #(#methods)*
            }
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
            | Kind::Child { lifetime, .. } = &field.kind
                && !seen.contains(lifetime)
            {
                seen.push(lifetime);
            }
        }
        quote!(where #('__arena_line: #seen,)* Self: '__arena_line)
    }

    fn params(&self, fields: &[Field<'_>]) -> Vec<TokenStream> {
        fields
            .iter()
            .map(|field| {
                let binding = &field.binding;
                let ty: TokenStream = match &field.kind {
                    Kind::Plain => {
                        let ty = field.ty;
                        quote!(#ty)
                    }
                    Kind::Slice { elem, .. } => quote!(&[#elem]),
                    Kind::Str { .. } => quote!(&::core::primitive::str),
                    Kind::Child { referent, .. } => quote!(#referent),
                };
                quote!(#binding: #ty)
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
            })
            .collect();
        parts.join(", ")
    }

    /// `new_in` / `try_new_in` (or a variant's `new_<variant>_in`): the value in the line.
    fn allocating(&self, shape: &Shape<'_>, new: &Ident, try_new: &Ident) -> TokenStream {
        let krate = self.krate;
        let vis = &self.input.ast.vis;
        let line = &self.line;
        let params = self.params(shape.fields);
        let bindings = shape.fields.iter().map(|f| &f.binding);
        let method_where = self.method_where(shape.fields);
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
        let new_doc = format!(
            "[`{try_new}`](Self::{try_new}), panicking with the error's message.\n\n\
             # Panics\n\nIf an input is too long or the line is full."
        );
        quote! {
            #[doc = #try_doc]
            #[inline]
            #[allow(clippy::too_many_arguments)]
            #vis fn #try_new<'__arena_line>(
                #line: &#krate::Line<'__arena_line>,
                #(#params),*
            ) -> ::core::result::Result<&'__arena_line mut Self, #krate::ScanError>
            #method_where
            {
                #force
                #fill
                ::core::result::Result::Ok(#krate::Line::try_alloc(#line, #construct)?)
            }

            #[doc = #new_doc]
            #[inline]
            #[track_caller]
            #[allow(clippy::too_many_arguments)]
            #vis fn #new<'__arena_line>(
                #line: &#krate::Line<'__arena_line>,
                #(#params),*
            ) -> &'__arena_line mut Self
            #method_where
            {
                match Self::#try_new(#line, #(#bindings),*) {
                    ::core::result::Result::Ok(__arena_value) => __arena_value,
                    ::core::result::Result::Err(__arena_error) => {
                        ::core::panic!("{}", __arena_error)
                    }
                }
            }
        }
    }

    /// `build_in` / `try_build_in`: the value by value, its arena-backed fields in the line.
    fn by_value(&self, shape: &Shape<'_>, build: &Ident) -> TokenStream {
        let krate = self.krate;
        let vis = &self.input.ast.vis;
        let line = &self.line;
        let try_build = format_ident!("try_{}", build);
        let params = self.params(shape.fields);
        let bindings = shape.fields.iter().map(|f| &f.binding);
        let method_where = self.method_where(shape.fields);
        let fill = self.fill(shape, false);
        let construct = self.construct(shape);
        let force = self.force_bound();
        let try_doc = format!(
            "Builds a `{}` by value, copying its arena-backed fields into `{line}`: {}. For a \
             value that becomes a `#[scan(child)]` of another type (whose bound counts these \
             copies) or is stored inline.\n\n\
             # Errors\n\n`ScanError::TooLong` if an input is longer than its field's `max` \
             (never truncated); `ScanError::Full` if the line has less room left than the \
             worst case for these inputs. Either way nothing was allocated.",
            shape.display,
            self.describe_fields(shape)
        );
        let doc = format!(
            "[`{try_build}`](Self::{try_build}), panicking with the error's message.\n\n\
             # Panics\n\nIf an input is too long or the line is full."
        );
        quote! {
            #[doc = #try_doc]
            #[inline]
            #[allow(clippy::too_many_arguments)]
            #vis fn #try_build<'__arena_line>(
                #line: &#krate::Line<'__arena_line>,
                #(#params),*
            ) -> ::core::result::Result<Self, #krate::ScanError>
            #method_where
            {
                #force
                #fill
                ::core::result::Result::Ok(#construct)
            }

            #[doc = #doc]
            #[inline]
            #[track_caller]
            #[allow(clippy::too_many_arguments)]
            #vis fn #build<'__arena_line>(
                #line: &#krate::Line<'__arena_line>,
                #(#params),*
            ) -> Self
            #method_where
            {
                match Self::#try_build(#line, #(#bindings),*) {
                    ::core::result::Result::Ok(__arena_value) => __arena_value,
                    ::core::result::Result::Err(__arena_error) => {
                        ::core::panic!("{}", __arena_error)
                    }
                }
            }
        }
    }

    /// An enum's `new_in(&line, value)`: moves a whole value in.
    fn move_in(&self, new: &Ident, try_new: &Ident) -> TokenStream {
        let krate = self.krate;
        let vis = &self.input.ast.vis;
        let force = self.force_bound();
        let name = self.name;
        let try_doc = format!(
            "Moves `value` into `line`. Takes at most `slot_bound::<{name}>()` bytes (a \
             variant's `new_<variant>_in` copies its arena-backed fields in too).\n\n\
             # Errors\n\n`ScanError::Full` if the line has no room; the line is then unchanged."
        );
        let doc = format!(
            "[`{try_new}`](Self::{try_new}), panicking with the error's message.\n\n\
             # Panics\n\nIf the line is full."
        );
        quote! {
            #[doc = #try_doc]
            #[inline]
            #vis fn #try_new<'__arena_line>(
                line: &#krate::Line<'__arena_line>,
                value: Self,
            ) -> ::core::result::Result<&'__arena_line mut Self, #krate::ScanError>
            where
                Self: '__arena_line,
            {
                #force
                ::core::result::Result::Ok(#krate::Line::try_alloc(line, value)?)
            }

            #[doc = #doc]
            #[inline]
            #[track_caller]
            #vis fn #new<'__arena_line>(
                line: &#krate::Line<'__arena_line>,
                value: Self,
            ) -> &'__arena_line mut Self
            where
                Self: '__arena_line,
            {
                match Self::#try_new(line, value) {
                    ::core::result::Result::Ok(__arena_value) => __arena_value,
                    ::core::result::Result::Err(__arena_error) => {
                        ::core::panic!("{}", __arena_error)
                    }
                }
            }
        }
    }
}

fn max_text(max: &Max) -> String {
    match max {
        Max::Literal(lit) => lit.base10_digits().to_owned(),
        Max::Const(path) => quote!(#path).to_string().replace(' ', ""),
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
}
