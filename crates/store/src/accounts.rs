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

/// An organisation as administrators see it: sizes and dates, no records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSummary {
    pub org: String,
    /// Workplaces in its latest snapshot.
    pub workplaces: u64,
    /// Staff records in its latest snapshot.
    pub staff: u64,
    /// The as-of date of its latest snapshot (`None`: no snapshot yet).
    pub latest_snapshot: Option<time::Date>,
    /// Snapshots written (imports and forms).
    pub snapshots: u64,
}

/// One workplace of an organisation's latest snapshot, for administrators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkplaceSummary {
    pub localestid: String,
    pub name: String,
    /// ONS code (or a user's own area name) of the area it is placed in.
    pub area_code: Option<String>,
    pub area_name: Option<String>,
    /// Staff records of the workplace.
    pub staff: u64,
}

/// An area as administrators see it: what the store holds in it and who is assigned to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaSummary {
    /// ONS code of the council (or a user's own area name).
    pub code: String,
    /// Its name as stored with the workplaces (`None`: only a commissioner's area, no workplace).
    pub name: Option<String>,
    /// Workplaces placed in it in their organisations' latest snapshots.
    pub workplaces: u64,
    /// Organisations with at least one of those workplaces.
    pub organisations: u64,
    /// Commissioners whose areas include it, by email.
    pub commissioners: Vec<User>,
}

/// What [`Store::set_commissioner_area`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaChange {
    /// The area was added to or removed from the commissioner's areas.
    Changed,
    /// Nothing to do: the commissioner already had (or already did not have) the area.
    Unchanged,
    /// There is no user with this id.
    NoSuchUser,
    /// The user is not a commissioner: areas belong to commissioners only.
    NotACommissioner,
    /// Removing it would leave the commissioner without an area (refused).
    LastArea,
}

impl Store {
    /// Every organisation in the store with the sizes of its latest snapshot, by id.
    pub fn org_summaries(&self) -> Result<Vec<OrgSummary>, StoreError> {
        self.org_summaries_where(None)
    }

    /// [`Store::org_summaries`] of one organisation (`None`: the store does not hold it).
    pub fn org_summary(&self, org: &str) -> Result<Option<OrgSummary>, StoreError> {
        Ok(self.org_summaries_where(Some(org))?.into_iter().next())
    }

    fn org_summaries_where(&self, only: Option<&str>) -> Result<Vec<OrgSummary>, StoreError> {
        let run = || -> Result<Vec<OrgSummary>, Fail> {
            let mut statement = self.connection.prepare(
                "SELECT o.id,
                    (SELECT count(*) FROM workplace_version w WHERE w.org = o.id AND w.valid_to IS NULL),
                    (SELECT count(*) FROM staff_version s WHERE s.org = o.id AND s.valid_to IS NULL),
                    (SELECT max(as_of) FROM snapshot n WHERE n.org = o.id),
                    (SELECT count(*) FROM snapshot n WHERE n.org = o.id)
                 FROM org o WHERE ?1 IS NULL OR o.id = ?1 ORDER BY o.id",
            )?;
            let mut rows = statement.query(params![only])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let org: String = row.get(0)?;
                let latest: Option<String> = row.get(3)?;
                let latest_snapshot = crate::codec::parse_optional_date(latest.as_deref(), || {
                    format!("the latest snapshot date of {org}")
                })?;
                out.push(OrgSummary {
                    workplaces: count(row.get(1)?),
                    staff: count(row.get(2)?),
                    snapshots: count(row.get(4)?),
                    latest_snapshot,
                    org,
                });
            }
            Ok(out)
        };
        run().map_err(|fail| fail.at(&self.path))
    }

    /// The workplaces of the organisation's latest snapshot in upload order, each with its
    /// number of staff records (empty when the store does not hold the organisation).
    pub fn org_workplace_summaries(&self, org: &str) -> Result<Vec<WorkplaceSummary>, StoreError> {
        let run = || -> rusqlite::Result<Vec<WorkplaceSummary>> {
            let mut staff_of = std::collections::HashMap::new();
            let mut statement = self.connection.prepare(
                "SELECT workplace_id, count(*) FROM staff_version
                 WHERE org = ?1 AND valid_to IS NULL GROUP BY workplace_id",
            )?;
            let rows = statement.query_map([org], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (workplace, staff) = row?;
                staff_of.insert(workplace, staff);
            }
            let mut statement = self.connection.prepare(
                "SELECT workplace_id, localestid, name, area_code, area_name FROM workplace_version
                 WHERE org = ?1 AND valid_to IS NULL ORDER BY ord, workplace_id",
            )?;
            let rows = statement.query_map([org], |row| {
                let workplace: i64 = row.get(0)?;
                Ok(WorkplaceSummary {
                    localestid: row.get(1)?,
                    name: row.get(2)?,
                    area_code: row.get(3)?,
                    area_name: row.get(4)?,
                    staff: count(staff_of.get(&workplace).copied().unwrap_or_default()),
                })
            })?;
            rows.collect()
        };
        run().map_err(|error| self.account_error(error))
    }

    /// Every area that holds a workplace of an organisation's latest snapshot, or that a
    /// commissioner is assigned to, by code.
    pub fn area_summaries(&self) -> Result<Vec<AreaSummary>, StoreError> {
        let users = self.users()?;
        let run = || -> rusqlite::Result<Vec<AreaSummary>> {
            let mut statement = self.connection.prepare(
                "SELECT area_code, max(area_name), count(*), count(DISTINCT org) FROM workplace_version
                 WHERE valid_to IS NULL AND area_code IS NOT NULL GROUP BY area_code",
            )?;
            let rows = statement.query_map([], |row| {
                Ok(AreaSummary {
                    code: row.get(0)?,
                    name: row.get(1)?,
                    workplaces: count(row.get(2)?),
                    organisations: count(row.get(3)?),
                    commissioners: Vec::new(),
                })
            })?;
            rows.collect()
        };
        let mut areas = run().map_err(|error| self.account_error(error))?;
        for user in users.iter().filter(|user| user.role == Role::Commissioner) {
            for code in &user.areas {
                if !areas.iter().any(|area| &area.code == code) {
                    areas.push(AreaSummary {
                        code: code.clone(),
                        name: None,
                        workplaces: 0,
                        organisations: 0,
                        commissioners: Vec::new(),
                    });
                }
            }
        }
        for area in &mut areas {
            area.commissioners = users
                .iter()
                .filter(|user| user.role == Role::Commissioner && user.areas.contains(&area.code))
                .cloned()
                .collect();
        }
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(areas)
    }

    /// Assigns (`assign`) or unassigns `area` to the commissioner `user_id`, keeping the order of
    /// their other areas (a new one goes last). A commissioner keeps at least one area.
    pub fn set_commissioner_area(
        &self,
        user_id: i64,
        area: &str,
        assign: bool,
    ) -> Result<AreaChange, StoreError> {
        let Some(user) = self.user(user_id)? else {
            return Ok(AreaChange::NoSuchUser);
        };
        if user.role != Role::Commissioner {
            return Ok(AreaChange::NotACommissioner);
        }
        let has = user.areas.iter().any(|held| held == area);
        let areas: Vec<String> = match (assign, has) {
            (true, true) | (false, false) => return Ok(AreaChange::Unchanged),
            (true, false) => user
                .areas
                .iter()
                .cloned()
                .chain(std::iter::once(area.to_string()))
                .collect(),
            (false, true) if user.areas.len() == 1 => return Ok(AreaChange::LastArea),
            (false, true) => user
                .areas
                .iter()
                .filter(|held| *held != area)
                .cloned()
                .collect(),
        };
        self.update_user_scope(user_id, Role::Commissioner, None, &areas)?;
        Ok(AreaChange::Changed)
    }
}

/// A SQLite count as `u64` (counts are never negative).
fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use carecount_ascwds::{Plan, PlannedStaff, PlannedWorkplace};
    use carecount_domain::key;
    use time::macros::date;

    use super::*;
    use crate::AreaAssignment;
    use crate::staff_page::tests::{planned, staff, workplace};

    fn place(localestid: &str, code: &str) -> (carecount_domain::RecordKey, AreaAssignment) {
        (
            key(localestid),
            AreaAssignment {
                code: code.to_string(),
                name: format!("Council {code}"),
                region_code: None,
            },
        )
    }

    fn site(localestid: &str) -> PlannedWorkplace {
        PlannedWorkplace {
            previous: None,
            record: workplace(localestid),
            primary: localestid == "WP1" || localestid == "W9",
        }
    }

    /// Organisation `a`: WP1 (area E1, staff S1 and S2) and WP2 (area E2, staff S3).
    /// Organisation `b`: W9 (area E1), no staff.
    fn store() -> Store {
        let mut store = Store::open_in_memory().expect("store opens");
        let plan_a = Plan {
            workplaces: vec![site("WP1"), site("WP2")],
            staff: vec![
                planned(staff("WP1", "S1", "One", 8, 1)),
                planned(staff("WP1", "S2", "Two", 8, 1)),
                planned(staff("WP2", "S3", "Three", 8, 1)),
            ],
            ..Plan::default()
        };
        store
            .apply(
                "a",
                date!(2025 - 03 - 31),
                &plan_a,
                &[place("WP1", "E1"), place("WP2", "E2")],
                &mut |_, _| {},
            )
            .expect("apply a");
        let plan_b = Plan {
            workplaces: vec![site("W9")],
            ..Plan::default()
        };
        store
            .apply(
                "b",
                date!(2025 - 03 - 31),
                &plan_b,
                &[place("W9", "E1")],
                &mut |_, _| {},
            )
            .expect("apply b");
        store
    }

    fn commissioner(store: &Store, email: &str, areas: &[&str]) -> i64 {
        store
            .create_user(&NewUser {
                email: email.to_string(),
                password_hash: "hash".to_string(),
                role: Role::Commissioner,
                organisation: None,
                areas: areas.iter().map(|area| area.to_string()).collect(),
            })
            .expect("user")
    }

    #[test]
    fn organisations_are_summed_from_their_latest_snapshot() {
        let mut store = store();
        let summaries = store.org_summaries().expect("summaries");
        assert_eq!(
            summaries,
            vec![
                OrgSummary {
                    org: "a".to_string(),
                    workplaces: 2,
                    staff: 3,
                    latest_snapshot: Some(date!(2025 - 03 - 31)),
                    snapshots: 1,
                },
                OrgSummary {
                    org: "b".to_string(),
                    workplaces: 1,
                    staff: 0,
                    latest_snapshot: Some(date!(2025 - 03 - 31)),
                    snapshots: 1,
                },
            ]
        );
        // A second snapshot of `a` keeps WP1 with S1 only: 1 workplace, 1 staff, 2 snapshots.
        let next = Plan {
            workplaces: vec![PlannedWorkplace {
                previous: Some(key("WP1")),
                ..site("WP1")
            }],
            staff: vec![PlannedStaff {
                previous: Some((key("WP1"), key("S1"))),
                ..planned(staff("WP1", "S1", "One", 8, 1))
            }],
            ..Plan::default()
        };
        store
            .apply("a", date!(2025 - 09 - 30), &next, &[], &mut |_, _| {})
            .expect("second apply");
        let a = store.org_summary("a").expect("summary");
        assert_eq!(
            a.map(|a| (a.workplaces, a.staff, a.latest_snapshot, a.snapshots)),
            Some((1, 1, Some(date!(2025 - 09 - 30)), 2))
        );
        assert_eq!(store.org_summary("nobody").expect("summary"), None);
    }

    #[test]
    fn workplaces_carry_their_staff_counts_and_areas() {
        let store = store();
        let workplaces = store.org_workplace_summaries("a").expect("workplaces");
        let rows: Vec<_> = workplaces
            .iter()
            .map(|w| (w.localestid.as_str(), w.area_code.as_deref(), w.staff))
            .collect();
        // WP1 holds S1 and S2, WP2 holds S3.
        assert_eq!(rows, [("WP1", Some("E1"), 2), ("WP2", Some("E2"), 1)]);
        assert!(
            store
                .org_workplace_summaries("nobody")
                .expect("none")
                .is_empty()
        );
    }

    #[test]
    fn areas_count_workplaces_and_organisations_and_list_commissioners() {
        let store = store();
        let c1 = commissioner(&store, "c1@example.test", &["E1", "E9"]);
        commissioner(&store, "c2@example.test", &["E2"]);
        let areas = store.area_summaries().expect("areas");
        let rows: Vec<_> = areas
            .iter()
            .map(|area| {
                (
                    area.code.as_str(),
                    area.workplaces,
                    area.organisations,
                    area.commissioners
                        .iter()
                        .map(|user| user.email.as_str())
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        // E1: a/WP1 and b/W9 (2 workplaces, 2 organisations); E2: a/WP2; E9: only c1's.
        assert_eq!(
            rows,
            [
                ("E1", 2, 2, vec!["c1@example.test"]),
                ("E2", 1, 1, vec!["c2@example.test"]),
                ("E9", 0, 0, vec!["c1@example.test"]),
            ]
        );
        assert_eq!(areas[0].name.as_deref(), Some("Council E1"));
        assert_eq!(areas[2].name, None);
        // Assigning E2 to c1 lists c1 there too, after c2 (users by email).
        assert_eq!(
            store.set_commissioner_area(c1, "E2", true).expect("assign"),
            AreaChange::Changed
        );
        let e2 = store.area_summaries().expect("areas");
        let emails: Vec<_> = e2[1]
            .commissioners
            .iter()
            .map(|u| u.email.as_str())
            .collect();
        assert_eq!(emails, ["c1@example.test", "c2@example.test"]);
    }

    #[test]
    fn assigning_and_unassigning_areas() {
        let store = store();
        let c1 = commissioner(&store, "c1@example.test", &["E1"]);
        let employer = store
            .create_user(&NewUser {
                email: "e@example.test".to_string(),
                password_hash: "hash".to_string(),
                role: Role::Employer,
                organisation: Some("a".to_string()),
                areas: Vec::new(),
            })
            .expect("user");
        let areas = |id| store.user(id).expect("user").map(|user| user.areas);
        assert_eq!(
            store.set_commissioner_area(c1, "E2", true).ok(),
            Some(AreaChange::Changed)
        );
        assert_eq!(areas(c1), Some(vec!["E1".to_string(), "E2".to_string()]));
        assert_eq!(
            store.set_commissioner_area(c1, "E2", true).ok(),
            Some(AreaChange::Unchanged)
        );
        assert_eq!(
            store.set_commissioner_area(c1, "E1", false).ok(),
            Some(AreaChange::Changed)
        );
        assert_eq!(areas(c1), Some(vec!["E2".to_string()]));
        assert_eq!(
            store.set_commissioner_area(c1, "E1", false).ok(),
            Some(AreaChange::Unchanged)
        );
        assert_eq!(
            store.set_commissioner_area(c1, "E2", false).ok(),
            Some(AreaChange::LastArea)
        );
        assert_eq!(areas(c1), Some(vec!["E2".to_string()]));
        assert_eq!(
            store.set_commissioner_area(employer, "E2", true).ok(),
            Some(AreaChange::NotACommissioner)
        );
        assert_eq!(areas(employer), Some(vec![]));
        assert_eq!(
            store.set_commissioner_area(999, "E2", true).ok(),
            Some(AreaChange::NoSuchUser)
        );
    }
}
