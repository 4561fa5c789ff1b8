//! The request layer every client of the workspace sends through, ARM or not.

use crate::client::{ArmRequest, ArmResponse};
use crate::error::{Error, url_without_query};
use crate::retry::{Deadline, Idempotent};
use azure_core::error::ErrorKind;
use azure_core::http::headers::CLIENT_REQUEST_ID;
use azure_core::http::{AsyncRawResponse, Context, Method, Pipeline, PipelineSendOptions, Request, Url};

/// An azure_core [`Pipeline`] (from [`crate::pipeline`]: retries, user agent, authentication)
/// with the request plumbing every client shares: `Accept: application/json` (any type for a
/// stream), a fresh
/// `x-ms-client-request-id` (the same on every retry), a JSON body, the retry marks of the
/// request ([`ArmRequest::idempotent`], [`ArmRequest::deadline`]), and the mapping of a request
/// that got no response to [`Error::Credential`] (naming the token's scope) or
/// [`Error::Transport`].
///
/// [`crate::ArmClient`] sends through one; so does a client of a service that is not ARM (Azure
/// DevOps), which maps error statuses in its own terms.
///
/// ```
/// use arm_core::{ArmRequest, RetryOptions, ServicePipeline, TokioClock};
/// use arm_core::azure_core::http::{Method, Url};
/// use std::sync::Arc;
///
/// let pipeline = arm_core::pipeline("my-crate", "0.1.0", Default::default(), RetryOptions::default(), Arc::new(TokioClock), Vec::new())?;
/// let service = ServicePipeline::new(pipeline, "https://example.com/.default");
/// let request = ArmRequest::new(Method::Get, Url::parse("https://example.com/items").unwrap());
/// # let _ = (service, request);
/// # Ok::<(), arm_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ServicePipeline {
    pipeline: Pipeline,
    scope: String,
}

impl ServicePipeline {
    /// Sends through `pipeline`, whose per-try policies authenticate for `scope` (named in
    /// credential errors).
    pub fn new(pipeline: Pipeline, scope: impl Into<String>) -> Self {
        Self {
            pipeline,
            scope: scope.into(),
        }
    }

    /// Sends `request` and returns its response, whatever its status.
    pub async fn send(&self, request: ArmRequest) -> Result<ArmResponse, Error> {
        let (ctx, mut req, method, url) = prepare(request, "application/json");
        let options = PipelineSendOptions {
            skip_checks: true,
            ..Default::default()
        };
        let raw = self
            .pipeline
            .send(&ctx, &mut req, Some(options))
            .await
            .map_err(|source| self.error(method, &url, source))?;
        Ok(ArmResponse { method, url, raw })
    }

    /// Sends `request` and returns its response, whatever its status, with a body to read as it
    /// arrives (a download: any media type is accepted).
    pub async fn stream(&self, request: ArmRequest) -> Result<AsyncRawResponse, Error> {
        let (ctx, mut req, method, url) = prepare(request, "*/*");
        self.pipeline
            .stream(&ctx, &mut req, None)
            .await
            .map_err(|source| self.error(method, &url, source))
    }

    /// The error of a `method` request of `url` that failed with `source` before a response
    /// was read (including reading a streamed body): [`Error::Credential`] when no token could
    /// be had, else [`Error::Transport`].
    pub fn error(&self, method: Method, url: &Url, source: azure_core::Error) -> Error {
        if matches!(source.kind(), ErrorKind::Credential) {
            Error::Credential {
                scope: self.scope.clone(),
                source: Box::new(source),
            }
        } else {
            Error::Transport {
                method: method.to_string(),
                url: url_without_query(url),
                source: Box::new(source),
            }
        }
    }
}

/// The azure_core request (accepting `accept`) and context of `request`.
fn prepare(request: ArmRequest, accept: &'static str) -> (Context<'static>, Request, Method, Url) {
    let ArmRequest {
        method,
        url,
        body,
        idempotent,
        deadline,
    } = request;
    let mut req = Request::new(url.clone(), method);
    req.insert_header("accept", accept);
    // Set here rather than by azure_core's policy, whose lookup of the absent header builds an
    // error with a backtrace on every request.
    req.insert_header(CLIENT_REQUEST_ID, azure_core::Uuid::new_v4().to_string());
    if let Some(body) = body {
        req.insert_header("content-type", "application/json");
        req.set_body(body);
    }
    let mut ctx = Context::new();
    if let Some(idempotent) = idempotent {
        ctx.insert(Idempotent(idempotent));
    }
    if let Some(deadline) = deadline {
        ctx.insert(Deadline(deadline));
    }
    (ctx, req, method, url)
}
