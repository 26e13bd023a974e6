//! Screening and name comparison on the real lists.

mod common;

use cdd_screening::{
    EntityKind, MATCH_THRESHOLD, MatchMethod, Subject, SubjectBirthDate, SubjectError, compare,
};
use common::screener;

fn score(kind: EntityKind, a: &str, b: &str) -> f32 {
    compare(kind, a, b).unwrap().score
}

#[test]
fn compare_survives_the_usual_variations() {
    let p = EntityKind::Person;
    let o = EntityKind::Organisation;
    let matching = [
        (p, "Ayman al-Zawahiri", "AL ZAWAHIRI, Dr. Ayman"),
        (p, "Aymen Al Zawahiri", "AL ZAWAHIRI, Ayman"),
        (p, "Ayman Al Zawahrii", "AL ZAWAHIRI, Ayman"),
        (p, "Muammar Gaddafi", "QADHAFI, Muammar"),
        (p, "Mohamad Abdullah", "ABDALLAH, Muhammad"),
        (p, "Abubakr Baghdadi", "AL-BAGHDADI, Abu Bakr"),
        (p, "Abu Bakr Al Baghdadi", "AL-BAGHDADI, Abubakr"),
        (p, "A. Zawahiri Ayman", "AL ZAWAHIRI, Ayman"),
        (p, "Владимир Путин", "PUTIN, Vladimir Vladimirovich"),
        (o, "Banco Nacional de Cuba", "BANCO NACIONAL DE CUBA S.A."),
        (
            o,
            "Anglo Caribbean Company Limited",
            "ANGLO-CARIBBEAN CO., LTD.",
        ),
    ];
    for (kind, a, b) in matching {
        let c = compare(kind, a, b).unwrap();
        assert!(c.is_match, "{a} vs {b}: {} {:?}", c.score, c.explanation);
    }
    let not_matching = [
        (p, "John Smith", "SMITH, Jane"),
        (p, "Maria Garcia", "GARCIA LOPEZ, Mario Alberto"),
        (p, "Ali Hassan", "HASSAN, Ali Mohamed Ahmed Abdullah"),
        (o, "Apple Inc", "APEX TRADING LLC"),
        (
            o,
            "Al Noor Trading",
            "AL NOOR TRADING AND INDUSTRIAL GROUP HOLDING INTERNATIONAL COMPANY",
        ),
    ];
    for (kind, a, b) in not_matching {
        let s = score(kind, a, b);
        assert!(s < MATCH_THRESHOLD, "{a} vs {b}: {s}");
    }
    let c = compare(p, "Muammar Gaddafi", "QADHAFI, Muammar").unwrap();
    let e = c.explanation.unwrap();
    assert_eq!(e.matched.len(), 2);
    assert!(
        e.matched
            .iter()
            .any(|m| m.listed == "qadhafi" && m.method == MatchMethod::Variant)
    );
    let abu = compare(p, "Abubakr Baghdadi", "AL-BAGHDADI, Abu Bakr")
        .unwrap()
        .explanation
        .unwrap();
    assert!(
        abu.matched
            .iter()
            .any(|m| m.method == MatchMethod::Merged && m.listed == "abu bakr"),
        "{abu:?}"
    );
    assert_eq!(score(p, "Ayman al Zawahiri", "AL ZAWAHIRI, Ayman"), 1.0);
}

/// The forms other languages and scripts give a name, each by a general
/// rule (fictional names, so no rule can know them).
#[test]
fn compare_meets_the_forms_languages_and_scripts_write() {
    let p = EntityKind::Person;
    let method_of = |a: &str, b: &str, listed: &str| {
        let c = compare(p, a, b).unwrap();
        assert!(c.is_match, "{a} vs {b}: {} {:?}", c.score, c.explanation);
        c.explanation
            .unwrap()
            .matched
            .into_iter()
            .find(|m| m.listed == listed)
            .map(|m| m.method)
    };
    // A Lithuanian ending on another spelling of the given name.
    assert_eq!(
        method_of(
            "Aliaksandras Zhukouski",
            "ZHUKOUSKI, Alyaksandr",
            "alyaksandr"
        ),
        Some(MatchMethod::Inflection)
    );
    // Dutch oe and sj: the same shape once vowels are folded.
    assert_eq!(
        method_of("Igor Moerasjov", "MURASHOV, Igor", "murashov"),
        Some(MatchMethod::Phonetic)
    );
    // `عبد ال…` is one element (Abdul), and a join of the query's words
    // meets a listed word by loose key.
    method_of("عبد الرحمن خليل", "ABDULRAHMAN KHALIL", "abdulrahman");
    method_of("عبد الرحمن خليل", "ABDUL RAHMAN KHALIL", "abdul");
    method_of("نصير الدين كامل", "NASIRUDDIN KAMIL", "nasiruddin");
    // The article assimilated to a sun letter (as-Sabbagh, Essabbagh).
    method_of("خالد الصباغ", "KHALED ESSABBAGH", "essabbagh");
    // With a hamza the alef is the name's own vowel, not the article.
    method_of("ألبرت كارتر", "CARTER, Albert", "albert");
    // A one-consonant word from a script without vowels (علي, Ali).
    method_of("علي محمود كريمي", "KARIMI, Ali Mahmoud", "ali");
    // A patronymic in kana, and a Romanian one.
    method_of(
        "ボリス・ニコラエヴィチ・ベロフ",
        "BELOV, Boris Nikolaevich",
        "boris",
    );
    method_of(
        "Mihail Nikolaevici Belov",
        "BELOV, Mikhail Nikolaevich",
        "nikolaevich",
    );
    // Two different patronymics in Latin letters are two fathers.
    let s = score(
        p,
        "Mikhail Vladimirovich Belov",
        "BELOV, Mikhail Nikolaevich",
    );
    assert!(s < MATCH_THRESHOLD, "other patronymic: {s}");
    // A sound-alike letter costs half an edit (Cyrillic в for w).
    assert!(
        score(p, "Тендаи Мангва", "MANGWA, Tendai") > score(p, "Тендаи Мангта", "MANGWA, Tendai")
    );
}

#[test]
fn screening_finds_listed_people_with_explanations() {
    let s = screener();
    let mut subject = Subject::new(EntityKind::Person, "Aiman Al-Zawahri");
    let m = s.screen(&subject).unwrap();
    assert!(!m.is_empty());
    assert_eq!(m[0].entity_id.as_str(), "ofac-sdn:2676");
    assert!(m[0].is_match, "{:?}", m[0]);
    assert!(m.windows(2).all(|w| w[0].score >= w[1].score));
    // A matching date of birth raises the score, a distant one lowers it.
    let base = m[0].score;
    subject.birth_date = Some(SubjectBirthDate::parse("1951-06-19").unwrap());
    let with_dob = s.screen(&subject).unwrap();
    assert!(with_dob[0].score > base);
    subject.birth_date = Some(SubjectBirthDate::parse("1990").unwrap());
    let wrong = s.screen(&subject).unwrap();
    assert!(
        wrong
            .iter()
            .find(|x| x.entity_id.as_str() == "ofac-sdn:2676")
            .is_none_or(|x| x.score < base)
    );
}

#[test]
fn identifier_equal_to_a_listed_passport_is_a_strong_signal() {
    let s = screener();
    let mut subject = Subject::new(EntityKind::Person, "Completely Different Name");
    subject.identifiers = vec!["1084010".into()];
    let m = s.screen(&subject).unwrap();
    assert_eq!(m[0].entity_id.as_str(), "ofac-sdn:2676");
    assert!(m[0].is_match);
    assert!(
        m[0].explanation
            .identifier
            .as_deref()
            .unwrap()
            .contains("1084010")
    );
}

#[test]
fn bad_names_are_answered_never_panic() {
    let s = screener();
    let p = EntityKind::Person;
    assert_eq!(s.screen(&Subject::new(p, "")), Err(SubjectError::EmptyName));
    assert!(matches!(
        s.screen(&Subject::new(p, "x".repeat(100_000))),
        Err(SubjectError::NameTooLong { .. })
    ));
    assert!(matches!(
        s.screen(&Subject::new(p, "a\u{7}b")),
        Err(SubjectError::ControlCharacter { .. })
    ));
    for odd in [
        "🙂🙂",
        "محمد Smith Иванов 李",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        "-0-",
        "'''",
        "Ａｂｕ",
    ] {
        let _ = s.screen(&Subject::new(p, odd));
        let _ = compare(p, odd, odd);
    }
    let long_ok = "ab ".repeat(40);
    assert!(s.screen(&Subject::new(p, long_ok)).is_ok());
}

#[test]
fn batch_matches_single() {
    let s = screener();
    let subjects: Vec<Subject> = [
        "Ayman Zawahiri",
        "Banco Nacional de Cuba",
        "Nobody Inparticular",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| {
        Subject::new(
            if i == 1 {
                EntityKind::Organisation
            } else {
                EntityKind::Person
            },
            *n,
        )
    })
    .collect();
    let batch = s.screen_batch(&subjects);
    for (subj, res) in subjects.iter().zip(batch) {
        assert_eq!(res.unwrap(), s.screen(subj).unwrap());
    }
}
