//! The error collector of the whole derive: attribute parsing ([`crate::attr`]) and
//! validation ([`crate::model`]) record every problem here and go on, so one compile reports
//! all of them together, each spanned at the offending token.

use proc_macro2::Span;

/// Errors collected while parsing and validating; reported together by [`Errors::finish`].
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    /// An error spanning all of `tokens` (a whole type, not just its first token).
    pub(crate) fn spanned(
        &mut self,
        tokens: impl quote::ToTokens,
        message: impl std::fmt::Display,
    ) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// `Err` with every recorded error combined, or `Ok` if there was none.
    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        self.0.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_is_kept_in_order() {
        let mut errors = Errors::default();
        assert!(Errors::default().finish().is_ok());
        errors.at(Span::call_site(), "first");
        errors.spanned(quote::quote!(u8), "second");
        let messages: Vec<String> = errors
            .finish()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages, ["first", "second"]);
    }
}
