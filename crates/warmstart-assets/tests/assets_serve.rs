//! `assets serve` driven by a real HTTP client on 127.0.0.1: Content-Type,
//! ETag/304, Range/206, 404, traversal attempts, and materialization.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use common::*;
use warmstart_assets::{FsLinker, ModeChoice, ServeOptions, Server};

fn start(root: &std::path::Path) -> SocketAddr {
    let server = Server::bind(
        &assets(root),
        ServeOptions {
            port: 0,
            mode: ModeChoice::Auto,
            log: None,
        },
    )
    .unwrap();
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || server.run());
    addr
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Sends a request line as is, so paths no client would send get through.
fn raw(addr: SocketAddr, target: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

#[test]
fn serves_with_type_etag_range_and_materializes() {
    let dir = fixture();
    let root = dir.path();
    setup_with(root, ModeChoice::Auto, false, true, &FsLinker);
    assert!(fs::symlink_metadata(dest(root, "beta/shot.png")).is_err());
    let addr = start(root);
    let base = format!("http://{addr}");
    let a = agent();

    let mut res = a
        .get(format!("{base}/app-store/beta/shot.png"))
        .call()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let body = res.body_mut().read_to_vec().unwrap();
    assert_eq!(
        body,
        fs::read(root.join("packages/app-store/beta/static/shot.png")).unwrap()
    );
    // Materialized for the rest of the session, and recorded as warmstart's.
    assert!(
        fs::symlink_metadata(dest(root, "beta/shot.png"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(fs::read(dest(root, "beta/shot.png")).unwrap(), body);
    assert!(assets(root).validate().unwrap().ok);

    let res = a
        .get(format!("{base}/app-store/beta/shot.png"))
        .header("If-None-Match", &etag)
        .call()
        .unwrap();
    assert_eq!(res.status(), 304);

    let mut res = a
        .get(format!("{base}/app-store/templates/basic/icon.svg"))
        .header("Range", "bytes=1-4")
        .call()
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert_eq!(res.headers()["content-range"], "bytes 1-4/26");
    assert_eq!(res.body_mut().read_to_string().unwrap(), "svg>");

    let res = a
        .get(format!("{base}/app-store/alpha/shot.png"))
        .header("Range", "bytes=9999-")
        .call()
        .unwrap();
    assert_eq!(res.status(), 416);

    let res = a
        .get(format!("{base}/app-store/alpha/nope.png"))
        .call()
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = a
        .get(format!("{base}/app-store/calendar.svg"))
        .call()
        .unwrap();
    assert_eq!(res.status(), 404, "only assets are served");
}

#[test]
fn traversal_never_leaves_the_sources() {
    let dir = fixture();
    let root = dir.path();
    write(root, "secret.txt", b"TOP-SECRET");
    let addr = start(root);
    for target in [
        "/app-store/../../../../secret.txt",
        "/app-store/alpha/../../../../../secret.txt",
        "/app-store/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/app-store/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/app-store/..%5c..%5csecret.txt",
        "/app-store\\..\\..\\secret.txt",
        "//secret.txt",
        "/C:/secret.txt",
        "/etc/passwd",
        &format!("{}/secret.txt", root.display()),
    ] {
        let (status, text) = raw(addr, target);
        assert!(status == 400 || status == 404, "{target}: {status}");
        assert!(!text.contains("TOP-SECRET"), "{target}");
    }
    // Still serving afterwards.
    let (status, text) = raw(addr, "/app-store/alpha/icon.svg");
    assert_eq!(status, 200);
    assert!(text.ends_with("<svg>alpha</svg>"));
}
