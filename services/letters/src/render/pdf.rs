//! PDF letters on A4, written with `pdf-writer`.
//!
//! Fonts ([`super::fonts`]): Noto Sans for Latin, Greek and Cyrillic, then a
//! fallback face per script (Noto Sans Arabic, Hebrew, Devanagari, ... and
//! WenQuanYi Micro Hei for Han, kana and Hangul), each character drawn with
//! the first face that has it. Each face used is embedded as a subset CID
//! font (Identity-H) holding only the glyphs the letter uses, so a letter
//! with one Chinese name carries a few kilobytes of the CJK font, not
//! megabytes.
//!
//! Text ([`super::shaping`]): each line is put in visual order by the Unicode
//! bidirectional algorithm and shaped with HarfBuzz's rules (`harfrust`):
//! Arabic letters join and form ligatures, Devanagari and Bengali reorder
//! vowel signs and form conjuncts, Thai marks sit on their base.
//!
//! Text layer: a line whose glyphs are its characters one to one, left to
//! right (Latin, Greek, Cyrillic) reads back through each font's ToUnicode
//! map. Any other line (right-to-left, shaped, or in a fallback face) is
//! wrapped in a `/Span` marked-content sequence whose `/ActualText` is the
//! line as written, in logical order, so copy, search and text extraction
//! (`pdftotext`) give the name back as the customer wrote it. The ToUnicode
//! maps still map every glyph to its cluster's characters (a ligature to
//! several) for readers that ignore ActualText.
//!
//! A character no face has (an unassigned code point, a private-use one, a
//! script the platform carries no font for) is refused with
//! [`RenderError::UnsupportedCharacters`] naming it, rather than printed as
//! an empty box; the HTML and text formats have no such limit.
//!
//! Layout: a first pass places lines on pages (word wrap on shaped widths,
//! page breaks, the signature block kept whole), a second pass adds
//! "Page i of n" footers and writes the objects. No timestamps or random ids
//! are written, so the same letter gives the same bytes.

use std::collections::{BTreeMap, HashMap};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use ttf_parser::GlyphId;

use super::fonts::{BOLD_FACE, FIRST_FALLBACK, Face, FontSet, Fonts};
use super::shaping::{ShapedLine, cluster_starts, shape_line};
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
/// Synthetic bold: the outline stroke, as a fraction of the font size.
const SYNTHETIC_BOLD_STROKE: f32 = 0.035;

const NAVY: (f32, f32, f32) = (0.05, 0.2, 0.4);
const GREY: (f32, f32, f32) = (0.3, 0.3, 0.3);
const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

/// One shaped line at a position.
#[derive(Debug, Clone)]
struct Run {
    weight: Weight,
    size: f32,
    color: (f32, f32, f32),
    x: f32,
    y: f32,
    line: ShapedLine,
}

#[derive(Debug, Default)]
struct Page {
    runs: Vec<Run>,
    /// Horizontal rules: (x from, x to, y).
    rules: Vec<(f32, f32, f32)>,
}

/// Shapes text with the letter's fonts and remembers what no font has.
struct Shaper<'a> {
    fonts: &'a FontSet,
    missing: Vec<char>,
    /// Word widths (thousandths of the size) by weight, for wrapping.
    words: HashMap<(bool, String), f32>,
}

impl<'a> Shaper<'a> {
    fn new(fonts: &'a FontSet) -> Self {
        Self {
            fonts,
            missing: Vec::new(),
            words: HashMap::new(),
        }
    }

    fn shape(&mut self, text: &str, weight: Weight) -> ShapedLine {
        shape_line(self.fonts, text, weight == Weight::Bold, &mut self.missing)
    }

    /// Width of `text` at `size`, not remembering what is missing (the
    /// line is shaped again when it is placed).
    fn width(&mut self, text: &str, weight: Weight, size: f32) -> f32 {
        let mut ignored = Vec::new();
        shape_line(self.fonts, text, weight == Weight::Bold, &mut ignored).width * size / 1000.0
    }

    fn word_width(&mut self, word: &str, weight: Weight, size: f32) -> f32 {
        let key = (weight == Weight::Bold, word.to_owned());
        if let Some(width) = self.words.get(&key) {
            return width * size / 1000.0;
        }
        let width = self.width(word, weight, 1000.0);
        self.words.insert(key, width);
        width * size / 1000.0
    }
}

/// The first pass: places lines on pages, top to bottom.
struct Layout<'a> {
    pages: Vec<Page>,
    /// Baseline of the last line placed, from the bottom of the page.
    y: f32,
    shaper: Shaper<'a>,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a FontSet) -> Self {
        Self {
            pages: vec![Page::default()],
            y: PAGE_HEIGHT - MARGIN_TOP,
            shaper: Shaper::new(fonts),
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

    fn place(&mut self, style: Style, x: f32, y: f32, text: &str) {
        let line = self.shaper.shape(text, style.weight);
        self.page().runs.push(Run {
            weight: style.weight,
            size: style.size,
            color: style.color,
            x,
            y,
            line,
        });
    }

    fn line(&mut self, style: Style, x: f32, text: &str) {
        self.keep(style.leading);
        self.y -= style.leading;
        let y = self.y;
        self.place(style, x, y, text);
    }

    /// Wraps `text` within `width` from `x`; `marker` (a bullet) is placed to
    /// the left of the first line.
    fn paragraph(&mut self, style: Style, x: f32, width: f32, text: &str, marker: Option<&str>) {
        let lines = wrap(&mut self.shaper, style, width, text);
        // A list item of a few lines is not split across pages.
        if marker.is_some() && lines.len() <= 4 {
            self.keep(style.leading * lines.len() as f32);
        }
        for (index, line) in lines.iter().enumerate() {
            self.line(style, x, line);
            if let (0, Some(marker)) = (index, marker) {
                let y = self.y;
                self.place(style, x - BULLET_INDENT + 6.0, y, marker);
            }
        }
    }

    fn rule(&mut self, gap_above: f32) {
        self.y -= gap_above;
        let y = self.y;
        self.page().rules.push((MARGIN_X, PAGE_WIDTH - MARGIN_X, y));
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

/// Greedy word wrap on shaped widths; a word wider than the line is cut
/// between shaping clusters (never inside a syllable or before a mark).
fn wrap(shaper: &mut Shaper<'_>, style: Style, width: f32, text: &str) -> Vec<String> {
    let (weight, size) = (style.weight, style.size);
    let space = shaper.word_width(" ", weight, size);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_width = shaper.word_width(word, weight, size);
        let candidate = if line.is_empty() {
            word_width
        } else {
            line_width + space + word_width
        };
        if candidate <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            line_width = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word_width <= width {
            line.push_str(word);
            line_width = word_width;
            continue;
        }
        // The word alone is too wide: cut it between clusters.
        let mut rest = word;
        loop {
            let cuts = cluster_starts(shaper.fonts, rest, weight == Weight::Bold);
            let mut cut = None;
            for &at in &cuts {
                if shaper.width(&rest[..at], weight, size) > width {
                    break;
                }
                cut = Some(at);
            }
            match cut {
                // The first cluster alone may be wider than the line.
                _ if shaper.width(rest, weight, size) <= width => break,
                Some(at) => {
                    lines.push(rest[..at].to_owned());
                    rest = &rest[at..];
                }
                None => match cuts.first() {
                    Some(&at) => {
                        lines.push(rest[..at].to_owned());
                        rest = &rest[at..];
                    }
                    None => break,
                },
            }
        }
        line = rest.to_owned();
        line_width = shaper.width(rest, weight, size);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn lay_out<'a>(letter: &LetterDocument, fonts: &'a FontSet) -> Layout<'a> {
    let mut layout = Layout::new(fonts);
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

fn add_footers(layout: &mut Layout<'_>, reference: &str) {
    let count = layout.pages.len();
    for index in 0..count {
        let number = layout
            .shaper
            .shape(&format!("Page {} of {count}", index + 1), Weight::Regular);
        let footer = layout
            .shaper
            .shape(&format!("Our reference: {reference}"), Weight::Regular);
        let number_x = PAGE_WIDTH - MARGIN_X - number.width * SMALL_SIZE / 1000.0;
        let page = &mut layout.pages[index];
        for (x, line) in [(MARGIN_X, footer), (number_x, number)] {
            page.runs.push(Run {
                weight: SMALL.weight,
                size: SMALL.size,
                color: SMALL.color,
                x,
                y: FOOTER_Y,
                line,
            });
        }
    }
}

/// The glyphs one face uses in this document.
struct FontUse<'a> {
    face: &'a Face,
    /// The same font, for its metrics.
    parsed: ttf_parser::Face<'a>,
    index: usize,
    remapper: GlyphRemapper,
    /// Subset glyph id to the characters it stands for.
    texts: BTreeMap<u16, String>,
}

impl<'a> FontUse<'a> {
    fn new(face: &'a Face, index: usize) -> Self {
        Self {
            face,
            parsed: ttf_parser::Face::parse(&face.data, 0).expect("a loaded font parses"),
            index,
            remapper: GlyphRemapper::new(),
            texts: BTreeMap::new(),
        }
    }

    fn resource_name(&self) -> String {
        format!("F{}", self.index)
    }

    /// The subset glyph id (Identity-H: two bytes a glyph).
    fn remap(&mut self, glyph: u16) -> u16 {
        self.remapper.remap(glyph)
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
        format!("{tag}+{}", self.face.postscript_name)
    }

    fn write(&self, pdf: &mut Pdf, next: &mut Ref) -> Result<Ref, RenderError> {
        let parsed = &self.parsed;
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

        let scale = 1000.0 / f32::from(parsed.units_per_em());
        let widths: Vec<f32> = self
            .remapper
            .remapped_gids()
            .map(|old| f32::from(parsed.glyph_hor_advance(GlyphId(old)).unwrap_or(0)) * scale)
            .collect();
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(base_font.as_bytes()))
            .system_info(system_info)
            .font_descriptor(descriptor_id)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid.widths().consecutive(0, widths);
        cid.finish();

        let bbox = parsed.global_bounding_box();
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
            .ascent(f32::from(parsed.ascender()) * scale)
            .descent(f32::from(parsed.descender()) * scale)
            .cap_height(f32::from(parsed.capital_height().unwrap_or(parsed.ascender())) * scale)
            .stem_v(if self.index == BOLD_FACE { 140.0 } else { 80.0 })
            .font_file2(file_id);

        let subset = subsetter::subset(&self.face.data, 0, &self.remapper)
            .map_err(|e| RenderError::Pdf(format!("font subsetting failed: {e}")))?;
        let length =
            i32::try_from(subset.len()).map_err(|_| RenderError::Pdf("font too large".into()))?;
        pdf.stream(file_id, &subset).pair(Name(b"Length1"), length);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (&glyph, text) in &self.texts {
            cmap.pair_with_multiple(glyph, text.chars());
        }
        pdf.stream(cmap_id, cmap.finish().as_slice());
        Ok(type0_id)
    }
}

/// A run's glyphs as content: pieces of glyphs shown at a position, with
/// TJ adjustments where the shaped advance differs from the font's width.
struct Piece {
    x: f32,
    y: f32,
    /// Glyph bytes, and adjustments in thousandths of the size.
    items: Vec<Item>,
}

enum Item {
    Glyphs(Vec<u8>),
    Adjust(f32),
}

/// Writes the letter as a PDF.
pub(crate) fn write(letter: &LetterDocument, fonts: &Fonts) -> Result<Vec<u8>, RenderError> {
    let set = fonts.set();
    let mut layout = lay_out(letter, set);
    add_footers(&mut layout, &letter.reference);
    if !layout.shaper.missing.is_empty() {
        return Err(RenderError::UnsupportedCharacters {
            format: LetterFormat::Pdf,
            characters: layout.shaper.missing,
        });
    }

    // Every glyph each face draws, in order of first appearance.
    let mut uses: BTreeMap<usize, FontUse<'_>> = BTreeMap::new();
    for run in layout.pages.iter().flat_map(|p| &p.runs) {
        for (face, glyph, text) in run.line.glyph_texts() {
            let font = uses
                .entry(face)
                .or_insert_with(|| FontUse::new(&set.faces[face], face));
            let new = font.remap(glyph);
            font.texts.entry(new).or_insert_with(|| text.into_owned());
        }
        for glyph_run in &run.line.runs {
            let font = uses
                .entry(glyph_run.face)
                .or_insert_with(|| FontUse::new(&set.faces[glyph_run.face], glyph_run.face));
            for glyph in &glyph_run.glyphs {
                font.remap(glyph.id);
            }
        }
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
    let mut font_ids = Vec::new();
    for font in uses.values() {
        font_ids.push((font.resource_name(), font.write(&mut pdf, &mut next)?));
    }

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
        let mut resources = writer.resources();
        let mut font_dict = resources.fonts();
        for (name, id) in &font_ids {
            font_dict.pair(Name(name.as_bytes()), *id);
        }
        font_dict.finish();
        resources.finish();
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
            draw_run(&mut content, run, &mut uses);
        }
        content.end_text();
        pdf.stream(content_id, content.finish().as_slice());
    }
    Ok(pdf.finish())
}

fn draw_run(content: &mut Content, run: &Run, uses: &mut BTreeMap<usize, FontUse<'_>>) {
    let (r, g, b) = run.color;
    content.set_fill_rgb(r, g, b);
    let mut pen = run.x;
    for glyph_run in &run.line.runs {
        let Some(font) = uses.get_mut(&glyph_run.face) else {
            continue;
        };
        let synthetic_bold = run.weight == Weight::Bold && glyph_run.face >= FIRST_FALLBACK;
        let name = font.resource_name();
        let actual_text = !glyph_run.plain && !glyph_run.rtl;
        if actual_text {
            let text = run
                .line
                .text
                .get(glyph_run.range.clone())
                .unwrap_or_default();
            content
                .begin_marked_content_with_properties(Name(b"Span"))
                .properties()
                .actual_text(TextStr(text));
        }
        content.set_font(Name(name.as_bytes()), run.size);
        if synthetic_bold {
            content
                .set_stroke_rgb(r, g, b)
                .set_line_width(run.size * SYNTHETIC_BOLD_STROKE)
                .set_text_rendering_mode(TextRenderingMode::FillStroke);
        }
        let scale = run.size / 1000.0;
        let mut pieces: Vec<Piece> = Vec::new();
        // Where the PDF pen stands after the last glyph shown.
        let mut pdf_pen: Option<(f32, f32)> = None;
        for glyph in &glyph_run.glyphs {
            let x = pen + glyph.x_offset * scale;
            let y = run.y + glyph.y_offset * scale;
            let width = font_width(font, glyph.id);
            let subset_id = font.remap(glyph.id);
            let bytes = subset_id.to_be_bytes();
            match (pdf_pen, pieces.last_mut()) {
                (Some((px, py)), Some(piece)) if (py - y).abs() < 0.001 => {
                    let gap = x - px;
                    if gap.abs() > 0.001 {
                        piece.items.push(Item::Adjust(-gap / scale));
                    }
                    match piece.items.last_mut() {
                        Some(Item::Glyphs(glyphs)) => glyphs.extend(bytes),
                        _ => piece.items.push(Item::Glyphs(bytes.to_vec())),
                    }
                }
                _ => pieces.push(Piece {
                    x,
                    y,
                    items: vec![Item::Glyphs(bytes.to_vec())],
                }),
            }
            pdf_pen = Some((x + width * scale, y));
            pen += glyph.advance * scale;
        }
        for piece in &pieces {
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, piece.x, piece.y]);
            let mut show = content.show_positioned();
            let mut items = show.items();
            for item in &piece.items {
                match item {
                    Item::Glyphs(glyphs) => items.show(Str(glyphs)),
                    Item::Adjust(amount) => items.adjust(*amount),
                };
            }
        }
        if synthetic_bold {
            content.set_text_rendering_mode(TextRenderingMode::Fill);
        }
        if actual_text {
            content.end_marked_content();
        }
    }
}

/// A glyph's width as the PDF font declares it (thousandths of the size).
fn font_width(font: &FontUse<'_>, glyph: u16) -> f32 {
    let advance = font.parsed.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0);
    f32::from(advance) * 1000.0 / font.face.units_per_em
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shaper() -> Shaper<'static> {
        static FONTS: std::sync::LazyLock<Fonts> = std::sync::LazyLock::new(Fonts::builtin);
        Shaper::new(FONTS.set())
    }

    #[test]
    fn wrapped_lines_fit_the_width() {
        let mut shaper = shaper();
        let text = "Certified copy of the certificate of incorporation and register of directors "
            .repeat(5);
        let lines = wrap(&mut shaper, BODY, 200.0, &text);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(
                shaper.width(line, Weight::Regular, BODY_SIZE) <= 200.5,
                "{line}"
            );
        }
        assert_eq!(lines.join(" "), text.trim_end());
    }

    #[test]
    fn an_unbreakable_word_is_cut() {
        let mut shaper = shaper();
        let lines = wrap(&mut shaper, BODY, 100.0, &"W".repeat(60));
        assert!(lines.len() > 3);
        assert_eq!(lines.concat(), "W".repeat(60));
    }

    #[test]
    fn a_latin_line_reads_back_glyph_by_glyph() {
        let mut shaper = shaper();
        let line = shaper.shape("José Müller-Łukasiewicz", Weight::Regular);
        assert!(line.runs.iter().all(|r| r.plain));
        assert!(shaper.missing.is_empty());
        shaper.shape("中", Weight::Regular);
        assert_eq!(shaper.missing, ['中']);
    }
}
