//! Tenant configuration: clients, connections, seed users and limits, read from TOML.
//!
//! Every field has a default, so an empty file is the built-in tenant (see [`Config::builtin`]).

use serde::Deserialize;
use std::path::Path;

/// The whole tenant configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Management API requests allowed per access token per minute (`x-ratelimit-limit`).
    pub rate_limit_per_minute: u32,
    /// Lifetime of an authorization code, in seconds.
    pub code_ttl_seconds: u64,
    /// Lifetime of ID and access tokens, in seconds.
    pub token_ttl_seconds: u64,
    /// Applications (OAuth clients).
    pub clients: Vec<Client>,
    /// Connections (identity providers) users can sign in with.
    pub connections: Vec<Connection>,
    /// Users created when the database is first made, and again at each test reset.
    pub users: Vec<SeedUser>,
}

/// An application registered in the tenant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// The `client_id`.
    pub client_id: String,
    /// Display name shown on the login page.
    #[serde(default)]
    pub name: Option<String>,
    /// Secret for confidential clients; SPAs have none and must use PKCE.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Allowed callback URLs (`redirect_uri`), matched exactly.
    #[serde(default)]
    pub callbacks: Vec<String>,
    /// Allowed web origins: CORS and `response_mode=web_message` targets.
    #[serde(default)]
    pub web_origins: Vec<String>,
}

/// A connection (identity provider).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    /// Connection name, e.g. `github` or `Username-Password-Authentication`.
    pub name: String,
    /// Provider (identity `provider` and user id prefix); defaults to the name, or `auth0` for
    /// the database connection.
    #[serde(default)]
    pub provider: Option<String>,
    /// Label shown on the chooser page.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A user present in a fresh tenant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    /// Full user id, `provider|id`.
    pub user_id: String,
    /// Connection name.
    pub connection: String,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Picture URL; a path starting with `/` is made absolute on the issuer origin.
    #[serde(default)]
    pub picture: Option<String>,
    /// Password (database connection only); stored hashed.
    #[serde(default)]
    pub password: Option<String>,
}

/// The database connection name; its users sign in with email and password.
pub const DATABASE_CONNECTION: &str = "Username-Password-Authentication";

impl Connection {
    /// The identity provider of this connection.
    pub fn provider(&self) -> String {
        match &self.provider {
            Some(p) => p.clone(),
            None if self.name == DATABASE_CONNECTION => "auth0".to_string(),
            None => self.name.clone(),
        }
    }

    /// Whether this is a social connection (`isSocial` in identities).
    pub fn is_social(&self) -> bool {
        self.provider() != "auth0"
    }

    /// Whether users sign in with email and password.
    pub fn is_database(&self) -> bool {
        self.provider() == "auth0"
    }

    /// Human label.
    pub fn label(&self) -> String {
        self.display_name
            .clone()
            .unwrap_or_else(|| match self.name.as_str() {
                "google-oauth2" => "Google".into(),
                "github" => "GitHub".into(),
                "windowslive" => "Microsoft".into(),
                DATABASE_CONNECTION => "Email and password".into(),
                other => other.into(),
            })
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Config {
    /// The built-in tenant: client `account-link-demo` for the demo app on http://127.0.0.1:4000,
    /// four connections and two seed users.
    pub fn builtin() -> Self {
        Self::with_app_origins(&["http://127.0.0.1:4000"])
    }

    /// The built-in tenant with the client's callbacks and web origins set for these app origins
    /// (callbacks `ORIGIN/` and `ORIGIN/callback.html` for the first one, `ORIGIN/` for others).
    pub fn with_app_origins(origins: &[&str]) -> Self {
        let mut callbacks = Vec::new();
        for (i, o) in origins.iter().enumerate() {
            callbacks.push(format!("{o}/"));
            if i == 0 {
                callbacks.push(format!("{o}/callback.html"));
            }
        }
        Config {
            rate_limit_per_minute: 100,
            code_ttl_seconds: 300,
            token_ttl_seconds: 86400,
            clients: vec![Client {
                client_id: "account-link-demo".into(),
                name: Some("Account Link Demo".into()),
                client_secret: None,
                callbacks,
                web_origins: origins.iter().map(|s| s.to_string()).collect(),
            }],
            connections: [
                "google-oauth2",
                "github",
                "windowslive",
                DATABASE_CONNECTION,
            ]
            .iter()
            .map(|n| Connection {
                name: n.to_string(),
                provider: None,
                display_name: None,
            })
            .collect(),
            users: vec![
                SeedUser {
                    user_id: "auth0|alice".into(),
                    connection: DATABASE_CONNECTION.into(),
                    email: Some("alice@example.com".into()),
                    name: Some("Alice Example".into()),
                    picture: Some("/avatars/alice.svg".into()),
                    password: Some("alice-password-1".into()),
                },
                SeedUser {
                    user_id: "google-oauth2|1001".into(),
                    connection: "google-oauth2".into(),
                    email: Some("alice.g@example.com".into()),
                    name: Some("Alice on Google".into()),
                    picture: Some("/avatars/alice-google.svg".into()),
                    password: None,
                },
            ],
        }
    }

    /// Reads and validates a TOML file. Sections left out keep their built-in value.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("config {}: {e}", path.display()))
    }

    /// Parses and validates TOML text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        for u in &self.users {
            let conn = self.connection(&u.connection).ok_or_else(|| {
                format!("user {}: unknown connection {}", u.user_id, u.connection)
            })?;
            let prefix = format!("{}|", conn.provider());
            if !u.user_id.starts_with(&prefix) || u.user_id.len() == prefix.len() {
                return Err(format!(
                    "user {}: user_id must start with {prefix}",
                    u.user_id
                ));
            }
        }
        for c in &self.clients {
            for o in &c.web_origins {
                let url = url::Url::parse(o).map_err(|e| format!("web origin {o}: {e}"))?;
                if url.origin().ascii_serialization() != *o {
                    return Err(format!("web origin {o} must be a bare origin (no path)"));
                }
            }
        }
        Ok(())
    }

    /// Finds a client by id.
    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    /// Finds a connection by name.
    pub fn connection(&self, name: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.name == name)
    }

    /// Whether any client lists this origin as a web origin.
    pub fn is_web_origin(&self, origin: &str) -> bool {
        self.clients
            .iter()
            .any(|c| c.web_origins.iter().any(|o| o == origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_config_file_parses_with_test_origins() {
        let c = Config::parse(include_str!("../../tests/emulator.toml")).unwrap();
        let client = c.client("account-link-demo").unwrap();
        assert!(client
            .callbacks
            .contains(&"http://127.0.0.1:4120/".to_string()));
        assert!(c.is_web_origin("http://127.0.0.1:4100"));
        assert!(c.is_web_origin("http://127.0.0.1:4120"));
        assert!(!c.is_web_origin("http://127.0.0.1:4000"));
        assert_eq!(c.users.len(), 2);
        assert_eq!(c.connections.len(), 4);
    }

    #[test]
    fn empty_file_is_the_builtin_tenant_and_bad_values_are_refused() {
        let c = Config::parse("").unwrap();
        assert!(c.is_web_origin("http://127.0.0.1:4000"));
        assert_eq!(c.rate_limit_per_minute, 100);
        assert!(Config::parse(
            "[[clients]]\nclient_id = \"x\"\nweb_origins = [\"http://a.example/path\"]"
        )
        .is_err());
        assert!(Config::parse("unknown_key = 1").is_err());
        let bad_user = "[[users]]\nuser_id = \"github|1\"\nconnection = \"google-oauth2\"";
        assert!(Config::parse(bad_user).is_err());
    }
}
