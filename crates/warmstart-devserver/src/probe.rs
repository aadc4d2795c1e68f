//! HTTP probes on 127.0.0.1: readiness, first page load, hot reload.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::DevError;

/// One complete response.
#[derive(Debug, Clone)]
pub struct PageLoad {
    pub elapsed: Duration,
    pub status: u16,
    pub body: Vec<u8>,
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .build()
        .into()
}

/// GETs `url` and reads the whole body; any HTTP status is an answer.
pub fn get(url: &str, timeout: Duration) -> Result<PageLoad, DevError> {
    let started = Instant::now();
    let mut response = agent(timeout)
        .get(url)
        .call()
        .map_err(|e| DevError::Request {
            url: url.to_string(),
            message: e.to_string(),
        })?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(512 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| DevError::Request {
            url: url.to_string(),
            message: e.to_string(),
        })?;
    Ok(PageLoad {
        elapsed: started.elapsed(),
        status,
        body,
    })
}

/// Whether the server answers `url` at all (a quick readiness poll).
pub fn answers(url: &str) -> bool {
    agent(Duration::from_secs(2)).get(url).call().is_ok()
}

/// The address of `url` (`http://host:port/…`; port 80 when omitted).
pub fn socket_addr(url: &str) -> Result<(SocketAddr, u16), DevError> {
    let bad = |message: &str| DevError::Url {
        url: url.to_string(),
        message: message.to_string(),
    };
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| bad("only http:// URLs can be probed"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() {
        return Err(bad("no host"));
    }
    let with_port = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addr = with_port
        .to_socket_addrs()
        .map_err(|e| bad(&e.to_string()))?
        .next()
        .ok_or_else(|| bad("host has no address"))?;
    Ok((addr, addr.port()))
}

/// Fails when something already listens where the server is about to.
pub fn ensure_port_free(url: &str) -> Result<(), DevError> {
    let (addr, port) = socket_addr(url)?;
    if TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok() {
        return Err(DevError::PortInUse {
            port,
            url: url.to_string(),
        });
    }
    Ok(())
}

/// Touches `file` with a visible change and polls `url` until its response
/// differs from before; the file's bytes are restored afterwards.
///
/// A `warmstart-hmr-<digits>` marker in the file is replaced by a new one
/// (put it in rendered text for an exact probe); without a marker a comment
/// line is appended.
pub fn hot_reload(file: &Path, url: &str, timeout: Duration) -> Result<Duration, DevError> {
    let io = |source| DevError::Io {
        path: file.to_path_buf(),
        source,
    };
    let original = std::fs::read_to_string(file).map_err(io)?;
    // A page still settling (a background compile, statics landing) must
    // not pass for a reload: wait for two equal answers first.
    let mut baseline = get(url, timeout)?.body;
    for _ in 0..20 {
        let again = get(url, timeout)?.body;
        if again == baseline {
            break;
        }
        baseline = again;
        thread::sleep(Duration::from_millis(100));
    }
    let stamp = format!(
        "warmstart-hmr-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
    );
    let marker = regex::Regex::new(r"warmstart-hmr-\d+").expect("valid regex");
    let has_marker = marker.is_match(&original);
    let changed = if has_marker {
        marker.replace_all(&original, stamp.as_str()).into_owned()
    } else {
        format!("{original}\n// {stamp}\n")
    };
    // With a marker the new stamp must show; without one, any change counts.
    let reloaded = |body: &[u8]| {
        if has_marker {
            body.windows(stamp.len()).any(|w| w == stamp.as_bytes())
        } else {
            body != baseline.as_slice()
        }
    };
    let started = Instant::now();
    std::fs::write(file, &changed).map_err(io)?;
    let result = loop {
        match get(url, timeout) {
            Ok(page) if reloaded(&page.body) => break Ok(started.elapsed()),
            // Errors while the server recompiles count as "not yet".
            _ if started.elapsed() > timeout => {
                break Err(DevError::Request {
                    url: url.to_string(),
                    message: format!(
                        "the response did not change within {} s of touching {}",
                        timeout.as_secs(),
                        file.display()
                    ),
                });
            }
            _ => thread::sleep(Duration::from_millis(10)),
        }
    };
    std::fs::write(file, original).map_err(io)?;
    result
}
