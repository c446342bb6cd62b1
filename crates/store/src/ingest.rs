//! An upload from bytes to a snapshot: validate against the organisation's stored state, plan the
//! change (§6.3–§6.4), and — when the upload has no error and this is not a dry run — apply it in
//! one transaction. The CLI's `import`, the demo loader and the web app's bulk upload all use this
//! one path.

use carecount_ascwds::{Given, Plan, Status, UploadError, Validation};
use carecount_domain::{Workplace, key};
use time::Date;

use crate::{AreaAssignment, SnapshotInfo, Store, StoreError};

/// What an import did (or, for a dry run or an upload with errors, would do).
#[derive(Debug)]
pub struct ImportOutcome {
    pub validation: Validation,
    pub plan: Plan,
    /// The snapshot written; `None` for a dry run or an upload with errors.
    pub snapshot: Option<SnapshotInfo>,
}

impl ImportOutcome {
    /// Whether the upload may be applied (passed, or warnings only).
    pub fn clean(&self) -> bool {
        matches!(self.validation.status(), Status::Passed | Status::Warnings)
    }
}

/// Why an import could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Upload(#[from] UploadError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates `given` for `org` as of `as_of` and applies it unless `dry_run` or it has errors.
/// `place` gives each planned workplace its area (`None`: keep the stored one).
pub fn import(
    store: &mut Store,
    org: &str,
    as_of: Date,
    given: Given,
    place: &dyn Fn(&Workplace) -> Option<AreaAssignment>,
    dry_run: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let mut existing = store.existing_state(org, as_of)?;
    let mut validation = carecount_ascwds::validate(given, &existing, as_of)?;
    // The per-line outcomes are only needed to plan: drop them once planned (at national scale
    // they hold a second copy of every record).
    let plan = match validation.lines.take() {
        Some(mut lines) => carecount_ascwds::plan_taking(&mut existing, &mut lines),
        None => Plan::default(),
    };
    drop(existing);
    let mut outcome = ImportOutcome {
        validation,
        plan,
        snapshot: None,
    };
    if outcome.clean() && !dry_run {
        let areas: Vec<_> = outcome
            .plan
            .workplaces
            .iter()
            .filter_map(|w| place(&w.record).map(|a| (key(&w.record.localestid), a)))
            .collect();
        outcome.snapshot = Some(store.apply(org, as_of, &outcome.plan, &areas, progress)?);
    }
    Ok(outcome)
}
