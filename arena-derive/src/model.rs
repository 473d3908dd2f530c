//! The validated shape of a derive input: what each field is to the arena.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::format_ident;
use syn::{DeriveInput, Ident, Lifetime, Member, Type};

use crate::attr::{self, ContainerAttrs, Max};
use crate::errors::Errors;

/// What a field is to the arena.
pub(crate) enum Kind<'a> {
    /// Stored inline, or a reference borrowed from data counted elsewhere: adds nothing.
    Plain,
    /// `&'l [E]` with `#[scan(max = N)]`: the constructor copies at most N elements in.
    Slice {
        elem: &'a Type,
        max: Max,
        lifetime: &'a Lifetime,
    },
    /// `&'l str` with `#[scan(max = N)]`: the constructor copies at most N bytes in.
    Str { max: Max, lifetime: &'a Lifetime },
    /// `LineVec<'l, E>` with `#[scan(max = N)]`: the constructor reserves room for N
    /// elements and starts the vector empty.
    Vec {
        elem: &'a Type,
        max: Max,
        lifetime: &'a Lifetime,
    },
    /// `&'l C` with `#[scan(child)]`: the constructor takes a `C` and allocates it.
    Child {
        referent: &'a Type,
        lifetime: &'a Lifetime,
    },
}

impl Kind<'_> {
    pub(crate) fn is_arena_backed(&self) -> bool {
        !matches!(self, Kind::Plain)
    }
}

pub(crate) struct Field<'a> {
    /// How the field is named in a struct expression (`name` or `0`).
    pub(crate) member: Member,
    /// The constructor parameter that carries it.
    pub(crate) binding: Ident,
    /// The field's name in error messages (`points`, `0`).
    pub(crate) name: String,
    pub(crate) ty: &'a Type,
    pub(crate) kind: Kind<'a>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Named,
    Unnamed,
    Unit,
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) style: Style,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) enum Body<'a> {
    Struct(Style, Vec<Field<'a>>),
    Enum(Vec<Variant<'a>>),
}

pub(crate) struct Input<'a> {
    pub(crate) ast: &'a DeriveInput,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) body: Body<'a>,
}

impl Input<'_> {
    pub(crate) fn all_fields(&self) -> Box<dyn Iterator<Item = &Field<'_>> + '_> {
        match &self.body {
            Body::Struct(_, fields) => Box::new(fields.iter()),
            Body::Enum(variants) => Box::new(variants.iter().flat_map(|v| v.fields.iter())),
        }
    }
}

/// Peels the invisible groups a `macro_rules!` expansion can wrap a type in.
fn peel(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Group(g) => ty = &g.elem,
            Type::Paren(p) => ty = &p.elem,
            _ => return ty,
        }
    }
}

enum Shape<'a> {
    Value,
    SliceRef(&'a syn::TypeReference, &'a Type),
    StrRef(&'a syn::TypeReference),
    Ref(&'a syn::TypeReference),
    /// `LineVec<'l, E>` (any path ending in `LineVec`): its lifetime and element type.
    LineVec(&'a Lifetime, &'a Type),
}

fn shape(ty: &Type) -> Shape<'_> {
    if let Some((lifetime, elem)) = line_vec(peel(ty)) {
        return Shape::LineVec(lifetime, elem);
    }
    let Type::Reference(r) = peel(ty) else {
        return Shape::Value;
    };
    match peel(&r.elem) {
        Type::Slice(s) => Shape::SliceRef(r, &s.elem),
        Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => Shape::StrRef(r),
        _ => Shape::Ref(r),
    }
}

/// `LineVec<'l, E>`: a path whose last segment is `LineVec` with a lifetime and a type.
fn line_vec(ty: &Type) -> Option<(&Lifetime, &Type)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if p.qself.is_some() || last.ident != "LineVec" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match (args.args.first(), args.args.get(1), args.args.len()) {
        (Some(syn::GenericArgument::Lifetime(lt)), Some(syn::GenericArgument::Type(elem)), 2) => {
            Some((lt, elem))
        }
        _ => None,
    }
}

/// The lifetime of a reference that the constructor fills from the line: it must be one of
/// the type's own lifetime parameters, which the line's lifetime then outlives.
fn line_lifetime<'a>(r: &'a syn::TypeReference, errors: &mut Errors) -> Option<&'a Lifetime> {
    named_lifetime(r.lifetime.as_ref(), errors)
}

fn named_lifetime<'a>(lifetime: Option<&'a Lifetime>, errors: &mut Errors) -> Option<&'a Lifetime> {
    match lifetime {
        Some(lt) if lt.ident == "static" => {
            errors.at(
                lt.span(),
                "a field filled from the line cannot be `'static`: the line is released at \
                 the end of the scan-line. Borrow for a lifetime parameter of the type \
                 (`&'l ...`), or mark the field #[scan(borrowed)] if it points at static data",
            );
            None
        }
        Some(lt) => Some(lt),
        None => None,
    }
}

fn classify<'a>(ty: &'a Type, attrs: attr::FieldAttrs, errors: &mut Errors) -> Kind<'a> {
    let shape = shape(ty);
    let conflict = |errors: &mut Errors, span: Span, a: &str, b: &str| {
        errors.at(
            span,
            format!("#[scan({a})] and #[scan({b})] exclude each other: keep the one that says what the field is"),
        );
    };
    if let Some((max_span, max)) = attrs.max {
        if let Some(child) = attrs.child {
            conflict(errors, child, "max", "child");
        }
        if let Some(borrowed) = attrs.borrowed {
            conflict(errors, borrowed, "max", "borrowed");
        }
        return match shape {
            Shape::SliceRef(r, elem) => match line_lifetime(r, errors) {
                Some(lifetime) => Kind::Slice {
                    elem,
                    max,
                    lifetime,
                },
                None => Kind::Plain,
            },
            Shape::StrRef(r) => match line_lifetime(r, errors) {
                Some(lifetime) => Kind::Str { max, lifetime },
                None => Kind::Plain,
            },
            Shape::LineVec(lifetime, elem) => match named_lifetime(Some(lifetime), errors) {
                Some(lifetime) => Kind::Vec {
                    elem,
                    max,
                    lifetime,
                },
                None => Kind::Plain,
            },
            Shape::Ref(_) | Shape::Value => {
                errors.at(
                    max_span,
                    "#[scan(max = N)] bounds a `&'l [E]` or `&'l str` field that the constructor \
                     copies into the line, or a `LineVec<'l, E>` it reserves; this field is none \
                     of these. For a `&'l C` allocated by the constructor use #[scan(child)]; \
                     for an inline value remove the attribute",
                );
                Kind::Plain
            }
        };
    }
    if let Some(child) = attrs.child {
        if let Some(borrowed) = attrs.borrowed {
            conflict(errors, borrowed, "child", "borrowed");
        }
        return match shape {
            Shape::Ref(r) => match line_lifetime(r, errors) {
                Some(lifetime) => Kind::Child {
                    referent: &r.elem,
                    lifetime,
                },
                None => Kind::Plain,
            },
            Shape::SliceRef(..) | Shape::StrRef(_) => {
                errors.at(
                    child,
                    "#[scan(child)] allocates one value; a `&[E]` or `&str` field is copied \
                     into the line with #[scan(max = N)] instead",
                );
                Kind::Plain
            }
            Shape::LineVec(..) => {
                errors.at(
                    child,
                    "#[scan(child)] allocates one value; a `LineVec<'l, E>` field is reserved \
                     with #[scan(max = N)] instead (N elements of capacity)",
                );
                Kind::Plain
            }
            Shape::Value => {
                errors.at(
                    child,
                    "#[scan(child)] needs a reference field `&'l C`: the constructor takes a `C` \
                     and allocates it in the line. Make the field a `&'l C`, or remove \
                     #[scan(child)] to store the value inline",
                );
                Kind::Plain
            }
        };
    }
    if let Some(borrowed) = attrs.borrowed {
        if matches!(shape, Shape::Value) {
            errors.at(
                borrowed,
                "#[scan(borrowed)] marks a reference to data counted elsewhere; this field is \
                 an inline value: remove the attribute",
            );
        }
        return Kind::Plain;
    }
    if let Shape::LineVec(..) = shape
        && !attrs.invalid
    {
        errors.spanned(
            ty,
            "a `LineVec<'l, E>` field needs a capacity: add #[scan(max = N)] so the constructor \
             reserves room for N elements in the line (and the bound counts them), or \
             #[scan(borrowed)] to pass in a vector made and counted elsewhere",
        );
    }
    if let Shape::SliceRef(..) | Shape::StrRef(_) = shape
        && !attrs.invalid
    {
        errors.spanned(
            ty,
            "a `&[E]` or `&str` field needs a bound: add #[scan(max = N)] so the constructor \
             copies at most N elements (bytes for `&str`) into the line, or #[scan(borrowed)] if \
             it points at data counted elsewhere (static, or already in the line)",
        );
    }
    Kind::Plain
}

fn fields<'a>(fields: &'a syn::Fields, errors: &mut Errors) -> (Style, Vec<Field<'a>>) {
    let style = match fields {
        syn::Fields::Named(_) => Style::Named,
        syn::Fields::Unnamed(_) => Style::Unnamed,
        syn::Fields::Unit => Style::Unit,
    };
    let mut out = Vec::new();
    // A parameter called `line` would clash with the constructor's first parameter.
    for (index, field) in fields.iter().enumerate() {
        let attrs = attr::field(&field.attrs, errors);
        let (member, binding, name) = match &field.ident {
            Some(ident) => {
                let name = ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
                (Member::Named(ident.clone()), ident.clone(), name)
            }
            None => (
                Member::Unnamed(index.into()),
                format_ident!("__arena_{}", index),
                index.to_string(),
            ),
        };
        let kind = classify(&field.ty, attrs, errors);
        out.push(Field {
            member,
            binding,
            name,
            ty: &field.ty,
            kind,
        });
    }
    (style, out)
}

pub(crate) fn parse<'a>(ast: &'a DeriveInput, errors: &mut Errors) -> Input<'a> {
    let attrs = attr::container(&ast.attrs, errors);
    let body = match &ast.data {
        syn::Data::Struct(data) => {
            let (style, fields) = fields(&data.fields, errors);
            Body::Struct(style, fields)
        }
        syn::Data::Enum(data) => Body::Enum(
            data.variants
                .iter()
                .map(|v| {
                    attr::variant(&v.attrs, errors);
                    let (style, fields) = fields(&v.fields, errors);
                    Variant {
                        ident: &v.ident,
                        style,
                        fields,
                    }
                })
                .collect(),
        ),
        syn::Data::Union(data) => {
            errors.at(
                data.union_token.span,
                "#[derive(ScanLocal)] does not support unions: a union's bound depends on which \
                 field is live, which the type does not say. Use a struct or an enum",
            );
            Body::Struct(Style::Unit, Vec::new())
        }
    };
    Input { ast, attrs, body }
}

/// Whether `tokens` name one of `params` (type or const parameters) or `Self`: such a type
/// can only be checked once the parameters are known.
pub(crate) fn mentions(tokens: TokenStream, params: &[Ident]) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(ident) => ident == "Self" || params.contains(&ident),
        TokenTree::Group(group) => mentions(group.stream(), params),
        _ => false,
    })
}

/// `tokens` with every lifetime in `lifetimes` replaced by `'static`. Drop glue does not
/// depend on lifetimes, so a check on the result holds for every lifetime, and it can be a
/// free `const` item that the compiler evaluates even under `cargo check`.
pub(crate) fn erase_lifetimes(tokens: TokenStream, lifetimes: &[Ident]) -> TokenStream {
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                if let Some(TokenTree::Ident(ident)) = iter.peek()
                    && lifetimes.contains(ident)
                {
                    let ident = Ident::new("static", ident.span());
                    iter.next();
                    out.push(TokenTree::Punct(p));
                    out.push(TokenTree::Ident(ident));
                    continue;
                }
                out.push(TokenTree::Punct(p));
            }
            TokenTree::Group(g) => {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), erase_lifetimes(g.stream(), lifetimes));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// `PolyLine` -> `poly_line`, `HTTPServer` -> `http_server`: variant names in method names.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                None | Some('_') => false,
                Some(p) => {
                    p.is_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
                }
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn errors_of(input: TokenStream) -> Vec<String> {
        let ast: DeriveInput = syn::parse2(input).unwrap();
        let mut errors = Errors::default();
        let _ = parse(&ast, &mut errors);
        match errors.finish() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    /// One error per expected message, in order, each containing its message.
    fn assert_messages(errors: &[String], expected: &[&str]) {
        assert_eq!(errors.len(), expected.len(), "{errors:#?}");
        for (got, want) in errors.iter().zip(expected) {
            assert!(got.contains(want), "{got:?} should contain {want:?}");
        }
    }

    #[test]
    fn snake_case_splits_words_and_acronyms() {
        assert_eq!(snake_case("PolyLine"), "poly_line");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("Rgb8"), "rgb8");
        assert_eq!(snake_case("V2Data"), "v2_data");
        assert_eq!(snake_case("Solid"), "solid");
    }

    #[test]
    fn every_attribute_error_is_reported_in_one_pass() {
        let errors = errors_of(quote! {
            #[scan(constructor = "1x", colour)]
            struct S<'l> {
                #[scan(max = 0)] a: &'l [u8],
                #[scan(max = "8")] b: &'l str,
                #[scan(max = 2, max = 3)] c: &'l [u8],
                #[scan(child)] d: u32,
                e: &'l [u8],
                #[scan(wat = 1, child)] f: &'l u8,
            }
        });
        let expected = [
            "is not a function name",
            "unknown #[scan] option `colour` on a type",
            "#[scan(max = 0)] allows no elements",
            "takes a whole number of elements",
            "duplicate #[scan] option `max`",
            "#[scan(child)] needs a reference field",
            "a `&[E]` or `&str` field needs a bound",
            "unknown #[scan] option `wat` on a field",
        ];
        assert_messages(&errors, &expected);
    }

    #[test]
    fn misplaced_and_conflicting_options_say_where_they_belong() {
        let errors = errors_of(quote! {
            #[scan(max = 3, no_constructor, constructor = "make")]
            enum E<'l> {
                #[scan(child)]
                A(#[scan(crate = "x")] u8),
                B(#[scan(child, max = 2)] &'l [u8], #[scan(max = 2)] &'static str),
            }
        });
        let expected = [
            "is a field option",
            "turns off: keep one of the two",
            "#[scan] has no options on an enum variant",
            "is an option of the type",
            "exclude each other",
            "cannot be `'static`",
        ];
        assert_messages(&errors, &expected);
    }

    #[test]
    fn a_flag_given_a_value_says_it_takes_none_and_parsing_goes_on() {
        let errors = errors_of(quote! {
            #[scan(no_constructor = true, colour)]
            struct S<'l> {
                #[scan(child(x), wat)] a: &'l u8,
                #[scan(borrowed = 1)] b: &'static str,
            }
        });
        let expected = [
            "#[scan(no_constructor)] takes no value: write just `no_constructor`",
            "unknown #[scan] option `colour` on a type",
            "#[scan(child)] takes no value: write just `child`",
            "unknown #[scan] option `wat` on a field",
            "#[scan(borrowed)] takes no value: write just `borrowed`",
        ];
        assert_messages(&errors, &expected);
    }

    #[test]
    fn max_is_a_number_or_the_path_of_a_constant() {
        let errors = errors_of(quote! {
            struct S<'l> {
                #[scan(max = <Sizes as Limits>::LEN)] a: &'l [u8],
                #[scan(max = LEN + 1)] b: &'l [u8],
                #[scan(max = 8u32)] c: &'l [u8],
                #[scan(max = sizes::LEN)] d: &'l [u8],
                #[scan(max = 8usize)] e: &'l str,
            }
        });
        let expected = [
            "#[scan(max = ...)] takes a whole number of elements",
            "#[scan(max = ...)] takes a whole number of elements",
            "#[scan(max = N)] is a `usize`: drop the suffix",
        ];
        assert_messages(&errors, &expected);
    }

    #[test]
    fn fields_are_classified_by_type_and_attribute() {
        let ast: DeriveInput = syn::parse_quote! {
            struct S<'l, T> {
                #[scan(max = 4)] a: &'l [T],
                #[scan(max = LEN)] b: &'l mut str,
                #[scan(child)] c: &'l T,
                d: &'l T,
                #[scan(borrowed)] e: &'static str,
                f: [T; 2],
                #[scan(max = 3)] g: LineVec<'l, T>,
                #[scan(max = 3)] h: ::arena_core::LineVec<'l, u8>,
                #[scan(borrowed)] i: LineVec<'l, u8>,
            }
        };
        let mut errors = Errors::default();
        let input = parse(&ast, &mut errors);
        assert!(errors.finish().is_ok());
        let kinds: Vec<&str> = input
            .all_fields()
            .map(|f| match f.kind {
                Kind::Plain => "plain",
                Kind::Slice { .. } => "slice",
                Kind::Str { .. } => "str",
                Kind::Vec { .. } => "vec",
                Kind::Child { .. } => "child",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "slice", "str", "child", "plain", "plain", "plain", "vec", "vec", "plain"
            ]
        );
    }

    #[test]
    fn a_type_passed_through_a_macro_rules_ty_is_classified_by_what_it_is() {
        // A `$t:ty` fragment reaches the derive wrapped in an invisible group.
        let wrap = |ty: TokenStream| {
            quote::ToTokens::into_token_stream(proc_macro2::Group::new(
                proc_macro2::Delimiter::None,
                ty,
            ))
        };
        let (slice, text, child) = (
            wrap(quote!(&'l [u8])),
            wrap(quote!(&'l str)),
            wrap(quote!((&'l u8))),
        );
        let ast: DeriveInput = syn::parse2(quote! {
            struct S<'l> {
                #[scan(max = 4)] a: #slice,
                #[scan(max = 4)] b: #text,
                #[scan(child)] c: #child,
            }
        })
        .unwrap();
        let mut errors = Errors::default();
        let input = parse(&ast, &mut errors);
        assert!(errors.finish().is_ok());
        let kinds: Vec<&str> = input
            .all_fields()
            .map(|f| match f.kind {
                Kind::Slice { .. } => "slice",
                Kind::Str { .. } => "str",
                Kind::Child { .. } => "child",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["slice", "str", "child"]);
    }

    #[test]
    fn only_a_type_named_line_vec_is_a_line_vec() {
        let ast: DeriveInput = syn::parse_quote! {
            struct S<'l> {
                a: Pair<'l, u8>,
                b: <Kinds as Collections>::LineVec<'l, u8>,
                #[scan(max = 2)] c: arena::LineVec<'l, u8>,
            }
        };
        let mut errors = Errors::default();
        let input = parse(&ast, &mut errors);
        assert!(errors.finish().is_ok());
        let vecs: Vec<bool> = input
            .all_fields()
            .map(|f| matches!(f.kind, Kind::Vec { .. }))
            .collect();
        assert_eq!(vecs, [false, false, true]);
    }

    #[test]
    fn a_line_vec_needs_a_capacity_not_child() {
        let errors = errors_of(quote! {
            struct S<'l> {
                a: LineVec<'l, u8>,
                #[scan(child)] b: LineVec<'l, u8>,
                #[scan(max = 2)] c: LineVec<'static, u8>,
                #[scan(max = 2)] ok: LineVec<'l, u8>,
                #[scan(borrowed)] made_elsewhere: LineVec<'l, u8>,
            }
        });
        let expected = [
            "a `LineVec<'l, E>` field needs a capacity",
            "a `LineVec<'l, E>` field is reserved with #[scan(max = N)]",
            "cannot be `'static`",
        ];
        assert_eq!(errors.len(), expected.len(), "{errors:#?}");
        for (got, want) in errors.iter().zip(expected) {
            assert!(got.contains(want), "{got:?} should contain {want:?}");
        }
    }

    #[test]
    fn a_path_named_like_a_lifetime_is_not_erased() {
        // A module `l` next to a lifetime `'l`: only the lifetime becomes `'static`.
        let l = [Ident::new("l", Span::call_site())];
        let erased = erase_lifetimes(quote!(Wrap<l::Item, &'l u8>), &l).to_string();
        assert_eq!(erased, quote!(Wrap<l::Item, &'static u8>).to_string());
    }

    #[test]
    fn lifetimes_are_erased_and_parameters_found() {
        let ty: Type = syn::parse_quote!(&'l [Option<&'m T>]);
        let l = [Ident::new("l", Span::call_site())];
        let erased = erase_lifetimes(quote!(#ty), &l).to_string();
        assert_eq!(erased, quote!(&'static [Option<&'m T>]).to_string());
        let t = [Ident::new("T", Span::call_site())];
        assert!(mentions(quote!(#ty), &t));
        assert!(!mentions(quote!(&'l [u8]), &t));
        assert!(mentions(quote!(Option<Self>), &t));
    }
}
