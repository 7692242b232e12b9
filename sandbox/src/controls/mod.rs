//! The [`Sandbox`](crate::Sandbox)'s controls, one file per concern: the market, the
//! accounts, REST faults and the request log, the WebSocket hub.

use crate::announcements;
use crate::engine::{self, Exchange};
use crate::state::{lock, now_ms};
use crate::{ws, AccountConfig, Fault, Sandbox};
use std::sync::Arc;
use std::time::Duration;

mod accounts;
mod faults;
mod market;
mod streams;
