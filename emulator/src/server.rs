//! Building the routers and running the two listeners (issuer origin and app origin).

use crate::config::Config;
use crate::faults::Faults;
use crate::keys::Keys;
use crate::rate_limit::Limiter;
use crate::state::{AppState, Shared};
use crate::static_app::AppSite;
use crate::store::Store;
use crate::{authorize, cors, discovery, faults, legacy, management, test_control, token};
use axum::routing::{delete, get, post};
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to run the emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// Tenant configuration.
    pub config: Config,
    /// Interface to listen on.
    pub host: String,
    /// Issuer port (0 picks a free one).
    pub port: u16,
    /// Public URL of the issuer (default `http://HOST:PORT`); the issuer is it with a trailing `/`.
    pub public_url: Option<String>,
    /// SQLite file, or `None` for an in-memory database.
    pub db: Option<PathBuf>,
    /// Enable `/__test__/*`.
    pub test_control: bool,
    /// Serve a static app on a second port.
    pub app: Option<AppOptions>,
    /// Signing key to use instead of the stored or generated one (tests share one).
    pub keys: Option<Keys>,
}

/// The static app origin.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// Port (0 picks a free one).
    pub port: u16,
    /// Files, mounts and headers.
    pub site: AppSite,
}

impl Options {
    /// In-memory tenant on a free loopback port with test control, for tests.
    pub fn for_tests(config: Config) -> Self {
        Options {
            config,
            host: "127.0.0.1".into(),
            port: 0,
            public_url: None,
            db: None,
            test_control: true,
            app: None,
            keys: None,
        }
    }
}

/// A running emulator.
pub struct Running {
    /// Issuer URL with trailing slash.
    pub issuer: String,
    /// Bound issuer address.
    pub addr: SocketAddr,
    /// App origin URL (no trailing slash), when serving an app.
    pub app_url: Option<String>,
    /// Bound app address.
    pub app_addr: Option<SocketAddr>,
    stops: Vec<oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish, and waits for the listeners to close.
    pub async fn stop(self) {
        for s in self.stops {
            let _ = s.send(());
        }
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Waits until the servers end (they normally run until stopped).
    pub async fn wait(self) {
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// The issuer origin's router.
pub fn issuer_router(state: Shared) -> Router {
    let mut r = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/.well-known/jwks.json", get(discovery::jwks))
        .route("/avatars/{name}", get(discovery::avatar))
        .route("/v2/logout", get(discovery::logout))
        .route("/authorize", get(authorize::authorize))
        .route(
            "/login",
            get(authorize::login_page).post(authorize::login_submit),
        )
        .route("/oauth/token", post(token::token))
        .route("/userinfo", get(token::userinfo).post(token::userinfo))
        .route("/api/v2/users/{id}", get(management::get_user))
        .route("/api/v2/users/{id}/identities", post(management::link))
        .route(
            "/api/v2/users/{id}/identities/{provider}/{user_id}",
            delete(management::unlink),
        )
        .route("/api/v2/{*rest}", axum::routing::any(management::not_found))
        .route("/unlink", post(legacy::unlink));
    if state.test_control {
        r = r.merge(test_control::routes());
    }
    r.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        faults::middleware,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        cors::middleware,
    ))
    .with_state(state)
}

/// Binds the listeners and starts serving. Returns once both accept connections.
pub async fn start(opts: Options) -> Result<Running, String> {
    let listener = TcpListener::bind((opts.host.as_str(), opts.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.host, opts.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let public = opts
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}:{}", opts.host, addr.port()));
    let issuer = format!("{}/", public.trim_end_matches('/'));
    let issuer_origin = url::Url::parse(&issuer)
        .map_err(|e| format!("bad public URL {public}: {e}"))?
        .origin()
        .ascii_serialization();

    let store = Store::open(opts.db.as_deref(), &opts.config, &issuer)
        .map_err(|e| format!("database: {e:?}"))?;
    let keys = match opts.keys {
        Some(k) => k,
        None => store
            .signing_key(Keys::generate)
            .map_err(|e| format!("signing key: {e:?}"))?,
    };
    let state: Shared = Arc::new(AppState {
        limiter: Limiter::new(opts.config.rate_limit_per_minute),
        config: opts.config,
        issuer: issuer.clone(),
        keys,
        store: Mutex::new(store),
        logins: Mutex::new(HashMap::new()),
        codes: Mutex::new(HashMap::new()),
        opaque_tokens: Mutex::new(HashMap::new()),
        faults: Faults::default(),
        test_control: opts.test_control,
    });

    let mut stops = Vec::new();
    let mut tasks = Vec::new();
    let (tx, rx) = oneshot::channel::<()>();
    stops.push(tx);
    let app = issuer_router(state);
    tasks.push(tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    }));

    let (mut app_url, mut app_addr) = (None, None);
    if let Some(app_opts) = opts.app {
        let l = TcpListener::bind((opts.host.as_str(), app_opts.port))
            .await
            .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.host, app_opts.port))?;
        let a = l.local_addr().map_err(|e| e.to_string())?;
        app_url = Some(format!("http://{}:{}", opts.host, a.port()));
        app_addr = Some(a);
        let router = crate::static_app::router(app_opts.site, &issuer_origin);
        let (tx, rx) = oneshot::channel::<()>();
        stops.push(tx);
        tasks.push(tokio::spawn(async move {
            let _ = axum::serve(l, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        }));
    }
    Ok(Running {
        issuer,
        addr,
        app_url,
        app_addr,
        stops,
        tasks,
    })
}
