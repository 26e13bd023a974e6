//! Small text helpers shared by the list parsers.

use super::{ListError, SourceFile};

/// Decodes a field: UTF-8 when it is, otherwise Latin-1 (older OFAC files
/// are Windows-1252/Latin-1). Never fails, so encoding never drops a row.
pub(crate) fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// An OFAC field: trimmed, with the `-0-` "empty" sentinel turned into `None`.
pub(crate) fn ofac_field(bytes: &[u8]) -> Option<String> {
    let s = decode(bytes);
    let t = s.trim();
    if t.is_empty() || t == "-0-" {
        None
    } else {
        Some(t.to_string())
    }
}

/// A field that is empty after trimming is absent.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// Whether every letter of `s` is Latin (basic, Latin-1, Extended-A/B and
/// Extended Additional), i.e. the name is not in an original script such as
/// Cyrillic, Arabic or Greek.
pub(crate) fn is_latin_script(s: &str) -> bool {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| (c as u32) < 0x0250 || ('\u{1E00}'..='\u{1EFF}').contains(&c))
}

/// True for the end-of-file marker (0x1A) OFAC appends, or a blank record.
pub(crate) fn is_eof_or_blank(record: &csv::ByteRecord) -> bool {
    record.len() == 1
        && record[0]
            .iter()
            .all(|&b| b == 0x1a || b.is_ascii_whitespace())
}

/// The CSV records of a list file, each with the line it starts on. A
/// CSV-level error (an unclosed quote) refuses the whole file with its
/// line: what follows it cannot be trusted.
pub(crate) struct CsvRecords<'a> {
    file: &'a SourceFile,
    reader: csv::Reader<&'a [u8]>,
    lines: LineCounter<'a>,
    record: csv::ByteRecord,
}

impl<'a> CsvRecords<'a> {
    /// Records separated by `delimiter`, any number of fields each (the
    /// parsers check widths and report short rows themselves).
    pub fn new(file: &'a SourceFile, delimiter: u8) -> Self {
        CsvRecords {
            file,
            reader: csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(file.bytes.as_slice()),
            lines: LineCounter::new(&file.bytes),
            record: csv::ByteRecord::new(),
        }
    }

    /// The next record and its line, `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<(u64, &csv::ByteRecord)>, ListError> {
        let line = self.lines.line_at(self.reader.position().byte());
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => Ok(Some((line, &self.record))),
            Err(e) => Err(ListError::Malformed {
                file: self.file.name.clone(),
                line: e.position().map_or(line, |p| p.line()),
                reason: e.to_string(),
            }),
        }
    }
}

/// Counts lines up to byte offsets that only move forward, so that rows
/// can be reported by line without rescanning the file. A record that
/// starts at a line terminator (CSV readers stop before `\n` of a CRLF)
/// is placed on the next line.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    pub fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = (byte as usize).min(self.bytes.len());
        while target < self.bytes.len() && matches!(self.bytes[target], b'\r' | b'\n') {
            target += 1;
        }
        if target > self.offset {
            self.line += self.bytes[self.offset..target]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = target;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentinel_and_latin1() {
        assert_eq!(ofac_field(b"-0- "), None);
        assert_eq!(ofac_field(b" X "), Some("X".into()));
        assert_eq!(decode(&[0x4a, 0xe9]), "J\u{e9}");
        assert!(is_latin_script("Nguyễn Đức, Müller-Lüdenscheidt"));
        assert!(!is_latin_script("Иван Петров"));
        assert!(!is_latin_script("محمد"));
    }
}
