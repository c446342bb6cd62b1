//! The known columns of the three bulk-upload files as a small typed index ([`Col`]), so a
//! record's value is found by array position instead of by hashing its column name. A file's
//! header is resolved to these indices once ([`crate::row::Columns::new`]); every row then reads
//! `columns[col]` (issue 3: looking columns up by name was the single top cost of validation).
//!
//! The names are those of the exact headers in [`crate::recognise`] (§2.1, §3.1, §4.1); a unit
//! test checks that every header column has a [`Col`]. Columns beyond them (QUALACH04 and later
//! pairs) are read by name.

/// Declares the `Col` constants and their names in one list, so the two cannot drift apart.
macro_rules! columns {
    ($($name:ident,)*) => {
        /// Position of each name in [`NAMES`].
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy)]
        #[repr(u8)]
        enum Index { $($name,)* }

        impl Col {
            $(pub const $name: Col = Col(Index::$name as u8);)*
        }

        /// Every known column name, in [`Col`] order.
        pub const NAMES: &[&str] = &[$(stringify!($name),)*];
    };
}

/// A known column of a bulk-upload file (one of [`NAMES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Col(u8);

columns! {
    LOCALESTID,
    STATUS,
    ESTNAME,
    ADDRESS1,
    ADDRESS2,
    ADDRESS3,
    POSTTOWN,
    POSTCODE,
    ESTTYPE,
    OTHERTYPE,
    PERMCQC,
    PERMLA,
    REGTYPE,
    PROVNUM,
    LOCATIONID,
    MAINSERVICE,
    ALLSERVICES,
    CAPACITY,
    UTILISATION,
    SERVICEDESC,
    SERVICEUSERS,
    OTHERUSERDESC,
    DHA,
    DHAACTIVITIES,
    TOTALPERMTEMP,
    ALLJOBROLES,
    STARTERS,
    LEAVERS,
    VACANCIES,
    REASONS,
    REASONNOS,
    REPEATTRAINING,
    CWPAWARE,
    CWPUSE,
    CWPUSEDESC,
    SICKPAY,
    PENSION,
    ACTUALCONT,
    OPTOUTPEN,
    HOLIDAY,
    SLEEPINS,
    SLEEPINPAY,
    TRAVELTIME,
    TTDIFFRATE,
    UNIQUEWORKERID,
    CHGUNIQUEWRKID,
    TRANSFERSTAFFRECORD,
    DISPLAYID,
    NINUMBER,
    DOB,
    GENDER,
    ETHNICITY,
    NATIONALITY,
    BRITISHCITIZENSHIP,
    COUNTRYOFBIRTH,
    YEAROFENTRY,
    DISABLED,
    CARECERT,
    L2CARECERT,
    RECSOURCE,
    HANDCVISA,
    INOUTUK,
    STARTDATE,
    STARTINSECT,
    APPRENTICE,
    EMPLSTATUS,
    ZEROHRCONT,
    DAYSSICK,
    SALARYINT,
    SALARY,
    HOURLYRATE,
    MAINJOBROLE,
    MAINJRDESC,
    CONTHOURS,
    AVGHOURS,
    NMCREG,
    AMHP,
    SCQUAL,
    NONSCQUAL,
    CWPCATEGORY,
    QUALACH01,
    QUALACH01NOTES,
    QUALACH02,
    QUALACH02NOTES,
    QUALACH03,
    QUALACH03NOTES,
    CATEGORY,
    TRAININGNAME,
    ACCREDITED,
    WHODELIVERED,
    PROVIDERNAME,
    HOWDELIVERED,
    VALIDITY,
    DATECOMPLETED,
    EXPIRYDATE,
    NOTES,
}

/// How many known columns there are.
pub const COUNT: usize = NAMES.len();

impl Col {
    /// The column's name as written in a header.
    pub fn name(self) -> &'static str {
        NAMES.get(self.index()).copied().unwrap_or("")
    }

    /// The position of the column in [`NAMES`] (always below [`COUNT`]).
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The known column with this name.
    pub fn from_name(name: &str) -> Option<Col> {
        let i = NAMES.iter().position(|known| *known == name)?;
        u8::try_from(i).ok().map(Col)
    }

    /// The three QUALACH pairs of the base staff header (§3.1): `(QUALACHnn, QUALACHnnNOTES)`.
    pub const QUALIFICATION_PAIRS: [(Col, Col); 3] = [
        (Col::QUALACH01, Col::QUALACH01NOTES),
        (Col::QUALACH02, Col::QUALACH02NOTES),
        (Col::QUALACH03, Col::QUALACH03NOTES),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognise::{TRAINING_HEADER, WORKPLACE_HEADER, staff_base_header};

    #[test]
    fn every_header_column_is_known_and_named_as_written() {
        let staff = format!("{},CHGUNIQUEWRKID,TRANSFERSTAFFRECORD", staff_base_header());
        for header in [WORKPLACE_HEADER, staff.as_str(), TRAINING_HEADER] {
            for name in header.split(',') {
                let col = Col::from_name(name);
                assert!(col.is_some(), "{name} has no Col");
                assert_eq!(col.map(Col::name), Some(name));
            }
        }
    }

    #[test]
    fn constants_name_their_own_column() {
        assert_eq!(Col::LOCALESTID.name(), "LOCALESTID");
        assert_eq!(Col::QUALACH03NOTES.name(), "QUALACH03NOTES");
        assert_eq!(Col::NOTES.name(), "NOTES");
        assert_eq!(Col::from_name("QUALACH04"), None);
        // 44 workplace columns; 46 staff, of which LOCALESTID, STATUS, POSTCODE, DHA are workplace
        // columns too (46 − 4 = 42 new); 12 training, 10 new (not LOCALESTID, UNIQUEWORKERID).
        // 44 + 42 + 10 = 96.
        assert_eq!(COUNT, 96);
    }
}
