//! File recognition and header checks (`ascwds-formats.md` §6.1, §2.1, §3.1, §4.1, F5).

use crate::csv::{LineEnd, RawFile};
use crate::message::FileKind;

/// The exact workplace header (§2.1).
pub const WORKPLACE_HEADER: &str = "LOCALESTID,STATUS,ESTNAME,ADDRESS1,ADDRESS2,ADDRESS3,POSTTOWN,POSTCODE,ESTTYPE,OTHERTYPE,PERMCQC,PERMLA,REGTYPE,PROVNUM,LOCATIONID,MAINSERVICE,ALLSERVICES,CAPACITY,UTILISATION,SERVICEDESC,SERVICEUSERS,OTHERUSERDESC,DHA,DHAACTIVITIES,TOTALPERMTEMP,ALLJOBROLES,STARTERS,LEAVERS,VACANCIES,REASONS,REASONNOS,REPEATTRAINING,CWPAWARE,CWPUSE,CWPUSEDESC,SICKPAY,PENSION,ACTUALCONT,OPTOUTPEN,HOLIDAY,SLEEPINS,SLEEPINPAY,TRAVELTIME,TTDIFFRATE";

/// The base staff header after `LOCALESTID,UNIQUEWORKERID,` and the optional columns (§3.1).
const STAFF_REST: &str = "STATUS,DISPLAYID,NINUMBER,POSTCODE,DOB,GENDER,ETHNICITY,NATIONALITY,BRITISHCITIZENSHIP,COUNTRYOFBIRTH,YEAROFENTRY,DISABLED,CARECERT,L2CARECERT,RECSOURCE,HANDCVISA,INOUTUK,STARTDATE,STARTINSECT,DHA,APPRENTICE,EMPLSTATUS,ZEROHRCONT,DAYSSICK,SALARYINT,SALARY,HOURLYRATE,MAINJOBROLE,MAINJRDESC,CONTHOURS,AVGHOURS,NMCREG,AMHP,SCQUAL,NONSCQUAL,CWPCATEGORY,QUALACH01,QUALACH01NOTES,QUALACH02,QUALACH02NOTES,QUALACH03,QUALACH03NOTES";

/// The exact training header (§4.1).
pub const TRAINING_HEADER: &str = "LOCALESTID,UNIQUEWORKERID,CATEGORY,TRAININGNAME,ACCREDITED,WHODELIVERED,PROVIDERNAME,HOWDELIVERED,VALIDITY,DATECOMPLETED,EXPIRYDATE,NOTES";

const WORKPLACE_PROBE: &str = "LOCALESTID,STATUS,ESTNAME,ADDRESS1,ADDRESS2,ADDRES";

const STAFF_PROBES: [&str; 4] = [
    "LOCALESTID,UNIQUEWORKERID,STATUS,DISPLAYID,",
    "LOCALESTID,UNIQUEWORKERID,CHGUNIQUEWRKID,STATUS,DISPLAYID,",
    "LOCALESTID,UNIQUEWORKERID,TRANSFERSTAFFRECORD,STATUS,DISPLAYID,",
    "LOCALESTID,UNIQUEWORKERID,CHGUNIQUEWRKID,TRANSFERSTAFFRECORD,STATUS,DISPLAYID,",
];

/// The base staff header (no optional columns, three qualification pairs), as `export` writes it.
pub fn staff_base_header() -> String {
    format!("LOCALESTID,UNIQUEWORKERID,{STAFF_REST}")
}

/// Which kind a file is, or why it is not recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognition {
    Recognised(FileKind),
    NotRecognised(NotRecognised),
}

/// Why a file is not recognised. Every variant means "no rule ran" (F5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRecognised {
    /// No header of any kind was found.
    UnknownKind,
    /// The file has bare CR line ends.
    BareCr,
    /// A workplace file that starts with a byte-order mark.
    WorkplaceBom,
    /// The file looks like `kind` but its first line is not exactly an accepted header.
    HeaderMismatch(FileKind),
}

impl std::fmt::Display for NotRecognised {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRecognised::UnknownKind => write!(
                f,
                "the first line is not the header of a workplace, staff or training file"
            ),
            NotRecognised::BareCr => write!(
                f,
                "lines end with a bare carriage return (CR); save the file with LF or CRLF line ends"
            ),
            NotRecognised::WorkplaceBom => write!(
                f,
                "the workplace file starts with a byte-order mark (BOM), which ASC-WDS does not accept; save it as UTF-8 without BOM"
            ),
            NotRecognised::HeaderMismatch(kind) => {
                write!(
                    f,
                    "the header row is not exactly the {} file header",
                    kind.as_str()
                )
            }
        }
    }
}

/// The column layout of a recognised staff file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StaffLayout {
    pub chg_unique_worker_id: bool,
    pub transfer_staff_record: bool,
    /// Qualification pairs in all (3 plus any QUALACH04… pairs).
    pub qualification_pairs: u32,
}

/// Decides a file's kind by the tests of §6.1, in their order, then checks its header exactly.
pub fn recognise(file: &RawFile) -> Recognition {
    if file.line_end == LineEnd::Cr {
        return Recognition::NotRecognised(NotRecognised::BareCr);
    }
    if file.first_50.contains(WORKPLACE_PROBE) {
        return if file.first_line == WORKPLACE_HEADER && !file.bom {
            Recognition::Recognised(FileKind::Workplace)
        } else if file.bom {
            Recognition::NotRecognised(NotRecognised::WorkplaceBom)
        } else {
            Recognition::NotRecognised(NotRecognised::HeaderMismatch(FileKind::Workplace))
        };
    }
    if file.bom && file.first_line.starts_with(WORKPLACE_PROBE) {
        return Recognition::NotRecognised(NotRecognised::WorkplaceBom);
    }
    if STAFF_PROBES
        .iter()
        .any(|probe| file.first_line.contains(probe))
    {
        return match staff_layout(&file.first_line) {
            Some(_) => Recognition::Recognised(FileKind::Staff),
            None => Recognition::NotRecognised(NotRecognised::HeaderMismatch(FileKind::Staff)),
        };
    }
    if file.first_line.contains(TRAINING_HEADER) {
        return if file.first_line == TRAINING_HEADER {
            Recognition::Recognised(FileKind::Training)
        } else {
            Recognition::NotRecognised(NotRecognised::HeaderMismatch(FileKind::Training))
        };
    }
    Recognition::NotRecognised(NotRecognised::UnknownKind)
}

/// The layout of an exactly accepted staff header (§3.1), or `None`.
pub fn staff_layout(first_line: &str) -> Option<StaffLayout> {
    let rest = first_line.strip_prefix("LOCALESTID,UNIQUEWORKERID,")?;
    let (chg, rest) = match rest.strip_prefix("CHGUNIQUEWRKID,") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let (transfer, rest) = match rest.strip_prefix("TRANSFERSTAFFRECORD,") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let mut extra = rest.strip_prefix(STAFF_REST)?;
    let mut pairs = 3u32;
    while !extra.is_empty() {
        let next = pairs + 1;
        if next > 99 {
            return None;
        }
        let pair = format!(",QUALACH{next:02},QUALACH{next:02}NOTES");
        extra = extra.strip_prefix(pair.as_str())?;
        pairs = next;
    }
    Some(StaffLayout {
        chg_unique_worker_id: chg,
        transfer_staff_record: transfer,
        qualification_pairs: pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::read;

    fn kind(text: &str) -> Recognition {
        recognise(&read(text.as_bytes()))
    }

    #[test]
    fn each_kind_is_recognised_by_its_exact_header() {
        assert_eq!(
            kind(&format!("{WORKPLACE_HEADER}\n")),
            Recognition::Recognised(FileKind::Workplace)
        );
        assert_eq!(
            kind(&format!("{}\r\n", staff_base_header())),
            Recognition::Recognised(FileKind::Staff)
        );
        assert_eq!(
            kind(&format!("{TRAINING_HEADER}\n")),
            Recognition::Recognised(FileKind::Training)
        );
    }

    #[test]
    fn a_workplace_header_with_an_extra_column_is_a_mismatch() {
        assert_eq!(
            kind(&format!("{WORKPLACE_HEADER},EXTRA\n")),
            Recognition::NotRecognised(NotRecognised::HeaderMismatch(FileKind::Workplace))
        );
    }

    #[test]
    fn a_bom_spoils_only_the_workplace_file() {
        assert_eq!(
            kind(&format!("\u{feff}{WORKPLACE_HEADER}\n")),
            Recognition::NotRecognised(NotRecognised::WorkplaceBom)
        );
        assert_eq!(
            kind(&format!("\u{feff}{TRAINING_HEADER}\n")),
            Recognition::Recognised(FileKind::Training)
        );
    }

    #[test]
    fn staff_variants_and_qualification_pairs() {
        let with_both = format!(
            "LOCALESTID,UNIQUEWORKERID,CHGUNIQUEWRKID,TRANSFERSTAFFRECORD,{STAFF_REST},QUALACH04,QUALACH04NOTES,QUALACH05,QUALACH05NOTES"
        );
        let layout = staff_layout(&with_both);
        assert_eq!(
            layout,
            Some(StaffLayout {
                chg_unique_worker_id: true,
                transfer_staff_record: true,
                qualification_pairs: 5
            })
        );
        // Skipping a number, or half a pair, is not accepted.
        assert_eq!(
            staff_layout(&format!("{},QUALACH05,QUALACH05NOTES", staff_base_header())),
            None
        );
        assert_eq!(
            staff_layout(&format!("{},QUALACH04", staff_base_header())),
            None
        );
        // Optional columns in the wrong order.
        assert_eq!(
            staff_layout(&format!(
                "LOCALESTID,UNIQUEWORKERID,TRANSFERSTAFFRECORD,CHGUNIQUEWRKID,{STAFF_REST}"
            )),
            None
        );
    }

    #[test]
    fn bare_cr_and_unknown_files() {
        assert_eq!(
            kind(&format!("{TRAINING_HEADER}\r1,2\r")),
            Recognition::NotRecognised(NotRecognised::BareCr)
        );
        assert_eq!(
            kind("a,b,c\n1,2,3\n"),
            Recognition::NotRecognised(NotRecognised::UnknownKind)
        );
        assert_eq!(
            kind(""),
            Recognition::NotRecognised(NotRecognised::UnknownKind)
        );
    }
}
