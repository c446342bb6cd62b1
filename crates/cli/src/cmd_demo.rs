//! `carecount demo`: loads the demo data set through the real import path (`interfaces.md`).

use std::process::ExitCode;

use carecount_ascwds::{Given, InputFile};
use carecount_store::{AreaAssignment, Store};
use clap::Args;

use crate::global::DbArg;

/// Load the demo data set (Demo LA, its region, a sample of England; three yearly snapshots).
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount demo --db demo.db\n  carecount metric vacancy_rate --db demo.db --area \"Demo LA\""
)]
pub struct DemoArgs {
    #[command(flatten)]
    pub db: DbArg,
}

/// What the demo loaded.
#[derive(Debug, Default, Clone)]
pub struct DemoSummary {
    pub orgs: usize,
    pub snapshots: usize,
    pub workplaces: usize,
    pub staff: usize,
}

/// Loads the demo data set into `store`: every organisation of `carecount_generate::demo_orgs()`,
/// three yearly uploads each (`DEMO_DATES`), each through the real import path
/// (`carecount_store::ingest::import`) with its area. An upload that does not validate is a bug in
/// the generator and stops the load.
pub fn load_demo(store: &mut Store) -> anyhow::Result<DemoSummary> {
    let orgs = carecount_generate::demo_orgs();
    let tables = carecount_codes::tables();
    let mut summary = DemoSummary {
        orgs: orgs.len(),
        ..DemoSummary::default()
    };
    let bar = crate::progress::bar(
        (orgs.len() * carecount_generate::DEMO_DATES.len()) as u64,
        "demo",
    );
    for org in &orgs {
        let uploads =
            carecount_generate::demo_uploads(org, carecount_generate::DEMO_DATES.len())
                .map_err(|e| anyhow::anyhow!("generating the demo uploads of {}: {e}", org.id))?;
        let area = match tables.local_authority(&org.area) {
            Some(la) => AreaAssignment {
                code: la.code.clone(),
                name: la.name.clone(),
                region_code: Some(la.region_code.clone()),
            },
            None => AreaAssignment {
                code: org.area.clone(),
                name: org.area_name.clone(),
                region_code: Some(org.region.clone()),
            },
        };
        for upload in uploads {
            let given = Given::Explicit {
                workplace: Some(InputFile {
                    path: format!("{}/workplace.csv", org.id),
                    bytes: upload.workplace.into_bytes(),
                }),
                staff: Some(InputFile {
                    path: format!("{}/staff.csv", org.id),
                    bytes: upload.staff.into_bytes(),
                }),
                training: Some(InputFile {
                    path: format!("{}/training.csv", org.id),
                    bytes: upload.training.into_bytes(),
                }),
            };
            let place = |_: &carecount_domain::Workplace| Some(area.clone());
            let outcome = carecount_store::ingest::import(
                store,
                &org.id,
                upload.as_of,
                given,
                &place,
                false,
                &mut |_, _| {},
            )
            .map_err(|e| {
                anyhow::anyhow!(
                    "importing the demo upload of {} as of {}: {e}",
                    org.id,
                    upload.as_of
                )
            })?;
            if outcome.snapshot.is_none() {
                let first = outcome
                    .validation
                    .messages
                    .first()
                    .map(|m| format!("{m:?}"))
                    .unwrap_or_default();
                anyhow::bail!(
                    "the demo upload of {} as of {} did not validate: {first}",
                    org.id,
                    upload.as_of
                );
            }
            summary.snapshots += 1;
            if upload.as_of
                == carecount_generate::DEMO_DATES[carecount_generate::DEMO_DATES.len() - 1]
            {
                summary.workplaces += outcome.plan.workplaces.len();
                summary.staff += outcome.plan.staff.len();
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    // Every employer of Demo LA keeps the training ASC-WDS files do not carry, so that the area's
    // compliance figures and training needs analysis describe a workforce a commissioner would
    // recognise (not only the two employers with demo accounts).
    for org in orgs
        .iter()
        .filter(|org| org.area == carecount_generate::DEMO_AREA_CODE)
    {
        add_demo_compliance(store, &org.id)?;
    }
    Ok(summary)
}

/// What ASC-WDS files do not carry, for each Demo LA employer: supervision and appraisal dates
/// for everyone, NMC registrations for nurses and nursing associates, Social Work England
/// registrations for social workers — spread so that some are in date, some expiring and some
/// overdue on the last demo date, as a manager would find them.
fn add_demo_compliance(store: &mut Store, org: &str) -> anyhow::Result<()> {
    use carecount_store::compliance::NewComplianceRecord;
    use time::Duration;
    let Some(snapshot) = store.snapshot_at(org, None)? else {
        return Ok(());
    };
    let scope = store.owner_scope(org)?;
    let refs = store.compliance_staff(&scope, &snapshot)?;
    let records = store.org_records(&scope, &snapshot)?;
    let role_of: std::collections::HashMap<(String, String), u32> = records
        .staff
        .iter()
        .map(|s| {
            (
                (s.localestid.clone(), s.unique_worker_id.clone()),
                s.main_job_role,
            )
        })
        .collect();
    let day = snapshot.as_of;
    let record = |staff_id: i64,
                  topic: &str,
                  completed: Option<time::Date>,
                  expires: Option<time::Date>,
                  number: &str| {
        NewComplianceRecord {
            staff_id,
            topic: topic.to_string(),
            level: None,
            completed,
            expires,
            validity_months: None,
            title: String::new(),
            provider: String::new(),
            number: number.to_string(),
            revalidation_due: expires,
            notes: "demo data".to_string(),
        }
    };
    let mut new = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        let i = i as i64;
        // Supervision every 3 months: 0–119 days ago, so about a quarter are overdue.
        new.push(record(
            r.staff_id,
            "supervision",
            Some(day - Duration::days((i * 37) % 120)),
            None,
            "",
        ));
        // Appraisal yearly: 0–479 days ago.
        new.push(record(
            r.staff_id,
            "appraisal",
            Some(day - Duration::days((i * 53) % 480)),
            None,
            "",
        ));
        // Statutory training entered by the employer (ASC-WDS training lines hold only some of
        // it): most staff have each topic, completed 0–40 months ago, so that some are in date,
        // some expiring and some expired; about one in eight has none (missing).
        let statutory: [(&str, Option<&str>); 8] = [
            ("health_safety", None),
            ("fire_safety", None),
            ("infection_prevention", None),
            ("moving_objects", None),
            ("safeguarding_adults", Some("bronze")),
            ("safeguarding_children", None),
            ("ommt_elearning", None),
            ("ommt_part2", Some("tier1")),
        ];
        for (t, (topic, level)) in statutory.iter().enumerate() {
            let t = t as i64;
            if (i * 7 + t * 3) % 8 == 0 {
                continue;
            }
            let completed = day - Duration::days((i * 97 + t * 211) % 1220);
            let mut entered = record(r.staff_id, topic, Some(completed), None, "");
            entered.level = level.map(str::to_string);
            entered.title = format!("{topic} (demo)");
            new.push(entered);
        }
        let role = role_of
            .get(&(r.localestid.clone(), r.unique_worker_id.clone()))
            .copied()
            .unwrap_or(0);
        // Registrations expire between 30 days ago and 335 days ahead.
        let expires = Some(day + Duration::days((i * 71) % 365 - 30));
        match role {
            16 | 37 => new.push(record(
                r.staff_id,
                "nmc_registration",
                None,
                expires,
                &format!("{:02}A{:04}E", 10 + i % 89, 1000 + i),
            )),
            6 => new.push(record(
                r.staff_id,
                "swe_registration",
                None,
                expires,
                &format!("SW{:06}", 100_000 + i),
            )),
            _ => {}
        }
    }
    store.add_compliance_records("demo", org, &new)?;
    Ok(())
}

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(&args.db.db)?;
    let summary = load_demo(&mut store)?;
    eprintln!(
        "loaded the demo data set into {}: {} organisations, {} snapshots, {} workplaces, {} staff records",
        args.db.db.display(),
        summary.orgs,
        summary.snapshots,
        summary.workplaces,
        summary.staff
    );
    Ok(ExitCode::SUCCESS)
}
