//! The expiring list (§5) and alerts (§7), computed for D on request.

use std::cmp::Ordering;

use time::Date;

use crate::date::{add_days, days_between};
use crate::status::{PairStatus, StaffStatus, Status};

/// One pair of one staff record.
#[derive(Debug, Clone, PartialEq)]
pub struct PairItem<'a> {
    pub staff: &'a StaffStatus,
    pub pair: &'a PairStatus,
}

/// The expiring list (§5): pairs `valid` or `expiring` with D ≤ `expires_on` ≤ D + `days`, by
/// `expires_on`, workplace, staff reference, topic. `days` defaults to the organisation's window.
pub fn expiring(statuses: &[StaffStatus], as_of: Date, days: u16) -> Vec<PairItem<'_>> {
    let end = add_days(as_of, i64::from(days));
    let mut items: Vec<PairItem<'_>> = statuses
        .iter()
        .flat_map(|staff| staff.pairs.iter().map(move |pair| PairItem { staff, pair }))
        .filter(|item| matches!(item.pair.status, Status::Valid | Status::Expiring))
        .filter(|item| {
            item.pair
                .expires_on
                .is_some_and(|expires| as_of <= expires && expires <= end)
        })
        .collect();
    items.sort_by(|left, right| {
        left.pair
            .expires_on
            .cmp(&right.pair.expires_on)
            .then_with(|| left.staff.staff.workplace.cmp(&right.staff.staff.workplace))
            .then_with(|| left.staff.staff.staff.cmp(&right.staff.staff.staff))
            .then_with(|| left.pair.topic.cmp(&right.pair.topic))
    });
    items
}

/// The kinds of alert (§7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    Expiring,
    Expired,
    InductionOverdue,
    Missing,
    DueSoon,
}

impl AlertKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Expiring => "expiring",
            AlertKind::Expired => "expired",
            AlertKind::InductionOverdue => "induction_overdue",
            AlertKind::Missing => "missing",
            AlertKind::DueSoon => "due_soon",
        }
    }
}

/// Red or amber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rag {
    Red,
    Amber,
}

impl Rag {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
        }
    }
}

/// One alert (§7).
#[derive(Debug, Clone, PartialEq)]
pub struct Alert<'a> {
    pub item: PairItem<'a>,
    pub kind: AlertKind,
    pub rag: Rag,
    pub raised_on: Option<Date>,
    pub due_on: Option<Date>,
}

/// The alert of one pair at D, if any (§7). `induction_overdue` is checked before `expired`: a new
/// starter past the grace is reported as an overdue induction.
pub fn alert_for<'a>(
    staff: &'a StaffStatus,
    pair: &'a PairStatus,
    as_of: Date,
    due_soon_days: u16,
) -> Option<Alert<'a>> {
    let item = PairItem { staff, pair };
    let new_starter = staff
        .staff
        .start_date
        .is_some_and(|start| start <= as_of && days_between(start, as_of) < 365);
    let alert = |kind, rag, raised_on, due_on| {
        Some(Alert {
            item: item.clone(),
            kind,
            rag,
            raised_on,
            due_on,
        })
    };
    match pair.status {
        Status::Exempt | Status::Valid => None,
        Status::Expiring => {
            let expires = pair.expires_on?;
            alert(
                AlertKind::Expiring,
                Rag::Amber,
                Some(add_days(expires, -i64::from(pair.expiring_days))),
                Some(expires),
            )
        }
        Status::Missing | Status::Expired
            if pair.deciding_row_has_grace && new_starter && pair.due_on.is_some() =>
        {
            let due = pair.due_on?;
            alert(
                AlertKind::InductionOverdue,
                Rag::Red,
                Some(add_days(due, 1)),
                Some(due),
            )
        }
        Status::Expired => {
            let expires = pair.expires_on?;
            alert(
                AlertKind::Expired,
                Rag::Red,
                Some(add_days(expires, 1)),
                Some(expires),
            )
        }
        Status::Missing => alert(
            AlertKind::Missing,
            Rag::Red,
            pair.due_on.map(|due| add_days(due, 1)),
            pair.due_on,
        ),
        Status::NotYetDue => {
            let due = pair.due_on?;
            if days_between(as_of, due) <= i64::from(due_soon_days) {
                alert(
                    AlertKind::DueSoon,
                    Rag::Amber,
                    Some(add_days(due, -i64::from(due_soon_days))),
                    Some(due),
                )
            } else {
                None
            }
        }
    }
}

/// Every alert at D, sorted red first, then `raised_on` (none last), workplace, staff, topic.
pub fn alerts(statuses: &[StaffStatus], as_of: Date, due_soon_days: u16) -> Vec<Alert<'_>> {
    let mut alerts: Vec<Alert<'_>> = statuses
        .iter()
        .flat_map(|staff| {
            staff
                .pairs
                .iter()
                .filter_map(move |pair| alert_for(staff, pair, as_of, due_soon_days))
        })
        .collect();
    alerts.sort_by(|left, right| {
        left.rag
            .cmp(&right.rag)
            .then_with(|| match (left.raised_on, right.raised_on) {
                (Some(left), Some(right)) => left.cmp(&right),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then_with(|| {
                left.item
                    .staff
                    .staff
                    .workplace
                    .cmp(&right.item.staff.staff.workplace)
            })
            .then_with(|| {
                left.item
                    .staff
                    .staff
                    .staff
                    .cmp(&right.item.staff.staff.staff)
            })
            .then_with(|| left.item.pair.topic.cmp(&right.item.pair.topic))
    });
    alerts
}
