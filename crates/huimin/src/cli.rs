//! The command line: each subcommand takes the flags that apply to it. Storage flags
//! (`--data-dir`, `--database-url`, `--data-key`) belong to every command that opens the
//! database; server flags only to `serve`. Every flag has an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use huimin_server::{Secret, Settings};
use huimin_store::DatabaseTarget;

/// Huimin 惠民: online–offline integrated medical services.
#[derive(Debug, Parser)]
#[command(name = "huimin", version, about)]
pub struct Cli {
    /// Without a command, `serve` (configured by its environment variables).
    #[command(subcommand)]
    pub command: Option<Command>,
}

// Parsed once at start-up: the size of the server's flags costs nothing worth boxing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// Manage staff accounts.
    User(UserArgs),
    /// Audit trail tools.
    Audit(AuditArgs),
    /// Clinical record tools: verify signed notes, print a sample record.
    Record(RecordArgs),
    /// Write a consistent copy of the embedded database (SQLite) while the server runs.
    Backup(BackupArgs),
    /// Replace the embedded database with a backup, verified first (the server stopped).
    Restore(RestoreArgs),
    /// Code tables: load the hospital's licensed ICD-10 table.
    Codes(CodesArgs),
    /// Billing tools: reconcile a day with a payment gateway (asks the running server).
    Billing(crate::billing::BillingArgs),
}

impl Cli {
    /// The command to run: `serve` when none is given.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or_else(|| {
            Cli::parse_from(["huimin", "serve"])
                .command
                .expect("serve was given")
        })
    }
}

/// Where the data is and the key that protects it.
#[derive(Debug, Args)]
pub struct StorageArgs {
    /// Directory for the embedded database and the data key file.
    #[arg(
        long,
        env = "HUIMIN_DATA_DIR",
        default_value = "./huimin-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL: `postgres://…` selects PostgreSQL; default: SQLite in the data directory.
    #[arg(
        long,
        env = "HUIMIN_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<String>,
    /// Base64 32-byte key protecting identifiers at rest (default: `<data-dir>/data.key`).
    /// Required, and the same on every server, when several servers share one PostgreSQL.
    #[arg(
        long = "data-key",
        env = "HUIMIN_DATA_KEY",
        hide_env_values = true,
        global = true
    )]
    pub data_key: Option<String>,
}

impl StorageArgs {
    /// Settings with this storage and every server setting at its default.
    pub fn settings(&self) -> Settings {
        let mut settings = Settings::new(self.data_dir.clone());
        settings.database = self.database_url.as_deref().map(DatabaseTarget::from_url);
        settings.data_key = self.data_key.clone().map(Secret::new);
        settings
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Address to listen on.
    #[arg(long, env = "HUIMIN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo hospital when the database is empty.
    #[arg(long, env = "HUIMIN_DEMO")]
    pub demo: bool,
    /// Creates the `admin` account, or resets its password, at start.
    #[arg(
        long = "admin-password",
        env = "HUIMIN_ADMIN_PASSWORD",
        hide_env_values = true
    )]
    pub admin_password: Option<String>,
    /// Access-token lifetime in seconds.
    #[arg(long, env = "HUIMIN_TOKEN_TTL", default_value_t = 3600)]
    pub token_ttl: u64,
    /// Rate limits on patients' booking operations: `on` (default) or `off` (load tests).
    #[arg(long, env = "HUIMIN_RATE_LIMIT", default_value = "on")]
    pub rate_limit: String,
    /// Log as JSON lines (the same as `--log-format json`).
    #[arg(long, env = "HUIMIN_LOG_JSON")]
    pub log_json: bool,
    /// Log lines as `text` (default) or `json` (one object a line, with the request id).
    #[arg(long, env = "HUIMIN_LOG_FORMAT", default_value = "text")]
    pub log_format: huimin_server::logging::LogFormat,
    /// Serve `/metrics` on this address only (e.g. `10.0.0.5:9464`); unset: on the main
    /// address, to loopback clients only.
    #[arg(long, env = "HUIMIN_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Minutes a desk code (claiming a record on file, resetting a password) stays valid.
    #[arg(long, env = "HUIMIN_DESK_CODE_MINUTES", default_value_t = 30)]
    pub desk_code_minutes: u32,
    /// Wrong tries after which a desk code is void.
    #[arg(long, env = "HUIMIN_DESK_CODE_TRIES", default_value_t = 5)]
    pub desk_code_tries: u32,
    /// Deliver messages from the outbox in this process: `on` (default) or `off` (another
    /// process delivers them).
    #[arg(long, env = "HUIMIN_DELIVER_MESSAGES", default_value = "on")]
    pub deliver_messages: String,
    /// Patients pay registration fees online: `off` (default; they book at once and pay at
    /// the desk) or `on` (a paid place is held until paid online).
    #[arg(long, env = "HUIMIN_ONLINE_PAYMENT", default_value = "off")]
    pub online_payment: String,
    /// Serve the sandbox payment gateway and let patients pay through it (WeChat Pay and
    /// Alipay stand-ins): `on` or `off`. Default: on with `--demo`, else off. Never in
    /// production: anyone who opens its page can "pay".
    #[arg(long, env = "HUIMIN_PAY_SANDBOX")]
    pub pay_sandbox: Option<String>,
    /// The address patients and gateways reach this server at (`https://…`), for payment
    /// notifications; default: this server's own listening address.
    #[arg(long, env = "HUIMIN_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Reverse proxies (addresses or CIDR networks, comma-separated) whose `X-Forwarded-For`
    /// or `Forwarded` header names the client; empty (default): the TCP peer is the client.
    #[arg(
        long,
        env = "HUIMIN_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = huimin_server::client_addr::parse_trusted
    )]
    pub trusted_proxies: Vec<huimin_server::client_addr::IpNet>,
    /// Seconds a client has to send a request's head, from connecting or from its first byte
    /// after an idle pause; slower connections are closed.
    #[arg(long, env = "HUIMIN_HEADER_TIMEOUT_SECS", default_value_t = 15)]
    pub header_timeout_secs: u64,
    /// Seconds a kept-alive connection may wait for its next request before it is closed
    /// (keep it above the proxy's upstream keep-alive timeout).
    #[arg(long, env = "HUIMIN_IDLE_TIMEOUT_SECS", default_value_t = 75)]
    pub idle_timeout_secs: u64,
    /// Connections one client address may hold open at once (trusted proxies are exempt).
    #[arg(
        long,
        env = "HUIMIN_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 256
    )]
    pub max_connections_per_address: usize,
    /// Connections open at once in all (default: the open-file limit less 256, at most 65536).
    #[arg(long, env = "HUIMIN_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Send `Strict-Transport-Security: max-age=<seconds>` on every answer; only when every
    /// visitor reaches the server over HTTPS (default: none, the TLS proxy sends it).
    #[arg(long, env = "HUIMIN_HSTS_SECS")]
    pub hsts_secs: Option<u64>,
    /// Failed logins of one account before its back-off starts.
    #[arg(long, env = "HUIMIN_LOGIN_ACCOUNT_FREE", default_value_t = 5)]
    pub login_account_free: u32,
    /// Failed logins from one client address before its back-off starts.
    #[arg(long, env = "HUIMIN_LOGIN_ADDRESS_FREE", default_value_t = 20)]
    pub login_address_free: u32,
    /// Longest login back-off, in seconds (it starts at 1 s and doubles).
    #[arg(long, env = "HUIMIN_LOGIN_BACKOFF_MAX", default_value_t = 900)]
    pub login_backoff_max: u64,
    /// Registrations from one client address before its back-off starts.
    #[arg(long, env = "HUIMIN_REGISTER_ADDRESS_FREE", default_value_t = 20)]
    pub register_address_free: u32,
    /// The font printed records are set in: a file, and `#FACE` for a collection.
    #[arg(
        long = "pdf-font",
        env = "HUIMIN_PDF_FONT",
        default_value = huimin_server::state::pdf_font::DEFAULT_PDF_FONT,
        value_parser = huimin_server::state::pdf_font::FontSource::parse
    )]
    pub pdf_font: huimin_server::state::pdf_font::FontSource,
}

impl ServeArgs {
    /// `--log-format`, or JSON when `--log-json` is given.
    pub fn log_format(&self) -> huimin_server::logging::LogFormat {
        if self.log_json {
            huimin_server::logging::LogFormat::Json
        } else {
            self.log_format
        }
    }

    pub fn settings(&self) -> Settings {
        let mut settings = self.storage.settings();
        settings.listen = self.listen;
        settings.demo = self.demo;
        settings.admin_password = self.admin_password.clone().map(Secret::new);
        settings.token_ttl = Duration::from_secs(self.token_ttl);
        settings.guard.enabled = !is_off(&self.rate_limit);
        settings.deliver_messages = !is_off(&self.deliver_messages);
        settings.online_payment = is_on(&self.online_payment);
        settings.pay_sandbox = self.pay_sandbox.as_deref().map_or(self.demo, is_on);
        settings.public_url = self
            .public_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_owned());
        settings.trusted_proxies = self.trusted_proxies.clone();
        settings.hsts_seconds = self.hsts_secs;
        settings.metrics_addr = self.metrics_addr;
        settings.connections = huimin_server::serve::ConnectionSettings {
            timeouts: huimin_server::serve::Timeouts {
                header: Duration::from_secs(self.header_timeout_secs.max(1)),
                idle: Duration::from_secs(self.idle_timeout_secs.max(1)),
            },
            caps: huimin_server::serve::Caps {
                per_address: self.max_connections_per_address.max(1),
                total: self.max_connections,
            },
        };
        settings.login_account_free = self.login_account_free;
        settings.ip_failure_limit = self.login_address_free;
        settings.login_backoff_max = Duration::from_secs(self.login_backoff_max.max(1));
        settings.register_address_free = self.register_address_free;
        settings.pdf_font = self.pdf_font.clone();
        settings.desk_codes = huimin_domain::identity::DeskCodeRule {
            minutes: self.desk_code_minutes,
            tries: self.desk_code_tries,
        };
        settings
    }
}

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account (patients register themselves).
    Add {
        username: String,
        /// admin | registrar | doctor | nurse | pharmacist
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// The Practitioner id a doctor's or nurse's account acts as (their sessions, their
        /// queue).
        #[arg(long)]
        practitioner: Option<String>,
        /// Read from standard input when not given.
        #[arg(long, env = "HUIMIN_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// List accounts (patients' phone numbers and names masked).
    List {
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Disable an account; its tokens stop working at once.
    Disable { username: String },
    /// Re-enable a disabled account.
    Enable { username: String },
    /// Set a new password and clear any login lock.
    ResetPassword {
        username: String,
        #[arg(long, env = "HUIMIN_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: RecordCommand,
}

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// Print a sample outpatient record (a made-up patient) as a PDF, to check the font and
    /// the layout without a database.
    SamplePdf {
        /// Where to write the PDF.
        #[arg(long)]
        out: std::path::PathBuf,
        /// About how many pages the note fills.
        #[arg(long, default_value_t = 1)]
        pages: usize,
        /// The font, as for `serve`.
        #[arg(
            long = "pdf-font",
            env = "HUIMIN_PDF_FONT",
            default_value = huimin_server::state::pdf_font::DEFAULT_PDF_FONT,
            value_parser = huimin_server::state::pdf_font::FontSource::parse
        )]
        pdf_font: huimin_server::state::pdf_font::FontSource,
    },
    /// Verify the signature of every version of an outpatient note (a Composition id); exit
    /// status 2 if any signed version does not verify.
    Verify {
        /// The note's Composition id.
        composition: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the keyed chain; exit status 2 if any record was altered or removed, 1 if it
    /// could not be checked.
    Verify {
        /// `SEQ:MAC` as `huimin audit anchor` printed it: also prove the chain up to record
        /// SEQ is the one anchored.
        #[arg(long)]
        anchor: Option<String>,
    },
    /// Verify the chain and print its head as an anchor to keep outside this machine.
    Anchor,
    /// Write the records of a period for the regulator, to standard output or `--out`.
    Export {
        /// First day (YYYY-MM-DD, the hospital's time zone) or instant (RFC 3339).
        #[arg(long)]
        from: String,
        /// Last day, included (YYYY-MM-DD), or instant, excluded (RFC 3339).
        #[arg(long)]
        to: String,
        /// jsonl (one JSON object a line) or csv.
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// Write to this file (refused when it exists) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The backup file to write.
    #[arg(long)]
    pub to: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The backup file to restore from.
    #[arg(long)]
    pub from: PathBuf,
}

/// Only an explicit yes turns on a setting whose mistake would cost patients (a typo leaves
/// online payment off, so no one is asked to pay where no one can).
fn is_on(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "on" | "true" | "1" | "yes"
    )
}

fn is_off(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "off" | "false" | "0" | "no"
    )
}

#[derive(Debug, Args)]
pub struct CodesArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: CodesCommand,
}

#[derive(Debug, Subcommand)]
pub enum CodesCommand {
    /// Replace the ICD-10 table with a CSV file (code,name_zh,name_en,chapter; see
    /// docs/operations.md). A file with any bad line is refused whole and nothing changes.
    ImportIcd10 { file: PathBuf },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn online_payment_is_on_only_when_said_so() {
        assert!(is_on("on") && is_on("TRUE") && is_on("1") && is_on("yes"));
        assert!(!is_on("off") && !is_on("onn") && !is_on(""));
    }

    #[test]
    fn trusted_proxies_are_a_comma_separated_list() {
        let cli = Cli::try_parse_from([
            "huimin",
            "serve",
            "--trusted-proxies",
            "127.0.0.1,10.0.0.0/8",
        ])
        .unwrap();
        let Some(Command::Serve(args)) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(args.settings().trusted_proxies.len(), 2);
        assert!(Cli::try_parse_from(["huimin", "serve", "--trusted-proxies", "proxy"]).is_err());
    }

    fn serve_args(flags: &[&str]) -> Result<ServeArgs, clap::Error> {
        let cli = Cli::try_parse_from(["huimin", "serve"].iter().chain(flags))?;
        match cli.command {
            Some(Command::Serve(args)) => Ok(args),
            _ => panic!("not serve"),
        }
    }

    #[test]
    fn logs_are_text_unless_json_is_asked_for_either_way() {
        use huimin_server::logging::LogFormat;
        assert_eq!(serve_args(&[]).unwrap().log_format(), LogFormat::Text);
        let json = serve_args(&["--log-format", "json"]).unwrap();
        assert_eq!(json.log_format(), LogFormat::Json);
        assert_eq!(
            serve_args(&["--log-json"]).unwrap().log_format(),
            LogFormat::Json
        );
        assert!(serve_args(&["--log-format", "yaml"]).is_err());
    }

    #[test]
    fn metrics_have_an_address_only_when_given_one() {
        assert_eq!(serve_args(&[]).unwrap().settings().metrics_addr, None);
        let given = serve_args(&["--metrics-addr", "10.0.0.5:9464"]).unwrap();
        assert_eq!(
            given.settings().metrics_addr,
            Some("10.0.0.5:9464".parse().unwrap())
        );
        assert!(serve_args(&["--metrics-addr", "metrics.internal"]).is_err());
    }
}
