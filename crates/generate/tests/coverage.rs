//! Coverage at a moderate size: every main service, job role, contract type, pay form,
//! qualification code and training category appears (brief; interfaces.md `generate`).

use std::collections::BTreeSet;

use crate::support::*;

fn column_values<'a>(file: &'a Parsed, name: &str) -> BTreeSet<&'a str> {
    file.records
        .iter()
        .map(|record| file.get(record, name))
        .collect()
}

#[test]
fn moderate_upload_covers_every_code_list() {
    let tables = carecount_codes::tables();
    let upload = upload(40, 2000, 11);
    let workplaces = parse(&upload.workplace);
    let staff = parse(&upload.staff);
    let training = parse(&upload.training);

    // 40 workplaces ≥ 36 services (A.2): every service is some workplace's main service.
    let services = column_values(&workplaces, "MAINSERVICE");
    for code in tables.services.codes() {
        assert!(
            services.contains(code.to_string().as_str()),
            "main service {code} missing"
        );
    }
    // 2000 staff ≥ 37 job roles (A.4).
    let roles = column_values(&staff, "MAINJOBROLE");
    for code in tables.job_roles.codes() {
        assert!(
            roles.contains(code.to_string().as_str()),
            "job role {code} missing"
        );
    }
    assert_eq!(
        column_values(&staff, "EMPLSTATUS"),
        BTreeSet::from(["1", "2", "3", "4", "7"])
    );
    assert_eq!(
        column_values(&staff, "SALARYINT"),
        BTreeSet::from(["1", "3", "999"])
    );

    let mut qualifications = BTreeSet::new();
    for record in &staff.records {
        for column in ["QUALACH01", "QUALACH02", "QUALACH03"] {
            if let Some(code) = items(staff.get(record, column)).first() {
                qualifications.insert(code.to_string());
            }
        }
    }
    for code in tables.qualifications.codes() {
        assert!(
            qualifications.contains(&code.to_string()),
            "qualification {code} missing"
        );
    }
    let categories = column_values(&training, "CATEGORY");
    for code in tables.training_categories.codes() {
        assert!(
            categories.contains(code.to_string().as_str()),
            "training category {code} missing"
        );
    }
}

#[test]
fn small_upload_still_has_several_services_and_both_pay_forms() {
    let upload = upload(20, 400, 1);
    let workplaces = parse(&upload.workplace);
    let staff = parse(&upload.staff);
    assert!(column_values(&workplaces, "MAINSERVICE").len() >= 4);
    let pay = column_values(&staff, "SALARYINT");
    assert!(pay.contains("1") && pay.contains("3"));
    assert_eq!(column_values(&staff, "EMPLSTATUS").len(), 5);
}
