//! `account-link-emulator`: run the local Auth0-compatible tenant (see emulator/README.md).

use account_link_emulator::{start, AppOptions, AppSite, Config, Keys, Options};
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
    /// Signing key file (PKCS#8 PEM), made on first use. Default: the key lives in the database,
    /// or, with --memory, in .emulator/memory-signing-key.pem (so start-up skips RSA key
    /// generation).
    #[arg(long)]
    key_file: Option<PathBuf>,
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

/// Loads the key in `path`, or makes one and saves it there.
fn key_from_file(path: &std::path::Path) -> Result<Keys, String> {
    if let Ok(pem) = std::fs::read_to_string(path) {
        return Keys::from_pem(&pem).map_err(|e| format!("key file {}: {e}", path.display()));
    }
    let keys = Keys::generate();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, keys.to_pem()).map_err(|e| format!("key file {}: {e}", path.display()))?;
    Ok(keys)
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
    let key_file = cli.key_file.clone().or_else(|| {
        cli.memory
            .then(|| PathBuf::from(".emulator/memory-signing-key.pem"))
    });
    let keys = key_file.as_deref().map(key_from_file).transpose()?;
    Ok(Options {
        config,
        host: cli.host,
        port: cli.port,
        public_url: cli.public_url,
        db: (!cli.memory).then_some(cli.db),
        test_control: cli.test_control,
        app,
        keys,
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
