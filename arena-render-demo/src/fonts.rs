//! Fonts for `<text>`: usvg lays text out and turns it into paths at parse time, with the
//! fonts of a [`Fonts`] database (the system's, found through fontconfig, plus any font
//! directories the user names). The renderer then sees only paths.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use usvg::fontdb::{Database, Family};

/// A font database, shared by every file parsed with it (cheap to clone).
///
/// Invariant: when the database has any font, each generic family (serif, sans-serif,
/// monospace, cursive, fantasy) names a font it has, and `default_family` is the serif one.
#[derive(Clone, Debug)]
pub struct Fonts {
    db: Arc<Database>,
    /// The family of text that names none (usvg's own default, Times New Roman, is missing
    /// on many systems).
    default_family: String,
}

/// Why a font directory could not be used.
#[derive(Debug)]
pub enum FontError {
    /// The directory does not exist or is not a directory.
    NotADirectory(PathBuf),
    /// The directory holds no font file usvg could read.
    NoFonts(PathBuf),
}

impl fmt::Display for FontError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FontError::NotADirectory(dir) => write!(
                f,
                "--font-dir {}: no such directory; give a directory of .ttf, .otf or .ttc files",
                dir.display()
            ),
            FontError::NoFonts(dir) => write!(
                f,
                "--font-dir {}: no readable font files (.ttf, .otf, .ttc) in it",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for FontError {}

impl Fonts {
    /// The system's fonts (loaded once per process, on first use).
    pub fn system() -> Fonts {
        static SYSTEM: OnceLock<Arc<Database>> = OnceLock::new();
        let db = SYSTEM.get_or_init(|| {
            let mut db = Database::new();
            db.load_system_fonts();
            Arc::new(db)
        });
        Fonts::settled(Arc::clone(db))
    }

    /// Points the generic families that name no installed font at fonts that are installed
    /// (fontdb's defaults are Windows names: without this, text in a generic family, or in
    /// none, would find no font at all on a Linux system that has plenty).
    fn settled(mut db: Arc<Database>) -> Fonts {
        type Setter = fn(&mut Database, String);
        let generics: [(Family<'_>, Setter, &[&str]); 5] = [
            (Family::Serif, Database::set_serif_family, SERIF),
            (Family::SansSerif, Database::set_sans_serif_family, SANS),
            (Family::Monospace, Database::set_monospace_family, MONO),
            (Family::Cursive, Database::set_cursive_family, SANS),
            (Family::Fantasy, Database::set_fantasy_family, SANS),
        ];
        for (generic, set, preferred) in generics {
            if find(&db, generic).is_none()
                && let Some(name) = installed_family(&db, preferred)
            {
                set(Arc::make_mut(&mut db), name);
            }
        }
        let default_family = find(&db, Family::Serif)
            .and_then(|id| db.face(id))
            .and_then(|face| face.families.first())
            .map_or_else(|| "serif".to_string(), |(name, _)| name.clone());
        Fonts { db, default_family }
    }

    /// The fonts of `dirs` (each must hold at least one font file), plus the system's when
    /// `system` is set. Without system fonts the result does not depend on the machine,
    /// which is what the tests want.
    pub fn with_dirs(dirs: &[PathBuf], system: bool) -> Result<Fonts, FontError> {
        let mut db = if system {
            Arc::unwrap_or_clone(Fonts::system().db)
        } else {
            Database::new()
        };
        // The system's generic families are settled again below, with these fonts too.
        for dir in dirs {
            if !dir.is_dir() {
                return Err(FontError::NotADirectory(dir.clone()));
            }
            let before = db.len();
            db.load_fonts_dir(dir);
            if db.len() == before {
                return Err(FontError::NoFonts(dir.clone()));
            }
        }
        Ok(Fonts::settled(Arc::new(db)))
    }

    /// Number of font faces.
    pub fn len(&self) -> usize {
        self.db.len()
    }

    /// Whether there is no font at all (text is then dropped, with a warning).
    pub fn is_empty(&self) -> bool {
        self.db.is_empty()
    }

    /// usvg options that lay text out with these fonts, resolve linked images relative to
    /// `resources_dir`, and record in `missing` every font family list none of whose
    /// families is installed (usvg then falls back to another font).
    pub(crate) fn usvg_options<'m>(
        &self,
        resources_dir: Option<&Path>,
        missing: &'m Mutex<BTreeSet<String>>,
    ) -> usvg::Options<'m> {
        let default = usvg::FontResolver::default_font_selector();
        let select_font: usvg::FontSelectionFn<'m> = Box::new(move |font, db| {
            let families: Vec<_> = font.families().iter().map(family_query).collect();
            let query = usvg::fontdb::Query {
                families: &families,
                ..Default::default()
            };
            if db.query(&query).is_none() {
                let names: Vec<_> = font.families().iter().map(|f| f.to_string()).collect();
                missing
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(names.join(", "));
            }
            default(font, db)
        });
        usvg::Options {
            resources_dir: resources_dir.map(Path::to_path_buf),
            fontdb: Arc::clone(&self.db),
            font_family: self.default_family.clone(),
            font_resolver: usvg::FontResolver {
                select_font,
                select_fallback: usvg::FontResolver::default_fallback_selector(),
            },
            ..usvg::Options::default()
        }
    }
}

/// Families to use for a generic family, best first, when fontdb's default is missing.
const SERIF: &[&str] = &[
    "DejaVu Serif",
    "Liberation Serif",
    "Noto Serif",
    "FreeSerif",
];
const SANS: &[&str] = &["DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans"];
const MONO: &[&str] = &[
    "DejaVu Sans Mono",
    "Liberation Mono",
    "Noto Sans Mono",
    "FreeMono",
];

/// The font of `family`, if installed.
fn find(db: &Database, family: Family<'_>) -> Option<usvg::fontdb::ID> {
    db.query(&usvg::fontdb::Query {
        families: &[family],
        ..Default::default()
    })
}

/// The first of `preferred` that is installed, else the family of any installed font.
fn installed_family(db: &Database, preferred: &[&str]) -> Option<String> {
    let has = |name: &str| {
        db.faces()
            .any(|f| f.families.iter().any(|(n, _)| n == name))
    };
    match preferred.iter().find(|name| has(name)) {
        Some(name) => Some((*name).to_string()),
        None => db
            .faces()
            .next()
            .and_then(|f| f.families.first())
            .map(|(n, _)| n.clone()),
    }
}

/// The fontdb query family for an SVG font family.
fn family_query(family: &usvg::FontFamily) -> Family<'_> {
    match family {
        usvg::FontFamily::Serif => Family::Serif,
        usvg::FontFamily::SansSerif => Family::SansSerif,
        usvg::FontFamily::Cursive => Family::Cursive,
        usvg::FontFamily::Fantasy => Family::Fantasy,
        usvg::FontFamily::Monospace => Family::Monospace,
        usvg::FontFamily::Named(name) => Family::Name(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_fonts() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fonts")
    }

    #[test]
    fn font_directories_are_checked() {
        let fonts = Fonts::with_dirs(&[test_fonts()], false).unwrap();
        assert_eq!(fonts.len(), 2, "the two fonts the tests ship");
        let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-dir");
        let err = Fonts::with_dirs(std::slice::from_ref(&missing), false).unwrap_err();
        assert!(err.to_string().contains("no such directory"), "{err}");
        let empty = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scene");
        let err = Fonts::with_dirs(&[empty], false).unwrap_err();
        assert!(err.to_string().contains("no readable font files"), "{err}");
        assert!(Fonts::with_dirs(&[], false).unwrap().is_empty());
    }
}
