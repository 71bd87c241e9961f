//! Push delivery of subscriber events, in Pub/Sub push format: each event
//! is POSTed to each push subscription's endpoint, in order, and retried
//! with a growing delay until a 2xx acknowledges it.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use serde_json::json;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::engine::Engine;

/// How often the deliverer looks for new events.
const POLL: Duration = Duration::from_millis(20);
/// The first retry delay; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How long one delivery attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Delivers events until `stop` turns true.
pub(crate) async fn deliver(engine: Engine, mut stop: watch::Receiver<bool>) {
    let client = reqwest::Client::new();
    // Per subscription: when to try again, and the delay after that.
    let mut retry: HashMap<String, (Instant, Duration)> = HashMap::new();
    loop {
        if *stop.borrow() {
            return;
        }
        for (push, event) in engine.due_pushes() {
            if retry
                .get(&push.name)
                .is_some_and(|(at, _)| Instant::now() < *at)
            {
                continue;
            }
            let data = serde_json::to_vec(&event.event).unwrap_or_default();
            let body = json!({
                "message": {
                    "data": base64::engine::general_purpose::STANDARD.encode(data),
                    "messageId": event.id.to_string(),
                    "publishTime": event.publish_time,
                    "attributes": { "account": event.account },
                },
                "subscription": push.name,
            });
            let sent = client
                .post(&push.endpoint)
                .timeout(ATTEMPT_TIMEOUT)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await;
            if sent.is_ok_and(|r| r.status().is_success()) {
                retry.remove(&push.name);
                engine.acknowledge(&push.name, event.id);
            } else {
                let delay = retry.get(&push.name).map_or(FIRST_BACKOFF, |(_, d)| *d);
                retry.insert(
                    push.name.clone(),
                    (Instant::now() + delay, (delay * 2).min(MAX_BACKOFF)),
                );
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
        }
    }
}
