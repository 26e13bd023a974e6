//! PDF letters on A4, written with `pdf-writer`.
//!
//! Fonts: Noto Sans Regular and Bold (SIL Open Font Licence 1.1, shipped as
//! bytes by the `notosans` crate) are embedded as subset CID fonts
//! (Identity-H) with a ToUnicode map. So any character Noto Sans has — Latin
//! with all European accents (`Ł`, `ő`, `ş`, ...), Greek, Cyrillic,
//! Vietnamese — prints the same everywhere and comes back from text
//! extraction. Standard-14 Helvetica was not an option: WinAnsiEncoding has no
//! `Ł`. A character Noto Sans lacks (e.g. Chinese) is refused with
//! [`RenderError::UnsupportedCharacters`] naming it, rather than printed as an
//! empty box; the HTML and text formats have no such limit.
//!
//! Layout: a first pass places lines on pages (word wrap on measured glyph
//! widths, page breaks, the signature block kept whole), a second pass adds
//! "Page i of n" footers and writes the objects. No timestamps or random ids
//! are written, so the same letter gives the same bytes.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::document::{Block, LetterDocument};
use crate::error::RenderError;
use crate::letter::LetterFormat;

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN_X: f32 = 64.0;
const MARGIN_TOP: f32 = 56.0;
const MARGIN_BOTTOM: f32 = 72.0;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
const FOOTER_Y: f32 = 40.0;

const BODY_SIZE: f32 = 10.5;
const BODY_LEADING: f32 = 15.0;
const SMALL_SIZE: f32 = 8.5;
const SMALL_LEADING: f32 = 11.5;
const BANK_SIZE: f32 = 17.0;
const BULLET_INDENT: f32 = 18.0;

const NAVY: (f32, f32, f32) = (0.05, 0.2, 0.4);
const GREY: (f32, f32, f32) = (0.3, 0.3, 0.3);
const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

struct FontFile {
    data: &'static [u8],
    face: Face<'static>,
    postscript_name: &'static str,
}

static REGULAR: LazyLock<FontFile> =
    LazyLock::new(|| FontFile::load(notosans::REGULAR_TTF, "NotoSans-Regular"));
static BOLD: LazyLock<FontFile> =
    LazyLock::new(|| FontFile::load(notosans::BOLD_TTF, "NotoSans-Bold"));

impl FontFile {
    fn load(data: &'static [u8], postscript_name: &'static str) -> Self {
        let face = Face::parse(data, 0).expect("the bundled Noto Sans font parses");
        Self {
            data,
            face,
            postscript_name,
        }
    }

    fn get(weight: Weight) -> &'static Self {
        match weight {
            Weight::Regular => &REGULAR,
            Weight::Bold => &BOLD,
        }
    }

    /// Glyph advance in thousandths of the font size.
    fn advance(&self, glyph: GlyphId) -> f32 {
        let units = f32::from(self.face.units_per_em());
        let advance = self.face.glyph_hor_advance(glyph).unwrap_or(0);
        f32::from(advance) * 1000.0 / units
    }

    fn text_width(&self, text: &str, size: f32) -> f32 {
        let thousandths: f32 = text
            .chars()
            .map(|c| self.advance(self.face.glyph_index(c).unwrap_or(GlyphId(0))))
            .sum();
        thousandths * size / 1000.0
    }
}

/// One line of text at a position.
#[derive(Debug, Clone)]
struct Run {
    weight: Weight,
    size: f32,
    color: (f32, f32, f32),
    x: f32,
    y: f32,
    text: String,
}

#[derive(Debug, Default)]
struct Page {
    runs: Vec<Run>,
    /// Horizontal rules: (x from, x to, y).
    rules: Vec<(f32, f32, f32)>,
}

/// The first pass: places lines on pages, top to bottom.
struct Layout {
    pages: Vec<Page>,
    /// Baseline of the last line placed, from the bottom of the page.
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: vec![Page::default()],
            y: PAGE_HEIGHT - MARGIN_TOP,
        }
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a layout has a page")
    }

    /// Starts a new page unless `height` more fits on this one.
    fn keep(&mut self, height: f32) {
        if self.y - height < MARGIN_BOTTOM {
            self.pages.push(Page::default());
            self.y = PAGE_HEIGHT - MARGIN_TOP;
        }
    }

    fn gap(&mut self, height: f32) {
        self.y -= height;
    }

    fn line(&mut self, style: Style, x: f32, text: &str) {
        self.keep(style.leading);
        self.y -= style.leading;
        let y = self.y;
        self.page().runs.push(Run {
            weight: style.weight,
            size: style.size,
            color: style.color,
            x,
            y,
            text: text.to_owned(),
        });
    }

    /// Wraps `text` within `width` from `x`; `marker` (a bullet) is placed to
    /// the left of the first line.
    fn paragraph(&mut self, style: Style, x: f32, width: f32, text: &str, marker: Option<&str>) {
        let font = FontFile::get(style.weight);
        let lines = wrap(font, style.size, width, text);
        // A list item of a few lines is not split across pages.
        if marker.is_some() && lines.len() <= 4 {
            self.keep(style.leading * lines.len() as f32);
        }
        for (index, line) in lines.iter().enumerate() {
            self.line(style, x, line);
            if let (0, Some(marker)) = (index, marker) {
                let y = self.y;
                self.page().runs.push(Run {
                    x: x - BULLET_INDENT + 6.0,
                    y,
                    text: marker.to_owned(),
                    ..Run::from_style(style)
                });
            }
        }
    }

    fn rule(&mut self, gap_above: f32) {
        self.y -= gap_above;
        let y = self.y;
        self.page().rules.push((MARGIN_X, PAGE_WIDTH - MARGIN_X, y));
    }
}

impl Run {
    fn from_style(style: Style) -> Self {
        Self {
            weight: style.weight,
            size: style.size,
            color: style.color,
            x: 0.0,
            y: 0.0,
            text: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Style {
    weight: Weight,
    size: f32,
    leading: f32,
    color: (f32, f32, f32),
}

const BODY: Style = Style {
    weight: Weight::Regular,
    size: BODY_SIZE,
    leading: BODY_LEADING,
    color: BLACK,
};
const BODY_BOLD: Style = Style {
    weight: Weight::Bold,
    ..BODY
};
const SMALL: Style = Style {
    weight: Weight::Regular,
    size: SMALL_SIZE,
    leading: SMALL_LEADING,
    color: GREY,
};
const BANK: Style = Style {
    weight: Weight::Bold,
    size: BANK_SIZE,
    leading: 20.0,
    color: NAVY,
};

/// Greedy word wrap on measured widths; a word wider than the line is cut
/// between characters.
fn wrap(font: &FontFile, size: f32, width: f32, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if font.text_width(&candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone may still be too wide: cut it.
        for c in word.chars() {
            line.push(c);
            if font.text_width(&line, size) > width && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn lay_out(letter: &LetterDocument) -> Layout {
    let mut layout = Layout::new();
    layout.line(BANK, MARGIN_X, &letter.bank_name);
    for line in &letter.bank_address {
        layout.line(SMALL, MARGIN_X, line);
    }
    layout.rule(8.0);
    layout.gap(28.0);
    for line in &letter.recipient {
        layout.paragraph(BODY, MARGIN_X, TEXT_WIDTH, line, None);
    }
    layout.gap(24.0);
    layout.line(BODY, MARGIN_X, &letter.letter_date);
    let reference = format!("Our reference: {}", letter.reference);
    layout.paragraph(BODY, MARGIN_X, TEXT_WIDTH, &reference, None);
    layout.gap(18.0);
    layout.keep(BODY_LEADING * 3.0);
    layout.paragraph(BODY_BOLD, MARGIN_X, TEXT_WIDTH, &letter.subject, None);
    layout.gap(8.0);
    for block in &letter.body {
        match block {
            Block::Paragraph(text) => {
                // No single line of a paragraph alone at the foot of a page.
                layout.keep(BODY_LEADING * 2.0);
                layout.paragraph(BODY, MARGIN_X, TEXT_WIDTH, text, None);
            }
            Block::Bullets(items) => {
                let x = MARGIN_X + BULLET_INDENT;
                for item in items {
                    layout.paragraph(BODY, x, TEXT_WIDTH - BULLET_INDENT, item, Some("\u{2022}"));
                    layout.gap(2.0);
                }
            }
        }
        layout.gap(7.0);
    }
    // The closing and the signature stay together.
    layout.keep(BODY_LEADING * 5.0 + 30.0);
    layout.gap(6.0);
    layout.line(BODY, MARGIN_X, &letter.closing);
    layout.gap(30.0);
    layout.line(BODY_BOLD, MARGIN_X, &letter.signatory_name);
    layout.line(BODY, MARGIN_X, &letter.signatory_title);
    layout.line(BODY, MARGIN_X, &letter.bank_name);
    layout
}

fn add_footers(layout: &mut Layout, reference: &str) {
    let count = layout.pages.len();
    let font = FontFile::get(Weight::Regular);
    for (index, page) in layout.pages.iter_mut().enumerate() {
        let number = format!("Page {} of {count}", index + 1);
        let width = font.text_width(&number, SMALL_SIZE);
        let footer = |x: f32, text: String| Run {
            x,
            y: FOOTER_Y,
            text,
            ..Run::from_style(SMALL)
        };
        page.runs
            .push(footer(MARGIN_X, format!("Our reference: {reference}")));
        page.runs
            .push(footer(PAGE_WIDTH - MARGIN_X - width, number));
    }
}

/// The glyphs one font uses in this document.
struct FontUse {
    font: &'static FontFile,
    remapper: GlyphRemapper,
    /// Character to glyph id in the subset.
    glyphs: BTreeMap<char, u16>,
}

impl FontUse {
    fn new(weight: Weight) -> Self {
        Self {
            font: FontFile::get(weight),
            remapper: GlyphRemapper::new(),
            glyphs: BTreeMap::new(),
        }
    }

    /// Registers `c`; false when the font has no glyph for it.
    fn add(&mut self, c: char) -> bool {
        if self.glyphs.contains_key(&c) {
            return true;
        }
        match self.font.face.glyph_index(c) {
            Some(glyph) if glyph.0 != 0 => {
                let new = self.remapper.remap(glyph.0);
                self.glyphs.insert(c, new);
                true
            }
            _ => false,
        }
    }

    /// Two bytes per character: the subset glyph id (Identity-H).
    fn encode(&self, text: &str) -> Vec<u8> {
        text.chars()
            .flat_map(|c| self.glyphs.get(&c).copied().unwrap_or(0).to_be_bytes())
            .collect()
    }

    /// A subset tag (six capitals) derived from the glyphs, so equal letters
    /// give equal bytes.
    fn base_font(&self) -> String {
        let mut hash: u32 = 0x811c_9dc5;
        for glyph in self.remapper.remapped_gids() {
            for byte in glyph.to_be_bytes() {
                hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
            }
        }
        let tag: String = (0..6)
            .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
            .collect();
        format!("{tag}+{}", self.font.postscript_name)
    }

    fn write(&self, pdf: &mut Pdf, next: &mut Ref) -> Result<Ref, RenderError> {
        let type0_id = next.bump();
        let cid_id = next.bump();
        let descriptor_id = next.bump();
        let file_id = next.bump();
        let cmap_id = next.bump();
        let base_font = self.base_font();
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        pdf.type0_font(type0_id)
            .base_font(Name(base_font.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_id)
            .to_unicode(cmap_id);

        let widths: Vec<f32> = self
            .remapper
            .remapped_gids()
            .map(|old| self.font.advance(GlyphId(old)))
            .collect();
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(base_font.as_bytes()))
            .system_info(system_info)
            .font_descriptor(descriptor_id)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid.widths().consecutive(0, widths);
        cid.finish();

        let face = &self.font.face;
        let scale = 1000.0 / f32::from(face.units_per_em());
        let bbox = face.global_bounding_box();
        pdf.font_descriptor(descriptor_id)
            .name(Name(base_font.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(face.ascender()) * scale)
            .descent(f32::from(face.descender()) * scale)
            .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)
            .stem_v(if std::ptr::eq(self.font, &*BOLD) {
                140.0
            } else {
                80.0
            })
            .font_file2(file_id);

        let subset = subsetter::subset(self.font.data, 0, &self.remapper)
            .map_err(|e| RenderError::Pdf(format!("font subsetting failed: {e}")))?;
        let length =
            i32::try_from(subset.len()).map_err(|_| RenderError::Pdf("font too large".into()))?;
        pdf.stream(file_id, &subset).pair(Name(b"Length1"), length);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (&c, &glyph) in &self.glyphs {
            cmap.pair(glyph, c);
        }
        pdf.stream(cmap_id, cmap.finish().as_slice());
        Ok(type0_id)
    }
}

/// Writes the letter as a PDF.
pub(crate) fn write(letter: &LetterDocument) -> Result<Vec<u8>, RenderError> {
    let mut layout = lay_out(letter);
    add_footers(&mut layout, &letter.reference);

    let mut regular = FontUse::new(Weight::Regular);
    let mut bold = FontUse::new(Weight::Bold);
    // In order of first appearance, each once.
    let mut missing: Vec<char> = Vec::new();
    for run in layout.pages.iter().flat_map(|p| &p.runs) {
        let font = match run.weight {
            Weight::Regular => &mut regular,
            Weight::Bold => &mut bold,
        };
        for c in run.text.chars() {
            if !font.add(c) && !missing.contains(&c) {
                missing.push(c);
            }
        }
    }
    if !missing.is_empty() {
        return Err(RenderError::UnsupportedCharacters {
            format: LetterFormat::Pdf,
            characters: missing,
        });
    }

    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let catalog_id = next.bump();
    let tree_id = next.bump();
    let info_id = next.bump();
    let page_ids: Vec<(Ref, Ref)> = layout
        .pages
        .iter()
        .map(|_| (next.bump(), next.bump()))
        .collect();
    let regular_id = regular.write(&mut pdf, &mut next)?;
    let bold_id = bold.write(&mut pdf, &mut next)?;

    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));
    pdf.document_info(info_id)
        .title(TextStr(&letter.subject))
        .author(TextStr(&letter.bank_name))
        .producer(TextStr("cdd-letters"));

    for (page, &(page_id, content_id)) in layout.pages.iter().zip(&page_ids) {
        let mut writer = pdf.page(page_id);
        writer
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree_id)
            .contents(content_id);
        writer
            .resources()
            .fonts()
            .pair(Name(b"F1"), regular_id)
            .pair(Name(b"F2"), bold_id);
        writer.finish();

        let mut content = Content::new();
        for &(from, to, y) in &page.rules {
            content
                .set_stroke_rgb(NAVY.0, NAVY.1, NAVY.2)
                .set_line_width(0.8)
                .move_to(from, y)
                .line_to(to, y)
                .stroke();
        }
        content.begin_text();
        for run in &page.runs {
            let (font_name, font) = match run.weight {
                Weight::Regular => (Name(b"F1"), &regular),
                Weight::Bold => (Name(b"F2"), &bold),
            };
            content
                .set_fill_rgb(run.color.0, run.color.1, run.color.2)
                .set_font(font_name, run.size)
                .set_text_matrix([1.0, 0.0, 0.0, 1.0, run.x, run.y])
                .show(Str(&font.encode(&run.text)));
        }
        content.end_text();
        pdf.stream(content_id, content.finish().as_slice());
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_the_width() {
        let font = FontFile::get(Weight::Regular);
        let text = "Certified copy of the certificate of incorporation and register of directors "
            .repeat(5);
        let lines = wrap(font, BODY_SIZE, 200.0, &text);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(font.text_width(line, BODY_SIZE) <= 200.0, "{line}");
        }
        assert_eq!(lines.join(" "), text.trim_end());
    }

    #[test]
    fn an_unbreakable_word_is_cut() {
        let font = FontFile::get(Weight::Regular);
        let lines = wrap(font, BODY_SIZE, 100.0, &"W".repeat(60));
        assert!(lines.len() > 3);
        assert_eq!(lines.concat(), "W".repeat(60));
    }

    #[test]
    fn noto_sans_has_central_european_letters() {
        let mut font = FontUse::new(Weight::Regular);
        for c in "José Müller-Łukasiewicz ąćęłńóśźż ŐőŰű Ђ Ω".chars() {
            assert!(font.add(c), "no glyph for {c:?}");
        }
        assert!(!font.add('中'));
    }
}
