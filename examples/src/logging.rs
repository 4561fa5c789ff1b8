//! Log lines for container logs and Azure Pipelines: one line per event on stdout, a UTC
//! timestamp, no colours, and errors and warnings prefixed with `##[error]` and `##[warning]`
//! so that a pipeline log highlights them.

use std::fmt;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{Format, Full, Writer};
use tracing_subscriber::fmt::time::SystemTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Installs the global subscriber with `filter` (an `EnvFilter` directive such as `info`).
///
/// ```
/// examples::logging::init("info").unwrap();
/// tracing::warn!("shown as ##[warning]...");
/// ```
pub fn init(filter: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::io::stdout)
        .event_format(PipelineFormat::default())
        .try_init()
}

/// tracing-subscriber's full format, without target or colours, behind the Azure Pipelines
/// prefix of the level.
pub struct PipelineFormat {
    inner: Format<Full, SystemTime>,
}

impl Default for PipelineFormat {
    fn default() -> Self {
        PipelineFormat {
            inner: Format::default().with_target(false).with_ansi(false),
        }
    }
}

impl<S, N> FormatEvent<S, N> for PipelineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        match *event.metadata().level() {
            Level::ERROR => writer.write_str("##[error]")?,
            Level::WARN => writer.write_str("##[warning]")?,
            _ => {}
        }
        self.inner.format_event(ctx, writer, event)
    }
}
