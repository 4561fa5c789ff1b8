//! Paging through ARM collections: `value` holds the items, `nextLink` the next page.

use crate::client::{ArmClient, ArmRequest, RequestOptions};
use crate::error::Error;
use azure_core::http::Method;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The items of an ARM list, fetched a page at a time as the stream is read.
///
/// ```no_run
/// use futures::TryStreamExt;
/// # async fn run(groups: arm_core::resource_groups::ResourceGroupsClient) -> Result<(), arm_core::Error> {
/// let names: Vec<String> = groups.list(None)?.map_ok(|g| g.name.unwrap_or_default()).try_collect().await?;
/// # Ok(()) }
/// ```
#[must_use = "a pager does nothing unless read"]
pub struct Pager<T> {
    items: BoxStream<'static, Result<T, Error>>,
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Page<T> {
    #[serde(default)]
    value: Vec<T>,
    #[serde(rename = "nextLink")]
    next_link: Option<String>,
}

impl<T: DeserializeOwned + Send + 'static> Pager<T> {
    /// The pages from `first` on; each next page's request has `first`'s deadline.
    pub(crate) fn new(client: ArmClient, first: ArmRequest) -> Self {
        let deadline = first.deadline_bound();
        let pages = stream::try_unfold(Some(first), move |next| {
            let client = client.clone();
            async move {
                let Some(request) = next else { return Ok(None) };
                let current = request.url().clone();
                let page: Page<T> = client.send_json(request).await?;
                let next = match page.next_link.filter(|l| !l.is_empty()) {
                    Some(link) if link == current.as_str() => {
                        return Err(Error::invalid_input(
                            "nextLink",
                            format!("'{link}' points at the page just read"),
                        ));
                    }
                    Some(link) => Some(RequestOptions { deadline }.apply(client.request_url(Method::Get, &link)?)),
                    None => None,
                };
                Ok(Some((page.value, next)))
            }
        });
        let items = pages
            .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
            .try_flatten()
            .boxed();
        Self { items }
    }
}

impl<T> Stream for Pager<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.poll_next_unpin(cx)
    }
}

impl<T> std::fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager").finish_non_exhaustive()
    }
}
