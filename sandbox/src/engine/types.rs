//! Small enums of the exchange, parsed from and written as its exact strings.

use crate::error::{ApiError, ApiResult};

/// An account's index in the exchange.
pub type AccountId = usize;

macro_rules! wire_enum {
    ($name:ident, $err:expr, { $($variant:ident => $wire:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),* }
            }

            pub fn parse(s: &str) -> ApiResult<$name> {
                match s {
                    $($wire => Ok($name::$variant),)*
                    other => Err(($err)(other)),
                }
            }
        }
    };
}

pub(crate) use wire_enum;

wire_enum!(Side, |_| ApiError::invalid_side(), { Buy => "BUY", Sell => "SELL" });
wire_enum!(PositionSide, |_| ApiError::invalid_position_side(), { Both => "BOTH", Long => "LONG", Short => "SHORT" });
wire_enum!(OrderType, |_| ApiError::invalid_order_type(), {
    Limit => "LIMIT", Market => "MARKET", Stop => "STOP", StopMarket => "STOP_MARKET",
    TakeProfit => "TAKE_PROFIT", TakeProfitMarket => "TAKE_PROFIT_MARKET",
    TrailingStopMarket => "TRAILING_STOP_MARKET",
});
wire_enum!(TimeInForce, |_| ApiError::invalid_tif(), { Gtc => "GTC", Ioc => "IOC", Fok => "FOK", Gtx => "GTX", Hidden => "HIDDEN" });
wire_enum!(WorkingType, ApiError::invalid_working_type, { MarkPrice => "MARK_PRICE", ContractPrice => "CONTRACT_PRICE" });
wire_enum!(RespType, |_| ApiError::invalid_resp_type(), { Ack => "ACK", Result => "RESULT" });
wire_enum!(OrderStatus, |_| ApiError::invalid_param("status"), {
    New => "NEW", PartiallyFilled => "PARTIALLY_FILLED", Filled => "FILLED",
    Canceled => "CANCELED", Rejected => "REJECTED", Expired => "EXPIRED",
});
wire_enum!(StpMode, |_| ApiError::invalid_param("stpMode"), {
    ExpireTaker => "EXPIRE_TAKER", ExpireMaker => "EXPIRE_MAKER", ExpireBoth => "EXPIRE_BOTH",
});
wire_enum!(StrategyType, |_| ApiError::invalid_param("strategyType"), { Oto => "OTO", Oco => "OCO", Otoco => "OTOCO" });
wire_enum!(StrategyEvent, |_| ApiError::invalid_param("firstDrivenOn"), {
    New => "NEW", PartiallyFilledOrFilled => "PARTIALLY_FILLED_OR_FILLED", Filled => "FILLED",
    Canceled => "CANCELED", Replaced => "REPLACED", Stopped => "STOPPED", Rejected => "REJECTED", Expired => "EXPIRED",
});
wire_enum!(StrategyAction, |_| ApiError::invalid_param("firstTrigger"), { PlaceOrder => "PLACE_ORDER", CancelOrder => "CANCEL_ORDER" });
wire_enum!(MarginType, |_| ApiError::invalid_param("marginType"), { Isolated => "ISOLATED", Crossed => "CROSSED" });
wire_enum!(Interval, |_| ApiError::bad_interval(), {
    S1 => "1s", M1 => "1m", M3 => "3m", M5 => "5m", M15 => "15m", M30 => "30m", H1 => "1h", H2 => "2h",
    H4 => "4h", H6 => "6h", H8 => "8h", H12 => "12h", D1 => "1d", D3 => "3d", W1 => "1w", Mo1 => "1M",
});
wire_enum!(IncomeType, |_| ApiError::invalid_param("incomeType"), {
    Transfer => "TRANSFER", WelcomeBonus => "WELCOME_BONUS", RealizedPnl => "REALIZED_PNL",
    FundingFee => "FUNDING_FEE", Commission => "COMMISSION", InsuranceClear => "INSURANCE_CLEAR",
    MarketMerchantReturnReward => "MARKET_MERCHANT_RETURN_REWARD",
});

impl Side {
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }
}

impl OrderType {
    /// Conditional orders wait off the book until their trigger.
    pub fn is_conditional(self) -> bool {
        !matches!(self, OrderType::Limit | OrderType::Market)
    }

    /// What a triggered conditional order becomes.
    pub fn triggered_as(self) -> OrderType {
        match self {
            OrderType::Stop | OrderType::TakeProfit => OrderType::Limit,
            OrderType::StopMarket | OrderType::TakeProfitMarket | OrderType::TrailingStopMarket => OrderType::Market,
            other => other,
        }
    }
}

impl OrderStatus {
    pub fn is_open(self) -> bool {
        matches!(self, OrderStatus::New | OrderStatus::PartiallyFilled)
    }
}

impl MarginType {
    /// The lower-case spelling the position endpoints use.
    pub fn lower(self) -> &'static str {
        match self {
            MarginType::Isolated => "isolated",
            MarginType::Crossed => "cross",
        }
    }
}

impl Interval {
    /// An interval of the futures and spot markets: a minute and longer.
    pub fn parse_minutes(s: &str) -> ApiResult<Interval> {
        match Interval::parse(s)? {
            Interval::S1 => Err(ApiError::bad_interval()),
            i => Ok(i),
        }
    }

    pub fn millis(self) -> i64 {
        const MIN: i64 = 60_000;
        match self {
            Interval::S1 => 1_000,
            Interval::M1 => MIN,
            Interval::M3 => 3 * MIN,
            Interval::M5 => 5 * MIN,
            Interval::M15 => 15 * MIN,
            Interval::M30 => 30 * MIN,
            Interval::H1 => 60 * MIN,
            Interval::H2 => 120 * MIN,
            Interval::H4 => 240 * MIN,
            Interval::H6 => 360 * MIN,
            Interval::H8 => 480 * MIN,
            Interval::H12 => 720 * MIN,
            Interval::D1 => 1440 * MIN,
            Interval::D3 => 3 * 1440 * MIN,
            Interval::W1 => 7 * 1440 * MIN,
            Interval::Mo1 => 30 * 1440 * MIN,
        }
    }

    /// Start of the interval holding `t`. Weeks start on Monday (epoch day 0 was a Thursday).
    pub fn open_time(self, t: i64) -> i64 {
        let len = self.millis();
        match self {
            Interval::W1 => {
                let shift = 4 * 1440 * 60_000;
                (t - shift).div_euclid(len) * len + shift
            }
            _ => t.div_euclid(len) * len,
        }
    }
}
