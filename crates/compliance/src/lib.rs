//! Training compliance and the training needs analysis (`compliance.md`, issue 8).
//!
//! This crate is the pure core: the catalogue of topics and levels (§2), requirement profiles with
//! the statutory floor (§3), status derivation for every staff record and requirement at any as-of
//! date (§4), compliance figures with disclosure control (§5), alerts (§7), the costed training
//! needs analysis (§6) and the JSON shapes of §8.
//!
//! It is NOT a store, a CLI or a web page: it opens no file, socket or database. The caller gives
//! it plain values ([`StaffFacts`], [`TrainingRecord`], [`Exemption`]) and file text, and gets back
//! values and [`Message`]s naming file, line, column and value. [`from_store`] builds those
//! values from a `carecount_store::Store` the caller opened (one organisation, an area, a
//! training import check), for the CLI and the web app alike; who may ask is theirs to decide.
//!
//! The main types: [`Catalogue`] (topics, levels, the ASC-WDS category mapping), [`Profile`] (the
//! requirement rows in force, shipped `sfc-2024` plus an organisation's overrides), [`Rules`]
//! (the two together) which turns a staff record's facts and records into [`PairStatus`]es;
//! [`figures`] sums pairs into compliance figures with disclosure control; [`alerts`] and
//! [`tna`] build on the same statuses; [`wire`] holds the §8 JSON shapes.
//!
//! ```
//! use carecount_compliance::{Catalogue, OrgSettings, Profile, Rules, StaffFacts, StaffInput, Status};
//! use carecount_compliance::facts::{TrainingRecord, Validity};
//! use time::macros::date;
//!
//! let profile = Profile::shipped(OrgSettings::default());
//! let rules = Rules { catalogue: Catalogue::shipped(), profile: &profile };
//! // A care worker (MAINJOBROLE 8) in a care home (MAINSERVICE 2) with one fire safety line.
//! let worker = StaffFacts::new("WP1", "W001", 8, 2);
//! let fire = TrainingRecord::ascwds(1, 6, "Fire safety", Some(date!(2025 - 06 - 01)), Validity::Months(12), None);
//! let status = rules.staff_status(StaffInput { staff: &worker, records: &[fire], exemptions: &[] }, date!(2026 - 01 - 15));
//! let pair = status.pairs.iter().find(|pair| pair.topic == "fire_safety");
//! // 2025-06-01 + 12 months − 1 day = 2026-05-31, more than 60 days after D.
//! assert_eq!(pair.map(|pair| pair.status), Some(Status::Valid));
//! ```

pub mod alerts;
pub mod catalogue;
mod codes;
pub mod date;
pub mod export;
pub mod facts;
pub mod figures;
pub mod from_store;
pub mod import;
pub mod message;
pub mod profile;
pub mod sha256;
pub mod status;
mod table;
pub mod tna;
pub mod wire;

pub use catalogue::{Catalogue, Topic, TopicKind};
pub use codes::{role_group, service_group};
pub use facts::{Exemption, ExemptionReason, RecordSource, StaffFacts, TrainingRecord, Validity};
pub use message::{Message, MessageCode, Severity};
pub use profile::{OrgSettings, Profile, RequirementRow, RowClass};
pub use status::{PairStatus, Rules, StaffInput, StaffStatus, Status};
