//! Parameter checks the generated code runs before a request leaves the machine.

use crate::Error;

/// The value, when set, must be one of `allowed`.
pub fn allowed(name: &str, value: Option<i64>, allowed: &[i64]) -> Result<(), Error> {
    match value {
        Some(v) if !allowed.contains(&v) => {
            Err(Error::ParameterValue { name: name.into(), reason: format!("{v} is not one of {allowed:?}") })
        }
        _ => Ok(()),
    }
}

/// The value, when set, must lie in `lo..=hi`.
pub fn range(name: &str, value: Option<i64>, lo: i64, hi: i64) -> Result<(), Error> {
    match value {
        Some(v) if v < lo || v > hi => {
            Err(Error::ParameterValue { name: name.into(), reason: format!("{v} is outside {lo}..={hi}") })
        }
        _ => Ok(()),
    }
}

/// A list, when sent, must hold between one and `max` items.
pub fn list_len(name: &str, len: Option<usize>, required: bool, max: usize) -> Result<(), Error> {
    match len {
        Some(0) if required => Err(Error::ParameterRequired { name: name.into(), reason: "the list is empty".into() }),
        Some(0) => Err(Error::ParameterValue { name: name.into(), reason: "an empty list cannot be sent".into() }),
        Some(n) if n > max => {
            Err(Error::ParameterValue { name: name.into(), reason: format!("{n} items, at most {max} allowed") })
        }
        _ => Ok(()),
    }
}

/// At least one of the named params must be set.
pub fn one_of(params: &[(&str, bool)]) -> Result<(), Error> {
    if params.iter().any(|(_, set)| *set) {
        return Ok(());
    }
    let names: Vec<&str> = params.iter().map(|(n, _)| *n).collect();
    Err(Error::ParameterRequired { name: names.join(" or "), reason: format!("send one of {}", names.join(", ")) })
}

/// Every named param must be set because `on` has the value `value`.
pub fn required_for(on: &str, value: &str, params: &[(&str, bool)]) -> Result<(), Error> {
    match params.iter().find(|(_, set)| !*set) {
        Some((name, _)) => {
            Err(Error::ParameterRequired { name: (*name).into(), reason: format!("mandatory when {on} is {value}") })
        }
        None => Ok(()),
    }
}
