//! `assets serve`: a loopback HTTP server (hyper 1 + tokio) for lazy mode.
//! It answers any known asset URL straight from its source (Content-Type,
//! ETag/304, Range/206), then materializes it into `public/` so Next.js
//! serves it itself from then on. Only URLs of the plan are ever looked up:
//! a request path is decoded, checked segment by segment and matched
//! exactly, so `..`, `%2e%2e`, backslashes or absolute paths cannot reach
//! any other file.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::{Read, Seek, SeekFrom};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::Assets;
use crate::config::ModeChoice;
use crate::link::{FsLinker, LinkRequest, Linker, Mode, file_chain, is_refusal};
use crate::manifest::{Entry, Manifest, mtime_ns};
use crate::plan::{link_target, parent};

/// How the server runs.
pub struct ServeOptions {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Link mode for materialized assets.
    pub mode: ModeChoice,
    /// Receives one line per request (for `-v`).
    pub log: Option<Box<dyn Fn(String) + Send + Sync>>,
}

struct Target {
    source: String,
    dest: String,
}

struct State {
    root: PathBuf,
    manifest_path: PathBuf,
    by_url: HashMap<String, Target>,
    mode: ModeChoice,
    // Materializations update the manifest one at a time.
    lock: Mutex<()>,
    log: Option<Box<dyn Fn(String) + Send + Sync>>,
}

/// A bound server; [`Server::run`] blocks serving it.
pub struct Server {
    listener: TcpListener,
    state: Arc<State>,
}

impl Server {
    /// Binds 127.0.0.1:`port` and indexes the plan's URLs.
    pub fn bind(assets: &Assets, opts: ServeOptions) -> crate::Result<Server> {
        let plan = assets.plan()?;
        let by_url = plan
            .assets
            .iter()
            .filter_map(|a| {
                let url = crate::lazy::url_of(&assets.config.public_dir, &a.dest)?;
                Some((
                    url,
                    Target {
                        source: a.source.clone(),
                        dest: a.dest.clone(),
                    },
                ))
            })
            .collect();
        let addr = SocketAddr::from(([127, 0, 0, 1], opts.port));
        let listener = TcpListener::bind(addr).map_err(crate::error::io_err(
            "cannot listen on",
            format!("127.0.0.1:{}", opts.port),
        ))?;
        Ok(Server {
            listener,
            state: Arc::new(State {
                root: assets.root.clone(),
                manifest_path: assets.manifest_path.clone(),
                by_url,
                mode: opts.mode,
                lock: Mutex::new(()),
                log: opts.log,
            }),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Number of URLs served.
    pub fn urls(&self) -> usize {
        self.state.by_url.len()
    }

    /// Serves until Ctrl-C.
    pub fn run(self) -> std::io::Result<()> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let state = self.state;
        self.listener.set_nonblocking(true)?;
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            loop {
                let (stream, _) = tokio::select! {
                    accepted = listener.accept() => accepted?,
                    _ = tokio::signal::ctrl_c() => return Ok(()),
                };
                let io = hyper_util::rt::TokioIo::new(stream);
                let state = state.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(handle(&state, &req)) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
        })
    }
}

fn handle(state: &State, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let res = respond(state, req);
    if let Some(log) = &state.log {
        log(format!(
            "{} {} {}",
            req.method(),
            path,
            res.status().as_u16()
        ));
    }
    res
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut res = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

fn respond(state: &State, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    }
    let url = match clean_path(req.uri().path()) {
        Some(url) => url,
        None => return plain(StatusCode::BAD_REQUEST, "bad path\n"),
    };
    let Some(target) = state.by_url.get(&url) else {
        return plain(StatusCode::NOT_FOUND, "not an asset\n");
    };
    let src = state.root.join(&target.source);
    let Ok(meta) = std::fs::metadata(&src) else {
        return plain(StatusCode::NOT_FOUND, "source is gone\n");
    };
    materialize(state, target);
    let len = meta.len();
    let etag = format!("\"{:x}-{:x}\"", len, mtime_ns(&meta));
    let mut res = Response::new(Full::new(Bytes::new()));
    let h = res.headers_mut();
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex etag"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&url)),
    );
    let none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    if none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        return res;
    }
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| parse_range(v, len));
    let (start, end) = match range {
        None | Some(RangeSpec::Ignore) => (0, len),
        Some(RangeSpec::Unsatisfiable) => {
            *res.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            res.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{len}")).expect("ascii"),
            );
            return res;
        }
        Some(RangeSpec::Bytes(s, e)) => {
            *res.status_mut() = StatusCode::PARTIAL_CONTENT;
            res.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {s}-{}/{len}", e - 1)).expect("ascii"),
            );
            (s, e)
        }
    };
    res.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    if req.method() == Method::HEAD {
        return res;
    }
    match read_range(&src, start, end) {
        Ok(bytes) => *res.body_mut() = Full::new(Bytes::from(bytes)),
        Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot read source\n"),
    }
    res
}

fn read_range(path: &std::path::Path, start: u64, end: u64) -> std::io::Result<Vec<u8>> {
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::Start(start))?;
    let mut buf = Vec::with_capacity((end - start) as usize);
    f.take(end - start).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Decodes a request path and refuses anything that is not a plain
/// `/a/b/c` of normal segments. `None` means 400.
pub(crate) fn clean_path(raw: &str) -> Option<String> {
    if raw.contains('\\') || !raw.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(raw)?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let rest = decoded.strip_prefix('/')?;
    let ok = rest
        .split('/')
        .all(|seg| !seg.is_empty() && seg != "." && seg != ".." && !seg.contains(':'));
    ok.then_some(decoded)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

enum RangeSpec {
    /// Absent, malformed or multi-range: answer with the whole body.
    Ignore,
    Unsatisfiable,
    /// Start inclusive, end exclusive.
    Bytes(u64, u64),
}

fn parse_range(value: &str, len: u64) -> RangeSpec {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeSpec::Ignore;
    };
    if spec.contains(',') {
        return RangeSpec::Ignore;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return RangeSpec::Ignore;
    };
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (Some(s), Some(e)) if s <= e => Some((s, (e + 1).min(len))),
        (Some(s), None) if b.is_empty() => Some((s, len)),
        (None, Some(n)) if a.is_empty() => Some((len.saturating_sub(n), len)),
        _ => return RangeSpec::Ignore,
    };
    match range {
        Some((s, e)) if s < len && s < e => RangeSpec::Bytes(s, e),
        _ => RangeSpec::Unsatisfiable,
    }
}

/// Content types of the files web apps ship as statics.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("mp3") => "audio/mpeg",
        Some("json") => "application/json",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("ttf") => "font/ttf",
        _ => "application/octet-stream",
    }
}

/// Makes the asset's destination (per file, through the link chain) so the
/// next request is Next.js's own; records it in the manifest. Failures only
/// mean the asset keeps being served from here.
fn materialize(state: &State, t: &Target) {
    let dest = state.root.join(&t.dest);
    if std::fs::symlink_metadata(&dest).is_ok() {
        return;
    }
    let Ok(_guard) = state.lock.lock() else {
        return;
    };
    if std::fs::symlink_metadata(&dest).is_ok() {
        return;
    }
    let Ok(mut m) = Manifest::load(&state.manifest_path) else {
        return;
    };
    // Missing folders, top down, recorded as warmstart's.
    let mut missing = Vec::new();
    let mut dir = parent(&t.dest);
    while !dir.is_empty() && std::fs::symlink_metadata(state.root.join(dir)).is_err() {
        missing.push(dir.to_string());
        dir = parent(dir);
    }
    let first = file_chain(state.mode)[0];
    for d in &missing {
        m.entries.insert(
            d.clone(),
            Entry {
                pending: true,
                ..Entry::new(Mode::Dir, None)
            },
        );
    }
    m.entries.insert(
        t.dest.clone(),
        Entry {
            pending: true,
            ..Entry::new(first, Some(t.source.clone()))
        },
    );
    if m.save_intent(&state.manifest_path).is_err() {
        return;
    }
    for d in missing.iter().rev() {
        if std::fs::create_dir(state.root.join(d)).is_ok() {
            m.entries.insert(d.clone(), Entry::new(Mode::Dir, None));
        } else {
            m.entries.remove(d);
        }
    }
    let target = link_target(&t.dest, &t.source);
    let req = LinkRequest {
        source: &state.root.join(&t.source),
        target: &target,
        dest: &dest,
    };
    m.entries.remove(&t.dest);
    for &mode in file_chain(state.mode) {
        match FsLinker.link(mode, req) {
            Ok(hash) => {
                let mut entry = Entry::new(mode, Some(t.source.clone()));
                if mode.is_copy() {
                    if let Ok(src) = std::fs::metadata(req.source) {
                        entry.size = Some(src.len());
                        entry.mtime = Some(mtime_ns(&src));
                    }
                    entry.dest_mtime = std::fs::symlink_metadata(&dest).ok().map(|m| mtime_ns(&m));
                    entry.hash = hash;
                }
                m.entries.insert(t.dest.clone(), entry);
                break;
            }
            Err(e) if is_refusal(&e) => continue,
            Err(_) => break,
        }
    }
    let _ = m.save(&state.manifest_path);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_cleaned() {
        assert_eq!(
            clean_path("/app-store/a/icon.svg").as_deref(),
            Some("/app-store/a/icon.svg")
        );
        assert_eq!(
            clean_path("/app-store/a/my%20icon.svg").as_deref(),
            Some("/app-store/a/my icon.svg")
        );
        for bad in [
            "/app-store/../secret",
            "/app-store/%2e%2e/secret",
            "/app-store/%2E%2E/%2e%2e/etc/passwd",
            "/app-store\\..\\x",
            "/app-store/%5c..%5cx",
            "//etc/passwd",
            "/C:/Windows",
            "/a/%00",
            "/a/%zz",
            "relative",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn ranges() {
        assert!(matches!(
            parse_range("bytes=0-9", 100),
            RangeSpec::Bytes(0, 10)
        ));
        assert!(matches!(
            parse_range("bytes=90-", 100),
            RangeSpec::Bytes(90, 100)
        ));
        assert!(matches!(
            parse_range("bytes=-10", 100),
            RangeSpec::Bytes(90, 100)
        ));
        assert!(matches!(
            parse_range("bytes=95-200", 100),
            RangeSpec::Bytes(95, 100)
        ));
        assert!(matches!(
            parse_range("bytes=100-", 100),
            RangeSpec::Unsatisfiable
        ));
        assert!(matches!(
            parse_range("bytes=0-1,5-6", 100),
            RangeSpec::Ignore
        ));
    }
}
