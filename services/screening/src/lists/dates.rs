//! Date spellings found in the lists: OFAC `14 Jun 1975`, `Jun 1975`,
//! `1975`, `circa 1975`, `1960 to 1962`, `01 Jan 1960 to 31 Dec 1962`;
//! ISO `1975-06-14`, and ISO as precise as known (`1975-06`, `1975`) in
//! FollowTheMoney and the bank's internal lists; BIS `06/19/2003`; EU
//! separate year / month / day attributes; UK `14/06/1975` with `00` or
//! `dd`/`mm` for an unknown part.

use crate::entity::BirthDate;

fn month_number(s: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    if s.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| s.starts_with(m))
        .map(|i| i as u8 + 1)
}

fn year(s: &str) -> Option<i32> {
    let s = s.trim_end_matches('.');
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok().filter(|y| (1800..=2100).contains(y))
    } else {
        None
    }
}

/// One OFAC date without "circa" or "to": day-month-year, month-year, year.
fn single(s: &str) -> Option<BirthDate> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    match parts.as_slice() {
        [y] => iso(y).or_else(|| year(y).map(|year| BirthDate::Year { year })),
        [m, y] => Some(BirthDate::Month {
            year: year(y)?,
            month: month_number(m)?,
        }),
        [d, m, y] => {
            let day: u8 = d.parse().ok().filter(|d| (1..=31).contains(d))?;
            Some(BirthDate::Exact {
                year: year(y)?,
                month: month_number(m)?,
                day,
            })
        }
        _ => None,
    }
}

/// ISO `YYYY-MM-DD` (UN) as an exact date.
pub(crate) fn iso(s: &str) -> Option<BirthDate> {
    let s = s.trim();
    let mut it = s.splitn(3, '-');
    let y = year(it.next()?)?;
    let m: u8 = it.next()?.parse().ok().filter(|m| (1..=12).contains(m))?;
    let d: u8 = it
        .next()?
        .get(..2)?
        .parse()
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    Some(BirthDate::Exact {
        year: y,
        month: m,
        day: d,
    })
}

/// A date given as separate parts, any of which may be unknown (EU FSF
/// `year`, `monthOfYear`, `dayOfMonth`). A day without a month says nothing
/// more than the year.
pub(crate) fn from_parts(
    year: Option<i32>,
    month: Option<u8>,
    day: Option<u8>,
) -> Option<BirthDate> {
    let year = year.filter(|y| (1800..=2100).contains(y))?;
    let month = month.filter(|m| (1..=12).contains(m));
    let day = day.filter(|d| (1..=31).contains(d));
    Some(match (month, day) {
        (Some(month), Some(day)) => BirthDate::Exact { year, month, day },
        (Some(month), None) => BirthDate::Month { year, month },
        _ => BirthDate::Year { year },
    })
}

/// UK Sanctions List `dd/mm/yyyy`; an unknown day or month is written `00`
/// or literally `dd` / `mm` (`00/00/1964`, `dd/mm/1945`).
pub(crate) fn uk_day_month_year(s: &str) -> Option<BirthDate> {
    let mut parts = s.trim().split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let year = year(y.trim())?;
    let known = |p: &str| -> Result<Option<u8>, ()> {
        let p = p.trim();
        if p.eq_ignore_ascii_case("dd")
            || p.eq_ignore_ascii_case("mm")
            || p.bytes().all(|b| b == b'0')
        {
            Ok(None)
        } else {
            p.parse().map(Some).map_err(|_| ())
        }
    };
    let (day, month) = (known(d).ok()?, known(m).ok()?);
    if month.is_some_and(|m| !(1..=12).contains(&m)) || day.is_some_and(|d| !(1..=31).contains(&d))
    {
        return None;
    }
    from_parts(Some(year), month, day)
}

/// ISO 8601 as precise as the source knows it: `1961-08-04` (a time after
/// the day is ignored), `1961-08`, `1961`. Anything else is `None`.
pub(crate) fn iso_partial(s: &str) -> Option<BirthDate> {
    let s = s.trim();
    // Byte slicing below is only safe on ASCII.
    if !s.is_ascii() {
        return None;
    }
    match s.len() {
        4 => year(s).map(|year| BirthDate::Year { year }),
        7 if s.as_bytes()[4] == b'-' => Some(BirthDate::Month {
            year: year(&s[..4])?,
            month: s[5..].parse().ok().filter(|m| (1..=12).contains(m))?,
        }),
        n if n >= 10 && (n == 10 || s.as_bytes()[10] == b'T') => iso(&s[..10]),
        _ => None,
    }
}

/// Parses the text after `DOB ` in OFAC remarks.
pub(crate) fn ofac_birth_date(text: &str) -> Option<BirthDate> {
    let text = text.trim().trim_end_matches('.');
    if let Some(rest) = text.strip_prefix("circa ") {
        let year = match single(rest)? {
            BirthDate::Exact { year, .. }
            | BirthDate::Month { year, .. }
            | BirthDate::Year { year } => year,
            _ => return None,
        };
        return Some(BirthDate::Approximate { year });
    }
    if let Some((from, to)) = text.split_once(" to ") {
        let (from, to) = (single(from)?.year_span().0, single(to)?.year_span().1);
        return (from <= to).then_some(BirthDate::Range {
            from_year: from,
            to_year: to,
        });
    }
    single(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ofac_spellings() {
        assert_eq!(
            ofac_birth_date("14 Jun 1975"),
            Some(BirthDate::Exact {
                year: 1975,
                month: 6,
                day: 14
            })
        );
        assert_eq!(
            ofac_birth_date("Dec 1962"),
            Some(BirthDate::Month {
                year: 1962,
                month: 12
            })
        );
        assert_eq!(
            ofac_birth_date("1946."),
            Some(BirthDate::Year { year: 1946 })
        );
        assert_eq!(
            ofac_birth_date("circa 1970"),
            Some(BirthDate::Approximate { year: 1970 })
        );
        assert_eq!(
            ofac_birth_date("01 Jan 1960 to 31 Dec 1962"),
            Some(BirthDate::Range {
                from_year: 1960,
                to_year: 1962
            })
        );
        assert_eq!(
            ofac_birth_date("1970 to 1975"),
            Some(BirthDate::Range {
                from_year: 1970,
                to_year: 1975
            })
        );
        assert_eq!(ofac_birth_date("sometime"), None);
        assert_eq!(iso_partial("1961"), Some(BirthDate::Year { year: 1961 }));
        assert_eq!(
            iso_partial("1961-08"),
            Some(BirthDate::Month {
                year: 1961,
                month: 8
            })
        );
        assert_eq!(
            iso_partial("1961-08-04T00:00:00"),
            Some(BirthDate::Exact {
                year: 1961,
                month: 8,
                day: 4
            })
        );
        for bad in [
            "61",
            "1961-13",
            "1961-8-4",
            "1961-08-04x",
            "circa 1961",
            "1961-08-32",
            "196\u{e9}-08",
        ] {
            assert_eq!(iso_partial(bad), None, "{bad}");
        }
        assert_eq!(
            uk_day_month_year("05/03/1971"),
            Some(BirthDate::Exact {
                year: 1971,
                month: 3,
                day: 5
            })
        );
        assert_eq!(
            uk_day_month_year("00/07/1966"),
            Some(BirthDate::Month {
                year: 1966,
                month: 7
            })
        );
        assert_eq!(
            uk_day_month_year("dd/mm/1945"),
            Some(BirthDate::Year { year: 1945 })
        );
        assert_eq!(
            uk_day_month_year("00/00/1950"),
            Some(BirthDate::Year { year: 1950 })
        );
        assert_eq!(uk_day_month_year("31/13/1950"), None);
        assert_eq!(uk_day_month_year("1950"), None);
        assert_eq!(
            from_parts(Some(1980), None, Some(4)),
            Some(BirthDate::Year { year: 1980 })
        );
        assert_eq!(
            iso("1971-03-05"),
            Some(BirthDate::Exact {
                year: 1971,
                month: 3,
                day: 5
            })
        );
    }
}
