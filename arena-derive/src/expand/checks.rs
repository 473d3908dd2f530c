//! The compile-time side of the expansion: the drop-glue and `max` assertions (each spanned at
//! its field) and `SCAN_BOUND`, the worst case of one value.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Expander, Shape};
use crate::attr::Max;
use crate::model::{Body, Field, Kind};

impl Expander<'_> {
    /// The compile-time assertions, split into those that can be checked where the type is
    /// declared and those that must wait for its parameters.
    pub(super) fn checks(&self) -> (Vec<TokenStream>, Vec<TokenStream>) {
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
    pub(super) fn bound(&self) -> TokenStream {
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
}
