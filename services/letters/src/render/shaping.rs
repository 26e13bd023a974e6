//! One line of text to positioned glyphs: a face per character (font
//! fallback), the Unicode bidirectional algorithm for the visual order of
//! right-to-left and mixed lines (`unicode-bidi`), and OpenType shaping
//! (`harfrust`, HarfBuzz's Rust port): Arabic joining forms and ligatures,
//! Indic reordering and conjuncts, marks placed on their base.
//!
//! Glyph measures are in thousandths of the font size, as PDF widths are.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use harfrust::{Buffer, Direction, Script, ShapeOptions, ShaperFont};
use unicode_bidi::ParagraphBidiInfo;

use super::fonts::{FIRST_FALLBACK, FontSet};

/// A glyph of a face, placed relative to the pen.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glyph {
    /// The glyph id in the face (not yet subset).
    pub id: u16,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// The byte offset in the line where this glyph's cluster starts.
    pub cluster: usize,
}

/// Consecutive glyphs of one face, in visual order.
#[derive(Debug, Clone)]
pub(crate) struct GlyphRun {
    pub face: usize,
    pub glyphs: Vec<Glyph>,
    /// The bytes of the line it shows.
    pub range: Range<usize>,
    pub rtl: bool,
    /// True when its glyphs are its characters one to one, in order (so
    /// the font's ToUnicode map alone gives the text back).
    pub plain: bool,
}

/// A line ready to draw: its runs left to right, its width, and the text it
/// shows, in logical order (what a reader extracting it must get back).
#[derive(Debug, Clone)]
pub(crate) struct ShapedLine {
    pub text: String,
    pub runs: Vec<GlyphRun>,
    pub width: f32,
}

impl ShapedLine {
    /// What each glyph stands for, for the fonts' ToUnicode maps. In a
    /// cluster of as many glyphs as characters (a letter and its marks),
    /// each glyph gets its own character; otherwise the first glyph gets
    /// the whole cluster (a ligature gets several characters) and the others
    /// nothing. In a right-to-left run a ligature's characters are given
    /// last first: readers put right-to-left glyphs back into logical order
    /// by reversing what they read, ligatures included.
    pub fn glyph_texts(&self) -> Vec<(usize, u16, Cow<'_, str>)> {
        let mut starts: Vec<usize> = self
            .runs
            .iter()
            .flat_map(|r| r.glyphs.iter().map(|g| g.cluster))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let mut out = Vec::new();
        for run in &self.runs {
            let mut index = 0;
            while index < run.glyphs.len() {
                let cluster = run.glyphs[index].cluster;
                let count = run.glyphs[index..]
                    .iter()
                    .take_while(|g| g.cluster == cluster)
                    .count();
                let glyphs = &run.glyphs[index..index + count];
                index += count;
                let end = starts
                    .binary_search(&cluster)
                    .ok()
                    .and_then(|i| starts.get(i + 1).copied())
                    .unwrap_or(self.text.len());
                let Some(text) = self.text.get(cluster..end) else {
                    continue;
                };
                if text.chars().count() == glyphs.len() {
                    for (glyph, (at, c)) in glyphs.iter().zip(text.char_indices()) {
                        let one = &text[at..at + c.len_utf8()];
                        out.push((run.face, glyph.id, Cow::Borrowed(one)));
                    }
                } else if let Some(first) = glyphs.first() {
                    let text = if run.rtl {
                        Cow::Owned(text.chars().rev().collect())
                    } else {
                        Cow::Borrowed(text)
                    };
                    out.push((run.face, first.id, text));
                }
            }
        }
        out
    }
}

/// True for the blocks of right-to-left scripts and the controls that open
/// a right-to-left embedding: a line without any is left to right, and the
/// bidi algorithm is not run on it.
fn may_be_right_to_left(c: char) -> bool {
    matches!(
        c,
        '\u{0590}'..='\u{08FF}'
            | '\u{200F}'
            | '\u{202B}'
            | '\u{202E}'
            | '\u{2067}'
            | '\u{FB1D}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
            | '\u{10800}'..='\u{10FFF}'
            | '\u{1E800}'..='\u{1EFFF}'
    )
}

/// Default-ignorable code points (joiners, bidi controls, variation
/// selectors, ...): never drawn, so never missing.
fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Splits `text` into pieces each drawn with one face. A character takes the
/// first face that has it; spaces, punctuation, digits and marks stay with
/// the face of what precedes them when it has them too, so an Arabic phrase
/// is shaped in one piece. Characters no face has are added to `missing`.
fn itemise(
    fonts: &FontSet,
    text: &str,
    bold: bool,
    missing: &mut Vec<char>,
) -> Vec<(Range<usize>, usize)> {
    let first = usize::from(bold);
    let order = || std::iter::once(first).chain(FIRST_FALLBACK..fonts.faces.len());
    let mut items: Vec<(Range<usize>, usize)> = Vec::new();
    for (index, c) in text.char_indices() {
        // Noto Sans has every printable ASCII character.
        if c.is_ascii_graphic() || c == ' ' {
            let current = items.last_mut().filter(|(_, face)| {
                *face == first || (!c.is_ascii_alphabetic() && fonts.faces[*face].covers(c))
            });
            match current {
                Some((range, _)) => range.end = index + 1,
                None => items.push((index..index + 1, first)),
            }
            continue;
        }
        let current = items.last().map(|(_, face)| *face);
        let ignorable = is_default_ignorable(c);
        let neutral = ignorable
            || matches!(
                harfrust::unicode::script(u32::from(c)),
                Script::COMMON | Script::INHERITED
            );
        let face = match current {
            Some(face) if neutral && (ignorable || fonts.faces[face].covers(c)) => face,
            _ => match order().find(|&face| fonts.faces[face].covers(c)) {
                Some(face) => face,
                None => {
                    if !ignorable && !missing.contains(&c) {
                        missing.push(c);
                    }
                    current.unwrap_or(first)
                }
            },
        };
        let end = index + c.len_utf8();
        match items.last_mut() {
            Some((range, last)) if *last == face => range.end = end,
            _ => items.push((index..end, face)),
        }
    }
    items
}

/// Shapes one line. Characters no face has are drawn as the missing glyph
/// and added to `missing` (the caller refuses the letter).
pub(crate) fn shape_line(
    fonts: &FontSet,
    text: &str,
    bold: bool,
    missing: &mut Vec<char>,
) -> ShapedLine {
    let bidi = text
        .chars()
        .any(may_be_right_to_left)
        .then(|| ParagraphBidiInfo::new(text, None))
        .filter(ParagraphBidiInfo::has_rtl);
    let level_runs: Vec<(Range<usize>, bool)> = if let Some(bidi) = bidi {
        let (levels, runs) = bidi.visual_runs(0..text.len());
        runs.into_iter()
            .map(|run| {
                let rtl = levels[run.start].is_rtl();
                (run, rtl)
            })
            .collect()
    } else {
        vec![(0..text.len(), false)]
    };

    let mut runs = Vec::new();
    for (range, rtl) in level_runs {
        let mut items = itemise(fonts, &text[range.clone()], bold, missing);
        if rtl {
            items.reverse();
        }
        for (item, face) in items {
            let start = range.start + item.start;
            let end = range.start + item.end;
            runs.push(shape_item(fonts, face, text, start..end, rtl));
        }
    }
    let width = runs.iter().flat_map(|r| &r.glyphs).map(|g| g.advance).sum();
    ShapedLine {
        text: text.to_owned(),
        runs,
        width,
    }
}

/// True when each glyph stands for one character, in order.
fn one_glyph_per_char(glyphs: &[Glyph], text: &str, range: &Range<usize>) -> bool {
    let mut glyphs = glyphs.iter();
    text[range.clone()].char_indices().all(|(index, _)| {
        glyphs
            .next()
            .is_some_and(|g| g.cluster == range.start + index)
    }) && glyphs.next().is_none()
}

fn shape_item(
    fonts: &FontSet,
    face_index: usize,
    text: &str,
    range: Range<usize>,
    rtl: bool,
) -> GlyphRun {
    thread_local! {
        /// A shaping buffer per thread, kept between calls.
        static BUFFER: RefCell<Option<Buffer>> = const { RefCell::new(None) };
    }
    let face = &fonts.faces[face_index];
    let mut buffer = BUFFER.with(|b| b.borrow_mut().take()).unwrap_or_default();
    buffer.clear();
    buffer.push_str(&text[range.clone()]);
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let plan = face.plan(rtl, buffer.script());
    let shaper = ShaperFont::new(&face.font);
    let scale = 1000.0 / face.units_per_em;
    let glyphs: Vec<Glyph> =
        match harfrust::shape(&shaper, &mut buffer, ShapeOptions::new().plan(Some(&plan))) {
            Ok(()) => buffer
                .glyph_infos()
                .iter()
                .zip(buffer.glyph_positions())
                .map(|(info, position)| Glyph {
                    id: u16::try_from(info.glyph_id).unwrap_or(0),
                    advance: position.x_advance as f32 * scale,
                    x_offset: position.x_offset as f32 * scale,
                    y_offset: position.y_offset as f32 * scale,
                    cluster: range.start + info.cluster as usize,
                })
                .collect(),
            // The plan is built for this buffer's direction and script, so
            // this does not happen; show nothing rather than fail the letter.
            Err(_) => Vec::new(),
        };
    BUFFER.with(|b| *b.borrow_mut() = Some(buffer));
    let plain = !rtl && one_glyph_per_char(&glyphs, text, &range);
    GlyphRun {
        face: face_index,
        glyphs,
        range,
        rtl,
        plain,
    }
}

/// Byte offsets in `text` where a line may be cut inside a word: the starts
/// of its shaping clusters (never inside a syllable or before a mark).
pub(crate) fn cluster_starts(fonts: &FontSet, text: &str, bold: bool) -> Vec<usize> {
    let mut ignored = Vec::new();
    let line = shape_line(fonts, text, bold, &mut ignored);
    let mut starts: Vec<usize> = line
        .runs
        .iter()
        .flat_map(|r| r.glyphs.iter().map(|g| g.cluster))
        .filter(|&c| c > 0 && c < text.len())
        .collect();
    starts.sort_unstable();
    starts.dedup();
    starts
}
