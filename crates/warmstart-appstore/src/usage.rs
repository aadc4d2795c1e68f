//! `--usage FILE`: install counts per app (JSON `{ "slug": count }` or CSV
//! `slug,count` lines, an optional header) → the most used apps, which the
//! lazy `AppRegistry` lists as `coreApps`.

use std::path::Path;

use warmstart_workspace::SourceError;

use crate::error::{AppsError, json_error};

/// The `top` most used apps of a usage file, most used first (ties by name).
pub fn top_apps(path: &Path, display: &str, top: usize) -> Result<Vec<String>, AppsError> {
    let text = std::fs::read_to_string(path).map_err(|source| AppsError::Read {
        path: display.to_string(),
        source,
    })?;
    let mut counts = parse(display, &text)?;
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(counts.into_iter().take(top).map(|(slug, _)| slug).collect())
}

fn parse(display: &str, text: &str) -> Result<Vec<(String, u64)>, AppsError> {
    if text.trim_start().starts_with('{') {
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| json_error(display, text, &e))?;
        return map
            .into_iter()
            .map(|(k, v)| match v.as_u64() {
                Some(n) => Ok((k, n)),
                None => Err(AppsError::Config {
                    file: display.to_string(),
                    map: k.clone(),
                    message: format!("the count must be a whole number, not {v}"),
                }),
            })
            .collect();
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (slug, count) = line.rsplit_once(',').unwrap_or((line, ""));
        let slug = slug.trim().trim_matches('"');
        match count.trim().trim_matches('"').parse::<u64>() {
            Ok(n) => out.push((slug.to_string(), n)),
            // A header line (`app,count`) is fine on the first line only.
            Err(_) if i == 0 => {}
            Err(_) => {
                return Err(SourceError::new(
                    Path::new(display),
                    text,
                    start..start + line.len(),
                    "expected `slug,count` with a whole-number count",
                    "this line",
                )
                .into());
            }
        }
    }
    Ok(out)
}

/// `--usage-db URL`: install counts from Cal.com's database, the
/// `"Credential"` table grouped by `"appId"` (a real PostgreSQL client).
/// A server that is down, a wrong password or a missing table is an error
/// that says which, never an empty list.
pub fn top_apps_from_db(url: &str, top: usize) -> Result<Vec<String>, AppsError> {
    let shown = redact(url);
    let db_err = |what: &str, e: postgres::Error| AppsError::UsageDb {
        url: shown.clone(),
        what: what.to_string(),
        detail: describe(&e),
    };
    let mut config: postgres::Config =
        url.parse().map_err(|e| db_err("not a PostgreSQL URL", e))?;
    config.connect_timeout(std::time::Duration::from_secs(5));
    let mut client = config
        .connect(postgres::NoTls)
        .map_err(|e| db_err("cannot connect", e))?;
    let rows = client
        .query(
            r#"SELECT "appId", COUNT(*) AS n FROM "Credential" WHERE "appId" IS NOT NULL GROUP BY "appId" ORDER BY n DESC, "appId" LIMIT $1"#,
            &[&(top as i64)],
        )
        .map_err(|e| db_err("cannot read install counts", e))?;
    // An empty table would silently empty `coreApps`: say so instead.
    if rows.is_empty() {
        return Err(AppsError::UsageDb {
            url: shown,
            what: "no installs recorded".into(),
            detail: r#"the "Credential" table has no row with an "appId""#.into(),
        });
    }
    Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
}

/// The URL without its password: the one in `user:pass@`, and a
/// `password=` option of the query string or of the `key=value` form that
/// the client also accepts.
fn redact(url: &str) -> String {
    let mut out = match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    };
    let mut from = 0;
    while let Some(found) = out[from..].to_ascii_lowercase().find("password=") {
        let key = from + found;
        let start = key + "password=".len();
        let at_option = key == 0 || matches!(out.as_bytes()[key - 1], b'?' | b'&' | b' ' | b'\t');
        if !at_option {
            from = start;
            continue;
        }
        let rest = &out[start..];
        // A quoted value (`password='a b'`) runs to its closing quote.
        let len = if let Some(quoted) = rest.strip_prefix('\'') {
            quoted.find('\'').map_or(rest.len(), |end| end + 2)
        } else {
            rest.find(['&', ' ', '\t']).unwrap_or(rest.len())
        };
        out.replace_range(start..start + len, "***");
        from = start + 3;
    }
    out
}

/// The server's own message when there is one (`relation "Credential" does
/// not exist`, `password authentication failed …`), else the client's.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text.push_str(": ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_csv_give_the_same_ranking() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("u.json");
        std::fs::write(
            &json,
            r#"{ "zoom": 5, "daily-video": 9, "alby": 5, "x": 1 }"#,
        )
        .unwrap();
        let csv = dir.path().join("u.csv");
        std::fs::write(&csv, "appId,count\nzoom,5\ndaily-video,9\nalby,5\nx,1\n").unwrap();
        let want = vec!["daily-video".to_string(), "alby".into(), "zoom".into()];
        assert_eq!(top_apps(&json, "u.json", 3).unwrap(), want);
        assert_eq!(top_apps(&csv, "u.csv", 3).unwrap(), want);
    }

    #[test]
    fn a_bad_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("u.csv");
        std::fs::write(&csv, "a,1\nb,many\n").unwrap();
        let err = top_apps(&csv, "u.csv", 3).unwrap_err().to_string();
        assert!(err.starts_with("u.csv:2:1: expected `slug,count`"), "{err}");
    }

    #[test]
    fn passwords_are_hidden_in_every_url_form() {
        for (url, shown) in [
            (
                "postgres://cal:s3cr@t@127.0.0.1:5432/calendso",
                "postgres://cal:***@127.0.0.1:5432/calendso",
            ),
            (
                "postgres://127.0.0.1/db?user=u&password=s3cret&sslmode=disable",
                "postgres://127.0.0.1/db?user=u&password=***&sslmode=disable",
            ),
            (
                "host=127.0.0.1 password='a b' user=u",
                "host=127.0.0.1 password=*** user=u",
            ),
            ("host=127.0.0.1 PASSWORD=x", "host=127.0.0.1 PASSWORD=***"),
            (
                "postgres://u@127.0.0.1/db?mypassword=keep",
                "postgres://u@127.0.0.1/db?mypassword=keep",
            ),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }
}
