//! The user data stream's listen key: create, keep alive, close.
//! `cargo run --example listen_key` (sandbox) or against the exchange with keys and `--live`.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    let c = &target.client;
    if !target.has_keys {
        return Err("listen keys need ASTER_API_KEY".into());
    }
    let key = c.new_listen_key().await?.listen_key;
    println!("listen key: {}…", &key[..8.min(key.len())]);
    c.renew_listen_key().listen_key(key.clone()).await?;
    println!("renewed for another 60 minutes");
    c.close_listen_key().listen_key(key).await?;
    println!("closed");
    Ok(())
}
