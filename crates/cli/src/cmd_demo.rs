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
    Ok(summary)
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
