//! The exchange's `{"code": .., "msg": ..}` errors, with the codes of its Error Codes list.

/// An error reply: HTTP status, exchange code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: i64,
    pub msg: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: u16, code: i64, msg: impl Into<String>) -> Self {
        Self { status, code, msg: msg.into() }
    }

    pub fn body(&self) -> String {
        serde_json::json!({ "code": self.code, "msg": self.msg }).to_string()
    }

    pub fn unknown(msg: &str) -> Self {
        Self::new(500, -1000, format!("An unknown error occured while processing the request. {msg}"))
    }
    pub fn unsupported() -> Self {
        Self::new(404, -1020, "This operation is not supported.")
    }
    pub fn invalid_timestamp_window() -> Self {
        Self::new(400, -1021, "Timestamp for this request is outside of the recvWindow.")
    }
    pub fn timestamp_ahead() -> Self {
        Self::new(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")
    }
    /// The docs' example shows a repeated nonce answered with -4225 "Nonce Expired".
    pub fn nonce_duplicate() -> Self {
        Self::new(400, -4225, "Nonce Expired")
    }
    pub fn nonce_expired() -> Self {
        Self::new(400, -4225, "Nonce Expired")
    }
    pub fn nonce_ahead() -> Self {
        Self::new(400, -4225, "Nonce is ahead of the server's time.")
    }
    pub fn signer_not_allowed() -> Self {
        Self::new(401, -2015, "Invalid API-key, IP, or permissions for action.")
    }
    pub fn bad_signature() -> Self {
        Self::new(400, -1022, "Signature for this request is not valid.")
    }
    pub fn start_after_end() -> Self {
        Self::new(400, -1023, "Start time is greater than end time.")
    }
    pub fn illegal_chars(param: &str) -> Self {
        Self::new(400, -1100, format!("Illegal characters found in parameter '{param}'."))
    }
    pub fn illegal_chars_any() -> Self {
        Self::new(400, -1100, "Illegal characters found in a parameter.")
    }
    pub fn duplicate_param() -> Self {
        Self::new(400, -1101, "Duplicate values for a parameter detected.")
    }
    pub fn too_many_params() -> Self {
        Self::new(413, -1101, "Too many parameters sent for this endpoint.")
    }
    pub fn mandatory(param: &str) -> Self {
        Self::new(400, -1102, format!("Mandatory parameter '{param}' was not sent, was empty/null, or malformed."))
    }
    pub fn either(a: &str, b: &str) -> Self {
        Self::new(400, -1102, format!("Param '{a}' or '{b}' must be sent, but both were empty/null!"))
    }
    pub fn unknown_param(param: &str) -> Self {
        Self::new(400, -1103, format!("An unknown parameter was sent: '{param}'."))
    }
    pub fn param_empty(param: &str) -> Self {
        Self::new(400, -1105, format!("Parameter '{param}' was empty."))
    }
    pub fn param_not_required(param: &str) -> Self {
        Self::new(400, -1106, format!("Parameter '{param}' sent when not required."))
    }
    pub fn bad_precision() -> Self {
        Self::new(400, -1111, "Precision is over the maximum defined for this asset.")
    }
    pub fn invalid_tif() -> Self {
        Self::new(400, -1115, "Invalid timeInForce.")
    }
    pub fn invalid_order_type() -> Self {
        Self::new(400, -1116, "Invalid orderType.")
    }
    pub fn invalid_side() -> Self {
        Self::new(400, -1117, "Invalid side.")
    }
    pub fn bad_interval() -> Self {
        Self::new(400, -1120, "Invalid interval.")
    }
    pub fn bad_symbol() -> Self {
        Self::new(400, -1121, "Invalid symbol.")
    }
    pub fn invalid_listen_key() -> Self {
        Self::new(400, -1125, "This listenKey does not exist.")
    }
    pub fn interval_too_big(hours: u32) -> Self {
        Self::new(400, -1127, format!("More than {hours} hours between startTime and endTime."))
    }
    pub fn bad_combo() -> Self {
        Self::new(400, -1128, "Combination of optional parameters invalid.")
    }
    pub fn invalid_param(param: &str) -> Self {
        Self::new(400, -1130, format!("Data sent for parameter '{param}' is not valid."))
    }
    pub fn invalid_resp_type() -> Self {
        Self::new(400, -1136, "Invalid newOrderRespType.")
    }
    pub fn unknown_order() -> Self {
        Self::new(400, -2011, "Unknown order sent.")
    }
    pub fn no_such_order() -> Self {
        Self::new(400, -2013, "Order does not exist.")
    }
    pub fn bad_api_key_format() -> Self {
        Self::new(401, -2014, "API-key format invalid.")
    }
    pub fn rejected_key() -> Self {
        Self::new(401, -2015, "Invalid API-key, IP, or permissions for action.")
    }
    pub fn balance_insufficient() -> Self {
        Self::new(400, -2018, "Balance is insufficient.")
    }
    pub fn margin_insufficient() -> Self {
        Self::new(400, -2019, "Margin is insufficient.")
    }
    pub fn would_trigger() -> Self {
        Self::new(400, -2021, "Order would immediately trigger.")
    }
    pub fn reduce_only_rejected() -> Self {
        Self::new(400, -2022, "ReduceOnly Order is rejected.")
    }
    pub fn max_open_orders() -> Self {
        Self::new(400, -2025, "Reach max open order limit.")
    }
    pub fn price_le_zero() -> Self {
        Self::new(400, -4001, "Price less than 0.")
    }
    pub fn price_gt_max() -> Self {
        Self::new(400, -4002, "Price greater than max price.")
    }
    pub fn qty_le_zero() -> Self {
        Self::new(400, -4003, "Quantity less than zero.")
    }
    pub fn qty_lt_min() -> Self {
        Self::new(400, -4004, "Quantity less than min quantity.")
    }
    pub fn qty_gt_max() -> Self {
        Self::new(400, -4005, "Quantity greater than max quantity.")
    }
    pub fn stop_price_le_zero() -> Self {
        Self::new(400, -4006, "Stop price less than zero.")
    }
    pub fn stop_price_gt_max() -> Self {
        Self::new(400, -4007, "Stop price greater than max price.")
    }
    pub fn price_lt_min() -> Self {
        Self::new(400, -4013, "Price less than min price.")
    }
    pub fn price_tick() -> Self {
        Self::new(400, -4014, "Price not increased by tick size.")
    }
    pub fn client_order_id_invalid() -> Self {
        Self::new(400, -4015, "Client order id is not valid.")
    }
    pub fn price_above_multiplier() -> Self {
        Self::new(400, -4016, "Price is higher than mark price multiplier cap.")
    }
    pub fn invalid_depth_limit(v: &str) -> Self {
        Self::new(400, -4021, format!("'{v}' is not valid depth limit."))
    }
    pub fn qty_step() -> Self {
        Self::new(400, -4023, "Qty not increased by step size.")
    }
    pub fn price_below_multiplier() -> Self {
        Self::new(400, -4024, "Price is lower than mark price multiplier floor.")
    }
    pub fn invalid_leverage(v: &str) -> Self {
        Self::new(400, -4028, format!("Leverage {v} is not valid"))
    }
    pub fn invalid_working_type(v: &str) -> Self {
        Self::new(400, -4031, format!("Invalid parameter working type: {v}"))
    }
    pub fn no_need_margin_type() -> Self {
        Self::new(400, -4046, "No need to change margin type.")
    }
    pub fn margin_type_open_orders() -> Self {
        Self::new(400, -4047, "Margin type cannot be changed if there exists open orders.")
    }
    pub fn margin_type_position() -> Self {
        Self::new(400, -4048, "Margin type cannot be changed if there exists position.")
    }
    pub fn add_margin_not_isolated() -> Self {
        Self::new(400, -4049, "Add margin only support for isolated position.")
    }
    pub fn isolated_balance_insufficient() -> Self {
        Self::new(400, -4051, "Isolated balance insufficient.")
    }
    pub fn add_margin_no_position() -> Self {
        Self::new(400, -4054, "Cannot add position margin: position is 0.")
    }
    pub fn amount_must_be_positive() -> Self {
        Self::new(400, -4055, "Amount must be positive.")
    }
    pub fn no_need_position_side() -> Self {
        Self::new(400, -4059, "No need to change position side.")
    }
    pub fn invalid_position_side() -> Self {
        Self::new(400, -4060, "Invalid position side.")
    }
    pub fn position_side_mismatch() -> Self {
        Self::new(400, -4061, "Order's position side does not match user's setting.")
    }
    pub fn reduce_only_conflict() -> Self {
        Self::new(400, -4062, "Invalid or improper reduceOnly value.")
    }
    pub fn position_side_open_orders() -> Self {
        Self::new(400, -4067, "Position side cannot be changed if there exists open orders.")
    }
    pub fn position_side_quantity() -> Self {
        Self::new(400, -4068, "Position side cannot be changed if there exists position.")
    }
    pub fn batch_size(n: usize) -> Self {
        Self::new(400, -4082, format!("Invalid number of batch place orders: {n}"))
    }
    pub fn client_tran_id_invalid() -> Self {
        Self::new(400, -4114, "Client tran id length should be less than 64 chars")
    }
    pub fn client_tran_id_duplicated() -> Self {
        Self::new(400, -4115, "Client tran id should be unique within 7 days")
    }
    pub fn invalid_activation_price() -> Self {
        Self::new(400, -4135, "Invalid activation price")
    }
    pub fn quantity_with_close_position() -> Self {
        Self::new(400, -4137, "Quantity must be zero with closePosition equals true")
    }
    pub fn reduce_only_with_close_position() -> Self {
        Self::new(400, -4138, "Reduce only must be true with closePosition equals true")
    }
    pub fn min_notional(min: &str) -> Self {
        Self::new(400, -4164, format!("Order's notional must be no smaller than {min} (unless you choose reduce only)"))
    }
    pub fn exceed_cancel_size() -> Self {
        Self::new(400, -4032, "Exceed maximum cancel order size.")
    }
    pub fn too_many_requests(limit: u64) -> Self {
        Self::new(
            429,
            -1003,
            format!("Too many requests; current limit is {limit} requests per minute. Please use the websocket for live updates to avoid polling the API."),
        )
    }
    pub fn banned(until_ms: i64) -> Self {
        Self::new(
            418,
            -1003,
            format!("Way too many requests; IP banned until {until_ms}. Please use the websocket for live updates to avoid bans."),
        )
    }
    pub fn too_many_orders(limit: u64, window: &str) -> Self {
        Self::new(429, -1015, format!("Too many new orders; current limit is {limit} orders per {window}."))
    }
    pub fn backend_timeout() -> Self {
        Self::new(
            503,
            -1007,
            "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
        )
    }
}
