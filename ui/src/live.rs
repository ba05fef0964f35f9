//! Screens that follow what other workstations do, without a reload.
//!
//! On PostgreSQL the backend waits on the database's notifications
//! (`wait_offer_change`, LISTEN/NOTIFY: seats, waiting lists, dossiers and
//! documents of the member's sites) and the screen reads its figures again
//! as soon as one comes, with a slow safety read every `safety_ms`; on
//! SQLite (no notifications), or while the notifications' connection is
//! down, it reads them every `every_ms`. The reads are the screen's own
//! (`refresh`); they must not count as activity, so that an unattended
//! screen still locks.

use std::{cell::Cell, rc::Rc};

use portee_api::offer::{WaitOfferChange, WaitOfferChangeRequest};
use wasm_bindgen_futures::spawn_local;

use crate::api;

/// Following changes while alive; dropped (the screen left), it stops.
pub struct Live {
    alive: Rc<Cell<bool>>,
    _timer: gloo_timers::callback::Interval,
}

impl Live {
    pub fn start(refresh: Rc<dyn Fn()>, every_ms: u32, safety_ms: u32) -> Self {
        let alive = Rc::new(Cell::new(true));
        // Whether the database's notifications are live (then the timer
        // only makes the safety read).
        let notified = Rc::new(Cell::new(false));
        {
            let (refresh, notified, alive) = (refresh.clone(), notified.clone(), alive.clone());
            spawn_local(async move {
                let mut seen = None;
                while alive.get() {
                    match api::call::<WaitOfferChange>(&WaitOfferChangeRequest { seen }).await {
                        Ok(Some(change)) => {
                            if seen.is_some_and(|s| s != change.seen) && alive.get() {
                                refresh();
                            }
                            seen = Some(change.seen);
                            notified.set(change.live);
                        }
                        // SQLite: the timer polls.
                        Ok(None) => {
                            notified.set(false);
                            break;
                        }
                        Err(_) => {
                            notified.set(false);
                            gloo_timers::future::TimeoutFuture::new(2_000).await;
                        }
                    }
                }
            });
        }
        let ticks = Rc::new(Cell::new(0u32));
        let every = safety_ms.checked_div(every_ms).unwrap_or(1).max(1);
        let timer = gloo_timers::callback::Interval::new(every_ms, move || {
            let n = ticks.get().wrapping_add(1);
            ticks.set(n);
            if !notified.get() || n.is_multiple_of(every) {
                refresh();
            }
        });
        Self {
            alive,
            _timer: timer,
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.alive.set(false);
    }
}
