//! Reading the typed records of `carecount-domain` as metric facts: the one place where ASC-WDS
//! code numbers become the classifications metrics count by (`metrics.md` §1).

use carecount_codes::{Sector, tables};
use carecount_domain::{Answer, QualificationAnswer, Staff, WorkforceCounts, Workplace};

use crate::facts::{
    CareCertificate, Contract, Disability, Gender, Pay, Qualification, RoleCounts, StaffFacts,
    WorkplaceFacts, WorkplaceId,
};

/// Where a workplace sits, as the store records it.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    pub org: String,
    pub area_code: Option<String>,
    pub region_code: Option<String>,
}

/// A workplace's facts.
pub fn workplace_facts(id: WorkplaceId, placement: &Placement, w: &Workplace) -> WorkplaceFacts {
    let sector = w
        .employer_type
        .and_then(|t| tables().sector_of(t))
        .unwrap_or(Sector::Other);
    WorkplaceFacts {
        id,
        org: placement.org.clone(),
        localestid: w.localestid.clone(),
        area_code: placement.area_code.clone(),
        region_code: placement.region_code.clone(),
        sector,
        main_service: w.main_service,
        services: w.services.iter().map(|s| s.code).collect(),
        total_perm_temp: Some(w.total_perm_temp),
        starters: role_counts(&w.job_roles, &w.starters),
        leavers: role_counts(&w.job_roles, &w.leavers),
        vacancies: role_counts(&w.job_roles, &w.vacancies),
        leaver_reasons: w.leaving_reasons.clone(),
    }
}

/// STARTERS/LEAVERS/VACANCIES as per-role counts (§3 "By job role"): blank or a single `999` is
/// unknown; a `999` item for one role makes the whole answer unknown (decision: a partial answer
/// cannot be told apart from a wrong total).
fn role_counts(job_roles: &[u32], counts: &WorkforceCounts) -> RoleCounts {
    match counts {
        WorkforceCounts::NotAnswered | WorkforceCounts::DontKnow => RoleCounts::Unknown,
        WorkforceCounts::None => RoleCounts::none(),
        WorkforceCounts::PerRole(per_role) => {
            if per_role.contains(&999) {
                return RoleCounts::Unknown;
            }
            let pairs: Vec<(u32, u32)> = job_roles
                .iter()
                .copied()
                .zip(per_role.iter().copied())
                .collect();
            RoleCounts::known(&pairs)
        }
    }
}

/// A staff record's facts (`age` in completed years at the snapshot date, computed by the store).
pub fn staff_facts(workplace: WorkplaceId, s: &Staff, age: Option<i32>) -> StaffFacts {
    StaffFacts {
        workplace,
        job_role: s.main_job_role,
        contract: match s.contract {
            1 => Some(Contract::Permanent),
            2 => Some(Contract::Temporary),
            3 => Some(Contract::PoolBank),
            4 => Some(Contract::Agency),
            7 => Some(Contract::Other),
            _ => None,
        },
        zero_hours: match s.zero_hours {
            Some(Answer::Yes) => Some(true),
            Some(Answer::No) => Some(false),
            _ => None,
        },
        contracted_hours: s.contracted_hours_halves.map(|h| f64::from(h) / 2.0),
        average_hours: s.average_hours_halves.map(|h| f64::from(h) / 2.0),
        pay: match (s.salary_interval, s.salary, s.hourly_rate) {
            (Some(1), Some(salary), _) => Some(Pay::Annual(f64::from(salary))),
            (Some(3), _, Some(rate)) => Some(Pay::Hourly(rate.as_f64())),
            _ => None,
        },
        gender: match s.gender {
            Some(1) => Some(Gender::Male),
            Some(2) => Some(Gender::Female),
            Some(4) => Some(Gender::Other),
            _ => None,
        },
        age: age.and_then(|a| u32::try_from(a).ok()),
        ethnicity: s.ethnicity,
        nationality: s.nationality,
        disabled: match s.disabled {
            Some(0) => Some(Disability::No),
            Some(1) => Some(Disability::Yes),
            Some(2) => Some(Disability::Undisclosed),
            Some(3) => Some(Disability::DontKnow),
            _ => None,
        },
        start_date: s.start_date,
        start_in_sector: s.start_in_sector.filter(|y| *y != 999),
        days_sick: s.days_sick_halves.map(|h| f64::from(h) / 2.0),
        care_certificate: match s.care_certificate {
            Some(1) => Some(CareCertificate::Completed),
            Some(2) => Some(CareCertificate::No),
            Some(3) => Some(CareCertificate::InProgress),
            _ => None,
        },
        social_care_qualification: qualification(s.social_care_qualification),
        other_qualification: qualification(s.non_social_care_qualification),
        // DISPLAYID is mandatory on every saved line (S06), so every stored record has one.
        has_name_or_id: true,
    }
}

fn qualification(answer: Option<QualificationAnswer>) -> Option<Qualification> {
    match answer? {
        QualificationAnswer::Yes { level } => Some(Qualification::Yes {
            level: u8::try_from(level).ok().filter(|l| *l <= 8),
        }),
        QualificationAnswer::No => Some(Qualification::No),
        QualificationAnswer::DontKnow => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_role_counts_pair_with_job_roles() {
        // ALLJOBROLES 8;7 with LEAVERS 3;1 → role 8: 3, role 7: 1.
        let counts = role_counts(&[8, 7], &WorkforceCounts::PerRole(vec![3, 1]));
        assert_eq!(counts, RoleCounts::known(&[(8, 3), (7, 1)]));
        assert_eq!(
            role_counts(&[8], &WorkforceCounts::PerRole(vec![999])),
            RoleCounts::Unknown
        );
        assert_eq!(role_counts(&[], &WorkforceCounts::None), RoleCounts::none());
        assert_eq!(
            role_counts(&[], &WorkforceCounts::NotAnswered),
            RoleCounts::Unknown
        );
    }

    #[test]
    fn staff_codes_become_classes() {
        let mut s = Staff::example();
        s.contract = 4;
        s.zero_hours = Some(Answer::DontKnow);
        s.salary_interval = Some(3);
        s.hourly_rate = Some(carecount_domain::Hundredths(1250));
        s.social_care_qualification = Some(QualificationAnswer::Yes { level: 999 });
        s.contracted_hours_halves = Some(75);
        let f = staff_facts(9, &s, Some(40));
        assert_eq!(f.contract, Some(Contract::Agency));
        assert_eq!(f.zero_hours, None);
        assert_eq!(f.pay, Some(Pay::Hourly(12.5)));
        // Level 999 is "level not known".
        assert_eq!(
            f.social_care_qualification,
            Some(Qualification::Yes { level: None })
        );
        // 75 half hours = 37.5 hours.
        assert_eq!(f.contracted_hours, Some(37.5));
        assert_eq!(f.age, Some(40));
    }
}
