//! A cheap pre-scan that refuses source text on which the TypeScript parser
//! would backtrack exponentially.
//!
//! oxc 0.146 parses `a<…` in an expression speculatively (type arguments or
//! a comparison?) and rewinds when the guess fails; brackets opened inside
//! such a guess start new guesses. Nest that a dozen times and the work
//! doubles or triples per level: the fuzzer found a 385-byte `.tsx` that
//! takes seconds and a 213-byte one that grew past 20 GB of memory
//! (`fuzz/regressions/imports/`). No option of the parser bounds this, and a
//! parse cannot be interrupted, so the text is measured before it is parsed.
//!
//! The measure, [`speculation_depth`]: walk the text (skipping strings and
//! comments), keep a stack of open brackets, and count in each bracket the
//! `<` that follow an identifier, `)` or `]` — the places where a guess
//! starts — capped at [`PER_BRACKET_CAP`] per bracket so that a long flat
//! run of comparisons or JSX text does not add up. The depth is the largest
//! sum over the open brackets. Real code stays low: the whole Cal.com tree
//! (4,672 files plus its minified yarn bundles) peaks at 8, its own sources
//! at 5; the fuzzer's pathological inputs measure 12 and 35.

/// How many `<` of one bracket count towards the depth.
pub const PER_BRACKET_CAP: u32 = 2;

/// Text deeper than this is refused (see the module docs for the margin).
pub const MAX_SPECULATION_DEPTH: u32 = 10;

/// Byte classes of [`speculation_depth`]'s scan: most bytes only move the
/// "last byte that was not white space", so the scan skips runs of them and
/// looks back once per run instead of branching on every byte.
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
    // The last byte that was not white space; a `<` after an identifier
    // character, `)` or `]` may open type arguments.
    let mut prev = b' ';
    let mut i = 0;
    // Start of the run of plain and space bytes not yet folded into `prev`.
    let mut run = 0;
    loop {
        while i < bytes.len() && CLASS[bytes[i] as usize] != SPECIAL {
            i += 1;
        }
        if let Some(&last) = bytes[run..i]
            .iter()
            .rev()
            .find(|&&b| CLASS[b as usize] != SPACE)
        {
            prev = last;
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
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |at| i + at);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = match memchr::memmem::find(&bytes[i + 2..], b"*/") {
                    Some(at) => i + 2 + at + 2,
                    None => bytes.len(),
                };
            }
            _ => {
                match c {
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

/// `Err` with a sentence for the user when `text` is too deep to parse in
/// bounded time; callers report it like a syntax error of that file.
pub fn check_parse_budget(text: &str) -> Result<(), String> {
    let depth = speculation_depth(text);
    if depth > MAX_SPECULATION_DEPTH {
        Err(format!(
            "not parsed: `<` nests {depth} levels deep inside brackets (the limit is \
             {MAX_SPECULATION_DEPTH}); the TypeScript parser would backtrack for minutes on it"
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
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
            assert_eq!(
                speculation_depth(text),
                speculation_depth_reference(text),
                "{text:?}"
            );
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
        let err = check_parse_budget(&deep).unwrap_err();
        assert!(err.contains("13 levels"), "{err}");
        let shallow = format!("x = {}", "r<([{[".repeat(9));
        assert!(check_parse_budget(&shallow).is_ok());
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
            assert!(
                check_parse_budget(&text).is_err(),
                "{}",
                speculation_depth(&text)
            );
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
