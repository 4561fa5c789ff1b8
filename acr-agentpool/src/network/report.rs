//! The result of the VNet preflight: one row per required destination, printed as a table.

use std::fmt;

/// What becomes of the pool's traffic to one destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The security group lets it out and the routes send it to Azure.
    Allowed,
    /// A security rule denies it, or a route drops it.
    Denied,
    /// The security group lets it out, and a route sends it to an appliance (a firewall) or a
    /// gateway, which must allow it too: this crate cannot see that far.
    ThroughFirewall {
        /// The appliance's address (`nextHopIpAddress`), or the next hop type
        /// (`VirtualNetworkGateway`).
        next_hop: String,
    },
    /// A rule that could decide is one this evaluation cannot settle (an IP prefix compared
    /// with a service tag's ranges, a regional tag with no known region); the row says which.
    Unknown,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Allowed => f.write_str("allowed"),
            Verdict::Denied => f.write_str("DENIED"),
            Verdict::ThroughFirewall { next_hop } => write!(f, "through a firewall (next hop {next_hop})"),
            Verdict::Unknown => f.write_str("unknown"),
        }
    }
}

/// The verdict on one required destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightRow {
    /// The destination's service tag, e.g. `Storage`.
    pub destination: String,
    /// The TCP port.
    pub port: u16,
    /// What becomes of the traffic.
    pub verdict: Verdict,
    /// What decided it: `rule AllowStorage (200)`, `default rule AllowInternetOutBound (65001)`,
    /// `route default (0.0.0.0/0 → VirtualAppliance 10.0.0.4)`, or why it is unknown.
    pub deciding: String,
}

impl PreflightRow {
    /// The verdict as the table shows it; a firewall's row says what to allow there.
    pub fn verdict_text(&self) -> String {
        match &self.verdict {
            Verdict::ThroughFirewall { .. } => {
                format!("{}: allow {}:{} there", self.verdict, self.destination, self.port)
            }
            other => other.to_string(),
        }
    }

    fn label(&self) -> String {
        format!("{}:{}", self.destination, self.port)
    }
}

/// The verdicts on every required destination ([`REQUIRED_OUTBOUND`](super::REQUIRED_OUTBOUND)),
/// in that order. `Display` prints an aligned table and the [`summary`](Self::summary) line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreflightReport {
    /// One row per destination.
    pub rows: Vec<PreflightRow>,
}

impl PreflightReport {
    /// Whether a destination is denied: a pool in this subnet would report `Succeeded` and
    /// queue runs forever.
    pub fn is_blocking(&self) -> bool {
        self.rows.iter().any(|row| row.verdict == Verdict::Denied)
    }

    /// The rows with `verdict`'s kind (any next hop for a firewall).
    fn labels_where(&self, keep: impl Fn(&Verdict) -> bool) -> Vec<String> {
        self.rows
            .iter()
            .filter(|row| keep(&row.verdict))
            .map(PreflightRow::label)
            .collect()
    }

    /// One line: `all 6 required destinations allowed`, or the count of each verdict with the
    /// destinations that are not allowed, e.g. `4 allowed, 2 denied (Storage:443, AzureMonitor:12000)`.
    pub fn summary(&self) -> String {
        let allowed = self.labels_where(|verdict| *verdict == Verdict::Allowed).len();
        if allowed == self.rows.len() {
            return format!("all {} required destinations allowed", self.rows.len());
        }
        let mut parts = Vec::new();
        if allowed > 0 {
            parts.push(format!("{allowed} allowed"));
        }
        let groups: [(&str, Vec<String>); 3] = [
            ("denied", self.labels_where(|verdict| *verdict == Verdict::Denied)),
            (
                "through a firewall, to allow there",
                self.labels_where(|verdict| matches!(verdict, Verdict::ThroughFirewall { .. })),
            ),
            ("unknown", self.labels_where(|verdict| *verdict == Verdict::Unknown)),
        ];
        for (name, labels) in groups {
            if !labels.is_empty() {
                parts.push(format!("{} {name} ({})", labels.len(), labels.join(", ")));
            }
        }
        parts.join(", ")
    }
}

impl fmt::Display for PreflightReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = ["DESTINATION", "PORT", "VERDICT", "DECIDING RULE"];
        let cells: Vec<[String; 4]> = self
            .rows
            .iter()
            .map(|row| {
                [
                    row.destination.clone(),
                    row.port.to_string(),
                    row.verdict_text(),
                    row.deciding.clone(),
                ]
            })
            .collect();
        let mut widths = header.map(|title| title.chars().count());
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, row: [&str; 4]| -> fmt::Result {
            let text = format!(
                "{:<w0$}  {:<w1$}  {:<w2$}  {}",
                row[0],
                row[1],
                row[2],
                row[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
            );
            writeln!(f, "{}", text.trim_end())
        };
        line(f, header)?;
        for row in &cells {
            line(f, [&row[0], &row[1], &row[2], &row[3]])?;
        }
        write!(f, "{}", self.summary())
    }
}
