//! Parsing `#[scan(...)]` attributes. Every problem is recorded in [`Errors`] and parsing goes
//! on, so one compile reports all of them, each at the offending token.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Ident, Lit, LitStr, Path, Token};

use crate::errors::Errors;

/// Options on the type: `#[scan(crate = "...", constructor = "...", no_constructor)]`.
pub(crate) struct ContainerAttrs {
    /// The path of arena-core in the generated code.
    pub(crate) krate: Path,
    /// `None` with `no_constructor`; otherwise the name of the allocating constructor.
    pub(crate) constructor: Option<Ident>,
}

/// The bound of a `#[scan(max = N)]` field: a literal or the path of a `usize` constant.
#[derive(Clone)]
pub(crate) enum Max {
    Literal(syn::LitInt),
    Const(Path),
}

impl Max {
    pub(crate) fn span(&self) -> Span {
        match self {
            Max::Literal(lit) => lit.span(),
            Max::Const(path) => path.span(),
        }
    }
}

impl quote::ToTokens for Max {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        match self {
            // Re-emitted with a suffix so `max = 8u8` cannot change the comparison's type.
            Max::Literal(lit) => {
                let value = lit.base10_parse::<usize>().unwrap_or(0);
                syn::LitInt::new(&format!("{value}usize"), lit.span()).to_tokens(tokens);
            }
            Max::Const(path) => path.to_tokens(tokens),
        }
    }
}

/// Options on one field: `max = N`, `child`, `borrowed`, each with the span of its key.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) max: Option<(Span, Max)>,
    pub(crate) child: Option<Span>,
    pub(crate) borrowed: Option<Span>,
    /// An option was unknown or malformed: further errors about the field would only echo it.
    pub(crate) invalid: bool,
}

const CONTAINER_KEYS: &str = "`crate = \"path\"`, `constructor = \"name\"` and `no_constructor`";
const FIELD_KEYS: &str = "`max = N`, `child` and `borrowed`";

fn is_scan(attr: &Attribute) -> bool {
    attr.path().is_ident("scan")
}

/// Skips the value of an unknown or misplaced key (`= expr` or `(...)`), so the keys after
/// it are still checked.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let list;
        syn::parenthesized!(list in meta.input);
        // Consumed whole: tokens left in the group would add a second, confusing error.
        list.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

fn key_name(path: &Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}

fn duplicate(errors: &mut Errors, span: Span, key: &str) {
    errors.at(
        span,
        format!("duplicate #[scan] option `{key}`: give each option once"),
    );
}

fn takes_no_value(meta: &syn::meta::ParseNestedMeta<'_>, errors: &mut Errors, key: &str) {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        errors.at(
            meta.path.span(),
            format!("#[scan({key})] takes no value: write just `{key}`"),
        );
        let _ = skip_value(meta);
    }
}

fn string_value(meta: &syn::meta::ParseNestedMeta<'_>, key: &str) -> syn::Result<LitStr> {
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s),
        other => Err(syn::Error::new(
            other.span(),
            format!("#[scan({key} = ...)] takes a string, like `{key} = \"...\"`"),
        )),
    }
}

pub(crate) fn container(attrs: &[Attribute], errors: &mut Errors) -> ContainerAttrs {
    let mut krate: Option<(Span, Path)> = None;
    let mut constructor: Option<(Span, Ident)> = None;
    let mut no_constructor: Option<Span> = None;
    for attr in attrs.iter().filter(|a| is_scan(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident("crate") {
                let lit = string_value(&meta, "crate")?;
                if krate.is_some() {
                    duplicate(errors, span, "crate");
                }
                match lit.parse::<Path>() {
                    Ok(path) => krate = Some((span, path)),
                    Err(_) => errors.at(
                        lit.span(),
                        "#[scan(crate = \"...\")] takes the path arena-core is known by, like \
                         `crate = \"::my_arena\"`",
                    ),
                }
            } else if meta.path.is_ident("constructor") {
                let lit = string_value(&meta, "constructor")?;
                if constructor.is_some() {
                    duplicate(errors, span, "constructor");
                }
                match lit.parse::<Ident>() {
                    Ok(name) => {
                        constructor = Some((span, Ident::new(&name.to_string(), lit.span())));
                    }
                    Err(_) => errors.at(
                        lit.span(),
                        format!(
                            "#[scan(constructor = {:?})] is not a function name: give an \
                             identifier like `constructor = \"alloc_in\"`",
                            lit.value()
                        ),
                    ),
                }
            } else if meta.path.is_ident("no_constructor") {
                takes_no_value(&meta, errors, "no_constructor");
                if no_constructor.is_some() {
                    duplicate(errors, span, "no_constructor");
                }
                no_constructor = Some(span);
            } else if ["max", "child", "borrowed"]
                .iter()
                .any(|k| meta.path.is_ident(k))
            {
                errors.at(
                    span,
                    format!(
                        "#[scan({})] is a field option: put it on the field it describes; \
                         options on the type are {CONTAINER_KEYS}",
                        key_name(&meta.path)
                    ),
                );
                skip_value(&meta)?;
            } else {
                errors.at(
                    span,
                    format!(
                        "unknown #[scan] option `{}` on a type: the options are {CONTAINER_KEYS}",
                        key_name(&meta.path)
                    ),
                );
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if let (Some((span, _)), Some(_)) = (&constructor, no_constructor) {
        errors.at(
            *span,
            "#[scan(constructor = \"...\")] names a constructor that #[scan(no_constructor)] \
             turns off: keep one of the two",
        );
    }
    ContainerAttrs {
        krate: krate.map_or_else(|| syn::parse_quote!(::arena_core), |(_, p)| p),
        constructor: match no_constructor {
            Some(_) => None,
            None => Some(
                constructor.map_or_else(|| Ident::new("new_in", Span::call_site()), |(_, n)| n),
            ),
        },
    }
}

fn max_value(
    meta: &syn::meta::ParseNestedMeta<'_>,
    errors: &mut Errors,
) -> syn::Result<Option<Max>> {
    let expr: Expr = meta.value()?.parse()?;
    let bad = |errors: &mut Errors, span: Span| {
        errors.at(
            span,
            "#[scan(max = ...)] takes a whole number of elements (bytes for `&str`), like \
             `max = 8`, or the path of a `usize` constant",
        );
    };
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(lit), ..
        }) => match lit.base10_parse::<usize>() {
            Ok(0) => {
                errors.at(
                    lit.span(),
                    "#[scan(max = 0)] allows no elements: give the largest length the field can \
                     hold (at least 1), or make it a plain field if it is always empty",
                );
                Ok(None)
            }
            Ok(_) if !matches!(lit.suffix(), "" | "usize") => {
                errors.at(lit.span(), "#[scan(max = N)] is a `usize`: drop the suffix");
                Ok(None)
            }
            Ok(_) => Ok(Some(Max::Literal(lit))),
            Err(_) => {
                bad(errors, lit.span());
                Ok(None)
            }
        },
        Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => Ok(Some(Max::Const(p.path))),
        other => {
            bad(errors, other.span());
            Ok(None)
        }
    }
}

pub(crate) fn field(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| is_scan(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident("max") {
                let max = max_value(&meta, errors)?;
                if out.max.is_some() {
                    duplicate(errors, span, "max");
                } else if let Some(max) = max {
                    out.max = Some((span, max));
                } else {
                    // Remember the key so a missing-max error does not follow the bad value.
                    out.max = Some((span, Max::Literal(syn::LitInt::new("1", span))));
                }
            } else if meta.path.is_ident("child") {
                takes_no_value(&meta, errors, "child");
                if out.child.is_some() {
                    duplicate(errors, span, "child");
                }
                out.child = Some(span);
            } else if meta.path.is_ident("borrowed") {
                takes_no_value(&meta, errors, "borrowed");
                if out.borrowed.is_some() {
                    duplicate(errors, span, "borrowed");
                }
                out.borrowed = Some(span);
            } else if ["crate", "constructor", "no_constructor"]
                .iter()
                .any(|k| meta.path.is_ident(k))
            {
                out.invalid = true;
                errors.at(
                    span,
                    format!(
                        "#[scan({})] is an option of the type: put it on the struct or enum; \
                         field options are {FIELD_KEYS}",
                        key_name(&meta.path)
                    ),
                );
                skip_value(&meta)?;
            } else {
                out.invalid = true;
                errors.at(
                    span,
                    format!(
                        "unknown #[scan] option `{}` on a field: the options are {FIELD_KEYS}",
                        key_name(&meta.path)
                    ),
                );
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(e) = result {
            out.invalid = true;
            errors.push(e);
        }
    }
    out
}

/// Variants take no options; anything written there is a mistake worth reporting.
pub(crate) fn variant(attrs: &[Attribute], errors: &mut Errors) {
    for attr in attrs.iter().filter(|a| is_scan(a)) {
        errors.at(
            attr.path().span(),
            format!(
                "#[scan] has no options on an enum variant: type options ({CONTAINER_KEYS}) go \
                 on the enum, field options ({FIELD_KEYS}) on the variant's fields"
            ),
        );
    }
}
