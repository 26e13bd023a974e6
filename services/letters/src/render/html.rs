//! HTML letters: one self-contained page with inline CSS, printable on A4.
//! Every piece of text goes through [`escape`], so values and template text
//! cannot add markup.

use std::fmt::Write;

use crate::document::{Block, LetterDocument};

const STYLE: &str = "body{font-family:'Noto Sans',Helvetica,Arial,sans-serif;font-size:11pt;\
line-height:1.45;color:#111;max-width:40em;margin:2em auto;padding:0 1em}\
header{border-bottom:1px solid #0d3366;margin-bottom:2em}\
.bank{font-size:17pt;font-weight:bold;color:#0d3366;margin:0}\
.bank-address{font-size:9pt;color:#444;margin:.2em 0 .8em}\
address{font-style:normal;margin-bottom:1.5em}\
.date,.reference{margin:.2em 0}h1{font-size:11pt;margin:1.5em 0 1em}\
.signature{margin-top:2em}";

pub(crate) fn write(letter: &LetterDocument) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&letter.subject));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    out.push_str("<header>\n");
    let _ = writeln!(out, "<p class=\"bank\">{}</p>", escape(&letter.bank_name));
    if !letter.bank_address.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"bank-address\">{}</p>",
            lines(&letter.bank_address)
        );
    }
    out.push_str("</header>\n");
    let _ = writeln!(out, "<address>{}</address>", lines(&letter.recipient));
    let _ = writeln!(out, "<p class=\"date\">{}</p>", escape(&letter.letter_date));
    let _ = writeln!(
        out,
        "<p class=\"reference\">Our reference: {}</p>",
        escape(&letter.reference)
    );
    let _ = writeln!(out, "<h1>{}</h1>\n<main>", escape(&letter.subject));
    for block in &letter.body {
        match block {
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", escape(item));
                }
                out.push_str("</ul>\n");
            }
        }
    }
    out.push_str("</main>\n<footer class=\"signature\">\n");
    let _ = writeln!(out, "<p>{}</p>", escape(&letter.closing));
    let signature = [
        letter.signatory_name.clone(),
        letter.signatory_title.clone(),
        letter.bank_name.clone(),
    ];
    let _ = writeln!(
        out,
        "<p>{}</p>\n</footer>\n</body>\n</html>",
        lines(&signature)
    );
    out
}

fn lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("<br>\n")
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_markup_could_use() {
        assert_eq!(
            escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
