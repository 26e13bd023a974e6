//! Reading an XML list file with roxmltree: UTF-8 check, parse errors with
//! the line they happened on, and the line of an element for rejections.
//! Shared by the UN, EU and UK parsers so that all three report a broken
//! file the same way.

use super::{ListError, SourceFile};
use roxmltree::{Document, Node};

/// Parses `file` as XML, or says which line of it is broken.
pub(crate) fn document(file: &SourceFile) -> Result<Document<'_>, ListError> {
    let text = std::str::from_utf8(&file.bytes).map_err(|e| {
        let line = file.bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        ListError::Malformed {
            file: file.name.clone(),
            line,
            reason: "not UTF-8".into(),
        }
    })?;
    // Lists routinely start with a byte order mark; roxmltree refuses it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Document::parse(text).map_err(|e| ListError::Malformed {
        file: file.name.clone(),
        // A truncated file fails at its end, which roxmltree reports as 1:1.
        line: match e {
            roxmltree::Error::UnexpectedEndOfStream | roxmltree::Error::UnclosedRootNode => {
                text.lines().count() as u64
            }
            _ => u64::from(e.pos().row),
        },
        reason: e.to_string(),
    })
}

/// The line an element starts on (scans the text: call it for errors only).
pub(crate) fn line_of(doc: &Document<'_>, node: Node<'_, '_>) -> u64 {
    u64::from(doc.text_pos_at(node.range().start).row)
}

/// Lines of elements for rejected entries. The line starts are indexed on
/// the first rejection only, so a clean file costs nothing and a file with
/// many rejections is not rescanned from its start for each one.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Lines<'a> {
    pub fn new(doc: &Document<'a>) -> Self {
        Lines {
            text: doc.input_text(),
            starts: std::cell::OnceCell::new(),
        }
    }

    pub fn line(&self, node: Node<'_, '_>) -> u64 {
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        // The number of line starts at or before the element.
        starts.partition_point(|&s| s <= node.range().start) as u64
    }
}

/// The root element must be `expected` (local name), or the file is not
/// the list it was taken for.
pub(crate) fn expect_root(
    file: &SourceFile,
    doc: &Document<'_>,
    expected: &str,
    namespace: Option<&str>,
) -> Result<(), ListError> {
    let root = doc.root_element();
    let name_ok = root.tag_name().name() == expected;
    let ns_ok = namespace.is_none_or(|ns| root.tag_name().namespace() == Some(ns));
    if name_ok && ns_ok {
        return Ok(());
    }
    let wanted = match namespace {
        Some(ns) => format!("<{expected}> in namespace {ns}"),
        None => format!("<{expected}>"),
    };
    Err(ListError::Malformed {
        file: file.name.clone(),
        line: line_of(doc, root),
        reason: format!(
            "root element is <{}>{}, expected {wanted}",
            root.tag_name().name(),
            root.tag_name()
                .namespace()
                .map(|ns| format!(" in namespace {ns}"))
                .unwrap_or_default()
        ),
    })
}

/// The first kilobytes of a file as text, for recognising it by content.
pub(crate) fn head(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(&bytes[..bytes.len().min(4096)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_agree_with_roxmltree_and_a_bom_is_accepted() {
        let file = SourceFile {
            name: "x.xml".into(),
            bytes: "\u{feff}<a>\n<b/>\n\n  <c>\n<d/></c>\n</a>\n"
                .as_bytes()
                .to_vec(),
        };
        let doc = document(&file).unwrap();
        let lines = Lines::new(&doc);
        let found: Vec<(String, u64, u64)> = doc
            .descendants()
            .filter(|n| n.is_element())
            .map(|n| {
                (
                    n.tag_name().name().to_string(),
                    lines.line(n),
                    line_of(&doc, n),
                )
            })
            .collect();
        let expected = [("a", 1), ("b", 2), ("c", 4), ("d", 5)];
        for ((name, line, rox), (want_name, want_line)) in found.iter().zip(expected) {
            assert_eq!((name.as_str(), *line), (want_name, want_line));
            assert_eq!(line, rox);
        }
    }

    #[test]
    fn broken_files_name_their_line() {
        let file = SourceFile {
            name: "y.xml".into(),
            bytes: b"<a>\n<b>\n</a>\n".to_vec(),
        };
        match document(&file) {
            Err(ListError::Malformed { file, line, .. }) => {
                assert_eq!((file.as_str(), line), ("y.xml", 3))
            }
            other => panic!("{other:?}"),
        }
        let file = SourceFile {
            name: "z.xml".into(),
            bytes: b"<a>\n\xff</a>".to_vec(),
        };
        assert!(matches!(
            document(&file),
            Err(ListError::Malformed { line: 2, .. })
        ));
    }
}
