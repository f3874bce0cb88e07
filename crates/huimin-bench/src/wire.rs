//! The load generator's HTTP/1.1 connection: each request is written from bytes prepared
//! before the measurement, and the response is read with `httparse` up to its
//! `Content-Length`, one request at a time per connection (keep-alive, no pipelining).
//!
//! Why not reqwest for the attempts: the load generator shares the machine's two cores with
//! the server it measures. Under a flash crowd reqwest (pool checkout, URL and header maps,
//! its retry and timeout layers) took about as much CPU per request as the whole server, so
//! the server was measured with half of the machine. Load tools such as wrk send prepared
//! bytes for the same reason. reqwest still does the setup, where speed does not matter.
//!
//! It speaks only what the measured endpoints answer: HTTP/1.1 responses with a
//! `Content-Length` (every API answer has one). Chunked or length-less answers (1xx, 204, 304,
//! responses to HEAD) are errors here, and `connection: close` is the one way a connection
//! ends early.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The most response header lines read; the server sends about ten.
const MAX_HEADERS: usize = 32;

/// How long one request may take, answer included, before it counts as failed (the setup's
/// reqwest clients had the same bound), so that a server that stops answering ends the run.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The socket address of a `http://host:port` base URL.
pub fn address(base: &str) -> anyhow::Result<SocketAddr> {
    let authority = base
        .strip_prefix("http://")
        .ok_or_else(|| anyhow::anyhow!("not a plain http:// URL: {base}"))?;
    Ok(authority.trim_end_matches('/').parse()?)
}

/// A complete HTTP/1.1 request, ready to be written as it is.
pub fn request(
    method: &str,
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// One client connection, opened on first use and again after a failure or a
/// `connection: close`.
pub struct Connection {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

impl Connection {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            stream: None,
            buf: Vec::with_capacity(4096),
        }
    }

    /// Opens the connection unless it is open.
    async fn open(&mut self) -> io::Result<()> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
        }
        Ok(())
    }

    /// Sends one request and reads its whole response; returns the status code. After an
    /// error (including no whole answer within [`TIMEOUT`]) the connection is dropped, and the
    /// next request opens a new one. A request is not retried: on a connection the server
    /// closed meanwhile, it counts as one failed attempt.
    pub async fn send(&mut self, request: &[u8]) -> io::Result<u16> {
        let outcome = match tokio::time::timeout(TIMEOUT, self.exchange(request)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(io::Error::from(io::ErrorKind::TimedOut)),
        };
        if !matches!(outcome, Ok((_, true))) {
            self.stream = None;
        }
        outcome.map(|(status, _)| status)
    }

    /// The status and whether the connection may be used again.
    async fn exchange(&mut self, request: &[u8]) -> io::Result<(u16, bool)> {
        self.open().await?;
        let Some(stream) = self.stream.as_mut() else {
            return Err(io::Error::from(io::ErrorKind::NotConnected));
        };
        stream.write_all(request).await?;
        self.buf.clear();
        let mut head = None;
        loop {
            if stream.read_buf(&mut self.buf).await? == 0 {
                return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
            }
            if head.is_none() {
                head = parse_head(&self.buf)?;
            }
            let Some(head) = &head else {
                continue;
            };
            let whole = head.len + head.body;
            if self.buf.len() > whole {
                return Err(invalid("more bytes than one response"));
            }
            if self.buf.len() == whole {
                return Ok((head.status, head.keep_alive));
            }
        }
    }
}

/// What the response head says.
#[derive(Debug, PartialEq, Eq)]
struct Head {
    status: u16,
    /// Bytes of the head, blank line included.
    len: usize,
    /// Bytes of the body (`Content-Length`).
    body: usize,
    keep_alive: bool,
}

/// The head, once all of it has arrived. A response without `Content-Length` (chunked or
/// read to close) is an error: the server answers every API call with a length.
fn parse_head(buf: &[u8]) -> io::Result<Option<Head>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let len = match response.parse(buf).map_err(invalid)? {
        httparse::Status::Complete(len) => len,
        httparse::Status::Partial => return Ok(None),
    };
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    };
    let body = header("content-length")
        .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse().ok())
        .ok_or_else(|| invalid("a response without Content-Length"))?;
    let keep_alive = !header("connection").is_some_and(|v| v.eq_ignore_ascii_case(b"close"));
    Ok(Some(Head {
        status: response.code.unwrap_or(0),
        len,
        body,
        keep_alive,
    }))
}

fn invalid(why: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    #[test]
    fn a_head_is_read_once_complete_with_its_length_and_keep_alive() {
        let whole = b"HTTP/1.1 409 Conflict\r\ncontent-type: application/fhir+json\r\nContent-Length: 12\r\n\r\n";
        assert_eq!(parse_head(&whole[..30]).unwrap(), None);
        let head = parse_head(whole).unwrap().unwrap();
        assert_eq!(
            head,
            Head {
                status: 409,
                len: whole.len(),
                body: 12,
                keep_alive: true
            }
        );
        let closing = b"HTTP/1.1 200 OK\r\nconnection: Close\r\ncontent-length: 0\r\n\r\n";
        assert!(!parse_head(closing).unwrap().unwrap().keep_alive);
    }

    #[test]
    fn a_response_without_a_length_or_with_a_bad_status_line_is_an_error() {
        let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
        assert!(parse_head(chunked).is_err());
        assert!(parse_head(b"HTTX/1.1 200 OK\r\n\r\n").is_err());
    }

    #[test]
    fn requests_carry_host_length_and_headers() {
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let bytes = request(
            "POST",
            addr,
            "/fhir/x",
            &[("authorization", "Bearer t")],
            b"{}",
        );
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "POST /fhir/x HTTP/1.1\r\nhost: 127.0.0.1:8080\r\ncontent-length: 2\r\nauthorization: Bearer t\r\n\r\n{}"
        );
        assert_eq!(address("http://127.0.0.1:8080/").unwrap(), addr);
        assert!(address("https://127.0.0.1:8080").is_err());
    }

    /// A server that answers each request with the next canned response, written in two
    /// pieces so that the client has to read more than once, and closes the connection after
    /// the responses marked so.
    async fn canned(responses: Vec<(&'static str, bool)>) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut responses = responses.into_iter();
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                while socket.read(&mut buf).await.is_ok_and(|n| n > 0) {
                    let Some((response, close)) = responses.next() else {
                        return;
                    };
                    let (a, b) = response.as_bytes().split_at(response.len() / 2);
                    let _ = socket.write_all(a).await;
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    let _ = socket.write_all(b).await;
                    if close {
                        break;
                    }
                }
            }
        });
        addr
    }

    #[tokio::test]
    async fn a_connection_is_reused_and_reopened_after_close() {
        let addr = canned(vec![
            (
                "HTTP/1.1 201 Created\r\ncontent-length: 5\r\n\r\nhello",
                false,
            ),
            (
                "HTTP/1.1 409 Conflict\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}",
                true,
            ),
            ("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", false),
        ])
        .await;
        let mut connection = Connection::new(addr);
        let get = request("GET", addr, "/", &[], b"");
        assert_eq!(connection.send(&get).await.unwrap(), 201);
        assert_eq!(connection.send(&get).await.unwrap(), 409);
        assert!(connection.stream.is_none(), "closed as the server asked");
        assert_eq!(connection.send(&get).await.unwrap(), 200);
    }

    /// A truncated body (the server then closes) and bytes past the stated length: each an
    /// error of its kind, and the connection dropped.
    #[tokio::test]
    async fn a_response_of_the_wrong_length_is_an_error_and_drops_the_connection() {
        let cases = [
            (
                "HTTP/1.1 201 Created\r\ncontent-length: 50\r\n\r\nshort",
                true,
                io::ErrorKind::UnexpectedEof,
            ),
            (
                "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}HTTP/1.1",
                false,
                io::ErrorKind::InvalidData,
            ),
        ];
        for (response, close, kind) in cases {
            let addr = canned(vec![(response, close)]).await;
            let mut connection = Connection::new(addr);
            let get = request("GET", addr, "/", &[], b"");
            let failed = connection.send(&get).await.unwrap_err();
            assert_eq!(failed.kind(), kind, "{response}");
            assert!(connection.stream.is_none(), "{response}");
        }
    }
}
