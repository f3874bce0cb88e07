//! The batch on both databases: values in order, JSON lists and rows, PostgreSQL's binding.

use super::{Arg, Batch, JsonList};
use sqlx::{AnyConnection, Connection, Row};

/// An in-memory SQLite database with one table.
async fn memory_table(create: &str) -> AnyConnection {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect("sqlite::memory:").await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(create.to_owned()))
        .execute(&mut conn)
        .await
        .unwrap();
    conn
}

/// A batch's statements run in order, each taking its own values in turn, and each step
/// reports its rows and the rows it changed.
#[tokio::test]
async fn a_batch_runs_its_statements_in_order_with_their_values() {
    let mut conn = memory_table("CREATE TABLE t (name TEXT, n INTEGER)").await;
    let mut batch = Batch::default();
    let rows = [("a", 1), ("b", 2), ("c", 3)]
        .map(|(name, n)| format!("({}, {})", batch.arg(name), batch.arg(n)));
    let insert = batch.push(&format!(
        "INSERT INTO t (name, n) VALUES {}",
        rows.join(", ")
    ));
    let add = batch.arg(10);
    let names = format!("{}, {}", batch.arg("a"), batch.arg("c"));
    let update = batch.push(&format!(
        "UPDATE t SET n = n + {add} WHERE name IN ({names})"
    ));
    let none = batch.push("SELECT name FROM t WHERE n IS NULL");
    let above = batch.arg(5);
    let select = batch.push(&format!(
        "SELECT name, n FROM t WHERE n > {above} ORDER BY name"
    ));
    let steps = batch.run(&mut conn).await.unwrap();
    assert_eq!((steps[insert].changed, steps[update].changed), (3, 2));
    assert!(steps[none].rows.is_empty());
    let found: Vec<(String, i64)> = steps[select]
        .rows
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(found, [("a".to_owned(), 11), ("c".to_owned(), 13)]);

    let mut failing = Batch::default();
    failing.push("SELECT 1");
    failing.push("SELECT * FROM missing");
    assert!(failing.run(&mut conn).await.is_err());
}

/// JSON lists and rows keep each value and its type (text with quotes and non-ASCII,
/// integers, nulls), and a stable batch gives the same answers when run again (prepared)
/// with a different number of values.
#[tokio::test]
async fn json_lists_and_rows_keep_values_and_types_across_runs() {
    let mut conn =
        memory_table("CREATE TABLE t (name TEXT PRIMARY KEY, n INTEGER, note TEXT)").await;
    async fn run(
        conn: &mut AnyConnection,
        rows: Vec<[Arg; 3]>,
        names: &[&str],
    ) -> Vec<(String, i64, Option<String>)> {
        let mut batch = Batch::default().stable();
        let source = batch.json_rows(rows);
        batch.push(&format!(
            "WITH v(name, n, note) AS ({source}) \
             INSERT INTO t (name, n, note) SELECT name, n, note FROM v WHERE true \
             ON CONFLICT (name) DO UPDATE SET n = t.n + excluded.n"
        ));
        let list = batch.json_list(&JsonList::new(names.iter().copied()));
        let select = batch.push(&format!(
            "SELECT name, n, note, typeof(n) FROM t WHERE name IN ({list}) ORDER BY name"
        ));
        let steps = batch.run(conn).await.unwrap();
        steps[select]
            .rows
            .iter()
            .map(|r| {
                assert_eq!(r.get::<String, _>(3), "integer");
                (r.get(0), r.get(1), r.get(2))
            })
            .collect()
    }
    let first = run(
        &mut conn,
        vec![
            ["王\"小明'".into(), 1.into(), None::<String>.into()],
            ["b".into(), 2.into(), "备注".into()],
        ],
        &["王\"小明'", "b", "absent"],
    )
    .await;
    assert_eq!(
        first,
        [
            ("b".to_owned(), 2, Some("备注".to_owned())),
            ("王\"小明'".to_owned(), 1, None),
        ]
    );
    let again = run(
        &mut conn,
        vec![["b".into(), 40.into(), None::<String>.into()]],
        &["b"],
    )
    .await;
    assert_eq!(again, [("b".to_owned(), 42, Some("备注".to_owned()))]);
    let none = run(&mut conn, Vec::new(), &[]).await;
    assert!(none.is_empty());
}

/// On PostgreSQL each statement's `?`s are numbered from `$1`, its values checked against
/// its placeholders, and the lists and rows use PostgreSQL's JSON functions. No value is
/// ever part of the text.
#[test]
fn a_postgres_batch_numbers_each_statements_placeholders() {
    let mut batch = Batch::default().postgres(true);
    let (a, b) = (batch.arg("it's \\ ?"), batch.arg(-3i64));
    batch.push(&format!("SELECT {a}, {b}"));
    let list = batch.json_list(&JsonList::new(["O'Brien", "$1"]));
    assert_eq!(
        list,
        "SELECT value FROM json_array_elements_text(CAST(? AS json))"
    );
    batch.push(&format!("SELECT 1 WHERE 'x' IN ({list})"));
    let rows = batch.json_rows([["s".into(), 2i64.into()]]);
    assert_eq!(
        rows,
        "SELECT c0, c1 FROM json_to_recordset(CAST(? AS json)) AS r(c0 text, c1 bigint)"
    );
    batch.push(&format!("SELECT c0 FROM ({rows}) v"));
    let texts = batch.numbered().unwrap();
    assert_eq!(texts[0], ("SELECT $1, $2".to_owned(), 2));
    assert!(texts[1].0.ends_with("CAST($1 AS json)))"));
    assert!(texts.iter().all(|(text, _)| !text.contains("Brien")));

    batch.arg(1i64);
    assert!(batch.numbered().is_err(), "a value without a placeholder");
    // Each statement's own values: one short here and one over there is refused too.
    let mut batch = Batch::default().postgres(true);
    batch.arg(1i64);
    batch.push("SELECT 1");
    batch.push("SELECT ?");
    assert!(
        batch.numbered().is_err(),
        "values shifted between statements"
    );

    let mut sqlite = Batch::default();
    assert_eq!(
        sqlite.json_rows([["s".into(), 2i64.into()]]),
        "SELECT value ->> 0, value ->> 1 FROM jsonb_each(?)"
    );
}

/// PostgreSQL at `HUIMIN_TEST_POSTGRES_URL`, or where the API tests find it.
async fn postgres() -> AnyConnection {
    sqlx::any::install_default_drivers();
    let url = std::env::var("HUIMIN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    AnyConnection::connect(&url)
        .await
        .expect("PostgreSQL at 127.0.0.1:5432 (see README)")
}

/// Hostile texts: quotes, backslashes, placeholders, comment marks, dollar quotes,
/// unicode, and random printable texts.
fn hostile_texts() -> Vec<String> {
    let mut texts: Vec<String> = [
        "",
        "'",
        "''",
        "\\",
        "\\'",
        "'; DROP TABLE x; --",
        "?",
        "$1",
        "$$",
        "$a$ $a$",
        "/* */",
        "--",
        "E'x'",
        "\\x41",
        "\\u0041",
        "\n",
        "line\nbreak",
        "tab\t",
        "病人 王小明",
        "🙂",
        "' OR '1'='1",
        "\\\\''\\'",
        "\"quoted\"",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let alphabet: Vec<char> = (' '..='~').chain(['\n', '\t', '中', 'é']).collect();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..200 {
        let mut text = String::new();
        for _ in 0..(seed % 24) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        texts.push(text);
    }
    texts
}

/// Every text comes back from PostgreSQL exactly as it went in, bound as a value, in a
/// JSON list and in JSON rows, kept prepared across runs.
#[tokio::test]
async fn postgres_reads_every_bound_text_back_as_it_went_in() {
    let mut conn = postgres().await;
    let texts = hostile_texts();
    for chunk in texts.chunks(50) {
        let mut batch = Batch::default().stable().postgres(true);
        let mut singles = Vec::new();
        for text in chunk {
            let (value, number) = (batch.arg(text.as_str()), batch.arg(-7i64));
            singles.push(batch.push(&format!("SELECT {value}, {number}")));
        }
        let list = batch.json_list(&JsonList::new(chunk.iter().map(String::as_str)));
        let listed = batch.push(&format!("SELECT value FROM ({list}) l"));
        let rows = batch.json_rows(chunk.iter().enumerate().map(|(n, text)| {
            [
                text.as_str().into(),
                (n as i64).into(),
                None::<String>.into(),
            ]
        }));
        let rowed = batch.push(&format!("SELECT c0, c1, c2 FROM ({rows}) v ORDER BY c1"));
        let steps = batch.run(&mut conn).await.unwrap();
        for (step, text) in singles.iter().zip(chunk) {
            let row = &steps[*step].rows[0];
            assert_eq!(&row.get::<String, _>(0), text);
            assert_eq!(row.get::<i64, _>(1), -7);
        }
        let listed: Vec<String> = steps[listed].rows.iter().map(|r| r.get(0)).collect();
        assert_eq!(&listed, chunk);
        for (row, (n, text)) in steps[rowed].rows.iter().zip(chunk.iter().enumerate()) {
            assert_eq!(&row.get::<String, _>(0), text);
            assert_eq!(row.get::<i64, _>(1), n as i64);
            assert_eq!(row.get::<Option<String>, _>(2), None);
        }
    }
}

/// PostgreSQL's text cannot hold a NUL character: a batch with one, as a value, in a list
/// or in a row, is refused by name before anything is sent.
#[tokio::test]
async fn a_postgres_batch_with_a_nul_character_is_refused() {
    let mut conn = postgres().await;
    let batches: [fn(&mut Batch) -> String; 3] = [
        |b| format!("SELECT {}", b.arg("a\0b")),
        |b| {
            format!(
                "SELECT 1 WHERE 'x' IN ({})",
                b.json_list(&JsonList::new(["a\0b"]))
            )
        },
        |b| format!("SELECT c0 FROM ({}) v", b.json_rows([["a\0b".into()]])),
    ];
    for build in batches {
        let mut batch = Batch::default().postgres(true);
        let statement = build(&mut batch);
        batch.push(&statement);
        let refused = batch.run(&mut conn).await;
        assert!(
            matches!(&refused, Err(crate::StoreError::Batch(m)) if m.contains("NUL")),
            "{statement}"
        );
    }
}
