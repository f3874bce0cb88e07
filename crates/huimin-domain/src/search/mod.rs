//! Searching short texts by what people type on a phone: Chinese, pinyin (full or initials,
//! every reading of a polyphone), or both mixed. Built once and shared: departments and
//! doctors now; diagnoses (ICD-10) and drugs use the same index.
//!
//! ```
//! use huimin_domain::search::{Field, PinyinIndex};
//! let mut index = PinyinIndex::new();
//! index.add("cardiology", Field::Name, "心血管内科");
//! index.add("cardiology", Field::Alias, "心内科");
//! index.add("amoxicillin", Field::Name, "阿莫西林");
//! assert_eq!(index.search("xnk")[0].key, "cardiology");
//! assert_eq!(index.search("xieguan")[0].key, "cardiology");
//! assert_eq!(index.search("amxl")[0].key, "amoxicillin");
//! ```

mod index;
pub mod pinyin;

pub use index::{Field, Hit, Match, PinyinIndex, Work};
