//! One-time codes the registration desk gives a person after checking their identity card:
//! proof a relative who knows the name and ID number does not have. A code is bound to one
//! Patient record and one purpose, short enough to read out or print, valid for a while,
//! used once, and void after a few wrong tries.

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::i18n::{Text, en_count};

/// The characters of a code: digits and capitals without those read alike (0/O, 1/I/L).
pub const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Characters in a code: 31⁸ ≈ 8.5 × 10¹¹ codes, against a handful of tries.
pub const CODE_LENGTH: usize = 8;

/// What a code lets its holder do with the record it is bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodePurpose {
    /// Link the record to an account: as its holder's own record at sign-up, or as a
    /// family member.
    Claim,
    /// Set a new password on the account whose own record it is.
    ResetPassword,
}

impl CodePurpose {
    pub const ALL: [CodePurpose; 2] = [CodePurpose::Claim, CodePurpose::ResetPassword];

    pub fn code(self) -> &'static str {
        match self {
            CodePurpose::Claim => "claim",
            CodePurpose::ResetPassword => "reset-password",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            CodePurpose::Claim => Text::new("认领码", "Claim code"),
            CodePurpose::ResetPassword => Text::new("重置密码码", "Password reset code"),
        }
    }
}

/// A code as issued or typed back, in its normal form (capitals, no separators).
/// `Debug` hides it: a code never ends up in a log.
#[derive(Clone, PartialEq, Eq)]
pub struct DeskCode(String);

impl DeskCode {
    /// A code from random bytes (one per character; the caller draws them).
    pub fn from_random(bytes: [u8; CODE_LENGTH]) -> Self {
        let n = CODE_ALPHABET.len();
        // 248 = 8 × 31: bytes below it map evenly; the few above fold onto the first
        // characters, a bias too small to help a guesser with five tries.
        Self(
            bytes
                .iter()
                .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % n]))
                .collect(),
        )
    }

    /// A code as a person types it: any case, spaces, dashes and full-width characters
    /// allowed.
    pub fn parse(raw: &str) -> Result<Self, CodeRefusal> {
        let code: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '—'))
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.is_empty() {
            return Err(CodeRefusal::Missing);
        }
        let known = code.bytes().all(|b| CODE_ALPHABET.contains(&b));
        if code.chars().count() != CODE_LENGTH || !known {
            return Err(CodeRefusal::Malformed);
        }
        Ok(Self(code))
    }

    /// The normal form, for hashing.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As printed and read out: two groups of four (`ABCD-EFGH`).
    pub fn display(&self) -> String {
        let (a, b) = self.0.split_at(CODE_LENGTH / 2);
        format!("{a}-{b}")
    }
}

impl fmt::Debug for DeskCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeskCode(<hidden>)")
    }
}

/// How long a code lasts and how many wrong tries void it: hospital settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeskCodeRule {
    /// Minutes from issue to expiry (1–1440, default 30).
    pub minutes: u32,
    /// Wrong tries after which the code is void (1–10, default 5).
    pub tries: u32,
}

impl Default for DeskCodeRule {
    fn default() -> Self {
        DeskCodeRule {
            minutes: 30,
            tries: 5,
        }
    }
}

impl DeskCodeRule {
    /// Each setting out of its range, by name.
    pub fn check(&self) -> Vec<(&'static str, Text)> {
        let mut out = Vec::new();
        if !(1..=1440).contains(&self.minutes) {
            out.push((
                "minutes",
                Text::new(
                    format!(
                        "窗口验证码有效分钟数须在 1 至 1440 之间，当前为 {}",
                        self.minutes
                    ),
                    format!(
                        "Desk code minutes must be between 1 and 1440; got {}",
                        self.minutes
                    ),
                ),
            ));
        }
        if !(1..=10).contains(&self.tries) {
            out.push((
                "tries",
                Text::new(
                    format!("窗口验证码可试次数须在 1 至 10 之间，当前为 {}", self.tries),
                    format!(
                        "Desk code tries must be between 1 and 10; got {}",
                        self.tries
                    ),
                ),
            ));
        }
        out
    }

    /// When a code issued at `issued` expires.
    pub fn expires(&self, issued: Timestamp) -> Timestamp {
        issued
            .checked_add(SignedDuration::from_mins(i64::from(self.minutes)))
            .unwrap_or(Timestamp::MAX)
    }
}

/// A stored code as the decision needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IssuedCode {
    pub expires: Timestamp,
    /// Wrong tries so far.
    pub failures: u32,
    /// Used, or replaced by a newer code.
    pub closed: bool,
}

/// Whether a typed code opens the record: `matches` is whether it is the issued code.
/// A wrong code for an open code counts as a try (the caller records it); the answer says
/// how many are left. Nothing is said about a code that is not open unless it was typed right.
pub fn judge_code(
    issued: Option<IssuedCode>,
    matches: bool,
    rule: &DeskCodeRule,
    now: Timestamp,
) -> Result<(), CodeRefusal> {
    let Some(issued) = issued else {
        return Err(CodeRefusal::Wrong { left: 0 });
    };
    if issued.closed {
        return Err(if matches {
            CodeRefusal::Used
        } else {
            CodeRefusal::Wrong { left: 0 }
        });
    }
    if issued.failures >= rule.tries {
        return Err(CodeRefusal::TooManyTries);
    }
    if now >= issued.expires {
        return Err(if matches {
            CodeRefusal::Expired
        } else {
            CodeRefusal::Wrong { left: 0 }
        });
    }
    if !matches {
        let left = rule.tries.saturating_sub(issued.failures + 1);
        return Err(if left == 0 {
            CodeRefusal::TooManyTries
        } else {
            CodeRefusal::Wrong { left }
        });
    }
    Ok(())
}

/// Why a code did not open the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeRefusal {
    #[error("Enter the code the desk gave you")]
    Missing,
    #[error("A desk code is 8 letters and digits, e.g. ABCD-2345")]
    Malformed,
    /// Not the code issued (or none was issued); `left` tries remain (0: unknown or none).
    #[error("The code is not right")]
    Wrong { left: u32 },
    #[error("The code has expired")]
    Expired,
    #[error("The code has already been used")]
    Used,
    #[error("Too many wrong tries: the code is void")]
    TooManyTries,
}

impl CodeRefusal {
    /// A stable code for the API's answer.
    pub fn rule_code(self) -> &'static str {
        match self {
            CodeRefusal::Missing => "code-missing",
            CodeRefusal::Malformed => "code-malformed",
            CodeRefusal::Wrong { .. } => "code-wrong",
            CodeRefusal::Expired => "code-expired",
            CodeRefusal::Used => "code-used",
            CodeRefusal::TooManyTries => "code-void",
        }
    }

    pub fn message(self) -> Text {
        const ASK: (&str, &str) = (
            "请携带证件到挂号窗口重新领取",
            "bring your identity card to the registration desk for a new one",
        );
        match self {
            CodeRefusal::Missing => {
                Text::new("请输入窗口给您的验证码", "Enter the code the desk gave you")
            }
            CodeRefusal::Malformed => Text::new(
                "验证码为 8 位字母和数字，如 ABCD-2345",
                "A desk code is 8 letters and digits, e.g. ABCD-2345",
            ),
            CodeRefusal::Wrong { left: 0 } => Text::new(
                "验证码不正确，请核对窗口给您的验证码",
                "The code is not right: check the code the desk gave you",
            ),
            CodeRefusal::Wrong { left } => Text::new(
                format!("验证码不正确，还可再试 {left} 次"),
                format!(
                    "The code is not right; {} left",
                    en_count(u64::from(left), "attempt")
                ),
            ),
            CodeRefusal::Expired => Text::new(
                format!("验证码已过期，{}", ASK.0),
                format!("The code has expired: {}", ASK.1),
            ),
            CodeRefusal::Used => Text::new(
                format!("验证码已使用过，{}", ASK.0),
                format!("The code has already been used: {}", ASK.1),
            ),
            CodeRefusal::TooManyTries => Text::new(
                format!("输错次数过多，验证码已作废，{}", ASK.0),
                format!("Too many wrong tries, the code is void: {}", ASK.1),
            ),
        }
    }
}

#[cfg(test)]
#[path = "desk_code_tests.rs"]
mod tests;
