//! Answering an unknown outcome: every order goes out with a client order id
//! (`Error::UnknownOutcome` carries it), and one query tells whether it exists.

use crate::api::Api;
use crate::models::Order;
use crate::request::{Method, Security};
use crate::ApiClient;
use crate::{Error, ErrorCode, Result};

/// What became of an order whose outcome was unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// The exchange has the order: it was executed (placed; it may since have filled or
    /// been cancelled, see its status).
    Executed(Box<Order>),
    /// The exchange does not know the client order id: the order was not placed. (Asked
    /// right after the unknown outcome, a request still in flight could land later; ask
    /// again after a moment when that matters.)
    NotFound,
}

fn from_query(reply: Result<Order>) -> Result<Resolution> {
    match reply {
        Ok(order) => Ok(Resolution::Executed(Box::new(order))),
        Err(e) if e.code() == Some(ErrorCode::NoSuchOrder) => Ok(Resolution::NotFound),
        Err(e) => Err(e),
    }
}

impl<A: Api> ApiClient<A> {
    /// Resolves an unknown outcome: looks the order up by its client order id (the API's
    /// order query, signed as this client signs).
    ///
    /// ```no_run
    /// # async fn demo(client: aster::Client, order: aster::Call<'_, aster::params::NewOrderParams>) -> aster::Result<()> {
    /// match order.await {
    ///     Err(aster::Error::UnknownOutcome { client_order_ids, .. }) => {
    ///         for id in client_order_ids {
    ///             println!("{id}: {:?}", client.resolve_order("BTCUSDT", &id).await?);
    ///         }
    ///     }
    ///     other => { other?; }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn resolve_order(&self, symbol: &str, client_order_id: &str) -> Result<Resolution> {
        let params = [("symbol", symbol), ("origClientOrderId", client_order_id)];
        let path = A::INFO.own(A::INFO.order_path, "order query")?;
        from_query(self.core.request(Method::Get, path, Security::UserData, &params).await)
    }
}

impl Error {
    /// The client order ids of an unknown outcome (empty for every other error).
    pub fn client_order_ids(&self) -> &[String] {
        match self {
            Error::UnknownOutcome { client_order_ids, .. } => client_order_ids,
            _ => &[],
        }
    }
}
