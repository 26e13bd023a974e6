//! String similarity for tokens.
//!
//! Token-level typos are accepted at one edit (insertion, deletion,
//! substitution or transposition of adjacent letters: optimal string
//! alignment distance 1; a substitution of letters that write one sound,
//! `v`/`w`, `c`/`k`, `i`/`y`, costs half), and at two edits in long tokens (eight letters or
//! more), with a lower similarity. In shorter tokens larger distances are
//! left to the phonetic key and the variant table: two edits in a short
//! token already turn one name into another (`maria`/`marta`/`mario`).
//! The edit bounds are also what make the candidate index exact (see
//! `index.rs`: deletion neighbourhoods of one and two letters).

/// True when `a` and `b` are at optimal-string-alignment distance ≤ 1.
pub fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if prefix == la && prefix == lb {
        return true;
    }
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    if la == lb {
        // Substitution or adjacent transposition.
        ra[1..] == rb[1..]
            || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
    } else if la > lb {
        ra[1..] == *rb
    } else {
        *ra == rb[1..]
    }
}

/// Similarity of two tokens one edit apart: 1 − 1.2/longest length. The
/// 1.2 keeps a single five-letter word with a typo (`Intel`/`Inter`, 0.76)
/// under the threshold on its own, while a typo in a longer name still
/// matches comfortably.
pub fn one_edit_similarity(a: &str, b: &str) -> f32 {
    let cost = if sound_alike_substitution(a.as_bytes(), b.as_bytes()) {
        0.6
    } else {
        1.2
    };
    1.0 - cost / a.len().max(b.len()) as f32
}

/// Letters that transliteration tables write for one sound: a name
/// spelt with one in one language is spelt with the other in the next
/// (`Mnangagwa`/`Mnangagva` through Cyrillic, `Kasem`/`Qasem`,
/// `Yusuf`/`Jusuf` in German).
const SOUND_ALIKE: &[(u8, u8)] = &[
    (b'v', b'w'),
    (b'c', b'k'),
    (b'k', b'q'),
    (b'i', b'y'),
    (b'j', b'y'),
    (b's', b'z'),
];

/// Whether `a` and `b` differ only in one letter, and those two letters
/// are [`SOUND_ALIKE`].
fn sound_alike_substitution(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diffs = a.iter().zip(b).filter(|(x, y)| x != y);
    match (diffs.next(), diffs.next()) {
        (Some((&x, &y)), None) => SOUND_ALIKE
            .iter()
            .any(|&(p, q)| (x, y) == (p, q) || (x, y) == (q, p)),
        _ => false,
    }
}

/// Similarity of two long tokens two edits apart: 1 − 2.4/longest length,
/// so a small change gives a small drop instead of a cliff (`Glencorr` /
/// `Glencore`-like typos in a distinctive word: 0.70 at 8 letters, 0.80
/// at 12), and stays under a one-edit pair of the same length.
pub fn two_edit_similarity(a: &str, b: &str) -> f32 {
    1.0 - 2.4 / a.len().max(b.len()) as f32
}

/// Whether `short` is a subsequence of `long`.
pub fn is_subsequence(short: &[u8], long: &[u8]) -> bool {
    let mut it = long.iter();
    short.iter().all(|c| it.any(|d| d == c))
}

/// Levenshtein distance, or `None` when it exceeds `max` (or the tokens are
/// too long to bother: names' tokens are short).
pub fn levenshtein_within(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max || a.len() > 64 || b.len() > 64 {
        return None;
    }
    // Two rows on the stack: this runs for every phonetic candidate.
    let (mut row_a, mut row_b) = ([0usize; 65], [0usize; 65]);
    let (mut prev, mut cur) = (&mut row_a, &mut row_b);
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[b.len()] <= max).then_some(prev[b.len()])
}

#[cfg(test)]
mod tests {
    use super::within_one_edit as w;

    #[test]
    fn one_edit_cases() {
        assert!(w(b"smith", b"smith"));
        assert!(w(b"smith", b"smyth"));
        assert!(w(b"smith", b"smtih"));
        assert!(w(b"smith", b"smiths"));
        assert!(w(b"smith", b"mith"));
        assert!(!w(b"smith", b"smythe"));
        assert!(!w(b"abcd", b"badc"));
        assert!(w(b"", b"a"));
    }

    #[test]
    fn sound_alike_letters_cost_half_an_edit() {
        use super::one_edit_similarity as s;
        assert!(s("mnangagva", "mnangagwa") > s("mnangagta", "mnangagwa"));
        assert!((s("qasem", "kasem") - (1.0 - 0.6 / 5.0)).abs() < 1e-6);
        assert!((s("smith", "smyth") - (1.0 - 0.6 / 5.0)).abs() < 1e-6);
        assert!((s("smith", "smite") - (1.0 - 1.2 / 5.0)).abs() < 1e-6);
    }

    #[test]
    fn bounded_levenshtein() {
        use super::levenshtein_within as l;
        assert_eq!(l(b"mohammed", b"muhammad", 2), Some(2));
        assert_eq!(l(b"canon", b"jonhon", 2), None);
        assert_eq!(l(b"", b"ab", 2), Some(2));
    }
}
