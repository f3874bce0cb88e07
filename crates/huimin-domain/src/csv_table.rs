//! Tables a hospital imports as CSV (price list, ICD-10, formulary, interactions): UTF-8 (a
//! byte-order mark is ignored), blank lines and lines starting with `#` skipped, then a fixed
//! header and one row per line. A file is taken whole or not at all, so every bad line is
//! reported at once, each with the line number an editor shows.

use crate::i18n::Text;

/// A line of a file that cannot be imported; `message` starts with the line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIssue {
    /// 1-based, counting every line of the file (comments included), as an editor shows it.
    pub line: usize,
    pub message: Text,
}

impl LineIssue {
    pub fn new(line: usize, why: Text) -> Self {
        LineIssue {
            line,
            message: Text::new(
                format!("第 {line} 行：{}", why.zh),
                format!("Line {line}: {}", why.en),
            ),
        }
    }
}

/// One line's fields. Lines are read one at a time, so every problem is reported on the line an
/// editor shows (the CSV reader's own positions skip comment lines); a quoted field therefore
/// cannot span lines, which no table needs.
pub fn split_line(raw: &str) -> Result<csv::StringRecord, Text> {
    if raw.matches('"').count() % 2 == 1 {
        return Err(Text::new(
            "引号不成对（含逗号的字段须用英文双引号括起，字段内的引号写作两个）",
            "unpaired quotes (quote a field that holds a comma; double a quote inside it)",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(raw.as_bytes());
    let mut records = reader.records();
    match (records.next(), records.next()) {
        (Some(Ok(record)), None) => Ok(record),
        (Some(Err(err)), _) => Err(Text::new(
            format!("CSV 格式错误：{err}"),
            format!("bad CSV: {err}"),
        )),
        _ => Err(Text::new(
            "一行中有多条记录（行内含回车符）",
            "the line holds more than one row (a stray carriage return)",
        )),
    }
}

/// "the header must be a,b,c".
pub fn header_text(columns: &[&str]) -> Text {
    let expected = columns.join(",");
    Text::new(
        format!("表头须为 {expected}"),
        format!("the header must be {expected}"),
    )
}

/// What a table file is, for its parser: the header and the limits.
pub struct TableShape<'a> {
    pub columns: &'a [&'a str],
    /// Longest file accepted, in lines (comments included).
    pub max_lines: usize,
    /// Why a file without rows is refused (importing it would empty the table).
    pub empty: Text,
}

/// Reads a table: the header must be `shape.columns`, every row must have that many fields
/// (trimmed), and `row(fields, line)` turns one into a value or says what is wrong with it.
/// Either every row, or every line at fault.
pub fn parse_table<T>(
    text: &str,
    shape: &TableShape<'_>,
    mut row: impl FnMut(&[&str], usize) -> Result<T, Text>,
) -> Result<Vec<T>, Vec<LineIssue>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = text.lines().count();
    if lines > shape.max_lines {
        let max = shape.max_lines;
        return Err(vec![LineIssue::new(
            max + 1,
            Text::new(
                format!("文件共 {lines} 行，超过上限 {max} 行"),
                format!("the file has {lines} lines, more than the {max} allowed"),
            ),
        )]);
    }
    let mut rows = Vec::new();
    let mut issues = Vec::new();
    let mut header = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let record = match split_line(raw) {
            Ok(record) => record,
            Err(why) => {
                issues.push(LineIssue::new(line, why));
                continue;
            }
        };
        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        if !header {
            header = true;
            let found = fields.iter().map(|f| f.to_ascii_lowercase());
            if !found.eq(shape.columns.iter().map(|c| c.to_string())) {
                return Err(vec![LineIssue::new(line, header_text(shape.columns))]);
            }
            continue;
        }
        if fields.len() != shape.columns.len() {
            let (want, got) = (shape.columns.len(), fields.len());
            issues.push(LineIssue::new(
                line,
                Text::new(
                    format!("应有 {want} 列，实际 {got} 列"),
                    format!("expected {want} columns, found {got}"),
                ),
            ));
            continue;
        }
        match row(&fields, line) {
            Ok(value) => rows.push(value),
            Err(why) => issues.push(LineIssue::new(line, why)),
        }
    }
    if !header {
        return Err(vec![LineIssue::new(1, header_text(shape.columns))]);
    }
    if rows.is_empty() && issues.is_empty() {
        return Err(vec![LineIssue::new(lines.max(1), shape.empty.clone())]);
    }
    if issues.is_empty() {
        Ok(rows)
    } else {
        Err(issues)
    }
}

/// A `;`-separated list field: its trimmed, non-empty parts.
pub fn list(field: &str) -> Vec<String> {
    field
        .split([';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> TableShape<'static> {
        TableShape {
            columns: &["a", "b"],
            max_lines: 10,
            empty: Text::new("空", "empty"),
        }
    }

    fn parse(text: &str) -> Result<Vec<(String, String)>, Vec<LineIssue>> {
        parse_table(text, &shape(), |f, _| {
            if f[0].is_empty() {
                Err(Text::new("a 为空", "a is empty"))
            } else {
                Ok((f[0].to_owned(), f[1].to_owned()))
            }
        })
    }

    #[test]
    fn rows_are_read_after_comments_and_the_header() {
        let rows = parse("\u{feff}# c\n\nA,B\n x ,\"y,z\"\n").unwrap();
        assert_eq!(rows, vec![("x".to_owned(), "y,z".to_owned())]);
    }

    #[test]
    fn every_bad_line_is_reported_with_the_line_an_editor_shows() {
        let issues = parse("# c\na,b\n,1\nok,1\n\"x,1\nx\n").unwrap_err();
        let lines: Vec<usize> = issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, vec![3, 5, 6]);
        assert!(issues[0].message.zh.starts_with("第 3 行："));
        assert!(issues[2].message.en.contains("expected 2 columns"));
    }

    #[test]
    fn a_wrong_header_an_empty_file_or_a_long_one_is_refused() {
        assert!(
            parse("x,y\n1,2\n").unwrap_err()[0]
                .message
                .en
                .contains("header")
        );
        assert!(
            parse("# only\n").unwrap_err()[0]
                .message
                .en
                .contains("header")
        );
        assert_eq!(parse("a,b\n").unwrap_err()[0].message.en, "Line 1: empty");
        assert_eq!(parse(&"a,b\n".repeat(11)).unwrap_err()[0].line, 11);
        assert_eq!(list(" x; y ；;z"), vec!["x", "y", "z"]);
    }
}
