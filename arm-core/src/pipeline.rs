//! The azure_core pipeline every client of this workspace sends through: our transport, our
//! bounded retries before the per-try policies, a user agent naming the calling crate.

use crate::clock::Clock;
use crate::error::Error;
use crate::retry::{RetryOptions, RetryPolicy};
use crate::transport::HttpTransport;
use azure_core::http::policies::Policy;
use azure_core::http::{ClientOptions, Pipeline};
use std::sync::Arc;

/// Builds a pipeline for the crate `crate_name` (named in the `User-Agent`), retrying with
/// `retry` on `clock`, with `per_try` policies (authentication) run on every try.
///
/// The transport of `client_options` is used when set, else an [`HttpTransport`] with the
/// platform's roots. azure_core's own retries are turned off: [`RetryOptions`] applies. The
/// caller's per-call policies run once per call, before the retries (azure_core would otherwise
/// place them inside the retry loop).
///
/// ```
/// use arm_core::{RetryOptions, TokioClock};
/// use std::sync::Arc;
///
/// let pipeline = arm_core::pipeline(
///     "my-crate",
///     "0.1.0",
///     Default::default(),
///     RetryOptions::default(),
///     Arc::new(TokioClock),
///     Vec::new(),
/// )?;
/// # Ok::<(), arm_core::Error>(())
/// ```
pub fn pipeline(
    crate_name: &'static str,
    crate_version: &'static str,
    mut client_options: ClientOptions,
    retry: RetryOptions,
    clock: Arc<dyn Clock>,
    per_try: Vec<Arc<dyn Policy>>,
) -> Result<Pipeline, Error> {
    if let Some(app) = &client_options.user_agent.application_id
        && (app.len() > 24 || !app.chars().all(|c| c.is_ascii_graphic()))
    {
        return Err(Error::invalid_input(
            "user_agent.application_id",
            format!("'{app}' must be at most 24 visible ASCII characters"),
        ));
    }
    if client_options.transport.is_none() {
        client_options.transport = Some(HttpTransport::builder().build()?.to_transport());
    }
    client_options.retry = azure_core::http::RetryOptions::none();
    let mut per_call = std::mem::take(&mut client_options.per_call_policies);
    per_call.push(Arc::new(RetryPolicy::new(retry, clock)));
    Ok(Pipeline::new(
        Some(crate_name),
        Some(crate_version),
        client_options,
        per_call,
        per_try,
        None,
    ))
}
