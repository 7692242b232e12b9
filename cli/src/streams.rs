//! Stream commands: each message printed as one line, exactly as the exchange sent it,
//! until Ctrl-C; reconnects, gaps and lag go to stderr.

use futures_util::StreamExt;

async fn print_until_interrupted<S, T, F>(mut items: S, line: F) -> u8
where
    S: futures_util::Stream<Item = Result<T, aster::ws::WsError>> + Unpin,
    F: Fn(T) -> String,
{
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return 0,
            item = items.next() => match item {
                Some(Ok(v)) => {
                    if !crate::output::emit(&line(v)) {
                        return 0;
                    }
                }
                Some(Err(e)) => eprintln!("aster: {e}"),
                None => {
                    eprintln!("aster: the stream ended");
                    return 1;
                }
            }
        }
    }
}

pub async fn market(url: &str, names: Vec<String>) -> u8 {
    let ws = aster::ws::WsClient::new(url);
    let streams = match ws.subscribe_raw_many(names).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("aster: {e}");
            return 1;
        }
    };
    let code = print_until_interrupted(futures_util::stream::select_all(streams), |text| text).await;
    ws.stop().await;
    code
}

pub async fn user_data(url: &str, client: &crate::apis::Client) -> u8 {
    let ws = aster::ws::WsClient::new(url);
    let events = match client.user_data(&ws).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("aster: {e}");
            return 1;
        }
    };
    let code = print_until_interrupted(events, |v| v.to_string()).await;
    ws.stop().await;
    code
}
