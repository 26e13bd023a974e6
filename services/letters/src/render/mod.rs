//! One writer per output format. Each takes a [`LetterDocument`] and lays out
//! the same letter: letterhead, recipient, date, reference, subject, body,
//! signature.
//!
//! [`LetterDocument`]: crate::document::LetterDocument

pub mod fonts;
pub(crate) mod html;
pub(crate) mod pdf;
mod shaping;
pub(crate) mod text;
