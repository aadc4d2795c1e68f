//! A guard that refuses source text on which the TypeScript parser would
//! backtrack exponentially, before it hangs a command.
//!
//! oxc 0.146 parses `a<…` in an expression speculatively (type arguments or
//! a comparison?) and rewinds when the guess fails; brackets opened inside
//! such a guess start new guesses. Nest that a dozen times and the work
//! doubles or triples per level: the fuzzer found a 385-byte `.tsx` that
//! takes seconds and a 213-byte one that grew past 20 GB of memory
//! (`fuzz/regressions/imports/`). No option of the parser bounds this, and a
//! parse cannot be interrupted, so the text is measured before it is parsed.
//!
//! First a scan, [`speculation_depth`]: walk the text (skipping strings and
//! comments), keep a stack of open brackets, and count in each bracket the
//! `<` that follow an identifier, `)` or `]` — the places where a guess
//! starts — capped at [`PER_BRACKET_CAP`] per bracket so that a long flat
//! run of comparisons or JSX text does not add up. The depth is the largest
//! sum over the open brackets. Real code stays low: the whole Cal.com tree
//! (4,672 files plus its minified yarn bundles) peaks at 8, its own sources
//! at 5; the fuzzer's pathological inputs measure 12 and 35.
//!
//! The depth only says where to look, not what a parse costs: a real file
//! nested 11, 15 or 20 deep (JSX text inside callbacks inside generic calls)
//! parses in linear time, because its guesses succeed. So text deeper than
//! [`UNMEASURED_DEPTH`] is measured: parsed with everything deeper than level
//! 6, 7, … cut away ([`cut_deeper_than`]), counting the parser's work as the
//! arena bytes it allocates (what a rewound guess leaves behind). Work that
//! stays within the budget up to the full depth passes; the first level over
//! it stops the measure ([`measure_parse_work`]). The budget,
//! [`work_budget`], is proportional to the file's size: [`work_factor`]
//! bytes of work per byte (default [`DEFAULT_WORK_FACTOR`], set by
//! `parseBudget` in warmstart.json or [`ENV_VAR`]) plus [`BASE_WORK`].

/// How many `<` of one bracket count towards the depth.
pub const PER_BRACKET_CAP: u32 = 2;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use oxc_span::SourceType;

/// Byte classes of [`speculation_depth`]'s scan: most bytes only move the
/// "last byte that was not white space", so the scan skips runs of them and
/// looks back over a run only when a `<` or a comment needs it, instead of
/// branching on every byte.
const PLAIN: u8 = 0;
const SPACE: u8 = 1;
const SPECIAL: u8 = 2;

const CLASS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = if b.is_ascii_whitespace() {
            SPACE
        } else if matches!(
            b,
            b'"' | b'\'' | b'`' | b'/' | b'(' | b'[' | b'{' | b')' | b']' | b'}' | b'<'
        ) {
            SPECIAL
        } else {
            PLAIN
        };
        i += 1;
    }
    table
};

/// The nesting of speculative `<` inside open brackets (module docs).
pub fn speculation_depth(text: &str) -> u32 {
    let bytes = text.as_bytes();
    let mut stack: Vec<u32> = Vec::new();
    let (mut total, mut best) = (0u32, 0u32);
    // The last byte that was not white space, as of `run`; a `<` after an
    // identifier character, `)` or `]` may open type arguments.
    let mut prev = b' ';
    let mut i = 0;
    // Start of the run of plain and space bytes not yet folded into
    // `prev`: only a `<` or a comment needs them folded (every other
    // special byte sets `prev` itself), so most runs are never looked at.
    let mut run = 0;
    let fold = |prev: &mut u8, run: &[u8]| {
        if let Some(&last) = run.iter().rev().find(|&&b| CLASS[b as usize] != SPACE) {
            *prev = last;
        }
    };
    loop {
        while i < bytes.len() && CLASS[bytes[i] as usize] != SPECIAL {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let c = bytes[i];
        match c {
            b'"' | b'\'' => {
                // JS strings end at the line: a stray apostrophe in JSX text
                // must not swallow the rest of the file.
                i += 1;
                // To the closing quote or the line's end, hopping escapes.
                loop {
                    match memchr::memchr3(c, b'\n', b'\\', bytes.get(i..).unwrap_or_default()) {
                        Some(at) if bytes[i + at] == b'\\' => i += at + 2,
                        Some(at) => {
                            i += at;
                            break;
                        }
                        None => {
                            i = bytes.len();
                            break;
                        }
                    }
                }
                i += 1;
                prev = b'a';
            }
            b'`' => {
                i += 1;
                loop {
                    match memchr::memchr2(b'`', b'\\', bytes.get(i..).unwrap_or_default()) {
                        Some(at) if bytes[i + at] == b'\\' => i += at + 2,
                        Some(at) => {
                            i += at;
                            break;
                        }
                        None => {
                            i = bytes.len();
                            break;
                        }
                    }
                }
                i += 1;
                prev = b'a';
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                fold(&mut prev, &bytes[run..i]);
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |at| i + at);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                fold(&mut prev, &bytes[run..i]);
                i = match memchr::memmem::find(&bytes[i + 2..], b"*/") {
                    Some(at) => i + 2 + at + 2,
                    None => bytes.len(),
                };
            }
            b'(' | b'[' | b'{' => {
                stack.push(0);
                prev = c;
                i += 1;
            }
            b')' | b']' | b'}' => {
                total -= stack.pop().unwrap_or(0);
                prev = c;
                i += 1;
            }
            b'<' => {
                fold(&mut prev, &bytes[run..i]);
                if (prev.is_ascii_alphanumeric() || matches!(prev, b'_' | b'$' | b')' | b']'))
                    && let Some(top) = stack.last_mut()
                    && *top < PER_BRACKET_CAP
                {
                    *top += 1;
                    total += 1;
                    best = best.max(total);
                }
                prev = c;
                i += 1;
            }
            _ => {
                prev = c;
                i += 1;
            }
        }
        // Past a string's end `i` may overshoot the text by one.
        i = i.min(bytes.len());
        run = i;
    }
    best
}

/// Parsing a file would take more than its work budget: what
/// [`check_parse_budget`] refuses. Its `Display` is the sentence for the
/// user; callers report it like a syntax error of that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseBudgetExceeded {
    /// How deep `<` nests inside brackets in the text.
    pub depth: u32,
    /// Where the measurement stopped.
    pub over: OverBudget,
    /// The budget for this text, in arena bytes.
    pub budget: u64,
    /// The text's length in bytes.
    pub bytes: usize,
}

impl std::fmt::Display for ParseBudgetExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not parsed: `<` nests {depth} levels deep inside brackets and the TypeScript \
             parser backtracks on it: cut at level {level} it already takes {used} of parser \
             work, over the budget of {limit} for this {bytes}-byte file ({factor} per byte + \
             {base}); if this is real code, raise `parseBudget` in warmstart.json or \
             {ENV_VAR} (now {factor})",
            depth = self.depth,
            level = self.over.level,
            used = mib(self.over.work),
            limit = mib(self.budget),
            bytes = self.bytes,
            factor = work_factor(),
            base = mib(BASE_WORK),
        )
    }
}

impl std::error::Error for ParseBudgetExceeded {}

/// `Err` when parsing `text` would take more than the work budget
/// ([`work_budget`]). Text at most [`UNMEASURED_DEPTH`] deep passes at the
/// cost of one scan; deeper text is measured ([`measure_parse_work`]).
pub fn check_parse_budget(text: &str) -> Result<(), ParseBudgetExceeded> {
    // Each `<` the scan counts lies in one open bracket, so the depth is
    // never more than the number of `<` in the text: a file with at most
    // UNMEASURED_DEPTH of them passes without the scan (3,946 of Cal.com's
    // 4,672 files; counting is a SIMD search, the scan a byte loop).
    let limit = UNMEASURED_DEPTH as usize;
    if memchr::memchr_iter(b'<', text.as_bytes())
        .nth(limit)
        .is_none()
    {
        return Ok(());
    }
    let depth = speculation_depth(text);
    if depth <= UNMEASURED_DEPTH {
        return Ok(());
    }
    let budget = work_budget(text.len());
    match measure_parse_work(text, depth, budget) {
        Ok(_) => Ok(()),
        Err(over) => Err(ParseBudgetExceeded {
            depth,
            over,
            budget,
            bytes: text.len(),
        }),
    }
}

/// Where [`measure_parse_work`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget {
    /// The nesting level the text was cut at.
    pub level: u32,
    /// Arena bytes the parser allocated on the text cut there.
    pub work: u64,
}

/// Depth up to which text is not measured: every input the fuzzer found at
/// this depth parses in milliseconds, and all of Cal.com (4,672 files plus
/// its minified bundles) peaks at 8.
pub const UNMEASURED_DEPTH: u32 = 10;

/// The first nesting level [`measure_parse_work`] cuts the text at: low
/// enough that even the fuzzer's worst inputs parse there in a few
/// milliseconds, so their growth shows before it costs anything.
pub const FIRST_MEASURED_LEVEL: u32 = 6;

/// Default of [`work_factor`]: parser work (arena bytes) allowed per byte of
/// source. Real code takes about 20 (oxc's AST plus what its few rewinds
/// leave behind; a component nested 20 deep too); the fuzzer's inputs take
/// thousands (cut at level 6) to millions (uncut).
pub const DEFAULT_WORK_FACTOR: u64 = 256;

/// Work every file may take regardless of its size.
pub const BASE_WORK: u64 = 1 << 20;

/// The environment variable that sets [`work_factor`] (over `parseBudget`
/// of warmstart.json).
pub const ENV_VAR: &str = "WARMSTART_PARSE_BUDGET";

static CONFIGURED_FACTOR: AtomicU64 = AtomicU64::new(0);

/// Sets the work factor from configuration (`parseBudget`); the environment
/// variable still wins. Zero restores the default.
pub fn set_work_factor(factor: u64) {
    CONFIGURED_FACTOR.store(factor, Ordering::Relaxed);
}

/// Parser work allowed per source byte: [`ENV_VAR`], else
/// [`set_work_factor`], else [`DEFAULT_WORK_FACTOR`].
pub fn work_factor() -> u64 {
    static FROM_ENV: OnceLock<Option<u64>> = OnceLock::new();
    let env = *FROM_ENV.get_or_init(|| {
        std::env::var(ENV_VAR)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|&v| v > 0)
    });
    env.unwrap_or_else(|| match CONFIGURED_FACTOR.load(Ordering::Relaxed) {
        0 => DEFAULT_WORK_FACTOR,
        set => set,
    })
}

/// The work a file of `len` bytes may take.
pub fn work_budget(len: usize) -> u64 {
    work_factor()
        .saturating_mul(len as u64)
        .saturating_add(BASE_WORK)
}

/// Parses `text` cut at nesting levels [`FIRST_MEASURED_LEVEL`], +1, … up to
/// `depth` (its own [`speculation_depth`], where the cut text is the text
/// itself), as TypeScript and as TSX, and returns the most work any parse
/// took: the arena bytes oxc allocated, which is what a rewound guess leaves
/// behind (the arena is not rewound with the parser). Each level at most
/// multiplies the work of the one below by a small factor, so the first cut
/// over `budget` stops the measure before a pathological input costs more
/// than a few times the budget.
pub fn measure_parse_work(text: &str, depth: u32, budget: u64) -> Result<u64, OverBudget> {
    let mut allocator = Allocator::default();
    let mut most = 0;
    for level in FIRST_MEASURED_LEVEL.min(depth)..=depth {
        let cut;
        let text = if level >= depth {
            text
        } else {
            cut = cut_deeper_than(text, level);
            &cut
        };
        for source_type in [SourceType::ts(), SourceType::tsx()] {
            let _ = Parser::new(&allocator, text, source_type).parse();
            let work = allocator.used_bytes() as u64;
            allocator.reset();
            most = most.max(work);
            if work > budget {
                return Err(OverBudget { level, work });
            }
        }
    }
    Ok(most)
}

/// `text` with everything nested deeper than `level` blanked: from each `<`
/// that takes [`speculation_depth`]'s count past `level` to the end of its
/// bracket, every byte but line breaks becomes a space (both ends are ASCII,
/// so the result is still UTF-8 and keeps every offset).
pub fn cut_deeper_than(text: &str, level: u32) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut stack: Vec<u32> = Vec::new();
    let mut total = 0u32;
    let mut prev = b' ';
    // Stack height at which blanking ends (the bracket holding the `<`),
    // and where it began.
    let mut blank: Option<(usize, usize)> = None;
    let mut i = 0;
    let end_blank = |bytes: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut bytes[from..to] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let src = text.as_bytes();
    while i < src.len() {
        let c = src[i];
        match c {
            b'"' | b'\'' => {
                i += 1;
                while i < src.len() && src[i] != c && src[i] != b'\n' {
                    i += if src[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                prev = b'a';
                continue;
            }
            b'`' => {
                i += 1;
                while i < src.len() && src[i] != b'`' {
                    i += if src[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                prev = b'a';
                continue;
            }
            b'/' if src.get(i + 1) == Some(&b'/') => {
                while i < src.len() && src[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                i = match memchr::memmem::find(&src[i + 2..], b"*/") {
                    Some(at) => i + 2 + at + 2,
                    None => src.len(),
                };
                continue;
            }
            b'(' | b'[' | b'{' => stack.push(0),
            b')' | b']' | b'}' => {
                if let Some((height, from)) = blank
                    && stack.len() == height
                {
                    end_blank(&mut bytes, from, i);
                    blank = None;
                }
                total -= stack.pop().unwrap_or(0);
            }
            b'<' if prev.is_ascii_alphanumeric() || matches!(prev, b'_' | b'$' | b')' | b']') => {
                if let Some(top) = stack.last_mut()
                    && *top < PER_BRACKET_CAP
                {
                    *top += 1;
                    total += 1;
                    if total > level && blank.is_none() {
                        blank = Some((stack.len(), i));
                    }
                }
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            prev = c;
        }
        i += 1;
    }
    if let Some((_, from)) = blank {
        end_blank(&mut bytes, from, src.len());
    }
    // Only ASCII bytes were written, between ASCII bytes.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Inputs for tests of the guard, here and in the crates that parse
/// through it.
#[doc(hidden)]
pub mod testing {
    /// A component nested `levels` deep the way real code nests: a list
    /// inside a list, each row with JSX text before a closing tag (`Total</b>`
    /// is a `<` after an identifier), comparisons and generic calls.
    pub fn deep_component(levels: usize) -> String {
        let mut body = String::from("<span>{format<Row>(row)}</span>");
        for level in 0..levels {
            body = format!(
                "{{rows{level}.filter((row) => row.size < max).map((row) => (\n\
                 <Cell key={{row.id}} tone={{pick<Tone>(row.tone)}}>\n\
                 <b>Total</b> {{row.total}} of {{max}}\n{body}\n</Cell>\n))}}"
            );
        }
        format!(
            "import {{ Cell }} from \"./cell\";\nimport type {{ Row, Tone }} from \"./types\";\n\
             import {{ format, pick }} from \"./format\";\n\
             export function Table({{ max }}: {{ max: number }}) {{\n  return (<div>{body}</div>);\n}}\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::testing::deep_component;
    use super::*;

    /// The byte-by-byte scan the table-driven one replaced: both must agree.
    fn speculation_depth_reference(text: &str) -> u32 {
        let bytes = text.as_bytes();
        let mut stack: Vec<u32> = Vec::new();
        let (mut total, mut best) = (0u32, 0u32);
        let mut prev = b' ';
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            match c {
                b'"' | b'\'' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != c && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                    prev = b'a';
                    continue;
                }
                b'`' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'`' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                    prev = b'a';
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    i = match text[i + 2..].find("*/") {
                        Some(at) => i + 2 + at + 2,
                        None => bytes.len(),
                    };
                    continue;
                }
                b'(' | b'[' | b'{' => stack.push(0),
                b')' | b']' | b'}' => total -= stack.pop().unwrap_or(0),
                b'<' if prev.is_ascii_alphanumeric()
                    || matches!(prev, b'_' | b'$' | b')' | b']') =>
                {
                    if let Some(top) = stack.last_mut()
                        && *top < PER_BRACKET_CAP
                    {
                        *top += 1;
                        total += 1;
                        best = best.max(total);
                    }
                }
                _ => {}
            }
            if !c.is_ascii_whitespace() {
                prev = c;
            }
            i += 1;
        }
        best
    }

    #[test]
    fn table_scan_equals_the_byte_scan() {
        // Every short string over the bytes that matter, plus the fuzzer's
        // inputs and the module's own source.
        let alphabet: &[u8] = b"a)<([{}]\"'`/*\\ \n_";
        let mut inputs: Vec<String> = vec![include_str!("guard.rs").to_string()];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for len in 0..400 {
            let mut text = Vec::new();
            for _ in 0..(len % 60) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            inputs.push(String::from_utf8(text).unwrap());
        }
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    inputs.push(String::from_utf8(vec![*a, *b, *c, b'<', b'(']).unwrap());
                }
            }
        }
        for text in &inputs {
            let depth = speculation_depth(text);
            assert_eq!(depth, speculation_depth_reference(text), "{text:?}");
            // What lets `check_parse_budget` skip the scan.
            let angles = text.bytes().filter(|&b| b == b'<').count();
            assert!(depth as usize <= angles, "{depth} > {angles} in {text:?}");
        }
    }

    #[test]
    fn real_code_is_shallow() {
        let code = r#"
            const ok = a < b && foo<T>(bar<U>(x), [1, 2]);
            type X = Promise<Array<Record<string, Map<K, V>>>>;
            // a < ( [ { comment
            const s = "r<([{[r<([{[r<([{[";
            const t = `r<([{[${x}r<([{[`;
            export const Page = () => (<div>Don't <b>stop</b> a < b <i>now</i></div>);
        "#;
        assert!(speculation_depth(code) <= 3, "{}", speculation_depth(code));
        assert!(check_parse_budget(code).is_ok());
    }

    #[test]
    fn nested_guesses_are_refused() {
        // The first `r<` is outside every bracket: a guess there has
        // nothing around it to repeat, so it does not count.
        let deep = format!("x = {}", "r<([{[".repeat(14));
        assert_eq!(speculation_depth(&deep), 13);
        let started = std::time::Instant::now();
        let err = check_parse_budget(&deep).unwrap_err().to_string();
        assert!(err.contains("13 levels"), "{err}");
        assert!(
            err.contains("parseBudget") && err.contains(ENV_VAR),
            "{err}"
        );
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        let shallow = format!("x = {}", "r<([{[".repeat(9));
        assert!(check_parse_budget(&shallow).is_ok());
    }

    #[test]
    fn real_code_deeper_than_the_old_limit_parses() {
        for levels in [11, 15, 20] {
            let text = deep_component(levels);
            let depth = speculation_depth(&text);
            assert!(depth >= levels as u32, "{levels}: depth {depth}");
            let budget = work_budget(text.len());
            let work = measure_parse_work(&text, depth, budget).unwrap();
            // Linear: far below the budget, not merely under it.
            assert!(work < budget / 4, "{levels}: {work} of {budget}");
            assert!(check_parse_budget(&text).is_ok(), "{levels}");
        }
    }

    #[test]
    fn cutting_keeps_offsets_and_bounds_the_depth() {
        let inputs = [
            deep_component(12),
            format!("x = {}", "r<([{[".repeat(14)),
            "f(a<b, (c<d, [e<f, {g<h: 1}]))".to_string(),
            "unclosed(a<(b<(c<(d<(e<(".to_string(),
        ];
        for text in &inputs {
            let depth = speculation_depth(text);
            assert_eq!(&cut_deeper_than(text, depth), text);
            for level in 0..depth {
                let cut = cut_deeper_than(text, level);
                assert_eq!(cut.len(), text.len());
                assert_eq!(cut.matches('\n').count(), text.matches('\n').count());
                assert!(speculation_depth(&cut) <= level, "{level}: {cut:?}");
            }
        }
    }

    #[test]
    fn the_fuzzers_pathological_inputs_are_refused() {
        // The first byte picks the file kind in the fuzz target.
        let slow = include_bytes!(
            "../../../fuzz/regressions/imports/timeout-0644b91985ecb739b2c19d4fad0308445d248ffe"
        );
        let oom = include_bytes!(
            "../../../fuzz/regressions/imports/oom-e717faba97dc3d08553d54f79dd5304f8716263e"
        );
        let eval = include_bytes!(
            "../../../fuzz/regressions/metadata_eval/timeout-26ada8aea50d33d456a11f43cf26ace6da1736a0"
        );
        for input in [&slow[1..], &oom[1..], &eval[..]] {
            let text = String::from_utf8_lossy(input);
            let started = std::time::Instant::now();
            assert!(
                check_parse_budget(&text).is_err(),
                "{}",
                speculation_depth(&text)
            );
            // Refused at a low level, not after the parser ran away.
            assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        }
    }

    #[test]
    fn closed_brackets_give_their_depth_back() {
        let flat = "f(a<b); ".repeat(50);
        assert_eq!(speculation_depth(&flat), 1);
    }

    #[test]
    fn stray_quotes_and_closers_do_not_panic() {
        for text in [
            "'", "\"abc\\", "`", "/*", ")))]]}}<", "a<", "\\", "a<(", "/",
        ] {
            let _ = speculation_depth(text);
        }
    }
}
