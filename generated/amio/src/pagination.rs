//! Walking a list page by page with `max` and `offset` (seed 000, "Pagination").

use std::future::Future;
use std::num::NonZeroU32;

use futures::stream::{self, Stream, TryStreamExt};

use crate::error::{Error, ResponseValue};
use crate::headers::HeadersExt;

/// The most results one page may hold (seed 000: "Maximal allowed value is 100").
pub const MAX_PAGE_SIZE: u32 = 100;

/// The page a list operation is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page {
    /// `max`: how many results at most.
    pub max: NonZeroU32,
    /// `offset`: how many results to skip.
    pub offset: i32,
}

/// Streams every item of a list operation, fetching pages of `page_size`
/// (clamped to 1..=100) as the stream is read. It stops after the last page:
/// an empty or short page, or an offset that reaches `x-total-count`.
///
/// ```no_run
/// use futures::TryStreamExt;
///
/// # async fn demo(client: amio::Client) -> Result<(), amio::Error> {
/// let channels: Vec<_> = amio::paginate(50, |page| {
///     client.list_channels(Some(page.max), Some(page.offset))
/// })
/// .try_collect()
/// .await?;
/// # Ok(()) }
/// ```
pub fn paginate<T, F, Fut>(page_size: u32, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<ResponseValue<Vec<T>>, Error>>,
{
    let max = NonZeroU32::new(page_size.clamp(1, MAX_PAGE_SIZE)).unwrap_or(NonZeroU32::MIN);
    let state = (fetch, Some(0i32));
    stream::try_unfold(state, move |(mut fetch, offset)| async move {
        let Some(offset) = offset else {
            return Ok::<_, Error>(None);
        };
        let response = fetch(Page { max, offset }).await?;
        let total = response.headers().total_count();
        let items = response.into_inner();
        let received = u32::try_from(items.len()).unwrap_or(u32::MAX);
        let next = i32::try_from(received)
            .ok()
            .and_then(|n| offset.checked_add(n))
            .filter(|next| {
                received == max.get()
                    && total.is_none_or(|total| u64::try_from(*next).is_ok_and(|n| n < total))
            });
        Ok(Some((
            stream::iter(items.into_iter().map(Ok)),
            (fetch, next),
        )))
    })
    .try_flatten()
}
