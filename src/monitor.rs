//! The operators' HTTP listener on `METRICS_LISTEN`: `GET /metrics` in the Prometheus text
//! format and `GET /healthz` (200 `ok`, or 503 with the reason). Nothing else is served, and
//! nothing here knows about Telegram.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::health::Health;

/// Refreshes gauges that are read from state (library size, subscribers) just before a
/// scrape. It may block briefly, so it runs off the async workers.
pub type Refresh = Arc<dyn Fn() + Send + Sync>;

#[derive(Clone)]
struct Monitor {
    metrics: PrometheusHandle,
    health: Health,
    refresh: Refresh,
}

/// Binds `addr` and serves until `shutdown` resolves. Binding happens before this returns,
/// so a busy or invalid address stops start-up with a clear error.
///
/// # Errors
/// Fails if `addr` cannot be bound.
pub async fn serve(
    addr: SocketAddr,
    metrics: PrometheusHandle,
    health: Health,
    refresh: Refresh,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on METRICS_LISTEN {addr}"))?;
    let monitor = Monitor {
        metrics,
        health,
        refresh,
    };
    let app = Router::new()
        .route("/metrics", get(metrics_page))
        .route("/healthz", get(healthz))
        .with_state(monitor);
    log::info!("serving /metrics and /healthz on {addr}");
    Ok(tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            log::error!("the metrics listener stopped: {err}");
        }
    }))
}

async fn metrics_page(State(monitor): State<Monitor>) -> Response {
    let refresh = monitor.refresh.clone();
    if let Err(err) = tokio::task::spawn_blocking(move || refresh()).await {
        log::warn!("could not refresh the gauges: {err}");
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        monitor.metrics.render(),
    )
        .into_response()
}

async fn healthz(State(monitor): State<Monitor>) -> Response {
    let health = monitor.health.clone();
    let verdict = tokio::task::spawn_blocking(move || health.check())
        .await
        .unwrap_or_else(|err| Err(format!("the health check failed: {err}")));
    match verdict {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n")).into_response(),
    }
}
