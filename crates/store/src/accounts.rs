//! Accounts of the web app: users, roles, sessions, API tokens, login throttling.
//! (Owned by the web capability; tables are created by [`ensure_schema`].)
//!
//! The store keeps what it is given: password hashes (argon2id, made by the web layer), and only
//! SHA-256 hashes of session and API tokens, never the tokens themselves. Times are whole seconds
//! since the Unix epoch, passed in by the caller, so every rule here is testable with a fixed clock.
//! Access decisions (who may see what) are not made here.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Fail;
use crate::{Store, StoreError};

/// Creates this module's tables when missing (idempotent; runs on every open).
pub(crate) fn ensure_schema(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(
        "CREATE TABLE IF NOT EXISTS account_user (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            organisation TEXT,
            areas TEXT NOT NULL DEFAULT '',
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS account_session (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES account_user(id) ON DELETE CASCADE,
            csrf TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            last_seen INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS account_api_token (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES account_user(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS account_api_token_info (
            token_hash TEXT PRIMARY KEY
                REFERENCES account_api_token(token_hash) ON DELETE CASCADE,
            name TEXT,
            last_used INTEGER
        );
        CREATE TABLE IF NOT EXISTS account_user_disabled (
            user_id INTEGER PRIMARY KEY REFERENCES account_user(id) ON DELETE CASCADE,
            disabled_at INTEGER NOT NULL
        );",
    )
}

/// What a user may do (issue 5, "Accounts and roles").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Keeps one organisation's records (read and write).
    Employer,
    /// Reads one organisation's records.
    ReadOnlyEmployer,
    /// Sees aggregates of one or more areas, disclosure-controlled.
    Commissioner,
    /// Runs the service.
    Admin,
}

impl Role {
    /// The stored (and API) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employer => "employer",
            Role::ReadOnlyEmployer => "employer_read_only",
            Role::Commissioner => "commissioner",
            Role::Admin => "admin",
        }
    }

    /// The role of a stored name.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "employer" => Some(Role::Employer),
            "employer_read_only" => Some(Role::ReadOnlyEmployer),
            "commissioner" => Some(Role::Commissioner),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A user account (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// The organisation of an employer.
    pub organisation: Option<String>,
    /// The areas of a commissioner (ONS codes, or names of users' own areas).
    pub areas: Vec<String>,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub role: Role,
    pub organisation: Option<String>,
    pub areas: Vec<String>,
}

/// A user with what signing in checks.
#[derive(Clone)]
pub struct Credentials {
    pub user: User,
    /// An argon2id PHC string.
    pub password_hash: String,
    /// Consecutive failed sign-ins since the last success.
    pub failed_logins: i64,
    /// Signing in is refused until this time (epoch seconds); 0 when not locked.
    pub locked_until: i64,
}

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    /// The session's CSRF token (compared with every form post).
    pub csrf: String,
}

const USER_COLUMNS: &str = "id, email, role, organisation, areas";

/// SQL condition: the `account_user` row is not disabled.
const NOT_DISABLED: &str = "id NOT IN (SELECT user_id FROM account_user_disabled)";
/// The same for `account_user` aliased `u`.
const NOT_DISABLED_U: &str = "u.id NOT IN (SELECT user_id FROM account_user_disabled)";

/// An API token as its owner sees it (never its value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// The SHA-256 of the token (hex): its identifier for revoking.
    pub token_hash: String,
    /// The name given on the tokens page; `None` for tokens from `POST /api/v1/auth/token`.
    pub name: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    /// Last use (to the minute); `None` when never used.
    pub last_used: Option<i64>,
}

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(2)?;
    let areas: String = row.get(4)?;
    Ok(User {
        id: row.get(0)?,
        email: row.get(1)?,
        role: Role::parse(&role).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                format!("unknown role {role:?}").into(),
            )
        })?,
        organisation: row.get(3)?,
        areas: split_areas(&areas),
    })
}

fn split_areas(text: &str) -> Vec<String> {
    text.split('\n')
        .filter(|area| !area.is_empty())
        .map(str::to_string)
        .collect()
}

impl Store {
    fn account_error(&self, error: rusqlite::Error) -> StoreError {
        Fail::Sqlite(error).at(&self.path)
    }

    /// Creates a user; returns its id. An email already taken is a constraint error.
    pub fn create_user(&self, new_user: &NewUser) -> Result<i64, StoreError> {
        self.connection
            .execute(
                "INSERT INTO account_user (email, password_hash, role, organisation, areas)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    new_user.email,
                    new_user.password_hash,
                    new_user.role.as_str(),
                    new_user.organisation,
                    new_user.areas.join("\n")
                ],
            )
            .map_err(|error| self.account_error(error))?;
        Ok(self.connection.last_insert_rowid())
    }

    /// Creates the user, or, when the email exists, replaces its hash, role and scope.
    pub fn upsert_user(&self, new_user: &NewUser) -> Result<i64, StoreError> {
        self.connection
            .execute(
                "INSERT INTO account_user (email, password_hash, role, organisation, areas)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(email) DO UPDATE SET password_hash = excluded.password_hash,
                   role = excluded.role, organisation = excluded.organisation,
                   areas = excluded.areas, failed_logins = 0, locked_until = 0",
                params![
                    new_user.email,
                    new_user.password_hash,
                    new_user.role.as_str(),
                    new_user.organisation,
                    new_user.areas.join("\n")
                ],
            )
            .map_err(|error| self.account_error(error))?;
        self.connection
            .query_row(
                "SELECT id FROM account_user WHERE email = ?1",
                [&new_user.email],
                |row| row.get(0),
            )
            .map_err(|error| self.account_error(error))
    }

    /// Every user, by email.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let run = || -> rusqlite::Result<Vec<User>> {
            let mut statement = self.connection.prepare(&format!(
                "SELECT {USER_COLUMNS} FROM account_user ORDER BY email"
            ))?;
            let rows = statement.query_map([], user_from_row)?;
            rows.collect()
        };
        run().map_err(|error| self.account_error(error))
    }

    /// The user with this id.
    pub fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.connection
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM account_user WHERE id = ?1"),
                [id],
                user_from_row,
            )
            .optional()
            .map_err(|error| self.account_error(error))
    }

    /// The user with this email (case-insensitive), with its hash and lockout state.
    pub fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        self.connection
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, password_hash, failed_logins, locked_until
                     FROM account_user WHERE email = ?1 AND {NOT_DISABLED}"
                ),
                [email],
                |row| {
                    Ok(Credentials {
                        user: user_from_row(row)?,
                        password_hash: row.get(5)?,
                        failed_logins: row.get(6)?,
                        locked_until: row.get(7)?,
                    })
                },
            )
            .optional()
            .map_err(|error| self.account_error(error))
    }

    /// Counts a failed sign-in; after `lock_after` consecutive failures the account is locked
    /// until `now + lock_seconds` and the count starts again. Returns the new `locked_until`.
    pub fn record_login_failure(
        &self,
        user_id: i64,
        now: i64,
        lock_after: i64,
        lock_seconds: i64,
    ) -> Result<i64, StoreError> {
        let run = || -> rusqlite::Result<i64> {
            let failed: i64 = self.connection.query_row(
                "UPDATE account_user SET failed_logins = failed_logins + 1 WHERE id = ?1
                 RETURNING failed_logins",
                [user_id],
                |row| row.get(0),
            )?;
            if failed >= lock_after {
                let until = now.saturating_add(lock_seconds);
                self.connection.execute(
                    "UPDATE account_user SET failed_logins = 0, locked_until = ?2 WHERE id = ?1",
                    params![user_id, until],
                )?;
                return Ok(until);
            }
            self.connection.query_row(
                "SELECT locked_until FROM account_user WHERE id = ?1",
                [user_id],
                |row| row.get(0),
            )
        };
        run().map_err(|error| self.account_error(error))
    }

    /// Clears the failure count after a successful sign-in.
    pub fn record_login_success(&self, user_id: i64) -> Result<(), StoreError> {
        self.connection
            .execute(
                "UPDATE account_user SET failed_logins = 0, locked_until = 0 WHERE id = ?1",
                [user_id],
            )
            .map_err(|error| self.account_error(error))?;
        Ok(())
    }

    /// Replaces a user's password hash (admin reset): clears the lockout and ends every session
    /// and API token of the user. Returns whether the user exists.
    pub fn set_password_hash(&self, user_id: i64, password_hash: &str) -> Result<bool, StoreError> {
        let run = || -> rusqlite::Result<bool> {
            let changed = self.connection.execute(
                "UPDATE account_user SET password_hash = ?2, failed_logins = 0, locked_until = 0
                 WHERE id = ?1",
                params![user_id, password_hash],
            )?;
            self.connection
                .execute("DELETE FROM account_session WHERE user_id = ?1", [user_id])?;
            self.connection.execute(
                "DELETE FROM account_api_token WHERE user_id = ?1",
                [user_id],
            )?;
            Ok(changed > 0)
        };
        run().map_err(|error| self.account_error(error))
    }

    /// Starts a session known by the SHA-256 hash of its cookie value.
    pub fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.connection
            .execute(
                "INSERT INTO account_session (token_hash, user_id, csrf, created_at, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![token_hash, user_id, csrf, now],
            )
            .map_err(|error| self.account_error(error))?;
        Ok(())
    }

    /// The live session of this hash: one seen within `idle_seconds` of `now` (it is then touched).
    /// An idle session is deleted and `None` returned.
    pub fn session(
        &self,
        token_hash: &str,
        now: i64,
        idle_seconds: i64,
    ) -> Result<Option<Session>, StoreError> {
        let run = || -> rusqlite::Result<Option<Session>> {
            let found: Option<(i64, String, i64)> = self
                .connection
                .query_row(
                    "SELECT user_id, csrf, last_seen FROM account_session WHERE token_hash = ?1",
                    [token_hash],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?;
            let Some((user_id, csrf, last_seen)) = found else {
                return Ok(None);
            };
            if now.saturating_sub(last_seen) > idle_seconds {
                self.connection.execute(
                    "DELETE FROM account_session WHERE token_hash = ?1",
                    [token_hash],
                )?;
                return Ok(None);
            }
            self.connection.execute(
                "UPDATE account_session SET last_seen = ?2 WHERE token_hash = ?1",
                params![token_hash, now],
            )?;
            let user = self
                .connection
                .query_row(
                    &format!(
                        "SELECT {USER_COLUMNS} FROM account_user WHERE id = ?1 AND {NOT_DISABLED}"
                    ),
                    [user_id],
                    user_from_row,
                )
                .optional()?;
            Ok(user.map(|user| Session { user, csrf }))
        };
        run().map_err(|error| self.account_error(error))
    }

    /// Ends a session (signing out).
    pub fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.connection
            .execute(
                "DELETE FROM account_session WHERE token_hash = ?1",
                [token_hash],
            )
            .map_err(|error| self.account_error(error))?;
        Ok(())
    }

    /// Stores an API token by the SHA-256 hash of its value.
    pub fn create_api_token(
        &self,
        token_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.connection
            .execute(
                "INSERT INTO account_api_token (token_hash, user_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, user_id, now, expires_at],
            )
            .map_err(|error| self.account_error(error))?;
        Ok(())
    }

    /// The user of an API token that has not expired at `now` (and whose account is not
    /// disabled). The token's last use is recorded, to the minute.
    pub fn api_token_user(&self, token_hash: &str, now: i64) -> Result<Option<User>, StoreError> {
        let run = || -> rusqlite::Result<Option<User>> {
            let user = self
                .connection
                .query_row(
                    &format!(
                        "SELECT u.id, u.email, u.role, u.organisation, u.areas
                         FROM account_api_token t JOIN account_user u ON u.id = t.user_id
                         WHERE t.token_hash = ?1 AND t.expires_at > ?2 AND {NOT_DISABLED_U}"
                    ),
                    params![token_hash, now],
                    user_from_row,
                )
                .optional()?;
            if user.is_some() {
                self.connection.execute(
                    "INSERT INTO account_api_token_info (token_hash, last_used) VALUES (?1, ?2)
                     ON CONFLICT(token_hash) DO UPDATE SET last_used = excluded.last_used
                     WHERE last_used IS NULL OR last_used < excluded.last_used - 60",
                    params![token_hash, now],
                )?;
            }
            Ok(user)
        };
        run().map_err(|error| self.account_error(error))
    }

    /// Stores a named API token (made on the account's tokens page) by the SHA-256 hash of its
    /// value.
    pub fn create_named_api_token(
        &self,
        token_hash: &str,
        user_id: i64,
        name: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let run = || -> rusqlite::Result<()> {
            self.connection.execute(
                "INSERT INTO account_api_token (token_hash, user_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, user_id, now, expires_at],
            )?;
            self.connection.execute(
                "INSERT INTO account_api_token_info (token_hash, name) VALUES (?1, ?2)",
                params![token_hash, name],
            )?;
            Ok(())
        };
        run().map_err(|error| self.account_error(error))
    }

    /// The user's API tokens that have not expired at `now`, newest first.
    pub fn api_tokens(&self, user_id: i64, now: i64) -> Result<Vec<ApiToken>, StoreError> {
        let run = || -> rusqlite::Result<Vec<ApiToken>> {
            let mut statement = self.connection.prepare(
                "SELECT t.token_hash, i.name, t.created_at, t.expires_at, i.last_used
                 FROM account_api_token t
                 LEFT JOIN account_api_token_info i ON i.token_hash = t.token_hash
                 WHERE t.user_id = ?1 AND t.expires_at > ?2
                 ORDER BY t.created_at DESC, t.token_hash",
            )?;
            let rows = statement.query_map(params![user_id, now], |row| {
                Ok(ApiToken {
                    token_hash: row.get(0)?,
                    name: row.get(1)?,
                    created_at: row.get(2)?,
                    expires_at: row.get(3)?,
                    last_used: row.get(4)?,
                })
            })?;
            rows.collect()
        };
        run().map_err(|error| self.account_error(error))
    }

    /// Revokes one of the user's API tokens; returns whether the user held it.
    pub fn revoke_api_token(&self, user_id: i64, token_hash: &str) -> Result<bool, StoreError> {
        self.connection
            .execute(
                "DELETE FROM account_api_token WHERE token_hash = ?1 AND user_id = ?2",
                params![token_hash, user_id],
            )
            .map(|deleted| deleted > 0)
            .map_err(|error| self.account_error(error))
    }

    /// Changes a user's role and scope (organisation of an employer, areas of a commissioner).
    /// Returns whether the user exists. Sessions and tokens carry on with the new scope.
    pub fn update_user_scope(
        &self,
        user_id: i64,
        role: Role,
        organisation: Option<&str>,
        areas: &[String],
    ) -> Result<bool, StoreError> {
        self.connection
            .execute(
                "UPDATE account_user SET role = ?2, organisation = ?3, areas = ?4 WHERE id = ?1",
                params![user_id, role.as_str(), organisation, areas.join("\n")],
            )
            .map(|changed| changed > 0)
            .map_err(|error| self.account_error(error))
    }

    /// Disables a user: signing in is refused and every session and API token of the user ends.
    /// Returns whether the user exists.
    pub fn disable_user(&self, user_id: i64, now: i64) -> Result<bool, StoreError> {
        let run = || -> rusqlite::Result<bool> {
            let exists: bool = self.connection.query_row(
                "SELECT EXISTS (SELECT 1 FROM account_user WHERE id = ?1)",
                [user_id],
                |row| row.get(0),
            )?;
            if !exists {
                return Ok(false);
            }
            self.connection.execute(
                "INSERT OR IGNORE INTO account_user_disabled (user_id, disabled_at)
                 VALUES (?1, ?2)",
                params![user_id, now],
            )?;
            self.connection
                .execute("DELETE FROM account_session WHERE user_id = ?1", [user_id])?;
            self.connection.execute(
                "DELETE FROM account_api_token WHERE user_id = ?1",
                [user_id],
            )?;
            Ok(true)
        };
        run().map_err(|error| self.account_error(error))
    }

    /// Enables a disabled user again (with the password it had). Returns whether it was disabled.
    pub fn enable_user(&self, user_id: i64) -> Result<bool, StoreError> {
        self.connection
            .execute(
                "DELETE FROM account_user_disabled WHERE user_id = ?1",
                [user_id],
            )
            .map(|deleted| deleted > 0)
            .map_err(|error| self.account_error(error))
    }

    /// The ids of disabled users.
    pub fn disabled_users(&self) -> Result<Vec<i64>, StoreError> {
        let run = || -> rusqlite::Result<Vec<i64>> {
            let mut statement = self
                .connection
                .prepare("SELECT user_id FROM account_user_disabled ORDER BY user_id")?;
            let rows = statement.query_map([], |row| row.get(0))?;
            rows.collect()
        };
        run().map_err(|error| self.account_error(error))
    }

    /// A number that grows whenever a snapshot is written (the web app's cache key).
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.connection
            .query_row("SELECT COALESCE(MAX(id), 0) FROM snapshot", [], |row| {
                row.get(0)
            })
            .map_err(|error| self.account_error(error))
    }
}
