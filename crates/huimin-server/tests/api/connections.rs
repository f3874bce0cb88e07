//! Connections cannot exhaust the server: a request head must arrive within the header
//! timeout, an idle kept-alive connection is closed after the idle timeout, and one address
//! cannot hold more than its cap of connections while others are still served.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::*;
use crate::on_both;

/// Far longer than any timeout set below: reaching it means the server kept the socket.
const BOUND: Duration = Duration::from_secs(20);

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: huimin.test\r\n\r\n";

fn address(app: &TestApp) -> SocketAddr {
    app.base.trim_start_matches("http://").parse().unwrap()
}

/// Whether the server closed the socket (end of stream or reset) within [`BOUND`], reading
/// and discarding whatever it sent before.
async fn closed_by_server(socket: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 4096];
    let read_until_closed = async {
        loop {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(BOUND, read_until_closed).await.is_ok()
}

/// Sends `/healthz` on `socket` and reads its whole answer (it ends with the body `ok`).
async fn healthz_on(socket: &mut TcpStream) -> String {
    socket.write_all(HEALTHZ).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    while !answer.ends_with(b"\r\n\r\nok") {
        let read = tokio::time::timeout(BOUND, socket.read(&mut buffer))
            .await
            .expect("an answer")
            .expect("readable");
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8_lossy(&answer).into_owned()
}

async fn a_client_sending_its_request_head_too_slowly_is_cut_off(db: Db) {
    let app = TestApp::spawn_with(db, |s| {
        s.connections.timeouts.header = Duration::from_secs(1);
    })
    .await;
    let mut slow = TcpStream::connect(address(&app)).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: huimin.test\r\n")
        .await
        .unwrap();
    assert!(closed_by_server(&mut slow).await, "the slow head was cut");
    let mut silent = TcpStream::connect(address(&app)).await.unwrap();
    assert!(closed_by_server(&mut silent).await, "a silent client too");
    app.finish().await;
}
on_both!(a_client_sending_its_request_head_too_slowly_is_cut_off);

async fn an_idle_kept_alive_connection_is_closed(db: Db) {
    let app = TestApp::spawn_with(db, |s| {
        s.connections.timeouts.idle = Duration::from_secs(1);
    })
    .await;
    let mut client = TcpStream::connect(address(&app)).await.unwrap();
    let answer = healthz_on(&mut client).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(!answer.to_ascii_lowercase().contains("connection: close"));
    assert!(
        closed_by_server(&mut client).await,
        "the idle connection was closed"
    );
    app.finish().await;
}
on_both!(an_idle_kept_alive_connection_is_closed);

async fn connections_over_the_cap_of_one_address_are_refused_and_others_are_served(db: Db) {
    let app = TestApp::spawn_with(db, |s| {
        s.connections.caps.per_address = 3;
    })
    .await;
    let server = address(&app);
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut socket = TcpStream::connect(server).await.unwrap();
        assert!(healthz_on(&mut socket).await.starts_with("HTTP/1.1 200"));
        held.push(socket);
    }
    let mut extra = TcpStream::connect(server).await.unwrap();
    let _ = extra.write_all(HEALTHZ).await;
    assert!(closed_by_server(&mut extra).await, "the fourth was closed");
    let mut buffer = [0u8; 16];
    assert!(
        matches!(extra.read(&mut buffer).await, Ok(0) | Err(_)),
        "without an answer"
    );
    // Another address on this machine is served meanwhile (where the system lets a client
    // bind to 127.0.0.2, as Linux does).
    if let Some(mut other) = connect_from("127.0.0.2", server).await {
        assert!(healthz_on(&mut other).await.starts_with("HTTP/1.1 200"));
    }
    // The held connections still work.
    assert!(healthz_on(&mut held[0]).await.starts_with("HTTP/1.1 200"));
    drop(held);
    // Once the server has seen them close, a fresh connection from the same address is served.
    let mut served = false;
    for _ in 0..100 {
        let mut fresh = TcpStream::connect(server).await.unwrap();
        if fresh.write_all(HEALTHZ).await.is_ok() {
            let mut answer = vec![0u8; 64];
            if let Ok(Ok(n)) = tokio::time::timeout(BOUND, fresh.read(&mut answer)).await
                && answer[..n].starts_with(b"HTTP/1.1 200")
            {
                served = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        served,
        "a fresh connection was served after the others closed"
    );
    app.finish().await;
}
on_both!(connections_over_the_cap_of_one_address_are_refused_and_others_are_served);

async fn connect_from(source: &str, server: SocketAddr) -> Option<TcpStream> {
    let socket = TcpSocket::new_v4().ok()?;
    socket.bind(format!("{source}:0").parse().ok()?).ok()?;
    socket.connect(server).await.ok()
}
