//! SQLite storage of users, identities and links, plus the signing key.
//!
//! One table holds every identity. A row whose `primary_id` is NULL is a user; rows pointing at
//! it are its linked (secondary) identities. Linking and unlinking are single transactions, so a
//! rejected or interrupted request never leaves half a link.

use crate::config::{Config, SeedUser};
use crate::keys::{now, Keys};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use std::path::Path;

/// One identity (a row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Full id, `provider|id`.
    pub user_id: String,
    /// Provider, e.g. `github` or `auth0`.
    pub provider: String,
    /// The part of the id after the first `|`.
    pub bare_id: String,
    /// Connection name.
    pub connection: String,
    /// Social connection or not.
    pub is_social: bool,
    /// Email address.
    pub email: Option<String>,
    /// Full name.
    pub name: Option<String>,
    /// Nickname.
    pub nickname: Option<String>,
    /// Absolute picture URL.
    pub picture: Option<String>,
    /// The user this identity is linked to, if any.
    pub primary_id: Option<String>,
    /// Creation time, UNIX seconds.
    pub created_at: i64,
    /// Last update time, UNIX seconds.
    pub updated_at: i64,
}

/// Fields of a new identity.
#[derive(Debug, Clone, Default)]
pub struct NewIdentity {
    /// Connection name (must exist in the config).
    pub connection: String,
    /// Full or bare user id; generated when absent.
    pub user_id: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Full name.
    pub name: Option<String>,
    /// Picture URL (absolute, or a path on the issuer origin).
    pub picture: Option<String>,
    /// Clear-text password (database connection), hashed before storage.
    pub password: Option<String>,
}

/// Storage errors the HTTP layer turns into responses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The user (or primary) does not exist.
    NoUser,
    /// Linking a user to itself.
    SameIdentity,
    /// The secondary identity is already linked to a user.
    AlreadyLinked,
    /// Unlinking the primary identity.
    MainIdentity,
    /// The identity is not linked to this user.
    NoIdentity,
    /// A user with this id (or email in the database connection) exists.
    Conflict(String),
    /// Bad input.
    Invalid(String),
    /// SQLite failed.
    Db(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}

/// The database.
pub struct Store {
    conn: Connection,
    issuer: String,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS identities (
    user_id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    bare_id TEXT NOT NULL,
    connection TEXT NOT NULL,
    is_social INTEGER NOT NULL,
    email TEXT,
    name TEXT,
    nickname TEXT,
    picture TEXT,
    password_hash TEXT,
    primary_id TEXT REFERENCES identities(user_id),
    linked_seq INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
";

const COLUMNS: &str = "user_id, provider, bare_id, connection, is_social, email, name, nickname, \
                       picture, primary_id, created_at, updated_at";

fn row_to_identity(r: &rusqlite::Row<'_>) -> rusqlite::Result<Identity> {
    Ok(Identity {
        user_id: r.get(0)?,
        provider: r.get(1)?,
        bare_id: r.get(2)?,
        connection: r.get(3)?,
        is_social: r.get::<_, i64>(4)? != 0,
        email: r.get(5)?,
        name: r.get(6)?,
        nickname: r.get(7)?,
        picture: r.get(8)?,
        primary_id: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

/// Hashes a password with Argon2id (light parameters: this is a development tenant).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::thread_rng());
    let params = argon2::Params::new(4096, 1, 1, None).expect("argon2 params");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hash")
        .to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

impl Store {
    /// Opens (creating if needed) the database at `path`, or an in-memory one when `None`.
    /// A new database gets the config's seed users.
    pub fn open(path: Option<&Path>, config: &Config, issuer: &str) -> Result<Self, StoreError> {
        let conn = match path {
            Some(p) => {
                if let Some(dir) = p.parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir)
                            .map_err(|e| StoreError::Db(format!("{}: {e}", dir.display())))?;
                    }
                }
                Connection::open(p)?
            }
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;")?;
        conn.execute_batch(SCHEMA)?;
        let mut store = Store {
            conn,
            issuer: issuer.to_string(),
        };
        if store.meta("seeded")?.is_none() {
            store.reset(config)?;
        }
        Ok(store)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The signing key kept in the database, made (by `generate`) and stored on first use.
    pub fn signing_key(&self, generate: impl FnOnce() -> Keys) -> Result<Keys, StoreError> {
        if let Some(pem) = self.meta("signing_key")? {
            return Keys::from_pem(&pem).map_err(StoreError::Db);
        }
        let keys = generate();
        self.set_meta("signing_key", &keys.to_pem())?;
        Ok(keys)
    }

    /// Deletes every identity and inserts the seed users again (the signing key stays).
    pub fn reset(&mut self, config: &Config) -> Result<(), StoreError> {
        let seeds: Vec<(SeedUser, Option<String>)> = config
            .users
            .iter()
            .map(|u| (u.clone(), u.password.as_deref().map(hash_password)))
            .collect();
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM identities", [])?;
        tx.execute("DELETE FROM meta WHERE key IN ('seeded', 'next_id')", [])?;
        for (u, hash) in seeds {
            let conn = config.connection(&u.connection).ok_or_else(|| {
                StoreError::Invalid(format!("unknown connection {}", u.connection))
            })?;
            let provider = conn.provider();
            let bare = u.user_id[provider.len() + 1..].to_string();
            insert(
                &tx,
                &self.issuer,
                &u.user_id,
                &provider,
                &bare,
                &u.connection,
                conn.is_social(),
                u.email.as_deref(),
                u.name.as_deref(),
                u.picture.as_deref(),
                hash.as_deref(),
            )?;
        }
        tx.execute("INSERT INTO meta (key, value) VALUES ('seeded', '1')", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Creates a standalone user.
    pub fn create(&mut self, config: &Config, new: NewIdentity) -> Result<Identity, StoreError> {
        let conn = config
            .connection(&new.connection)
            .ok_or_else(|| StoreError::Invalid(format!("unknown connection {}", new.connection)))?;
        let provider = conn.provider();
        if conn.is_database() {
            let email = new.email.as_deref().unwrap_or("");
            if !email.contains('@') {
                return Err(StoreError::Invalid("an email address is required".into()));
            }
        }
        let hash = match (&new.password, conn.is_database()) {
            (Some(p), true) if p.len() >= 8 => Some(hash_password(p)),
            (Some(_), true) => {
                return Err(StoreError::Invalid(
                    "the password must have at least 8 characters".into(),
                ))
            }
            _ => None,
        };
        let tx = self.conn.transaction()?;
        if conn.is_database() {
            let taken: i64 = tx.query_row(
                "SELECT COUNT(*) FROM identities WHERE connection = ?1 AND lower(email) = lower(?2)",
                params![new.connection, new.email],
                |r| r.get(0),
            )?;
            if taken > 0 {
                return Err(StoreError::Conflict("The user already exists.".into()));
            }
        }
        let bare = match &new.user_id {
            Some(id) => match id.split_once('|') {
                Some((p, b)) if p == provider && !b.is_empty() => b.to_string(),
                Some(_) => {
                    return Err(StoreError::Invalid(format!(
                        "user_id must start with {provider}|"
                    )))
                }
                None if !id.is_empty() => id.clone(),
                None => return Err(StoreError::Invalid("empty user_id".into())),
            },
            None => {
                let next: i64 = tx
                    .query_row("SELECT value FROM meta WHERE key = 'next_id'", [], |r| {
                        r.get::<_, String>(0)
                    })
                    .optional()?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1002);
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('next_id', ?1)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [(next + 1).to_string()],
                )?;
                if conn.is_database() {
                    format!("{:024x}", 0x6500_0000_0000_0000_0000u128 + next as u128)
                } else {
                    next.to_string()
                }
            }
        };
        let user_id = format!("{provider}|{bare}");
        let exists: i64 = tx.query_row(
            "SELECT COUNT(*) FROM identities WHERE user_id = ?1",
            [&user_id],
            |r| r.get(0),
        )?;
        if exists > 0 {
            return Err(StoreError::Conflict(format!(
                "The user {user_id} already exists."
            )));
        }
        insert(
            &tx,
            &self.issuer,
            &user_id,
            &provider,
            &bare,
            &new.connection,
            conn.is_social(),
            new.email.as_deref(),
            new.name.as_deref(),
            new.picture.as_deref(),
            hash.as_deref(),
        )?;
        tx.commit()?;
        self.identity(&user_id)?.ok_or(StoreError::NoUser)
    }

    /// One identity by full id (a user or a linked identity).
    pub fn identity(&self, user_id: &str) -> Result<Option<Identity>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM identities WHERE user_id = ?1"),
                [user_id],
                row_to_identity,
            )
            .optional()?)
    }

    /// A user (an identity that is not linked to another one).
    pub fn user(&self, user_id: &str) -> Result<Option<Identity>, StoreError> {
        Ok(self.identity(user_id)?.filter(|i| i.primary_id.is_none()))
    }

    /// Every identity of a connection (for the login page), users and linked ones.
    pub fn by_connection(&self, connection: &str) -> Result<Vec<Identity>, StoreError> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM identities WHERE connection = ?1 ORDER BY created_at, rowid"
        ))?;
        let rows = st.query_map([connection], row_to_identity)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Checks an email and password in a database connection; returns the identity.
    pub fn check_password(
        &self,
        connection: &str,
        email: &str,
        password: &str,
    ) -> Result<Option<Identity>, StoreError> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT user_id, password_hash FROM identities
                 WHERE connection = ?1 AND lower(email) = lower(?2)",
                params![connection, email],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row {
            Some((id, Some(hash))) if verify_password(password, &hash) => self.identity(&id),
            _ => Ok(None),
        }
    }

    /// The user an identity signs in as: itself, or the user it is linked to.
    pub fn effective_user(&self, identity: &Identity) -> Result<Identity, StoreError> {
        match &identity.primary_id {
            Some(p) => self.identity(p)?.ok_or(StoreError::NoUser),
            None => Ok(identity.clone()),
        }
    }

    /// The identities of a user: itself first, then linked ones in link order.
    pub fn identities_of(&self, user: &Identity) -> Result<Vec<Identity>, StoreError> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM identities WHERE primary_id = ?1 ORDER BY linked_seq"
        ))?;
        let rows = st.query_map([&user.user_id], row_to_identity)?;
        let mut out = vec![user.clone()];
        for r in rows {
            out.push(r?);
        }
        Ok(out)
    }

    /// Every user (not linked identities), oldest first.
    pub fn users(&self) -> Result<Vec<Identity>, StoreError> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM identities WHERE primary_id IS NULL ORDER BY created_at, rowid"
        ))?;
        let rows = st.query_map([], row_to_identity)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Links user `secondary` (and the identities already linked to it) into `primary`.
    /// One transaction: either everything moves or nothing does.
    pub fn link(&mut self, primary: &str, secondary: &str) -> Result<(), StoreError> {
        if primary == secondary {
            return Err(StoreError::SameIdentity);
        }
        let tx = self.conn.transaction()?;
        let state = |id: &str| -> Result<Option<Option<String>>, StoreError> {
            Ok(tx
                .query_row(
                    "SELECT primary_id FROM identities WHERE user_id = ?1",
                    [id],
                    |r| r.get::<_, Option<String>>(0),
                )
                .optional()?)
        };
        match state(primary)? {
            Some(None) => {}
            _ => return Err(StoreError::NoUser),
        }
        match state(secondary)? {
            None => return Err(StoreError::NoUser),
            Some(Some(_)) => return Err(StoreError::AlreadyLinked),
            Some(None) => {}
        }
        let seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(linked_seq), 0) + 1 FROM identities",
            [],
            |r| r.get(0),
        )?;
        // The secondary's own linked identities follow it, after it.
        tx.execute(
            "UPDATE identities SET primary_id = ?1, linked_seq = ?2 + COALESCE(linked_seq, 0),
                    updated_at = ?3
             WHERE primary_id = ?4",
            params![primary, seq + 1, now(), secondary],
        )?;
        tx.execute(
            "UPDATE identities SET primary_id = ?1, linked_seq = ?2, updated_at = ?3 WHERE user_id = ?4",
            params![primary, seq, now(), secondary],
        )?;
        tx.execute(
            "UPDATE identities SET updated_at = ?1 WHERE user_id = ?2",
            params![now(), primary],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Unlinks identity `provider|bare_id` from user `primary`; it becomes a user again.
    pub fn unlink(
        &mut self,
        primary: &str,
        provider: &str,
        bare_id: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let p: Option<Option<String>> = tx
            .query_row(
                "SELECT primary_id FROM identities WHERE user_id = ?1",
                [primary],
                |r| r.get(0),
            )
            .optional()?;
        if !matches!(p, Some(None)) {
            return Err(StoreError::NoUser);
        }
        let target = format!("{provider}|{bare_id}");
        if target == primary {
            return Err(StoreError::MainIdentity);
        }
        let n = tx.execute(
            "UPDATE identities SET primary_id = NULL, linked_seq = NULL, updated_at = ?1
             WHERE user_id = ?2 AND primary_id = ?3",
            params![now(), target, primary],
        )?;
        if n != 1 {
            return Err(StoreError::NoIdentity);
        }
        tx.execute(
            "UPDATE identities SET updated_at = ?1 WHERE user_id = ?2",
            params![now(), primary],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The identities array of a user, as the Management API returns it.
    pub fn identities_json(&self, user: &Identity) -> Result<Value, StoreError> {
        let ids = self.identities_of(user)?;
        Ok(Value::Array(
            ids.iter()
                .enumerate()
                .map(|(i, id)| identity_json(id, i > 0))
                .collect(),
        ))
    }

    /// A user as the Management API returns it (`GET /api/v2/users/{id}`).
    pub fn user_json(&self, user: &Identity) -> Result<Value, StoreError> {
        let mut v = profile_json(user);
        v["identities"] = self.identities_json(user)?;
        v["created_at"] = json!(iso8601(user.created_at));
        v["updated_at"] = json!(iso8601(user.updated_at));
        Ok(v)
    }
}

#[allow(clippy::too_many_arguments)]
fn insert(
    tx: &rusqlite::Transaction<'_>,
    issuer: &str,
    user_id: &str,
    provider: &str,
    bare: &str,
    connection: &str,
    is_social: bool,
    email: Option<&str>,
    name: Option<&str>,
    picture: Option<&str>,
    password_hash: Option<&str>,
) -> Result<(), StoreError> {
    let nickname = email
        .and_then(|e| e.split('@').next())
        .or(name)
        .unwrap_or(bare)
        .to_string();
    let name = name.or(email).unwrap_or(user_id).to_string();
    let picture = match picture {
        Some(p) if p.starts_with('/') => format!("{}{}", issuer.trim_end_matches('/'), p),
        Some(p) => p.to_string(),
        None => {
            let initial = name
                .chars()
                .find(|c| c.is_ascii_alphanumeric())
                .unwrap_or('u')
                .to_ascii_lowercase();
            format!("{issuer}avatars/{initial}.svg")
        }
    };
    let t = now();
    tx.execute(
        "INSERT INTO identities (user_id, provider, bare_id, connection, is_social, email, name,
             nickname, picture, password_hash, primary_id, linked_seq, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, NULL, ?11, ?11)",
        params![
            user_id,
            provider,
            bare,
            connection,
            is_social as i64,
            email,
            name,
            nickname,
            picture,
            password_hash,
            t
        ],
    )?;
    Ok(())
}

/// Profile claims of an identity (used for users, `profileData`, ID tokens and `/userinfo`).
pub fn profile_json(i: &Identity) -> Value {
    let mut v = json!({
        "user_id": i.user_id,
        "name": i.name,
        "nickname": i.nickname,
        "picture": i.picture,
    });
    if let Some(e) = &i.email {
        v["email"] = json!(e);
        v["email_verified"] = json!(i.is_social);
    }
    v
}

/// One entry of an `identities` array; secondaries carry `profileData`.
pub fn identity_json(i: &Identity, secondary: bool) -> Value {
    let mut v = json!({
        "provider": i.provider,
        "user_id": i.bare_id,
        "connection": i.connection,
        "isSocial": i.is_social,
    });
    if secondary {
        let mut p = profile_json(i);
        if let Some(o) = p.as_object_mut() {
            o.remove("user_id");
        }
        v["profileData"] = p;
    }
    v
}

/// Formats UNIX seconds as an ISO 8601 UTC timestamp.
pub fn iso8601(t: i64) -> String {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    // Civil-from-days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store::open(None, &Config::builtin(), "http://127.0.0.1:4010/").unwrap()
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20.000Z");
    }

    #[test]
    fn link_and_unlink_roundtrip() {
        let mut s = store();
        s.link("auth0|alice", "google-oauth2|1001").unwrap();
        let alice = s.user("auth0|alice").unwrap().unwrap();
        let ids = s.identities_json(&alice).unwrap();
        assert_eq!(ids[1]["user_id"], "1001");
        assert_eq!(ids[1]["profileData"]["email"], "alice.g@example.com");
        assert!(s.user("google-oauth2|1001").unwrap().is_none());
        assert_eq!(
            s.link("auth0|alice", "google-oauth2|1001"),
            Err(StoreError::AlreadyLinked)
        );
        assert_eq!(
            s.unlink("auth0|alice", "auth0", "alice"),
            Err(StoreError::MainIdentity)
        );
        s.unlink("auth0|alice", "google-oauth2", "1001").unwrap();
        assert!(s.user("google-oauth2|1001").unwrap().is_some());
        assert_eq!(
            s.unlink("auth0|alice", "google-oauth2", "1001"),
            Err(StoreError::NoIdentity)
        );
    }

    #[test]
    fn a_link_failing_midway_leaves_no_half_link() {
        let mut s = store();
        // Make the last statement of the link transaction fail (after the secondary moved).
        s.conn
            .execute_batch(
                "CREATE TRIGGER boom BEFORE UPDATE OF updated_at ON identities
                 WHEN NEW.user_id = 'auth0|alice' BEGIN SELECT RAISE(ABORT, 'boom'); END;",
            )
            .unwrap();
        assert!(matches!(
            s.link("auth0|alice", "google-oauth2|1001"),
            Err(StoreError::Db(_))
        ));
        let g = s.identity("google-oauth2|1001").unwrap().unwrap();
        assert_eq!(g.primary_id, None, "rolled back");
        let alice = s.user("auth0|alice").unwrap().unwrap();
        assert_eq!(s.identities_of(&alice).unwrap().len(), 1);
    }

    #[test]
    fn passwords_are_hashed_and_checked() {
        let s = store();
        let c = crate::config::DATABASE_CONNECTION;
        assert!(s
            .check_password(c, "alice@example.com", "alice-password-1")
            .unwrap()
            .is_some());
        assert!(s
            .check_password(c, "alice@example.com", "wrong")
            .unwrap()
            .is_none());
        let hash: String = s
            .conn
            .query_row(
                "SELECT password_hash FROM identities WHERE user_id = 'auth0|alice'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
    }
}
