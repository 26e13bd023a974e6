//! The letter as the format writers see it: letterhead, recipient, date,
//! reference, subject, body blocks and signature.
//!
//! A template's body produces *letter markup*, the same for every format:
//! - paragraphs are separated by one or more blank lines; the lines of one
//!   paragraph are joined with a space (so a template can wrap its source);
//! - a line starting with `- ` is a bullet; consecutive bullets form a list.
//!
//! Nothing else is special, so no character in a value can change the
//! structure (values are one line; see [`crate::fields`]).

/// A piece of the letter body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Paragraph(String),
    Bullets(Vec<String>),
}

/// Everything a writer needs, already rendered to plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LetterDocument {
    pub bank_name: String,
    pub bank_address: Vec<String>,
    pub letter_date: String,
    pub reference: String,
    /// Customer name then the address lines.
    pub recipient: Vec<String>,
    pub subject: String,
    pub body: Vec<Block>,
    pub closing: String,
    pub signatory_name: String,
    pub signatory_title: String,
}

/// Splits rendered body text into blocks.
pub(crate) fn parse_body(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut bullets: Vec<String> = Vec::new();

    fn flush(blocks: &mut Vec<Block>, paragraph: &mut Vec<&str>, bullets: &mut Vec<String>) {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
        if !bullets.is_empty() {
            blocks.push(Block::Bullets(std::mem::take(bullets)));
        }
    }

    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut blocks, &mut paragraph, &mut bullets);
        } else if let Some(item) = line.strip_prefix("- ") {
            if !paragraph.is_empty() {
                flush(&mut blocks, &mut paragraph, &mut bullets);
            }
            bullets.push(clean(item));
        } else {
            if !bullets.is_empty() {
                flush(&mut blocks, &mut paragraph, &mut bullets);
            }
            paragraph.push(line);
        }
    }
    flush(&mut blocks, &mut paragraph, &mut bullets);
    blocks
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(p) => Block::Paragraph(clean(&p)),
            bullets => bullets,
        })
        .collect()
}

/// Tabs and other control characters from a template's literal text become
/// single spaces; runs of spaces collapse.
pub(crate) fn clean(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_bullets() {
        let text = "Dear Ana,\n\nWe need\nthese documents:\n- Passport\n-  Utility\tbill\n\n\nThank you.\n";
        assert_eq!(
            parse_body(text),
            vec![
                Block::Paragraph("Dear Ana,".into()),
                Block::Paragraph("We need these documents:".into()),
                Block::Bullets(vec!["Passport".into(), "Utility bill".into()]),
                Block::Paragraph("Thank you.".into()),
            ]
        );
    }

    #[test]
    fn a_dash_inside_a_line_is_text() {
        assert_eq!(
            parse_body("Müller-Łukasiewicz - yes"),
            vec![Block::Paragraph("Müller-Łukasiewicz - yes".into())]
        );
    }
}
