//! Any script to comparable lower-case Latin words, script by script.
//!
//! `any_ascii` does the letter-by-letter work (its tables follow the usual
//! romanisations: Pinyin for Han, Revised Romanisation for Hangul, Hepburn
//! for kana, ALA-LC-like tables for Arabic, Hebrew, Indic and others). What
//! it cannot know, and this module adds:
//!
//! - **which script a word came from** ([`Script`]): a romanised Arabic or
//!   Hebrew word has no vowels, a Japanese, Korean or Chinese one has no
//!   l/r distinction, a Greek one writes `nt` for `d`. Those words are
//!   compared by their loose consonant key (`phonetic.rs`), never by
//!   spelling alone;
//! - **letters with a háček or a cedilla** keep their digraph (`š` → `sh`,
//!   `č` → `ch`, `ž` → `zh`, `ł` → `l`, `ß` → `ss`), so `Lukašenko` meets
//!   `Lukashenko` rather than `Lukasenko` (the Czech, Slovak, Croatian,
//!   Slovene, Latvian, Lithuanian and Turkish values of these letters);
//! - **the Arabic article** `ال`, written joined to its word, is a word of
//!   its own (`الرحمن` → `al rhmn`), as the Latin forms write it
//!   (`al-Rahman`), except after `عبد` (servant of), whose element Latin
//!   forms write as one (`عبد الرحمن` → `abdal rhmn`: Abdul, Abdel); with
//!   a hamza (`أل`) the alef is a name's first vowel, not the article;
//! - **Han and Hangul names** written without spaces: a run of two or three
//!   Han syllables is a family name (the first syllable) and a given name
//!   (the rest joined), `习近平` → `xi jinping`, as Pinyin writes Chinese
//!   names; in a Korean name written as one word each Hangul syllable is
//!   a word, `김정은` → `gim jeong eun`, as Latin forms write Korean names
//!   (`Kim Jong Un`);
//! - **Greek digraphs** `μπ`, `ντ`, `γκ` are the b, d and g Greek has no
//!   letter for (`Μπασάρ` → `basar`). A run next to a middle dot (`·`, `・`) is a
//!   transcribed foreign name: each dot-separated part is one word.
//!
//! Zero-width characters, bidirectional marks and combining marks are
//! deleted without splitting a word; look-alike letters from another script
//! (a Cyrillic `а` in a Latin word) transliterate to the same letter.

/// How faithfully a word's script romanises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Script {
    /// Latin or Cyrillic: the spelling carries the vowels and consonants.
    #[default]
    Alphabetic,
    /// A script whose romanisation loses distinctions a Latin spelling
    /// makes: vowels (Arabic, Hebrew, Syriac, Thaana), l/r (kana, Hangul),
    /// clusters (Greek, Armenian, Georgian, Indic, Thai, Khmer, Burmese).
    Loose,
    /// Han: each character a syllable, foreign names squeezed into Chinese
    /// syllables (consonant clusters dropped).
    Han,
}

/// One word of a name, romanised, with the script it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawToken {
    pub text: String,
    pub script: Script,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Letters and digits of an alphabetic script.
    Alphabetic,
    Loose,
    Han,
    Hangul,
    Arabic,
    /// Deleted inside a word (apostrophes, dots, zero-width, marks).
    Deleted,
    /// A middle dot: separates, and marks a transcribed foreign name.
    Dot,
    Separator,
}

fn class(c: char) -> Class {
    let u = c as u32;
    match c {
        '\'' | '.' | '`' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '\u{02BF}'
        | '\u{02BE}' => Class::Deleted,
        '\u{00B7}' | '\u{30FB}' | '\u{FF65}' | '\u{2027}' | '\u{2022}' => Class::Dot,
        _ if matches!(u, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFEFF | 0x00AD | 0x061C) => {
            Class::Deleted
        }
        // Combining marks (diacritics written separately).
        _ if matches!(u, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F) => {
            Class::Deleted
        }
        _ if matches!(u, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF) =>
        {
            // Arabic harakat and tatweel are marks, not letters.
            if matches!(u, 0x064B..=0x065F | 0x0670 | 0x0640 | 0x06D6..=0x06ED) {
                Class::Deleted
            } else if c.is_alphanumeric() {
                Class::Arabic
            } else {
                Class::Separator
            }
        }
        _ if matches!(u, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F) => {
            Class::Han
        }
        _ if matches!(u, 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F) => Class::Hangul,
        _ if c.is_alphanumeric() => {
            if u < 0x0250
                || matches!(u, 0x0400..=0x052F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFF00..=0xFFEF)
            {
                Class::Alphabetic
            } else {
                Class::Loose
            }
        }
        // Marks of other scripts (Indic vowel signs, Thai tone marks) are
        // part of their word.
        _ if is_mark(c) => Class::Loose,
        _ => Class::Separator,
    }
}

/// Spacing and non-spacing marks of the Brahmic and South-East Asian
/// scripts, which `char::is_alphanumeric` does not count as letters.
fn is_mark(c: char) -> bool {
    let u = c as u32;
    matches!(u, 0x0900..=0x0DFF | 0x0E00..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x0591..=0x05C7)
}

/// Letters whose `any_ascii` form drops a distinction a Latin spelling of
/// the same name keeps (the háček, ogonek-less stroke and sharp s).
fn digraph(c: char) -> Option<&'static str> {
    Some(match c {
        'š' | 'Š' | 'ş' | 'Ş' | 'ș' | 'Ș' | 'ś' | 'Ś' => "sh",
        'č' | 'Č' | 'ć' | 'Ć' => "ch",
        'ž' | 'Ž' | 'ż' | 'Ż' => "zh",
        'ł' | 'Ł' => "l",
        'ß' => "ss",
        'ř' | 'Ř' => "rzh",
        'ț' | 'Ț' | 'ţ' | 'Ţ' => "ts",
        'đ' | 'Đ' => "dj",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'þ' | 'Þ' => "th",
        // Arabic alef, ain and hamza carriers: a Latin spelling writes a
        // vowel there (`عبد` → `abd`, as `Abd`), never nothing.
        'ع' | 'ا' | 'أ' | 'إ' | 'آ' | 'ء' | 'ئ' | 'ؤ' => "a",
        // Hebrew alef and ayin likewise.
        'א' | 'ע' => "a",
        // Arabic zah: Latin spellings write z (Mahfouz, Nazim).
        'ظ' => "z",
        _ => return None,
    })
}

/// Appends the lower-case ASCII alphanumerics of `c`'s romanisation.
fn push_romanised(out: &mut String, c: char) {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        }
        return;
    }
    if let Some(d) = digraph(c) {
        out.push_str(d);
        return;
    }
    let mut buf = [0u8; 4];
    for a in any_ascii::any_ascii(c.encode_utf8(&mut buf)).chars() {
        if a.is_ascii_alphanumeric() {
            out.push(a.to_ascii_lowercase());
        }
    }
}

/// A word being built: its text, script, and syllables (Han and Hangul).
#[derive(Default)]
struct Word {
    text: String,
    script: Script,
    /// Byte offsets in `text` where a Han or Hangul syllable starts.
    syllables: Vec<usize>,
    /// The word so far is all Han or Hangul syllables.
    syllabic: bool,
    started: bool,
}

/// Greek digraphs for the sounds Greek has no letter for (`μπ` = b,
/// `ντ` = d, `γκ` = g): read as one letter, as every Latin form does.
fn greek_digraphs(text: &str) -> std::borrow::Cow<'_, str> {
    const PAIRS: &[(&str, &str)] = &[
        ("μπ", "b"),
        ("Μπ", "B"),
        ("ΜΠ", "B"),
        ("ντ", "d"),
        ("Ντ", "D"),
        ("ΝΤ", "D"),
        ("γκ", "g"),
        ("Γκ", "G"),
        ("ΓΚ", "G"),
    ];
    if !text.chars().any(|c| ('\u{0370}'..='\u{03FF}').contains(&c)) {
        return text.into();
    }
    let mut out = text.to_string();
    for (from, to) in PAIRS {
        out = out.replace(from, to);
    }
    out.into()
}

/// Romanises a name into words.
pub fn romanise(text: &str) -> Vec<RawToken> {
    let greek = greek_digraphs(text);
    let text: &str = &greek;
    let has_dot = text.chars().any(|c| class(c) == Class::Dot);
    let single_word = !has_dot && text.split_whitespace().count() == 1;
    let mut words: Vec<RawToken> = Vec::new();
    let mut w = Word::default();
    let mut chars = text.chars().peekable();
    let mut arabic_start = true;
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        let cl = class(c);
        match cl {
            Class::Deleted => continue,
            Class::Separator | Class::Dot => {
                finish(&mut w, &mut words, has_dot, single_word);
                arabic_start = true;
                prev = None;
                continue;
            }
            _ => {}
        }
        // The Arabic article at the start of a word becomes a word.
        if cl == Class::Arabic {
            // Only a plain alef (or alef wasla) starts the article: with a
            // hamza it is a name's own first vowel (`ألكسندر`, Alexander).
            if arabic_start && (c == 'ا' || c == 'ٱ') && chars.peek() == Some(&'ل') {
                let mut rest = chars.clone();
                rest.next();
                let word: String = rest.take_while(|&n| class(n) == Class::Arabic).collect();
                // `الله` (Allah) is one word, as `Abdallah` writes it.
                if word.chars().count() >= 2 && word != "له" && word != "لّه" {
                    chars.next();
                    finish(&mut w, &mut words, has_dot, single_word);
                    match words.last_mut() {
                        // `عبد ال…` (servant of …) is one element, as Latin
                        // forms write it: Abdul, Abdel, Abd al-.
                        Some(abd) if abd.text == "abd" && abd.script == Script::Loose => {
                            abd.text.push_str("al");
                        }
                        _ => words.push(RawToken {
                            text: "al".into(),
                            script: Script::Loose,
                        }),
                    }
                    arabic_start = false;
                    continue;
                }
            }
            arabic_start = false;
        }
        let script = match cl {
            Class::Alphabetic => Script::Alphabetic,
            Class::Han => Script::Han,
            _ => Script::Loose,
        };
        let syllabic = matches!(cl, Class::Han | Class::Hangul);
        if !w.started {
            w.started = true;
            w.syllabic = syllabic;
        } else {
            w.syllabic &= syllabic;
        }
        // The loosest script in a word decides how it is compared.
        w.script = w.script.max(script);
        if syllabic {
            w.syllables.push(w.text.len());
        }
        // Hebrew vav inside a word is mostly the vowel o or u.
        if c == 'ו' && !w.text.is_empty() {
            w.text.push('u');
            continue;
        }
        // A doubled letter with a digraph (Turkish `şş`) is written once.
        if digraph(c).is_some() && prev == Some(c) {
            continue;
        }
        prev = Some(c);
        push_romanised(&mut w.text, c);
    }
    finish(&mut w, &mut words, has_dot, single_word);
    words
}

fn finish(w: &mut Word, words: &mut Vec<RawToken>, has_dot: bool, single_word: bool) {
    let word = std::mem::take(w);
    if word.text.is_empty() {
        return;
    }
    let n = word.syllables.len();
    // Hangul: every syllable a word, as Latin forms of Korean names write
    // them (`Kim Jong Un`), when the name is that one word (a Korean name
    // is written without spaces; a foreign one, `니콜라스 마두로`, with).
    if word.syllabic && word.script == Script::Loose && single_word && (2..=3).contains(&n) {
        let mut cuts = word.syllables.clone();
        cuts.push(word.text.len());
        for w in cuts.windows(2) {
            words.push(RawToken {
                text: word.text[w[0]..w[1]].to_string(),
                script: word.script,
            });
        }
        return;
    }
    if word.syllabic && !has_dot && (2..=3).contains(&n) {
        let cut = word.syllables[1];
        let (family, given) = word.text.split_at(cut);
        for part in [family, given] {
            words.push(RawToken {
                text: part.to_string(),
                script: word.script,
            });
        }
    } else {
        words.push(RawToken {
            text: word.text,
            script: word.script,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        romanise(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn scripts_romanise_to_words() {
        assert_eq!(texts("Lukašenko"), ["lukashenko"]);
        assert_eq!(texts("Łukaszenka"), ["lukaszenka"]);
        assert_eq!(texts("Qa'ida S.A."), ["qaida", "sa"]);
        assert_eq!(texts("Vl\u{430}dimir"), ["vladimir"]);
        assert_eq!(texts("Joh\u{200B}n\u{200F} Smith"), ["john", "smith"]);
        assert_eq!(texts("习近平"), ["xi", "jinping"]);
        assert_eq!(texts("亚历山大·卢卡申科"), ["yalishanda", "lukashenke"]);
        assert_eq!(texts("عبد الرحمن"), ["abdal", "rhmn"]);
        assert_eq!(texts("سيف الدين"), ["syf", "al", "dyn"]);
        assert_eq!(texts("ألكسندر"), ["alksndr"]);
        assert_eq!(texts("عبد الله"), ["abd", "allh"]);
        assert_eq!(texts("Beşşar"), ["beshar"]);
        assert_eq!(texts("김정은"), ["gim", "jeong", "eun"]);
        assert_eq!(texts("Μπασάρ αλ Άσαντ"), ["basar", "al", "asad"]);
        let ar = romanise("ألكسندر لوكاشينكو");
        assert!(ar.iter().all(|t| t.script == Script::Loose), "{ar:?}");
        assert_eq!(romanise("Иван")[0].script, Script::Alphabetic);
        assert_eq!(romanise("アレクサンドル")[0].script, Script::Loose);
        assert_eq!(romanise("卢卡申科")[0].script, Script::Han);
        assert!(romanise(" \u{200B}.,").is_empty());
    }
}
