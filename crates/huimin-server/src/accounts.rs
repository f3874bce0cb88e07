//! Account administration shared by the server start-up and the `huimin user` commands.

use huimin_domain::i18n::Text;
use huimin_domain::person::{check_password_policy, check_staff_password_policy};
use huimin_domain::roles::Role;
use huimin_store::{NewUser, Store, StoreError, UserRecord};

use crate::auth::account_key;
use crate::state::passwords::Passwords;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{}", .0.en)]
    Invalid(Text),
    #[error("no user named {0}")]
    NoSuchUser(String),
    #[error("the user name {0} is already taken")]
    Taken(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AccountError {
    fn from(err: StoreError) -> Self {
        Self::Store(err)
    }
}

fn valid_username(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
}

/// Creates a staff account. Patient accounts are made by registration, which also creates
/// the Patient record they belong to.
pub async fn add_user(
    store: &Store,
    passwords: &Passwords,
    username: &str,
    role: Role,
    password: &str,
    display_name: &str,
    practitioner: Option<&str>,
) -> Result<UserRecord, AccountError> {
    if role == Role::Patient {
        return Err(AccountError::Invalid(Text::new(
            "患者账户请通过 /auth/register 注册（同时建立患者档案）",
            "Patient accounts are created by registering at /auth/register, which also creates the Patient record",
        )));
    }
    if huimin_domain::phone::Phone::parse(username).is_ok() {
        return Err(AccountError::Invalid(Text::new(
            "员工用户名不能是手机号（手机号是患者的登录名）",
            "Staff user names cannot be phone numbers (phone numbers are patients' log-in names)",
        )));
    }
    let username = username.trim().to_lowercase();
    if !valid_username(&username) {
        return Err(AccountError::Invalid(Text::new(
            "用户名须为 2–64 位字母、数字或 . - _ @",
            "User names are 2–64 letters, digits or . - _ @",
        )));
    }
    check_staff_password_policy(password).map_err(|e| AccountError::Invalid(e.message()))?;
    if let Some(id) = practitioner
        && store.read_resource("Practitioner", id).await?.is_none()
    {
        return Err(AccountError::Invalid(Text::new(
            format!("未找到医护人员 Practitioner/{id}"),
            format!("No Practitioner/{id} to link the account to"),
        )));
    }
    let display = if display_name.trim().is_empty() {
        username.clone()
    } else {
        display_name.trim().to_owned()
    };
    store
        .create_user(NewUser {
            username: username.clone(),
            password_hash: passwords.hash(password),
            role: role.as_str().to_owned(),
            display_name: display,
            practitioner_id: practitioner.map(str::to_owned),
        })
        .await
        .map_err(|e| match e {
            StoreError::UsernameTaken => AccountError::Taken(username),
            other => other.into(),
        })
}

pub async fn reset_password(
    store: &Store,
    passwords: &Passwords,
    username: &str,
    password: &str,
) -> Result<(), AccountError> {
    let key = account_key(store, username);
    let user = store
        .user_by_username(&key)
        .await?
        .ok_or_else(|| AccountError::NoSuchUser(username.to_owned()))?;
    // Staff accounts reach more records than a patient's, so they need longer passwords.
    let policy = if user.role == Role::Patient.as_str() {
        check_password_policy
    } else {
        check_staff_password_policy
    };
    policy(password).map_err(|e| AccountError::Invalid(e.message()))?;
    store
        .set_user_password(&key, &passwords.hash(password))
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AccountError::NoSuchUser(username.to_owned()),
            other => other.into(),
        })
}

pub async fn set_disabled(
    store: &Store,
    username: &str,
    disabled: bool,
) -> Result<(), AccountError> {
    let key = account_key(store, username);
    store
        .set_user_disabled(&key, disabled)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AccountError::NoSuchUser(username.to_owned()),
            other => other.into(),
        })
}

/// `HUIMIN_ADMIN_PASSWORD`: creates the `admin` account, or resets its password and
/// re-enables it, so an installation can always be recovered.
pub async fn ensure_admin(
    store: &Store,
    passwords: &Passwords,
    password: &str,
) -> Result<(), AccountError> {
    match store.user_by_username("admin").await? {
        Some(_) => {
            reset_password(store, passwords, "admin", password).await?;
            set_disabled(store, "admin", false).await
        }
        None => add_user(
            store,
            passwords,
            "admin",
            Role::Admin,
            password,
            "系统管理员",
            None,
        )
        .await
        .map(|_| ()),
    }
}
