//! JSON-RPC 2.0 calls: the positional body written from a request's params, and the
//! reply's `result` taken out of its envelope only once the envelope proves it answers
//! this very call (version `2.0`, the same `id`, a `result` and no `error`).

use super::endpoint::RpcMethod;
use super::params::{decode, ParamWriter};
use super::reply::Reply;
use crate::{Error, Result};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// The JSON body of the call `id` to `rpc` with the params `w` holds: each at its index,
/// `null` where unset. A param the method does not list has no index, so it is refused.
pub(crate) fn body(rpc: &RpcMethod, w: &ParamWriter, id: u64) -> Result<String> {
    if let Some((name, _)) = w.pairs().find(|(k, _)| !rpc.params.iter().any(|p| p.name == *k)) {
        return Err(Error::ParameterValue {
            name: decode(name),
            reason: format!("{} takes only its own positional parameters", rpc.method),
        });
    }
    let mut params = Vec::with_capacity(rpc.params.len());
    for p in rpc.params {
        let value = w.pairs().find(|(k, _)| *k == p.name).map(|(_, v)| decode(v));
        params.push(match value {
            None => Value::Null,
            Some(text) if p.number => text.parse::<i64>().map(Value::from).map_err(|_| Error::ParameterType {
                name: p.name.into(),
                reason: format!("`{text}` is not a whole number"),
            })?,
            Some(text) => Value::String(text),
        });
    }
    let call = serde_json::json!({ "jsonrpc": "2.0", "id": id, "method": rpc.method, "params": params });
    Ok(call.to_string())
}

/// What a JSON-RPC reply must carry; `error` was looked for before (a refusal).
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    jsonrpc: Option<&'a RawValue>,
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
}

/// The reply with its body narrowed to the `result` of the call `id`, or why the reply
/// does not answer that call.
pub(crate) fn result(mut reply: Reply, id: u64) -> Result<Reply> {
    let envelope: Envelope = match serde_json::from_slice(&reply.body) {
        Ok(e) => e,
        Err(e) => return Err(reply.undecodable(&format!("not a JSON-RPC reply: {e}"))),
    };
    let problem = if envelope.jsonrpc.map(RawValue::get) != Some("\"2.0\"") {
        Some("the reply does not say `\"jsonrpc\":\"2.0\"`".to_string())
    } else if envelope.id.map(RawValue::get) != Some(id.to_string().as_str()) {
        let got = envelope.id.map_or("none", RawValue::get);
        Some(format!("the reply answers call id {got}, not {id}"))
    } else if envelope.result.is_none() {
        Some("the reply has no `result`".to_string())
    } else {
        None
    };
    if let Some(why) = problem {
        return Err(reply.undecodable(&why));
    }
    let result = envelope.result.map(RawValue::get).unwrap_or("null").as_bytes();
    let narrowed = reply.body.slice_ref(result);
    reply.body = narrowed;
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::RpcParam;

    const FILLS: RpcMethod = RpcMethod {
        method: "aster_userFills",
        params: &[
            RpcParam { name: "address", number: false },
            RpcParam { name: "symbol", number: false },
            RpcParam { name: "from", number: true },
            RpcParam { name: "to", number: true },
            RpcParam { name: "blockTag", number: false },
        ],
    };

    #[test]
    fn params_go_by_index_with_null_for_the_unset_ones() {
        let mut w = ParamWriter::new();
        w.put("address", "0xAbC");
        w.put("from", &1_772_678_119_418_i64);
        w.put("blockTag", "latest");
        let body: Value = serde_json::from_str(&body(&FILLS, &w, 7).unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"jsonrpc":"2.0","id":7,"method":"aster_userFills",
                "params":["0xAbC", null, 1_772_678_119_418_i64, null, "latest"]})
        );
    }

    #[test]
    fn a_param_without_an_index_or_a_number_that_is_none_is_refused() {
        let mut w = ParamWriter::new();
        w.put("address", "0xAbC");
        w.put("limit", "5");
        assert!(matches!(body(&FILLS, &w, 1), Err(Error::ParameterValue { name, .. }) if name == "limit"));
        let mut w = ParamWriter::new();
        w.put("from", "yesterday");
        assert!(matches!(body(&FILLS, &w, 1), Err(Error::ParameterType { .. })));
    }
}
