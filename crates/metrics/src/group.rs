//! Groups (`metrics.md` §1 "Group"): a set of workplaces (workplace, organisation, local
//! authority, region, England) optionally filtered by sector, main service and job role or role
//! group.

use std::collections::HashMap;

use carecount_codes::{RoleGroup, SectorFilter};
use serde::Serialize;

use crate::MetricsError;
use crate::classify;
use crate::facts::{Snapshot, StaffFacts, WorkplaceFacts};

/// Parses a sector filter `local_authority|private|voluntary|other|independent`.
pub fn parse_sector(text: &str) -> Result<SectorFilter, MetricsError> {
    text.parse::<SectorFilter>()
        .map_err(|_| MetricsError::UnknownSector {
            given: text.to_string(),
            valid: "local_authority, private, voluntary, other, independent".to_string(),
        })
}

/// Parses a role group name `direct_care|manager|regulated|other`.
pub fn parse_role_group(text: &str) -> Result<RoleGroup, MetricsError> {
    text.parse::<RoleGroup>()
        .map_err(|_| MetricsError::UnknownRoleGroup {
            given: text.to_string(),
            valid: "direct_care, manager, regulated, other".to_string(),
        })
}

/// The filters of `carecount metric` (`interfaces.md`). Every filter narrows the group; none set
/// means England (every workplace of the snapshot).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupFilter {
    /// `--org`: workplaces of this organisation.
    pub org: Option<String>,
    /// `--workplace`: the workplace with this LOCALESTID (within `org` when given).
    pub workplace: Option<String>,
    /// `--area`: workplaces whose area code is this (ONS code or a user's own area name).
    pub area: Option<String>,
    /// `--region`: workplaces whose region code is this.
    pub region: Option<String>,
    /// `--service`: workplaces whose MAINSERVICE is this code.
    pub service: Option<u32>,
    /// `--sector`.
    pub sector: Option<SectorFilter>,
    /// `--job-role`: staff records (and per-role counts) of this MAINJOBROLE code.
    pub job_role: Option<u32>,
    /// `--role-group`: staff records (and per-role counts) of roles in this group.
    pub role_group: Option<RoleGroup>,
}

impl GroupFilter {
    /// England: no filter.
    pub fn england() -> GroupFilter {
        GroupFilter::default()
    }

    /// One local authority (or user's own area).
    pub fn area(area: &str) -> GroupFilter {
        GroupFilter {
            area: Some(area.to_string()),
            ..GroupFilter::default()
        }
    }

    /// One region.
    pub fn region(region: &str) -> GroupFilter {
        GroupFilter {
            region: Some(region.to_string()),
            ..GroupFilter::default()
        }
    }

    /// Whether a job-role or role-group filter is set.
    pub fn has_role_filter(&self) -> bool {
        self.job_role.is_some() || self.role_group.is_some()
    }

    /// Checks the service and job role codes against the code tables.
    pub fn validate(&self) -> Result<(), MetricsError> {
        if let Some(service) = self.service
            && !classify::is_service(service)
        {
            return Err(MetricsError::UnknownService {
                given: service,
                valid: classify::service_codes_list(),
            });
        }
        if let Some(job_role) = self.job_role
            && !classify::is_job_role(job_role)
        {
            return Err(MetricsError::UnknownJobRole {
                given: job_role,
                valid: classify::job_role_codes_list(),
            });
        }
        Ok(())
    }

    pub(crate) fn admits_workplace(&self, workplace: &WorkplaceFacts) -> bool {
        self.org.as_ref().is_none_or(|org| &workplace.org == org)
            && self
                .workplace
                .as_ref()
                .is_none_or(|id| &workplace.localestid == id)
            && self
                .area
                .as_ref()
                .is_none_or(|area| workplace.area_code.as_ref() == Some(area))
            && self
                .region
                .as_ref()
                .is_none_or(|region| workplace.region_code.as_ref() == Some(region))
            && self
                .service
                .is_none_or(|service| workplace.main_service == service)
            && self
                .sector
                .is_none_or(|sector| sector.matches(workplace.sector))
    }

    /// Whether a MAINJOBROLE code passes the role filters.
    pub(crate) fn admits_role(&self, job_role: u32) -> bool {
        self.job_role.is_none_or(|wanted| wanted == job_role)
            && self
                .role_group
                .is_none_or(|group| classify::role_group(job_role) == Some(group))
    }
}

/// The group a figure describes, as it appears in JSON: every filter key, `null` when not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupDescription {
    /// `--org`.
    pub org: Option<String>,
    /// `--workplace`.
    pub workplace: Option<String>,
    /// `--area`.
    pub area: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--service`.
    pub service: Option<u32>,
    /// `--sector`.
    pub sector: Option<String>,
    /// `--job-role`.
    pub job_role: Option<u32>,
    /// `--role-group`.
    pub role_group: Option<String>,
    /// The as-of date, `YYYY-MM-DD`.
    pub as_of: String,
}

/// A snapshot with its staff indexed by workplace, built once and shared by every metric.
#[derive(Debug)]
pub struct SnapshotIndex<'a> {
    snapshot: &'a Snapshot,
    as_of: time::Date,
    staff_by_workplace: Vec<Vec<&'a StaffFacts>>,
    roles_by_workplace: Vec<Vec<RoleTally>>,
    orphan_staff: usize,
}

impl<'a> SnapshotIndex<'a> {
    /// Indexes a snapshot. Staff records naming no workplace of the snapshot are set aside and
    /// counted ([`SnapshotIndex::orphan_staff`]).
    pub fn new(snapshot: &'a Snapshot) -> SnapshotIndex<'a> {
        SnapshotIndex::at(snapshot, snapshot.as_of)
    }

    /// Indexes a snapshot to answer for the as-of date `as_of` (a date on or after the
    /// snapshot's own, before the next one): "last 12 months" and stability use `as_of`.
    pub fn at(snapshot: &'a Snapshot, as_of: time::Date) -> SnapshotIndex<'a> {
        let position: HashMap<u64, usize> = snapshot
            .workplaces
            .iter()
            .enumerate()
            .map(|(index, workplace)| (workplace.id, index))
            .collect();
        let mut staff_by_workplace = vec![Vec::new(); snapshot.workplaces.len()];
        let mut orphan_staff = 0;
        for staff_record in &snapshot.staff {
            match position
                .get(&staff_record.workplace)
                .and_then(|&index| staff_by_workplace.get_mut(index))
            {
                Some(list) => list.push(staff_record),
                None => orphan_staff += 1,
            }
        }
        let roles_by_workplace = staff_by_workplace
            .iter()
            .map(|staff| RoleTally::of(staff))
            .collect();
        SnapshotIndex {
            snapshot,
            as_of,
            staff_by_workplace,
            roles_by_workplace,
            orphan_staff,
        }
    }

    /// The snapshot indexed.
    pub fn snapshot(&self) -> &'a Snapshot {
        self.snapshot
    }

    /// The as-of date D the index answers for.
    pub fn as_of(&self) -> time::Date {
        self.as_of
    }

    /// Staff records whose workplace is not in the snapshot (ignored by every metric).
    pub fn orphan_staff(&self) -> usize {
        self.orphan_staff
    }

    /// Resolves a filter into a group.
    pub fn group(&self, filter: &GroupFilter) -> Group<'_, 'a> {
        self.group_where(filter, |_| true)
    }

    /// Resolves a filter into a group, keeping only the workplaces `keep` admits.
    pub(crate) fn group_where(
        &self,
        filter: &GroupFilter,
        keep: impl Fn(&WorkplaceFacts) -> bool,
    ) -> Group<'_, 'a> {
        let members = self
            .snapshot
            .workplaces
            .iter()
            .zip(self.staff_by_workplace.iter().zip(&self.roles_by_workplace))
            .filter(|(workplace, _)| filter.admits_workplace(workplace) && keep(workplace))
            .map(|(workplace, (staff, roles))| Member {
                workplace,
                staff: staff.as_slice(),
                roles: roles.as_slice(),
            })
            .collect();
        Group {
            members,
            filter: filter.clone(),
            as_of: self.as_of,
        }
    }
}

/// One workplace of a group, with all its staff records (role filters not yet applied).
#[derive(Debug, Clone, Copy)]
pub struct Member<'i, 'a> {
    /// The workplace.
    pub workplace: &'a WorkplaceFacts,
    /// All its staff records.
    pub staff: &'i [&'a StaffFacts],
    /// Its records counted by job role.
    pub roles: &'i [RoleTally],
}

/// A workplace's staff records of one job role: all of them and the directly employed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleTally {
    /// MAINJOBROLE code.
    pub job_role: u32,
    /// Staff records of the role, all contract types.
    pub records: u64,
    /// Directly employed records (permanent or temporary) of the role.
    pub directly_employed: u64,
}

impl RoleTally {
    fn of(staff: &[&StaffFacts]) -> Vec<RoleTally> {
        let mut tallies: Vec<RoleTally> = Vec::new();
        for record in staff {
            let direct = u64::from(
                record
                    .contract
                    .is_some_and(|contract| contract.is_directly_employed()),
            );
            match tallies
                .iter_mut()
                .find(|tally| tally.job_role == record.job_role)
            {
                Some(tally) => {
                    tally.records += 1;
                    tally.directly_employed += direct;
                }
                None => tallies.push(RoleTally {
                    job_role: record.job_role,
                    records: 1,
                    directly_employed: direct,
                }),
            }
        }
        tallies
    }
}

impl Member<'_, '_> {
    /// (records, directly employed records) of the roles `filter` admits.
    pub(crate) fn tally(&self, filter: &GroupFilter) -> (u64, u64) {
        self.roles
            .iter()
            .filter(|tally| filter.admits_role(tally.job_role))
            .fold((0, 0), |(records, direct), tally| {
                (records + tally.records, direct + tally.directly_employed)
            })
    }
}

/// A resolved group: its workplaces and the filter (whose role part applies to staff records).
#[derive(Debug, Clone)]
pub struct Group<'i, 'a> {
    pub(crate) members: Vec<Member<'i, 'a>>,
    pub(crate) filter: GroupFilter,
    pub(crate) as_of: time::Date,
}

impl<'i, 'a> Group<'i, 'a> {
    /// The workplaces of the group.
    pub fn members(&self) -> &[Member<'i, 'a>] {
        &self.members
    }

    /// The filter that made the group.
    pub fn filter(&self) -> &GroupFilter {
        &self.filter
    }

    /// The as-of date.
    pub fn as_of(&self) -> time::Date {
        self.as_of
    }

    /// The staff records of the group after role filters, with their workplace.
    pub(crate) fn records(
        &self,
    ) -> impl Iterator<Item = (&'a WorkplaceFacts, &'a StaffFacts)> + '_ {
        self.members.iter().flat_map(move |member| {
            member
                .staff
                .iter()
                .filter(move |record| self.filter.admits_role(record.job_role))
                .map(move |record| (member.workplace, *record))
        })
    }

    /// The same workplaces with the job-role filter set to `job_role`.
    pub(crate) fn with_job_role(&self, job_role: Option<u32>) -> Group<'i, 'a> {
        let mut filter = self.filter.clone();
        filter.job_role = job_role;
        Group {
            members: self.members.clone(),
            filter,
            as_of: self.as_of,
        }
    }

    /// A group of one of this group's workplaces, without role filters.
    pub(crate) fn single(&self, member: &Member<'i, 'a>) -> Group<'i, 'a> {
        Group {
            members: vec![*member],
            filter: GroupFilter::default(),
            as_of: self.as_of,
        }
    }

    /// The group's description for JSON.
    pub fn description(&self) -> GroupDescription {
        GroupDescription {
            org: self.filter.org.clone(),
            workplace: self.filter.workplace.clone(),
            area: self.filter.area.clone(),
            region: self.filter.region.clone(),
            service: self.filter.service,
            sector: self.filter.sector.map(|sector| sector.as_str().to_string()),
            job_role: self.filter.job_role,
            role_group: self
                .filter
                .role_group
                .map(|group| group.as_str().to_string()),
            as_of: crate::format_date(self.as_of),
        }
    }
}

/// The snapshot current on `date`: the latest whose as-of date is on or before it. `None` when
/// every snapshot is later (no data yet on that date).
pub fn current_on(snapshots: &[Snapshot], date: time::Date) -> Option<&Snapshot> {
    snapshots
        .iter()
        .filter(|snapshot| snapshot.as_of <= date)
        .max_by_key(|snapshot| snapshot.as_of)
}
