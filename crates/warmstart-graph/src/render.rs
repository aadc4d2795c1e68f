//! The `graph cycles --json` answer rendered on every core: byte for byte
//! what `serde_json::to_string_pretty` writes, which on Cal.com is ~2 MB
//! (five views of groups and cycles) and was the last single-threaded
//! stretch of a cold run (`perf` timeline: ~8 ms on one core while the
//! other idled).
//!
//! Each view (and the list of unresolved imports) is rendered on its own,
//! re-indented to its depth in the document, and put where the pretty
//! rendering of a shell — the answer with a placeholder string in each of
//! those places — has the placeholder. A placeholder starts with a NUL,
//! which a JSON rendering escapes (`\u0000`) and no module path holds.
//! The pieces are kept apart ([`Rendered`]) and written one after the
//! other: copying them into one string was ~1 ms on the main thread alone
//! at the end of a cold run (a `perf` timeline of Cal.com, most of it the
//! kernel handing out the fresh string's pages).

use rayon::prelude::*;
use serde::Serialize;

use crate::check::FreshAnswer;
use crate::report::{EdgeCounts, ViewReport};

/// The answer with a placeholder for each piece rendered apart; the
/// field names and order are [`FreshAnswer`]'s (its report flattened).
#[derive(Serialize)]
struct Shell<'a> {
    modules: usize,
    edges: &'a EdgeCounts,
    views: ViewSlots,
    problems: &'a [crate::build::FileProblem],
    unresolved: &'static str,
}

#[derive(Serialize)]
struct ViewSlots {
    runtime: &'static str,
    runtime_semantic: &'static str,
    runtime_dynamic: &'static str,
    #[serde(rename = "static")]
    static_: &'static str,
    all: &'static str,
}

const SLOTS: [&str; 6] = [
    "\0warmstart slot 0",
    "\0warmstart slot 1",
    "\0warmstart slot 2",
    "\0warmstart slot 3",
    "\0warmstart slot 4",
    "\0warmstart slot 5",
];

/// One piece: a view (inside `views`, depth 2) or the unresolved list
/// (depth 1).
enum Piece<'a> {
    View(&'a ViewReport),
    Unresolved(&'a serde_json::Value),
}

/// A rendered JSON document in parts: the document is their concatenation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    parts: Vec<String>,
}

impl Rendered {
    /// A document rendered in one piece.
    pub fn whole(text: String) -> Rendered {
        Rendered { parts: vec![text] }
    }

    /// The parts, in order.
    pub fn parts(&self) -> Vec<&str> {
        self.parts.iter().map(String::as_str).collect()
    }

    /// Writes the document without its last `suffix` (if it ends so).
    pub fn write_without_suffix(
        &self,
        out: &mut impl std::io::Write,
        suffix: &str,
    ) -> std::io::Result<()> {
        // Empty parts (a shell's stretch between two adjacent slots) end
        // nothing: the suffix is looked for in the last non-empty part.
        let last = self.parts.iter().rposition(|part| !part.is_empty());
        for (i, part) in self.parts.iter().enumerate() {
            let part = if Some(i) == last {
                part.strip_suffix(suffix).unwrap_or(part)
            } else {
                part
            };
            out.write_all(part.as_bytes())?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.parts.iter().try_for_each(|part| f.write_str(part))
    }
}

/// `serde_json::to_string_pretty(answer)`, its large parts rendered in
/// parallel.
pub(crate) fn answer_pretty(answer: &FreshAnswer) -> Result<Rendered, serde_json::Error> {
    let views = &answer.report.views;
    let shell = Shell {
        modules: answer.report.modules,
        edges: &answer.report.edges,
        views: ViewSlots {
            runtime: SLOTS[0],
            runtime_semantic: SLOTS[1],
            runtime_dynamic: SLOTS[2],
            static_: SLOTS[3],
            all: SLOTS[4],
        },
        problems: &answer.problems,
        unresolved: SLOTS[5],
    };
    let pieces = [
        Piece::View(&views.runtime),
        Piece::View(&views.runtime_semantic),
        Piece::View(&views.runtime_dynamic),
        Piece::View(&views.static_),
        Piece::View(&views.all),
        Piece::Unresolved(&answer.unresolved),
    ];
    let rendered: Vec<String> = pieces
        .par_iter()
        .map(|piece| match piece {
            Piece::View(view) => pretty_at(view, 2),
            Piece::Unresolved(value) => pretty_at(value, 1),
        })
        .collect::<Result<_, _>>()?;
    let shell = serde_json::to_string_pretty(&shell)?;
    let mut parts = Vec::with_capacity(2 * rendered.len() + 1);
    let mut rest = shell.as_str();
    for (slot, piece) in SLOTS.iter().zip(rendered) {
        // The slot as the shell renders it: a JSON string, NUL escaped.
        let quoted = format!("\"\\u0000{}\"", &slot[1..]);
        let Some(at) = rest.find(&quoted) else {
            // Not reached (every slot is in the shell); the plain way.
            return serde_json::to_string_pretty(answer).map(Rendered::whole);
        };
        parts.push(rest[..at].to_string());
        parts.push(piece);
        rest = &rest[at + quoted.len()..];
    }
    parts.push(rest.to_string());
    Ok(Rendered { parts })
}

/// `value` rendered as `serde_json::to_string_pretty` renders it, nested
/// `depth` levels deep (what [`indent`] makes of the rendering at depth 0),
/// in one pass: the second pass and its copy of each view went.
fn pretty_at<T: serde::Serialize + ?Sized>(
    value: &T,
    depth: usize,
) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut serializer = serde_json::Serializer::with_formatter(
        &mut out,
        DepthFormatter {
            current_indent: depth,
            has_value: false,
        },
    );
    value.serialize(&mut serializer)?;
    // serde_json writes only UTF-8.
    String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
}

/// serde_json's `PrettyFormatter` (two-space indent) starting at a depth.
struct DepthFormatter {
    current_indent: usize,
    has_value: bool,
}

impl DepthFormatter {
    fn newline<W: ?Sized + std::io::Write>(
        &self,
        writer: &mut W,
        comma: bool,
    ) -> std::io::Result<()> {
        writer.write_all(if comma { b",\n" } else { b"\n" })?;
        for _ in 0..self.current_indent {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    /// An array or object opens: one level deeper, nothing in it yet.
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.current_indent += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// It closes: back a level, on a line of its own if it held anything.
    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.current_indent -= 1;
        if self.has_value {
            self.newline(writer, false)?;
        }
        writer.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for DepthFormatter {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(writer, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(writer, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` (a pretty rendering at depth 0) at `depth`: every line but the
    /// first indented two spaces more per level. A rendering's strings escape
    /// their newlines, so every newline in it is the formatter's.
    fn indent(text: &str, depth: usize) -> String {
        let pad = "  ".repeat(depth);
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let mut out = String::with_capacity(text.len() + lines * pad.len());
        let mut start = 0;
        for at in memchr::memchr_iter(b'\n', text.as_bytes()) {
            out.push_str(&text[start..=at]);
            out.push_str(&pad);
            start = at + 1;
        }
        out.push_str(&text[start..]);
        out
    }

    #[test]
    fn the_answer_renders_as_serde_renders_it() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("package.json", r#"{"name":"t"}"#);
        write(
            "src/a.ts",
            "import { b } from './b';\nimport type { T } from './t';\nexport const a = b;\n",
        );
        write(
            "src/b.ts",
            "import { a } from './a';\nimport 'missing-pkg';\nexport const b = () => a;\n",
        );
        write(
            "src/t.ts",
            "import type { A } from './a';\nexport type T = A;\n",
        );
        write("src/c.ts", "const d = import('./d');\nexport { d };\n");
        write(
            "src/d.ts",
            "export * from './c';\nexport const x = \"\\u0000warmstart slot 5\";\n",
        );
        write("src/bad.ts", "export const = ;\n");
        let graph = crate::build(&crate::BuildOptions::new(dir.path()));
        let options = crate::report::AnalysisOptions {
            max_cycles: 10,
            details: true,
        };
        for unresolved in [false, true] {
            let answer = FreshAnswer {
                unresolved: crate::format::unresolved_json(&graph, unresolved),
                problems: graph.problems.clone(),
                report: crate::report::analyse(&graph, options),
            };
            assert!(answer.report.views.all.groups > 0);
            let rendered = answer_pretty(&answer).unwrap();
            let plain = serde_json::to_string_pretty(&answer).unwrap();
            assert_eq!(rendered.to_string(), plain);
            // Written without the closing brace, it is the plain rendering
            // without it.
            let mut written = Vec::new();
            rendered.write_without_suffix(&mut written, "\n}").unwrap();
            assert_eq!(written, plain.strip_suffix("\n}").unwrap().as_bytes());
        }
    }

    #[test]
    fn pretty_at_a_depth_is_the_indented_pretty_rendering() {
        let values = [
            serde_json::json!({}),
            serde_json::json!([]),
            serde_json::json!({"a": [], "b": {}, "c": [1, {"d": "x\ny"}], "e": null}),
            serde_json::json!([[[]], [{}], "s", 1.5, true]),
        ];
        for value in &values {
            for depth in 0..4 {
                let plain = serde_json::to_string_pretty(value).unwrap();
                assert_eq!(pretty_at(value, depth).unwrap(), indent(&plain, depth));
            }
        }
    }

    #[test]
    fn indent_pads_every_line_after_the_first() {
        assert_eq!(indent("{\n  \"a\": 1\n}", 2), "{\n      \"a\": 1\n    }");
        assert_eq!(indent("[]", 1), "[]");
    }
}
