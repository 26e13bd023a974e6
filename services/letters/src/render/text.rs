//! Plain-text letters (UTF-8), wrapped at 72 characters.

use crate::document::{Block, LetterDocument};

const WIDTH: usize = 72;

pub(crate) fn write(letter: &LetterDocument) -> String {
    let mut out = String::with_capacity(2048);
    push_line(&mut out, &letter.bank_name.to_uppercase());
    for line in &letter.bank_address {
        push_line(&mut out, line);
    }
    push_line(&mut out, &"-".repeat(WIDTH));
    out.push('\n');
    for line in &letter.recipient {
        push_line(&mut out, line);
    }
    out.push('\n');
    push_line(&mut out, &letter.letter_date);
    push_line(&mut out, &format!("Our reference: {}", letter.reference));
    out.push('\n');
    wrap_into(&mut out, &letter.subject, "", "");
    out.push('\n');
    for block in &letter.body {
        match block {
            Block::Paragraph(text) => wrap_into(&mut out, text, "", ""),
            Block::Bullets(items) => {
                for item in items {
                    wrap_into(&mut out, item, "  - ", "    ");
                }
            }
        }
        out.push('\n');
    }
    push_line(&mut out, &letter.closing);
    out.push_str("\n\n");
    push_line(&mut out, &letter.signatory_name);
    push_line(&mut out, &letter.signatory_title);
    push_line(&mut out, &letter.bank_name);
    out
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// Greedy word wrap; `first` prefixes the first line, `rest` the others. A
/// word longer than the line stays whole on its own line.
fn wrap_into(out: &mut String, text: &str, first: &str, rest: &str) {
    let mut line = String::from(first);
    let mut width = first.chars().count();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = word.chars().count();
        if !empty && width + 1 + len > WIDTH {
            push_line(out, &line);
            line = String::from(rest);
            width = rest.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            width += 1;
        }
        line.push_str(word);
        width += len;
        empty = false;
    }
    push_line(out, &line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_the_width_with_a_hanging_indent() {
        let mut out = String::new();
        let text = "word ".repeat(40);
        wrap_into(&mut out, &text, "  - ", "    ");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{out}");
        assert!(lines[0].starts_with("  - word"));
        assert!(lines[1].starts_with("    word"));
    }
}
