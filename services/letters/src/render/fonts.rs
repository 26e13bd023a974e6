//! The fonts a PDF letter can use, in fallback order.
//!
//! The first two faces are Noto Sans Regular and Bold (SIL Open Font Licence
//! 1.1), compiled in from the `notosans` crate: Latin, Greek and Cyrillic.
//! Every other script comes from a font file read once at start from a
//! directory ([`Fonts::load`], `CDD_LETTERS_FONTS_DIR`), so the binary stays
//! small and the fonts travel as data:
//!
//! | script | file (Debian package) | licence |
//! |---|---|---|
//! | Arabic (with Persian and Urdu letters), Hebrew, Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala, Thai, Lao, Khmer, Myanmar, Armenian, Georgian, Ethiopic, Thaana | `NotoSans<Script>-Regular.ttf` (`fonts-noto-core`) | SIL OFL 1.1 |
//! | Han (Simplified and Traditional), Japanese kana, Hangul | `wqy-microhei.ttc`, WenQuanYi Micro Hei (`fonts-wqy-microhei`) | Apache 2.0 (or GPL-3+ with the font exception) |
//!
//! WenQuanYi Micro Hei is the one small font (5 MB) with all three CJK
//! scripts: Noto Sans CJK is 19 MB a weight, and Droid Sans Fallback has no
//! Hangul. A letter embeds only the glyphs it uses (a few kilobytes).
//!
//! A file is looked for in the directory and the folders below it (three
//! levels, so Debian's `/usr/share/fonts` works as it is), as it is or
//! gzipped (`name.gz`: the container image keeps them so, 3.5 MB instead of
//! 8 MB). Every file must be there, parse, and have the glyphs of its
//! script: otherwise loading fails with every problem named, and the service
//! refuses to start rather than failing letters one by one. The fallback
//! scripts have Regular faces only: bold text in them is drawn with a thin
//! outline stroke added (synthetic bold). Han is drawn with WenQuanYi's
//! Chinese glyph forms, Japanese names included.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use harfrust::font::{Blob, Font};
use harfrust::{Script, ShapePlan};

/// Where Debian installs fonts; the default of `CDD_LETTERS_FONTS_DIR`.
pub const DEFAULT_FONTS_DIR: &str = "/usr/share/fonts";

/// The Debian packages that hold the fallback fonts.
pub const FONT_PACKAGES: &str = "fonts-noto-core fonts-wqy-microhei";

/// One fallback font: what it is for, the file names it may have (first
/// found wins), and characters it must have.
struct Fallback {
    script: &'static str,
    files: &'static [&'static str],
    sample: &'static str,
}

const fn noto(
    script: &'static str,
    files: &'static [&'static str],
    sample: &'static str,
) -> Fallback {
    Fallback {
        script,
        files,
        sample,
    }
}

/// In fallback order. A character goes to the first face that has it.
const FALLBACKS: &[Fallback] = &[
    noto("Arabic", &["NotoSansArabic-Regular.ttf"], "بپچژگکیےٹ"),
    noto("Hebrew", &["NotoSansHebrew-Regular.ttf"], "אבג"),
    noto("Devanagari", &["NotoSansDevanagari-Regular.ttf"], "कषि"),
    noto("Bengali", &["NotoSansBengali-Regular.ttf"], "কষি"),
    noto("Gurmukhi", &["NotoSansGurmukhi-Regular.ttf"], "ਕ"),
    noto("Gujarati", &["NotoSansGujarati-Regular.ttf"], "ક"),
    noto("Oriya", &["NotoSansOriya-Regular.ttf"], "କ"),
    noto("Tamil", &["NotoSansTamil-Regular.ttf"], "க"),
    noto("Telugu", &["NotoSansTelugu-Regular.ttf"], "క"),
    noto("Kannada", &["NotoSansKannada-Regular.ttf"], "ಕ"),
    noto("Malayalam", &["NotoSansMalayalam-Regular.ttf"], "ക"),
    noto("Sinhala", &["NotoSansSinhala-Regular.ttf"], "ක"),
    noto("Thai", &["NotoSansThai-Regular.ttf"], "กข"),
    noto("Lao", &["NotoSansLao-Regular.ttf"], "ກ"),
    noto("Khmer", &["NotoSansKhmer-Regular.ttf"], "ក"),
    noto("Myanmar", &["NotoSansMyanmar-Regular.ttf"], "က"),
    noto("Armenian", &["NotoSansArmenian-Regular.ttf"], "Աա"),
    noto("Georgian", &["NotoSansGeorgian-Regular.ttf"], "ა"),
    noto("Ethiopic", &["NotoSansEthiopic-Regular.ttf"], "አ"),
    noto("Thaana", &["NotoSansThaana-Regular.ttf"], "ތ"),
    noto(
        "Han, kana and Hangul",
        &["wqy-microhei.ttc"],
        "中國习近平あア김정은",
    ),
];

/// How deep below the fonts directory a file is looked for.
const MAX_DEPTH: usize = 3;

/// Right to left, and the script's OpenType tag.
type PlanKey = (bool, [u8; 4]);

/// One font file, parsed for shaping; its bytes kept for subsetting.
pub(crate) struct Face {
    pub postscript_name: String,
    pub data: Arc<Vec<u8>>,
    pub font: Font,
    pub units_per_em: f32,
    /// Shape plans by direction and script, built once.
    plans: Mutex<BTreeMap<PlanKey, Arc<ShapePlan>>>,
}

impl Face {
    fn new(data: Arc<Vec<u8>>, postscript_name: String) -> Result<Self, String> {
        ttf_parser::Face::parse(&data, 0).map_err(|e| format!("does not parse ({e})"))?;
        let blob: Arc<dyn AsRef<[u8]> + Send + Sync> = data.clone();
        let font = Font::new(Blob::from(blob), 0).ok_or("is not a font")?;
        let units_per_em = f32::from(font.units_per_em().max(1));
        Ok(Self {
            postscript_name,
            data,
            font,
            units_per_em,
            plans: Mutex::default(),
        })
    }

    fn builtin(data: &'static [u8], postscript_name: &str) -> Self {
        Self::new(Arc::new(data.to_vec()), postscript_name.to_owned())
            .expect("the compiled-in Noto Sans parses")
    }

    /// The glyph for `c`, if the face has one.
    pub fn covers(&self, c: char) -> bool {
        self.font
            .charmap()
            .map_unicode(c)
            .is_some_and(|g| g.to_u32() != 0)
    }

    /// The shape plan for a direction and script (a plan is costly to
    /// build and the same for every letter).
    pub fn plan(&self, rtl: bool, script: Option<Script>) -> Arc<ShapePlan> {
        let key = (rtl, script.map_or([0; 4], |s| s.tag().to_be_bytes()));
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        plans
            .entry(key)
            .or_insert_with(|| {
                let direction = if rtl {
                    harfrust::Direction::RightToLeft
                } else {
                    harfrust::Direction::LeftToRight
                };
                Arc::new(ShapePlan::new(&self.font, direction, script, None, &[]))
            })
            .clone()
    }
}

/// Every face, in fallback order. Cheap to clone (shared).
#[derive(Clone)]
pub struct Fonts(Arc<FontSet>);

pub(crate) struct FontSet {
    /// 0: Noto Sans Regular, 1: Noto Sans Bold, then the fallbacks.
    pub faces: Vec<Face>,
    dir: Option<PathBuf>,
}

/// Index of Noto Sans Bold in [`FontSet::faces`].
pub(crate) const BOLD_FACE: usize = 1;
/// Index of the first fallback face.
pub(crate) const FIRST_FALLBACK: usize = 2;

impl Fonts {
    /// Noto Sans only: Latin, Greek and Cyrillic. A letter with any other
    /// script is refused; a service loads its fonts with [`Fonts::load`].
    pub fn builtin() -> Self {
        static BUILTIN: std::sync::LazyLock<Fonts> = std::sync::LazyLock::new(|| {
            Fonts(Arc::new(FontSet {
                faces: builtin_faces(),
                dir: None,
            }))
        });
        BUILTIN.clone()
    }

    /// Noto Sans and every fallback font, read from `dir` (and the folders
    /// below it). Fails with one line per missing or broken file.
    pub fn load(dir: &Path) -> Result<Self, Vec<String>> {
        if !dir.is_dir() {
            return Err(vec![format!(
                "{} is not a directory; install the Debian packages {FONT_PACKAGES} \
                 or point CDD_LETTERS_FONTS_DIR at a directory holding their fonts",
                dir.display()
            )]);
        }
        let mut found = BTreeMap::new();
        index_files(dir, 0, &mut found);
        let mut faces = builtin_faces();
        let mut problems = Vec::new();
        for fallback in FALLBACKS {
            match load_fallback(fallback, &found) {
                Ok(face) => faces.push(face),
                Err(problem) => problems.push(problem),
            }
        }
        if !problems.is_empty() {
            problems.push(format!(
                "the fonts come from the Debian packages {FONT_PACKAGES}; \
                 point CDD_LETTERS_FONTS_DIR at a directory holding them (searched {} and {MAX_DEPTH} levels below)",
                dir.display()
            ));
            return Err(problems);
        }
        Ok(Self(Arc::new(FontSet {
            faces,
            dir: Some(dir.to_owned()),
        })))
    }

    pub(crate) fn set(&self) -> &FontSet {
        &self.0
    }

    /// The fonts directory, or `None` for the built-in Noto Sans only.
    pub fn dir(&self) -> Option<&Path> {
        self.0.dir.as_deref()
    }

    /// How many font files (faces) there are, Noto Sans included.
    pub fn face_count(&self) -> usize {
        self.0.faces.len()
    }
}

impl Default for Fonts {
    fn default() -> Self {
        Self::builtin()
    }
}

impl PartialEq for Fonts {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.dir == other.0.dir
    }
}

impl Eq for Fonts {}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts")
            .field("dir", &self.0.dir)
            .field("faces", &self.0.faces.len())
            .finish()
    }
}

fn builtin_faces() -> Vec<Face> {
    vec![
        Face::builtin(notosans::REGULAR_TTF, "NotoSans-Regular"),
        Face::builtin(notosans::BOLD_TTF, "NotoSans-Bold"),
    ]
}

/// File name to path, for every file below `dir`; the first in name order
/// wins, so the choice does not depend on the file system.
fn index_files(dir: &Path, depth: usize, found: &mut BTreeMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if depth < MAX_DEPTH {
                index_files(&path, depth + 1, found);
            }
        } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            found.entry(name.to_owned()).or_insert(path.clone());
        }
    }
}

fn load_fallback(fallback: &Fallback, found: &BTreeMap<String, PathBuf>) -> Result<Face, String> {
    let Some((name, path)) = fallback.files.iter().find_map(|name| {
        found
            .get(*name)
            .or_else(|| found.get(&format!("{name}.gz")))
            .map(|path| (*name, path))
    }) else {
        return Err(format!(
            "no {} font for {}",
            fallback.files.join(" or "),
            fallback.script
        ));
    };
    let data = read(path).map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    let postscript_name = match name {
        "wqy-microhei.ttc" => "WenQuanYiMicroHei".to_owned(),
        _ => name.trim_end_matches(".ttf").to_owned(),
    };
    let face = Face::new(Arc::new(data), postscript_name)
        .map_err(|e| format!("{} {e}", path.display()))?;
    let lacking: String = fallback
        .sample
        .chars()
        .filter(|&c| !face.covers(c))
        .collect();
    if !lacking.is_empty() {
        return Err(format!(
            "{} has no glyph for {lacking} ({})",
            path.display(),
            fallback.script
        ));
    }
    Ok(face)
}

/// A font file's bytes, gunzipped when its name ends in `.gz`.
fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let bytes = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut data = Vec::with_capacity(bytes.len() * 2);
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut data)?;
        Ok(data)
    } else {
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_directory_is_named_with_the_packages() {
        let problems = Fonts::load(Path::new("/nonexistent/fonts")).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("/nonexistent/fonts"), "{problems:?}");
        assert!(problems[0].contains("fonts-noto-core"), "{problems:?}");
    }

    #[test]
    fn every_missing_file_is_named() {
        let dir = std::env::temp_dir();
        let empty = dir.join(format!("cdd-letters-no-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&empty).unwrap();
        let problems = Fonts::load(&empty).unwrap_err();
        std::fs::remove_dir_all(&empty).unwrap();
        assert_eq!(problems.len(), FALLBACKS.len() + 1, "{problems:?}");
        assert!(problems[0].contains("NotoSansArabic-Regular.ttf"));
        assert!(problems.iter().any(|p| p.contains("wqy-microhei.ttc")));
    }

    #[test]
    fn builtin_noto_sans_has_central_european_letters_and_no_han() {
        let fonts = Fonts::builtin();
        let regular = &fonts.set().faces[0];
        for c in "José Müller-Łukasiewicz ąćęłńóśźż ŐőŰű Ђ Ω".chars() {
            assert!(c == ' ' || regular.covers(c), "no glyph for {c:?}");
        }
        assert!(!regular.covers('中'));
    }
}
