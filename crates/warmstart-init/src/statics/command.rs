//! package.json script commands, read the way a shell splits them: steps
//! joined by `&&`, `||`, `;`, `|` or `&`, each a list of words (quotes
//! removed). Only what is needed to follow a dev chain: which script, turbo
//! task or program file a step runs.

use std::ops::Range;

/// One step of a command, with its byte range in the command string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    pub range: Range<usize>,
    pub words: Vec<String>,
}

/// Splits `command` into steps. Quotes (`'…'`, `"…"`) and `\` escapes are
/// honoured so an operator inside a quoted argument is not a split point.
pub(crate) fn steps(command: &str) -> Vec<Step> {
    let bytes = command.as_bytes();
    let mut steps = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word: Option<String> = None;
    let mut start = None::<usize>;
    let mut end = 0usize;
    let mut i = 0;
    let mut finish =
        |words: &mut Vec<String>, word: &mut Option<String>, start: &mut Option<usize>, end| {
            if let Some(w) = word.take() {
                words.push(w);
            }
            if let Some(s) = start.take() {
                steps.push(Step {
                    range: s..end,
                    words: std::mem::take(words),
                });
            }
        };
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'&' | b'|' | b';' => {
                finish(&mut words, &mut word, &mut start, end);
                // `&&`, `||`: one operator.
                if i + 1 < bytes.len() && bytes[i + 1] == c && c != b';' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\n' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        start.get_or_insert(i);
        let w = word.get_or_insert_with(String::new);
        match c {
            b'\'' | b'"' => {
                let close = command[i + 1..].find(c as char).map(|j| i + 1 + j);
                let stop = close.unwrap_or(bytes.len());
                w.push_str(&command[i + 1..stop]);
                i = close.map_or(bytes.len(), |j| j + 1);
            }
            b'\\' if i + 1 < bytes.len() => {
                let ch = command[i + 1..].chars().next().unwrap_or('\\');
                w.push(ch);
                i += 1 + ch.len_utf8();
            }
            _ => {
                let ch = command[i..].chars().next().unwrap_or(' ');
                w.push(ch);
                i += ch.len_utf8();
            }
        }
        end = i;
    }
    finish(&mut words, &mut word, &mut start, end);
    steps
}

/// What a step runs, as far as a dev chain is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Runs {
    /// A script of a package: `yarn x`, `npm run x`, `pnpm x`, `yarn
    /// workspace PKG x` (`package`: its name when given).
    Script {
        package: Option<String>,
        name: String,
    },
    /// `turbo run a b --filter=PKG` (`--scope` in turbo 1; none: the
    /// package the script belongs to, or every package from the root).
    Turbo {
        tasks: Vec<String>,
        filters: Vec<String>,
    },
    /// `node FILE`, `tsx FILE`, `ts-node FILE`: a program file (relative to
    /// the package folder).
    Program(String),
    /// `warmstart assets setup`.
    AssetsSetup,
    /// Anything else (`next dev`, `echo …`).
    Other,
}

/// Reads a step. `is_script` tells whether a bare `yarn x` / `pnpm x` names a
/// script of the current package (otherwise it runs a binary `x`).
pub(crate) fn runs(words: &[String], is_script: &dyn Fn(&str) -> bool) -> Runs {
    let mut w: Vec<&str> = words.iter().map(String::as_str).collect();
    // Leading `A=b` environment assignments and env wrappers.
    loop {
        match w.first() {
            Some(first) if is_assignment(first) => {
                w.remove(0);
            }
            Some(&"cross-env") | Some(&"env") => {
                w.remove(0);
            }
            Some(&"npx") | Some(&"bunx") => {
                w.remove(0);
                w.retain(|a| *a != "--yes" && *a != "-y");
            }
            _ => break,
        }
    }
    let Some((&tool, rest)) = w.split_first() else {
        return Runs::Other;
    };
    match tool {
        "warmstart" => {
            if rest.first() == Some(&"assets") && rest.get(1) == Some(&"setup") {
                Runs::AssetsSetup
            } else {
                Runs::Other
            }
        }
        "turbo" => turbo(rest),
        "node" | "tsx" | "ts-node" | "bun" | "esno" | "vite-node" => {
            match rest.iter().find(|a| !a.starts_with('-')) {
                Some(file) => Runs::Program((*file).to_string()),
                None => Runs::Other,
            }
        }
        "yarn" | "pnpm" | "npm" => package_manager(tool, rest, is_script),
        _ => Runs::Other,
    }
}

fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn turbo(rest: &[&str]) -> Runs {
    let mut tasks = Vec::new();
    let mut filters = Vec::new();
    let mut args = rest.iter().copied().peekable();
    if args.peek() == Some(&"run") {
        args.next();
    }
    while let Some(arg) = args.next() {
        if let Some(f) = arg
            .strip_prefix("--filter=")
            .or_else(|| arg.strip_prefix("--scope="))
        {
            filters.push(f.to_string());
        } else if arg == "--filter" || arg == "-F" || arg == "--scope" {
            filters.extend(args.next().map(str::to_string));
        } else if arg == "--" {
            break;
        } else if !arg.starts_with('-') {
            tasks.push(arg.to_string());
        }
    }
    if tasks.is_empty() {
        Runs::Other
    } else {
        Runs::Turbo { tasks, filters }
    }
}

fn package_manager(tool: &str, rest: &[&str], is_script: &dyn Fn(&str) -> bool) -> Runs {
    let mut package = None;
    let mut args: Vec<&str> = Vec::new();
    let mut it = rest.iter().copied();
    while let Some(arg) = it.next() {
        match arg {
            "workspace" if tool == "yarn" && args.is_empty() && package.is_none() => {
                package = it.next().map(str::to_string);
            }
            "--filter" | "-F" | "-w" | "--workspace" if tool != "yarn" => {
                package = it.next().map(str::to_string);
            }
            _ if arg.starts_with("--filter=") || arg.starts_with("--workspace=") => {
                package = arg.split_once('=').map(|(_, v)| v.to_string());
            }
            "--cwd" | "--prefix" | "-C" | "--dir" => {
                it.next();
            }
            _ => args.push(arg),
        }
    }
    let explicit = matches!(args.first(), Some(&"run") | Some(&"run-script"));
    if explicit {
        args.remove(0);
    }
    let Some(&name) = args.first() else {
        return Runs::Other;
    };
    if name.starts_with('-') {
        return Runs::Other;
    }
    // `npm x` is an npm command, never a script; `yarn x`/`pnpm x` is the
    // script when there is one, else a binary of that name.
    if explicit || (tool != "npm" && (package.is_some() || is_script(name))) {
        return Runs::Script {
            package,
            name: name.to_string(),
        };
    }
    if tool != "npm" {
        let rest: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        return runs(&rest, &|_| false);
    }
    Runs::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Vec<String>> {
        steps(s).into_iter().map(|s| s.words).collect()
    }

    #[test]
    fn splits_on_operators_outside_quotes() {
        let cmd = "yarn copy-static && NODE_OPTIONS='--a && b' next dev --turbopack; echo \"x|y\"";
        let s = steps(cmd);
        assert_eq!(s.len(), 3);
        assert_eq!(&cmd[s[0].range.clone()], "yarn copy-static");
        assert_eq!(
            s[1].words,
            ["NODE_OPTIONS=--a && b", "next", "dev", "--turbopack"]
        );
        assert_eq!(&cmd[s[2].range.clone()], "echo \"x|y\"");
        assert_eq!(words("a || b | c & d"), [["a"], ["b"], ["c"], ["d"]]);
    }

    #[test]
    fn reads_what_a_step_runs() {
        let scripts = |n: &str| n == "copy-static";
        let r = |s: &str| runs(&steps(s)[0].words, &scripts);
        assert_eq!(
            r("yarn copy-static"),
            Runs::Script {
                package: None,
                name: "copy-static".into()
            }
        );
        assert_eq!(
            r("npm run copy-static -- --x"),
            Runs::Script {
                package: None,
                name: "copy-static".into()
            }
        );
        assert_eq!(r("npm copy-static"), Runs::Other);
        assert_eq!(
            r("yarn workspace @calcom/web copy-app-store-static"),
            Runs::Script {
                package: Some("@calcom/web".into()),
                name: "copy-app-store-static".into()
            }
        );
        assert_eq!(
            r("pnpm --filter @calcom/web run x"),
            Runs::Script {
                package: Some("@calcom/web".into()),
                name: "x".into()
            }
        );
        assert_eq!(
            r("turbo run dev --filter=@calcom/web"),
            Runs::Turbo {
                tasks: vec!["dev".into()],
                filters: vec!["@calcom/web".into()]
            }
        );
        assert_eq!(
            r("yarn turbo copy-app-store-static"),
            Runs::Turbo {
                tasks: vec!["copy-app-store-static".into()],
                filters: vec![]
            }
        );
        assert_eq!(
            r("cross-env A=1 node --max-old-space-size=4096 scripts/copy.js --verbose"),
            Runs::Program("scripts/copy.js".into())
        );
        assert_eq!(
            r(r#"turbo run dev --scope="@calcom/web" --scope="@calcom/api""#),
            Runs::Turbo {
                tasks: vec!["dev".into()],
                filters: vec!["@calcom/web".into(), "@calcom/api".into()]
            }
        );
        assert_eq!(r("npx warmstart assets setup"), Runs::AssetsSetup);
        assert_eq!(r("next dev --turbopack"), Runs::Other);
    }
}
