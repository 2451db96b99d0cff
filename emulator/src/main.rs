//! `account-link-emulator`: run the local Auth0-compatible tenant (see emulator/README.md).

use account_link_emulator::{start, AppOptions, AppSite, Config, Options};
use clap::Parser;
use std::path::PathBuf;

/// A local Auth0-compatible tenant for account-link.
#[derive(Debug, Parser)]
#[command(name = "account-link-emulator", version, about)]
struct Cli {
    /// Issuer port.
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Interface to listen on (both origins).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Public URL of the issuer (default http://HOST:PORT); the issuer is it with a trailing slash.
    #[arg(long)]
    public_url: Option<String>,
    /// Tenant configuration (TOML); default: the built-in tenant.
    #[arg(long)]
    config: Option<PathBuf>,
    /// SQLite database file (directories are created).
    #[arg(long, default_value = ".emulator/tenant.sqlite")]
    db: PathBuf,
    /// Keep everything in memory (a fresh tenant at each start).
    #[arg(long)]
    memory: bool,
    /// Enable the test control API under /__test__/.
    #[arg(long)]
    test_control: bool,
    /// Serve a static app on this port (a second origin).
    #[arg(long)]
    app_port: Option<u16>,
    /// Directory served at / on the app origin (e.g. www).
    #[arg(long)]
    app_dir: Option<PathBuf>,
    /// Extra directory on the app origin, PREFIX=DIR (e.g. /pkg=dist); repeatable.
    #[arg(long, value_name = "PREFIX=DIR")]
    app_mount: Vec<String>,
    /// Cross-Origin-Opener-Policy header on the app origin (e.g. same-origin).
    #[arg(long)]
    app_coop: Option<String>,
}

fn parse_mount(s: &str) -> Result<(String, PathBuf), String> {
    let (prefix, dir) = s
        .split_once('=')
        .ok_or_else(|| format!("--app-mount {s}: expected PREFIX=DIR"))?;
    let prefix = format!("/{}", prefix.trim_matches('/'));
    if prefix == "/" || dir.is_empty() {
        return Err(format!(
            "--app-mount {s}: expected PREFIX=DIR with a non-root prefix"
        ));
    }
    Ok((prefix, PathBuf::from(dir)))
}

fn options(cli: Cli) -> Result<Options, String> {
    let config = match &cli.config {
        Some(p) => Config::load(p)?,
        None => Config::builtin(),
    };
    let mounts = cli
        .app_mount
        .iter()
        .map(|m| parse_mount(m))
        .collect::<Result<Vec<_>, _>>()?;
    let app = match cli.app_port {
        Some(port) => Some(AppOptions {
            port,
            site: AppSite {
                root: cli.app_dir,
                mounts,
                coop: cli.app_coop,
            },
        }),
        None if cli.app_dir.is_some() || !mounts.is_empty() => {
            return Err("--app-dir and --app-mount need --app-port".into())
        }
        None => None,
    };
    Ok(Options {
        config,
        host: cli.host,
        port: cli.port,
        public_url: cli.public_url,
        db: (!cli.memory).then_some(cli.db),
        test_control: cli.test_control,
        app,
        keys: None,
    })
}

#[tokio::main]
async fn main() {
    let opts = match options(Cli::parse()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("account-link-emulator: {e}");
            std::process::exit(2);
        }
    };
    let test_control = opts.test_control;
    let running = match start(opts).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("account-link-emulator: {e}");
            std::process::exit(1);
        }
    };
    println!("account-link-emulator: issuer {}", running.issuer);
    if let Some(app) = &running.app_url {
        println!("account-link-emulator: app {app}/");
    }
    if test_control {
        println!(
            "account-link-emulator: test control enabled at {}__test__/",
            running.issuer
        );
    }
    println!("account-link-emulator: ready");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = running.wait() => {}
    }
}
