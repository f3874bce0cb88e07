//! What a typed allergy means 过敏原分组 (`data/allergen-groups.csv`): the terms doctors type
//! (青霉素, 头孢, penicillin) and the allergy group each stands for, so that an allergy typed
//! as 青霉素 is checked against every drug of the `penicillins` group.

use std::collections::HashSet;

use crate::csv_table::{LineIssue, TableShape, parse_table};
use crate::i18n::Text;

/// The shipped seed (demonstration data: a hospital pharmacist reviews it before use).
pub const SEED: &str = include_str!("../../../../data/allergen-groups.csv");

pub const COLUMNS: [&str; 3] = ["term", "group", "source"];

/// Longest file accepted, in lines.
pub const MAX_LINES: usize = 5_000;

/// Longest term: a substance's name, not a sentence.
const MAX_TERM_CHARS: usize = 50;

/// One row: a term and the group it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllergenTerm {
    /// Lower-case for Latin letters, as it is matched.
    pub term: String,
    /// An allergy group code of the formulary (`penicillins`).
    pub group: String,
    pub source: String,
}

/// The table of terms.
#[derive(Clone, Debug, Default)]
pub struct Allergens {
    terms: Vec<AllergenTerm>,
}

impl Allergens {
    pub fn new(terms: Vec<AllergenTerm>) -> Allergens {
        Allergens { terms }
    }

    pub fn terms(&self) -> &[AllergenTerm] {
        &self.terms
    }

    /// The groups an allergy as typed belongs to: those of every term it contains (Latin
    /// letters compared without case), each once, in table order.
    pub fn groups_of(&self, typed: &str) -> Vec<&str> {
        let typed = typed.to_lowercase();
        let mut groups: Vec<&str> = Vec::new();
        for row in &self.terms {
            if typed.contains(row.term.as_str()) && !groups.contains(&row.group.as_str()) {
                groups.push(&row.group);
            }
        }
        groups
    }
}

/// A group code as the formulary writes it: lower-case letters, digits and hyphens.
fn is_group_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-')
}

fn row(fields: &[&str]) -> Result<AllergenTerm, Text> {
    let term = fields[0].to_lowercase();
    if term.is_empty() || term.chars().count() > MAX_TERM_CHARS {
        return Err(Text::new(
            format!("term 列不能为空，且最多 {MAX_TERM_CHARS} 个字符"),
            format!("term must not be empty and may hold {MAX_TERM_CHARS} characters at most"),
        ));
    }
    let group = fields[1];
    if !is_group_code(group) {
        return Err(Text::new(
            format!("group 列的值“{group}”无效：应为小写字母、数字和连字符（如 penicillins）"),
            format!(
                "group {group:?} is invalid: use lower-case letters, digits and hyphens (penicillins)"
            ),
        ));
    }
    if fields[2].is_empty() {
        return Err(Text::new("source 列不能为空", "source must not be empty"));
    }
    Ok(AllergenTerm {
        term,
        group: group.to_owned(),
        source: fields[2].to_owned(),
    })
}

/// Parses the allergen table: every row, or every line at fault. A term may stand for several
/// groups (β-内酰胺 for penicillins and cephalosporins), each on its own line, once.
pub fn parse_allergens(text: &str) -> Result<Allergens, Vec<LineIssue>> {
    let shape = TableShape {
        columns: &COLUMNS,
        max_lines: MAX_LINES,
        empty: Text::new(
            "文件中没有过敏原（导入空表会清空过敏原分组）",
            "the file lists no allergens (importing it would empty the table)",
        ),
    };
    let mut seen = HashSet::new();
    let terms = parse_table(text, &shape, |fields, _| {
        let row = row(fields)?;
        if !seen.insert((row.term.clone(), row.group.clone())) {
            return Err(Text::new(
                format!("“{}”→ {} 重复", row.term, row.group),
                format!("{:?} → {} is listed twice", row.term, row.group),
            ));
        }
        Ok(row)
    })?;
    Ok(Allergens::new(terms))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const TABLE: &str = "\
# Test table
term,group,source
青霉素,penicillins,中国药典临床用药须知
penicillin,penicillins,BNF
阿莫西林,penicillins,说明书
头孢,cephalosporins,中国药典临床用药须知
β-内酰胺,penicillins,test
β-内酰胺,cephalosporins,test
阿司匹林,salicylates,说明书
";

    pub(crate) fn table() -> Allergens {
        parse_allergens(TABLE).unwrap()
    }

    #[test]
    fn a_typed_allergy_belongs_to_the_groups_of_the_terms_it_contains() {
        let table = table();
        assert_eq!(table.groups_of("青霉素"), vec!["penicillins"]);
        assert_eq!(table.groups_of("青霉素类（皮疹）"), vec!["penicillins"]);
        assert_eq!(table.groups_of("Penicillin V"), vec!["penicillins"]);
        assert_eq!(
            table.groups_of("β-内酰胺类"),
            vec!["penicillins", "cephalosporins"]
        );
        assert_eq!(
            table.groups_of("头孢克洛、阿司匹林"),
            vec!["cephalosporins", "salicylates"]
        );
        assert!(table.groups_of("花粉").is_empty());
        assert!(table.groups_of("").is_empty());
    }

    #[test]
    fn bad_rows_name_their_field_and_repeats_are_refused() {
        let issues = parse_allergens(
            "term,group,source\n\
             ,penicillins,x\n\
             青霉素,Penicillins,x\n\
             青霉素,penicillins,\n\
             青霉素,penicillins,x\n\
             青霉素,penicillins,y\n",
        )
        .unwrap_err();
        let found: Vec<&str> = issues.iter().map(|i| i.message.en.as_str()).collect();
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with("Line 2: term must not be empty"));
        assert!(found[1].contains("group \"Penicillins\" is invalid"));
        assert!(found[2].contains("source must not be empty"));
        assert!(found[3].starts_with("Line 6:") && found[3].contains("listed twice"));
    }

    #[test]
    fn latin_terms_are_kept_in_lower_case() {
        let table = parse_allergens("term,group,source\nPenicillin,penicillins,x\n").unwrap();
        assert_eq!(table.terms()[0].term, "penicillin");
        assert_eq!(table.groups_of("PENICILLIN"), vec!["penicillins"]);
    }
}
