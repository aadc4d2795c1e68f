//! Source rewrites planned on oxc's AST and applied as byte-span edits:
//! every byte outside an edit is kept as it was.

pub mod lazy;

use serde::Serialize;

/// Replace `start..end` of the source with `text` (an insertion when
/// `start == end`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub start: u32,
    pub end: u32,
    pub text: String,
}

/// Applies non-overlapping `edits` to `source`. Edits at the same offset
/// are applied in the order given.
pub fn apply(source: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<(usize, &Edit)> = edits.iter().enumerate().collect();
    sorted.sort_by_key(|(i, e)| (e.start, e.end, *i));
    let mut out = String::with_capacity(source.len() + 256);
    let mut at = 0usize;
    for (_, e) in sorted {
        let (start, end) = (e.start as usize, e.end as usize);
        if start < at || end > source.len() {
            // Overlapping edits are a planning bug; keep the source intact
            // around them rather than corrupting it.
            continue;
        }
        out.push_str(&source[at..start]);
        out.push_str(&e.text);
        at = end;
    }
    out.push_str(&source[at..]);
    out
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(source: &str, offset: u32) -> u32 {
    let end = (offset as usize).min(source.len());
    source.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(source: &str, offset: u32) -> (u32, u32) {
    let end = (offset as usize).min(source.len());
    let line_start = source[..end].rfind('\n').map_or(0, |i| i + 1);
    (
        line_of(source, offset),
        source[line_start..end].chars().count() as u32 + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_every_other_byte() {
        let src = "a\nb\nc\n";
        let edits = vec![
            Edit {
                start: 2,
                end: 4,
                text: String::new(),
            },
            Edit {
                start: 0,
                end: 0,
                text: "// x\n".into(),
            },
            Edit {
                start: 4,
                end: 5,
                text: "C".into(),
            },
        ];
        assert_eq!(apply(src, &edits), "// x\na\nC\n");
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
