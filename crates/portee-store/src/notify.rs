//! Changes of the course offer told by PostgreSQL (LISTEN/NOTIFY): the
//! triggers of migration 0012 send the site of every slot or waiting list
//! changed on channel `portee_offer`, in the transaction that changes it
//! (so the notification leaves at its commit, never for a rollback). An
//! open offer page then reads the seats again at once instead of polling.
//! SQLite has no such channel: its screens poll.

use sqlx::postgres::PgListener;

use crate::{Database, StoreError};

/// The channel the triggers notify.
pub const OFFER_CHANNEL: &str = "portee_offer";

/// A connection listening to the offer's changes, as the session's member.
pub struct OfferListener {
    inner: PgListener,
}

/// What the listener heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferEvent {
    /// A slot or a waiting list of this site changed (committed).
    Changed { site_id: Option<i16> },
    /// The connection was lost and made again: notifications may have been
    /// missed meanwhile.
    Reconnected,
}

impl Database {
    /// Listens to the offer's changes; `None` on SQLite.
    pub async fn listen_offer(&self) -> Result<Option<OfferListener>, StoreError> {
        match self {
            Database::Postgres(pool) => {
                let mut inner = PgListener::connect_with(pool).await?;
                inner.listen(OFFER_CHANNEL).await?;
                Ok(Some(OfferListener { inner }))
            }
            Database::Sqlite(_) => Ok(None),
        }
    }
}

impl OfferListener {
    /// The next change (waits for it). An error means the pool was closed
    /// or the server cannot be reached again.
    pub async fn next(&mut self) -> Result<OfferEvent, StoreError> {
        Ok(match self.inner.try_recv().await? {
            Some(n) => OfferEvent::Changed {
                site_id: n.payload().parse().ok(),
            },
            None => OfferEvent::Reconnected,
        })
    }
}
