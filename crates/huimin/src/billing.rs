//! `huimin billing reconcile --date YYYY-MM-DD [--provider sandbox]`: runs a day's
//! reconciliation on the running server (`POST /api/admin/reconciliations`) with an
//! administrator's token, prints what matched and every difference, and exits 3 when there
//! are differences (for a nightly job to alert on).
//!
//! It asks the server rather than reconciling in-process: the gateway keys, the sandbox (served
//! by the server itself) and the run's audit record are all the server's, and a run made here
//! is kept and shown on the admin page like any other.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

#[derive(Debug, Args)]
pub struct BillingArgs {
    #[command(subcommand)]
    pub command: BillingCommand,
}

#[derive(Debug, Subcommand)]
pub enum BillingCommand {
    /// Reconcile a day's payments and refunds with a gateway's statement (对账).
    Reconcile {
        /// The statement's day (Beijing time), `YYYY-MM-DD`.
        #[arg(long)]
        date: String,
        /// The gateway's provider code.
        #[arg(long, default_value = "sandbox")]
        provider: String,
        /// The running server's address.
        #[arg(
            long,
            env = "HUIMIN_SERVER_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        server: String,
        /// An administrator's access token (`POST /auth/token`).
        #[arg(long, env = "HUIMIN_TOKEN", hide_env_values = true)]
        token: String,
    },
}

/// Exit status when the day does not reconcile clean.
pub const DIFFERENCES: i32 = 3;

pub async fn run(command: BillingCommand) -> anyhow::Result<()> {
    let BillingCommand::Reconcile {
        date,
        provider,
        server,
        token,
    } = command;
    let url = format!("{}/api/admin/reconciliations", server.trim_end_matches('/'));
    let answer = reqwest::Client::new()
        .post(&url)
        .bearer_auth(token.trim())
        .header("accept-language", "zh, en;q=0.5")
        .json(&json!({"provider": provider, "date": date}))
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    let status = answer.status();
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let said = body["issue"][0]["diagnostics"]
            .as_str()
            .map_or_else(|| body.to_string(), str::to_owned);
        bail!("the server refused ({status}): {said}");
    }
    print!("{}", report(&body));
    if body["clean"] != true {
        std::process::exit(DIFFERENCES);
    }
    Ok(())
}

const LISTS: [(&str, &str); 3] = [
    ("missing_in_huimin", "渠道有、惠民无 missing in Huimin"),
    ("extra_in_huimin", "惠民有、渠道无 extra in Huimin"),
    ("amount_mismatches", "金额不符 amount mismatch"),
];

/// The run as text: a summary line, then one line per difference.
pub fn report(run: &Value) -> String {
    let mut out = format!(
        "{} {}: 相符 matched {}\n",
        run["provider"].as_str().unwrap_or_default(),
        run["date"].as_str().unwrap_or_default(),
        run["matched"]
    );
    for kind in ["payments", "refunds"] {
        for (list, label) in LISTS {
            for d in run["differences"][kind][list]
                .as_array()
                .into_iter()
                .flatten()
            {
                let fen = |v: &Value| {
                    v.as_i64()
                        .map_or("-".to_owned(), |f| format!("{:.2}", f as f64 / 100.0))
                };
                out.push_str(&format!(
                    "{kind} {label}: order {} {} gateway {} huimin {}\n",
                    d["order"].as_str().unwrap_or_default(),
                    d["refund"]
                        .as_str()
                        .map(|r| format!("refund {r}"))
                        .unwrap_or_default(),
                    fen(&d["gateway_fen"]),
                    fen(&d["huimin_fen"]),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_lists_each_difference_under_its_kind() {
        let run = json!({
            "provider": "sandbox", "date": "2026-12-06", "matched": 2, "clean": false,
            "differences": {
                "payments": {"missing_in_huimin": [{"order": "STRAY1", "gateway_fen": 1234, "huimin_fen": null}],
                             "extra_in_huimin": [], "amount_mismatches": []},
                "refunds": {"missing_in_huimin": [], "extra_in_huimin": [],
                            "amount_mismatches": [{"order": "A", "refund": "RF1", "gateway_fen": 100, "huimin_fen": 150}]},
            },
        });
        let text = report(&run);
        assert!(
            text.starts_with("sandbox 2026-12-06: 相符 matched 2\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "payments 渠道有、惠民无 missing in Huimin: order STRAY1  gateway 12.34 huimin -"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "refunds 金额不符 amount mismatch: order A refund RF1 gateway 1.00 huimin 1.50"
            ),
            "{text}"
        );
        assert_eq!(text.lines().count(), 3);
    }
}
