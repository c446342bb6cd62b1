//! Exact counts, headers, determinism and bad options.

use std::collections::BTreeMap;

use carecount_generate::{GenerateError, generate};

use crate::support::*;

/// The three headers as `ascwds-formats.md` §2.1, §3.1 (base) and §4.1 print them.
const SPEC_WORKPLACE_HEADER: &str = "LOCALESTID,STATUS,ESTNAME,ADDRESS1,ADDRESS2,ADDRESS3,POSTTOWN,POSTCODE,ESTTYPE,OTHERTYPE,PERMCQC,PERMLA,REGTYPE,PROVNUM,LOCATIONID,MAINSERVICE,ALLSERVICES,CAPACITY,UTILISATION,SERVICEDESC,SERVICEUSERS,OTHERUSERDESC,DHA,DHAACTIVITIES,TOTALPERMTEMP,ALLJOBROLES,STARTERS,LEAVERS,VACANCIES,REASONS,REASONNOS,REPEATTRAINING,CWPAWARE,CWPUSE,CWPUSEDESC,SICKPAY,PENSION,ACTUALCONT,OPTOUTPEN,HOLIDAY,SLEEPINS,SLEEPINPAY,TRAVELTIME,TTDIFFRATE";
const SPEC_STAFF_HEADER: &str = "LOCALESTID,UNIQUEWORKERID,STATUS,DISPLAYID,NINUMBER,POSTCODE,DOB,GENDER,ETHNICITY,NATIONALITY,BRITISHCITIZENSHIP,COUNTRYOFBIRTH,YEAROFENTRY,DISABLED,CARECERT,L2CARECERT,RECSOURCE,HANDCVISA,INOUTUK,STARTDATE,STARTINSECT,DHA,APPRENTICE,EMPLSTATUS,ZEROHRCONT,DAYSSICK,SALARYINT,SALARY,HOURLYRATE,MAINJOBROLE,MAINJRDESC,CONTHOURS,AVGHOURS,NMCREG,AMHP,SCQUAL,NONSCQUAL,CWPCATEGORY,QUALACH01,QUALACH01NOTES,QUALACH02,QUALACH02NOTES,QUALACH03,QUALACH03NOTES";
const SPEC_TRAINING_HEADER: &str = "LOCALESTID,UNIQUEWORKERID,CATEGORY,TRAININGNAME,ACCREDITED,WHODELIVERED,PROVIDERNAME,HOWDELIVERED,VALIDITY,DATECOMPLETED,EXPIRYDATE,NOTES";

#[test]
fn headers_are_exactly_the_spec_headers() {
    let upload = upload(3, 30, 1);
    assert_eq!(upload.workplace.lines().next(), Some(SPEC_WORKPLACE_HEADER));
    assert_eq!(upload.staff.lines().next(), Some(SPEC_STAFF_HEADER));
    assert_eq!(upload.training.lines().next(), Some(SPEC_TRAINING_HEADER));
    // 44 + 44 + 12 columns (§2, §3, §4 titles).
    assert_eq!(SPEC_WORKPLACE_HEADER.split(',').count(), 44);
    assert_eq!(SPEC_STAFF_HEADER.split(',').count(), 44);
    assert_eq!(SPEC_TRAINING_HEADER.split(',').count(), 12);
}

#[test]
fn lines_end_with_lf_only() {
    let upload = upload(5, 60, 2);
    for text in [&upload.workplace, &upload.staff, &upload.training] {
        assert!(!text.contains('\r'));
        assert!(text.ends_with('\n'));
        assert!(!text.contains("\n\n"), "no blank lines");
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let first = upload(12, 300, 42);
    let again = upload(12, 300, 42);
    assert_eq!(first, again);
    let other = upload(12, 300, 43);
    assert_ne!(first.workplace, other.workplace);
    assert_ne!(first.staff, other.staff);
    assert_ne!(first.training, other.training);
}

#[test]
fn counts_are_exact_and_totalpermtemp_matches_the_staff_lines() {
    for (workplaces, staff) in [
        (1, 1),
        (1, 999),
        (3, 2997),
        (7, 7),
        (20, 400),
        (36, 1000),
        (50, 3217),
    ] {
        let upload = upload(workplaces, staff, 5);
        let workplace_file = parse(&upload.workplace);
        let staff_file = parse(&upload.staff);
        assert_eq!(workplace_file.records.len(), workplaces as usize);
        assert_eq!(staff_file.records.len(), staff as usize);
        let mut lines_per_workplace: BTreeMap<&str, u64> = BTreeMap::new();
        for record in &staff_file.records {
            *lines_per_workplace
                .entry(staff_file.get(record, "LOCALESTID"))
                .or_default() += 1;
        }
        let mut declared_total = 0u64;
        for record in &workplace_file.records {
            let declared: u64 = workplace_file
                .get(record, "TOTALPERMTEMP")
                .parse()
                .unwrap_or(0);
            let local_id = workplace_file.get(record, "LOCALESTID");
            assert_eq!(
                lines_per_workplace.get(local_id).copied().unwrap_or(0),
                declared,
                "XW1 at {local_id}"
            );
            assert!((1..=999).contains(&declared), "W65/W66 at {local_id}");
            declared_total += declared;
        }
        assert_eq!(declared_total, staff);
        for record in &workplace_file.records {
            assert_eq!(workplace_file.get(record, "STATUS"), "NEW");
        }
        for record in &staff_file.records {
            assert_eq!(staff_file.get(record, "STATUS"), "NEW");
        }
    }
}

#[test]
fn impossible_options_are_refused() {
    let mut options = options(0, 10, 1);
    assert_eq!(generate(&options), Err(GenerateError::NoWorkplaces));
    options.workplaces = 5;
    options.staff = 4;
    assert_eq!(
        generate(&options),
        Err(GenerateError::TooFewStaff {
            staff: 4,
            workplaces: 5
        })
    );
    // 5 workplaces hold at most 5 × 999 = 4995 staff (W65).
    options.staff = 4996;
    assert_eq!(
        generate(&options),
        Err(GenerateError::TooManyStaff {
            staff: 4996,
            max: 4995
        })
    );
    options.staff = 4995;
    assert!(generate(&options).is_ok());
}

#[test]
fn about_two_training_records_per_staff_record() {
    let upload = upload(20, 4000, 9);
    let training = parse(&upload.training).records.len() as f64;
    // Target 2 per staff record (interfaces.md): 8000 ± 10%.
    assert!(
        (7200.0..=8800.0).contains(&training),
        "{training} training lines for 4000 staff"
    );
}

#[test]
fn write_to_dir_writes_the_three_files() {
    let upload = upload(2, 10, 3);
    let dir = std::env::temp_dir().join(format!("carecount-generate-test-{}", std::process::id()));
    let written = carecount_generate::write_to_dir(&upload, &dir.join("nested"));
    assert!(written.is_ok(), "{written:?}");
    let read =
        |name: &str| std::fs::read_to_string(dir.join("nested").join(name)).unwrap_or_default();
    assert_eq!(read("workplace.csv"), upload.workplace);
    assert_eq!(read("staff.csv"), upload.staff);
    assert_eq!(read("training.csv"), upload.training);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn quoted_fields_survive_a_real_csv_parser() {
    let upload = upload(40, 2000, 1);
    let workplaces = parse(&upload.workplace);
    let training = parse(&upload.training);
    // Some names carry ", Town" and some category names contain commas (A.16 code 22): after
    // parsing, those values are whole, so the quoting rule of §1.1 was applied.
    assert!(
        workplaces
            .records
            .iter()
            .any(|record| workplaces.get(record, "ESTNAME").contains(", "))
    );
    assert!(
        training
            .records
            .iter()
            .any(|record| training.get(record, "TRAININGNAME")
                == "Dignity, respect, person-centered care")
    );
    assert!(
        training
            .records
            .iter()
            .any(|record| training.get(record, "NOTES").contains('"'))
    );
    // A quoted field is quoted because it needs to be: no value of a plain field starts with a quote.
    for line in upload
        .workplace
        .lines()
        .chain(upload.staff.lines())
        .chain(upload.training.lines())
    {
        assert!(
            !line.contains(",\"\","),
            "an empty field was quoted: {line}"
        );
    }
}

#[test]
fn an_as_of_date_before_2024_writes_no_level_2_certificate_year() {
    // L2CARECERT years must lie between 2024 and the current year (S45, S46): none is possible.
    let mut options = options(10, 500, 6);
    options.as_of = time::macros::date!(2023 - 06 - 30);
    let upload = match generate(&options) {
        Ok(upload) => upload,
        Err(error) => panic!("{error}"),
    };
    let staff = parse(&upload.staff);
    let training = parse(&upload.training);
    for record in &staff.records {
        assert!(!staff.get(record, "L2CARECERT").contains(';'));
        let start = date(staff.get(record, "STARTDATE"));
        assert!(start.is_some_and(|start| start <= options.as_of), "S51");
        let birth = date(staff.get(record, "DOB"));
        assert!(birth.is_some_and(|birth| (16..=80).contains(&age(birth, options.as_of))));
    }
    for record in &training.records {
        let completed = training.get(record, "DATECOMPLETED");
        assert!(
            completed.is_empty() || date(completed).is_some_and(|done| done <= options.as_of),
            "T06"
        );
    }
}
