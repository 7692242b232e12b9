//! Fault knobs: make the next replies (or those of one path) fail in the ways real
//! exchanges and networks fail, so clients can prove how they behave.

use std::collections::VecDeque;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this 5xx status and a JSON error, without executing the request.
    ServerError(u16),
    /// Execute the request, then answer 503 as if the backend timed out: the outcome is
    /// unknown to the client although the order exists.
    ExecutedButUnavailable,
    /// Answer 429 with `Retry-After`, without executing.
    RateLimited,
    /// Execute, then answer 200 with a body that is not JSON.
    MalformedJson,
    /// Execute, then answer 200 with only the first half of the JSON.
    TruncatedJson,
    /// Answer 502 with an HTML page, as a proxy in front of the exchange would.
    HtmlError,
    /// Execute, send half the body, then reset the connection.
    ResetMidResponse,
    /// Delay this reply.
    Latency(Duration),
    /// Answer `307 Temporary Redirect` to this URL (another origin), without executing.
    Redirect(String),
    /// Execute, then answer with this status and error code, as a gateway or the
    /// exchange's "execution status unknown" (-1006, -1007) replies do.
    ExecutedThenError { status: u16, code: i64 },
    /// Answer 200 with an exchange error object in the body, without executing.
    ErrorBody(i64),
    /// Answer with exactly this status and body, without executing: any shape an exchange
    /// or a gateway may use to say no (keys in another order, a nested `error`, a byte-order
    /// mark, error objects inside a list, an empty body, `{}`).
    Reply {
        /// The HTTP status sent.
        status: u16,
        /// The body sent, byte for byte.
        body: String,
    },
    /// Execute, then answer with exactly this status and body: a refusal in a shape the
    /// client must not take for success, over a request that did happen.
    ExecutedThenReply {
        /// The HTTP status sent.
        status: u16,
        /// The body sent, byte for byte.
        body: String,
    },
    /// Send the headers, then nothing for this long (then the reply), without executing.
    StallAfterHeaders(Duration),
    /// Answer 200, then send the body one byte per this interval, without executing.
    DripBody(Duration),
    /// Answer 200 with a body of this many bytes (streamed, never held whole), without
    /// executing; `u64::MAX` never ends.
    HugeBody(u64),
}

impl Fault {
    /// Whether the request is executed before the fault shows.
    pub fn executes(&self) -> bool {
        matches!(
            self,
            Fault::ExecutedButUnavailable
                | Fault::ExecutedThenError { .. }
                | Fault::ExecutedThenReply { .. }
                | Fault::MalformedJson
                | Fault::TruncatedJson
                | Fault::ResetMidResponse
                | Fault::Latency(_)
        )
    }
}

#[derive(Debug, Clone)]
struct Planned {
    path: Option<String>,
    fault: Fault,
    times: u32,
}

/// The faults waiting for requests, in order, plus a latency added to every reply.
#[derive(Debug, Default)]
pub struct Faults {
    planned: VecDeque<Planned>,
    pub latency: Duration,
}

impl Faults {
    pub fn push(&mut self, path: Option<String>, fault: Fault, times: u32) {
        if times > 0 {
            self.planned.push_back(Planned { path, fault, times });
        }
    }

    /// The fault for a request to `path`, if one is planned.
    pub fn take(&mut self, path: &str) -> Option<Fault> {
        let i = self.planned.iter().position(|p| p.path.as_deref().is_none_or(|want| want == path))?;
        let planned = &mut self.planned[i];
        let fault = planned.fault.clone();
        planned.times -= 1;
        if planned.times == 0 {
            self.planned.remove(i);
        }
        Some(fault)
    }

    pub fn clear(&mut self) {
        self.planned.clear();
        self.latency = Duration::ZERO;
    }
}
