//! One writer per output format. Each takes a [`LetterDocument`] and lays out
//! the same letter: letterhead, recipient, date, reference, subject, body,
//! signature.
//!
//! [`LetterDocument`]: crate::document::LetterDocument

pub(crate) mod html;
pub(crate) mod pdf;
pub(crate) mod text;
