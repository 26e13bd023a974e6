//! Screens names read from standard input against every bundled list, one
//! line each: `kind<TAB>name[<TAB>expected]`, and prints the best matches.
//! With `expected` (a piece of the listed entity's primary name), the line
//! starts with `found` or `MISSED` and a count closes the run: a quick way
//! to see how many written forms of one listed name screening finds.
//!
//! `cut -f1 forms.txt | sed 's/^/person\t/' | cargo run -p cdd-screening --example screen`

use cdd_screening::{EntityKind, Screener, Subject, load_lists_dir, sanctions_data_dir};
use std::io::BufRead;

fn main() {
    let report = load_lists_dir(sanctions_data_dir()).expect("the bundled lists load");
    let screener = Screener::new(report.version);
    let (mut found, mut asked) = (0, 0);
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("standard input is readable");
        let mut cols = line.split('\t');
        let (Some(kind), Some(name)) = (cols.next(), cols.next()) else {
            continue;
        };
        let expected = cols.next().map(str::to_lowercase);
        let kind = match kind {
            "person" => EntityKind::Person,
            "organisation" => EntityKind::Organisation,
            "vessel" => EntityKind::Vessel,
            _ => EntityKind::Aircraft,
        };
        let subject = Subject {
            kind,
            name: name.to_string(),
            birth_date: None,
            countries: Vec::new(),
            identifiers: Vec::new(),
        };
        let matches = match screener.screen(&subject) {
            Ok(m) => m,
            Err(e) => {
                println!("error\t{name}\t{e}");
                continue;
            }
        };
        let best: Vec<String> = matches
            .iter()
            .take(3)
            .map(|m| {
                format!(
                    "{:.2}{} {}",
                    m.score,
                    if m.is_match { "*" } else { "" },
                    m.matched_name
                )
            })
            .collect();
        let verdict = expected.as_ref().map_or("", |want| {
            asked += 1;
            let hit = matches
                .iter()
                .any(|m| m.is_match && m.primary_name.to_lowercase().contains(want.as_str()));
            found += usize::from(hit);
            if hit { "found\t" } else { "MISSED\t" }
        });
        println!("{verdict}{name}\t{}", best.join(" | "));
    }
    if asked > 0 {
        println!("{found} / {asked} found");
    }
}
