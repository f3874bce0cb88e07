//! Sessions a `$find` leaves out: those of departments a patient may not book (emergency,
//! medical technology), or may book only on some dates or not at all (age and sex limits).
//! The server works out which from the domain's rules; this turns them into SQL.

/// The registration classes of a department an exclusion covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classes {
    All,
    Only(String),
    /// Every class but these (they have limits of their own).
    AllBut(Vec<String>),
}

/// Sessions of a department (some of its classes) outside the dates still open to the patient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub department_id: String,
    pub classes: Classes,
    /// The session dates still open, `[from, until)` as `YYYY-MM-DD` (either end open);
    /// `None` leaves out every date.
    pub open: Option<(Option<String>, Option<String>)>,
}

/// One `NOT (…)` condition per exclusion, its values appended to `args` and numbered from
/// `first` (the placeholder of `args[0]`).
pub(crate) fn conditions(
    excluded: &[Excluded],
    args: &mut Vec<String>,
    first: usize,
) -> Vec<String> {
    let arg = |value: &str, args: &mut Vec<String>| {
        args.push(value.to_owned());
        format!("${}", first + args.len() - 1)
    };
    let mut out = Vec::new();
    for e in excluded {
        if e.open == Some((None, None)) {
            continue;
        }
        let mut parts = vec![format!("c.department_id = {}", arg(&e.department_id, args))];
        match &e.classes {
            Classes::All => {}
            Classes::Only(class) => {
                parts.push(format!("c.registration_class = {}", arg(class, args)));
            }
            Classes::AllBut(classes) if !classes.is_empty() => {
                let marks: Vec<String> = classes.iter().map(|c| arg(c, args)).collect();
                parts.push(format!(
                    "c.registration_class NOT IN ({})",
                    marks.join(", ")
                ));
            }
            Classes::AllBut(_) => {}
        }
        if let Some((from, until)) = &e.open {
            let mut outside = Vec::new();
            if let Some(from) = from {
                outside.push(format!("c.session_date < {}", arg(from, args)));
            }
            if let Some(until) = until {
                outside.push(format!("c.session_date >= {}", arg(until, args)));
            }
            parts.push(format!("({})", outside.join(" OR ")));
        }
        out.push(format!("NOT ({})", parts.join(" AND ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_read_as_numbered_conditions() {
        let excluded = [
            Excluded {
                department_id: "dept-emergency".into(),
                classes: Classes::All,
                open: None,
            },
            Excluded {
                department_id: "dept-pediatrics".into(),
                classes: Classes::AllBut(vec!["special-needs".into()]),
                open: Some((None, Some("2026-05-20".into()))),
            },
            // Open on every date: nothing to leave out.
            Excluded {
                department_id: "dept-x".into(),
                classes: Classes::All,
                open: Some((None, None)),
            },
        ];
        let mut args = vec!["a".to_owned()];
        let sql = conditions(&excluded, &mut args, 4);
        assert_eq!(
            sql,
            [
                "NOT (c.department_id = $5)",
                "NOT (c.department_id = $6 AND c.registration_class NOT IN ($7) AND (c.session_date >= $8))",
            ]
        );
        assert_eq!(
            args[1..],
            [
                "dept-emergency",
                "dept-pediatrics",
                "special-needs",
                "2026-05-20"
            ]
        );
    }
}
