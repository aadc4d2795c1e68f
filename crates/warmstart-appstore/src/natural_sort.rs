//! The order `@trivago/prettier-plugin-sort-imports` gives import sources:
//! `javascript-natural-sort` 0.7.1, case-sensitive, as a stable sort.
//!
//! Strings are cut into runs of digits and runs of other characters; digit
//! runs compare as numbers (unless they start with `0`), and a number sorts
//! before a string. Whole-string numbers, hex literals and dates, which the
//! original also detects, cannot occur in an import source that starts with
//! `.` or a package name, so they are not modelled.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq)]
enum Chunk<'a> {
    Num(f64),
    Str(&'a str),
}

/// Compares two import sources like `naturalSort(a, b)`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (xa, xb) = (chunks(a.trim_matches(' ')), chunks(b.trim_matches(' ')));
    for i in 0..xa.len().max(xb.len()) {
        let x = xa.get(i).cloned().unwrap_or(Chunk::Num(0.0));
        let y = xb.get(i).cloned().unwrap_or(Chunk::Num(0.0));
        let ord = match (&x, &y) {
            (Chunk::Num(p), Chunk::Num(q)) => p.partial_cmp(q).unwrap_or(Ordering::Equal),
            // `isNaN` differs: the number sorts first.
            (Chunk::Num(_), Chunk::Str(s)) if is_nan(s) => Ordering::Less,
            (Chunk::Str(s), Chunk::Num(_)) if is_nan(s) => Ordering::Greater,
            _ => utf16_cmp(&text(&x), &text(&y)),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn text(c: &Chunk) -> String {
    match c {
        Chunk::Num(n) => format_number(*n),
        Chunk::Str(s) => s.to_string(),
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// JavaScript's `isNaN(string)`: `Number(s)` after trimming whitespace.
fn is_nan(s: &str) -> bool {
    let t = s.trim();
    !(t.is_empty() || t.bytes().all(|b| b.is_ascii_digit()))
}

/// JavaScript compares strings by UTF-16 code units.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Digit runs and non-digit runs; a digit run not starting with `0` is a
/// number (`parseFloat`), the rest stay strings.
fn chunks(s: &str) -> Vec<Chunk<'_>> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let digit = bytes[start].is_ascii_digit();
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_digit() == digit {
            end += 1;
        }
        let run = &s[start..end];
        if digit && !run.starts_with('0') {
            out.push(Chunk::Num(run.parse().unwrap_or(f64::NAN)));
        } else {
            out.push(Chunk::Str(run));
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<&str>) -> Vec<&str> {
        v.sort_by(|a, b| natural_cmp(a, b));
        v
    }

    #[test]
    fn numbers_sort_by_value() {
        // Checked against prettier: `./app9` < `./app10` < `./app/x`, because
        // the first chunk `./app` is a prefix of `./app/x`.
        assert_eq!(
            sorted(vec!["./app10/x", "./app9/x", "./app/x", "./b/x", "./App/x"]),
            vec!["./App/x", "./app9/x", "./app10/x", "./app/x", "./b/x"]
        );
    }

    #[test]
    fn matches_the_calcom_order() {
        // From the committed apps.metadata.generated.ts.
        let v = vec![
            "./exchange2016calendar/_metadata",
            "./exchange2013calendar/_metadata",
            "./exchangecalendar/config.json",
            "./zoho-bigin/config.json",
            "./zohocalendar/config.json",
            "./templates/basic/config.json",
            "./telli/config.json",
        ];
        assert_eq!(
            sorted(v),
            vec![
                "./exchange2013calendar/_metadata",
                "./exchange2016calendar/_metadata",
                "./exchangecalendar/config.json",
                "./telli/config.json",
                "./templates/basic/config.json",
                "./zoho-bigin/config.json",
                "./zohocalendar/config.json",
            ]
        );
    }

    #[test]
    fn leading_zero_runs_are_strings() {
        assert_eq!(natural_cmp("./a01", "./a1"), Ordering::Less);
        assert_eq!(natural_cmp("./a", "./a1"), Ordering::Less);
    }
}
