//! carecount-domain: the typed records every layer shares — a workplace, a staff record, a training
//! record — as they are held once an upload line has been parsed and validated.
//!
//! This crate is plain data: no parsing of CSV text (that is `carecount-ascwds`), no storage (that is
//! `carecount-store`), no statistics (that is `carecount-metrics`). Codes are kept as the ASC-WDS
//! (BUDI) code numbers of `ascwds-formats.md` Appendix A; their meaning lives in `carecount-codes`.
//! Money is held in pence/hundredths ([`Hundredths`]) so that export → import → export is exact.

mod common;
mod staff;
mod training;
mod workplace;

pub use common::{Answer, Hundredths, RecordKey, Status, key};
pub use staff::{Qualification, QualificationAnswer, Staff, StaffPersonal};
pub use training::{Training, Validity};
pub use workplace::{
    CwpUse, DhaActivities, ServiceEntry, ServiceUserEntry, WorkforceCounts, Workplace,
};
