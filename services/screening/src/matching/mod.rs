//! The matcher: everything that decides whether two names are the same
//! name, apart from lists, monitoring, the API and the stores.
//!
//! - [`transliterate`]: any script to comparable Latin, per script (Han to
//!   Pinyin syllables, the Arabic article, letters with a háček);
//! - [`normalize`]: tokens of a name, with titles, legal forms, patronymic
//!   endings, numbers and abbreviations canonicalised (`titles`,
//!   `legal_forms`);
//! - [`phonetic`]: consonant keys, strict (same script family) and loose
//!   (a script that writes no vowels or no l/r distinction);
//! - [`variants`]: spelling variants, nicknames and abbreviations folded
//!   onto shared groups;
//! - [`similarity`]: edit distances for tokens;
//! - `scoring`: token pairs, the score and its explanation;
//! - `index`: candidate generation that loses no match;
//! - `qualifiers`: birth dates, countries and identifiers.

pub(crate) mod countries;
pub(crate) mod index;
pub(crate) mod legal_forms;
pub mod normalize;
pub mod phonetic;
pub(crate) mod qualifiers;
pub(crate) mod scoring;
pub mod similarity;
pub(crate) mod titles;
pub mod transliterate;
pub mod variants;
