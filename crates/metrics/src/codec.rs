//! A compact binary form of [`WorkplaceFacts`] and [`StaffFacts`] for the store's fact cache
//! (`load`): hand-written, little endian, unsigned integers as LEB128 varints, floats as their
//! IEEE-754 bits (so every value round-trips exactly), with a versioned header.
//!
//! Layout of a blob: the magic `CCFX`, [`FORMAT_VERSION`] (one byte), a kind byte, then the body.
//! A blob with another magic, version or kind, a truncated or over-long body, or a value out of
//! range is an error ([`CodecError`]) — never a panic — and the loader rebuilds the cache.
//!
//! Bump [`FORMAT_VERSION`] whenever the layout **or** the meaning of the facts changes (for
//! example a new classification in `from_domain`): blobs written by an older build are then
//! ignored and rebuilt.
//!
//! The same form holds the memoised region and England figures of area profiles
//! ([`encode_results`]): every field of [`MetricValue`], [`Figure`], pay rows, distributions and
//! leavers' reasons, including those the JSON form skips and disclosure control reads.

use carecount_codes::Sector;
use time::Date;

use crate::facts::{
    CareCertificate, Contract, Disability, Gender, Pay, Qualification, RoleCounts, StaffFacts,
    WorkplaceFacts,
};
use crate::group::GroupDescription;
use crate::memo::{MemoKey, MemoValue};
use crate::stats::Summary;
use crate::tables::{Demographics, Distribution, DistributionRow, PayRow, ReasonRow};
use crate::value::{Figure, FigureKind, MetricValue, SuppressionReason, WithheldCounts};

/// The version byte of every blob this build writes and the only one it reads.
pub const FORMAT_VERSION: u8 = 1;

const MAGIC: &[u8; 4] = b"CCFX";
const KIND_FACTS: u8 = 1;
const KIND_INDEX: u8 = 2;

/// A blob that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cached facts cannot be read back: {0}")]
pub struct CodecError(String);

fn fail<T>(what: &str) -> Result<T, CodecError> {
    Err(CodecError(what.to_string()))
}

/// One part of the cache: facts with their positions in the full (uncached) load, so that
/// parts merged in any order give back the same order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FactsPart {
    /// `(position, facts)`.
    pub workplaces: Vec<(u32, WorkplaceFacts)>,
    /// `(position, facts)`.
    pub staff: Vec<(u32, StaffFacts)>,
}

/// What the index part says about one facts part: which areas, regions and organisations its
/// workplaces belong to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexEntry {
    /// The part's name in the cache.
    pub part: String,
    /// The area code of its workplaces (`None`: the part of unplaced workplaces).
    pub area: Option<String>,
    /// The region codes its workplaces carry, sorted, without duplicates.
    pub regions: Vec<String>,
    /// The organisations holding its workplaces, sorted, without duplicates.
    pub orgs: Vec<String>,
}

// ---------------------------------------------------------------- writing

struct Writer(Vec<u8>);

impl Writer {
    fn new(kind: u8) -> Writer {
        let mut bytes = Vec::with_capacity(1024);
        bytes.extend_from_slice(MAGIC);
        bytes.push(FORMAT_VERSION);
        bytes.push(kind);
        Writer(bytes)
    }

    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn var(&mut self, mut v: u64) {
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(low);
                return;
            }
            self.0.push(low | 0x80);
        }
    }

    fn len(&mut self, n: usize) {
        self.var(n as u64);
    }

    fn signed(&mut self, v: i64) {
        // Zigzag: small magnitudes of either sign stay short.
        self.var(((v << 1) ^ (v >> 63)) as u64);
    }

    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }

    fn strs(&mut self, list: &[String]) {
        self.len(list.len());
        for s in list {
            self.str(s);
        }
    }

    fn role_counts(&mut self, counts: &RoleCounts) {
        match counts {
            RoleCounts::Unknown => self.u8(0),
            RoleCounts::Known(by_role) => {
                self.u8(1);
                self.len(by_role.len());
                for (role, count) in by_role {
                    self.var(u64::from(*role));
                    self.var(u64::from(*count));
                }
            }
        }
    }

    fn workplace(&mut self, position: u32, w: &WorkplaceFacts) {
        self.var(u64::from(position));
        self.var(w.id);
        self.str(&w.org);
        self.str(&w.localestid);
        self.opt_str(w.area_code.as_deref());
        self.opt_str(w.region_code.as_deref());
        self.u8(sector_code(w.sector));
        self.var(u64::from(w.main_service));
        self.len(w.services.len());
        for s in &w.services {
            self.var(u64::from(*s));
        }
        match w.total_perm_temp {
            None => self.u8(0),
            Some(t) => {
                self.u8(1);
                self.var(u64::from(t));
            }
        }
        self.role_counts(&w.starters);
        self.role_counts(&w.leavers);
        self.role_counts(&w.vacancies);
        self.len(w.leaver_reasons.len());
        for (reason, count) in &w.leaver_reasons {
            self.var(u64::from(*reason));
            self.var(u64::from(*count));
        }
    }

    fn staff(&mut self, position: u32, s: &StaffFacts) {
        self.var(u64::from(position));
        self.var(s.workplace);
        self.var(u64::from(s.job_role));
        let present = [
            s.contract.is_some(),
            s.zero_hours.is_some(),
            s.contracted_hours.is_some(),
            s.average_hours.is_some(),
            s.pay.is_some(),
            s.gender.is_some(),
            s.age.is_some(),
            s.ethnicity.is_some(),
            s.nationality.is_some(),
            s.disabled.is_some(),
            s.start_date.is_some(),
            s.start_in_sector.is_some(),
            s.days_sick.is_some(),
            s.care_certificate.is_some(),
            s.social_care_qualification.is_some(),
            s.other_qualification.is_some(),
            s.has_name_or_id,
        ];
        let mask = present
            .iter()
            .enumerate()
            .fold(0u64, |mask, (bit, on)| mask | (u64::from(*on) << bit));
        self.var(mask);
        if let Some(c) = s.contract {
            self.u8(contract_code(c));
        }
        if let Some(z) = s.zero_hours {
            self.u8(u8::from(z));
        }
        if let Some(h) = s.contracted_hours {
            self.f64(h);
        }
        if let Some(h) = s.average_hours {
            self.f64(h);
        }
        if let Some(pay) = s.pay {
            match pay {
                Pay::Annual(v) => {
                    self.u8(0);
                    self.f64(v);
                }
                Pay::Hourly(v) => {
                    self.u8(1);
                    self.f64(v);
                }
            }
        }
        if let Some(g) = s.gender {
            self.u8(gender_code(g));
        }
        if let Some(a) = s.age {
            self.var(u64::from(a));
        }
        if let Some(e) = s.ethnicity {
            self.var(u64::from(e));
        }
        if let Some(n) = s.nationality {
            self.var(u64::from(n));
        }
        if let Some(d) = s.disabled {
            self.u8(disability_code(d));
        }
        if let Some(d) = s.start_date {
            self.signed(i64::from(d.to_julian_day()));
        }
        if let Some(y) = s.start_in_sector {
            self.signed(i64::from(y));
        }
        if let Some(d) = s.days_sick {
            self.f64(d);
        }
        if let Some(c) = s.care_certificate {
            self.u8(care_certificate_code(c));
        }
        if let Some(q) = s.social_care_qualification {
            self.qualification(q);
        }
        if let Some(q) = s.other_qualification {
            self.qualification(q);
        }
    }

    fn qualification(&mut self, q: Qualification) {
        match q {
            Qualification::No => self.u8(0),
            Qualification::Yes { level: None } => self.u8(1),
            Qualification::Yes { level: Some(l) } => {
                self.u8(2);
                self.u8(l);
            }
        }
    }
}

fn sector_code(s: Sector) -> u8 {
    match s {
        Sector::LocalAuthority => 0,
        Sector::Private => 1,
        Sector::Voluntary => 2,
        Sector::Other => 3,
    }
}

fn contract_code(c: Contract) -> u8 {
    match c {
        Contract::Permanent => 0,
        Contract::Temporary => 1,
        Contract::PoolBank => 2,
        Contract::Agency => 3,
        Contract::Other => 4,
    }
}

fn gender_code(g: Gender) -> u8 {
    match g {
        Gender::Male => 0,
        Gender::Female => 1,
        Gender::Other => 2,
    }
}

fn disability_code(d: Disability) -> u8 {
    match d {
        Disability::No => 0,
        Disability::Yes => 1,
        Disability::Undisclosed => 2,
        Disability::DontKnow => 3,
    }
}

fn care_certificate_code(c: CareCertificate) -> u8 {
    match c {
        CareCertificate::Completed => 0,
        CareCertificate::No => 1,
        CareCertificate::InProgress => 2,
    }
}

/// The bytes of a facts part.
pub fn encode_part(part: &FactsPart) -> Vec<u8> {
    let workplaces: Vec<(u32, &WorkplaceFacts)> =
        part.workplaces.iter().map(|(p, w)| (*p, w)).collect();
    let staff: Vec<(u32, &StaffFacts)> = part.staff.iter().map(|(p, s)| (*p, s)).collect();
    encode_borrowed(&workplaces, &staff)
}

/// The bytes of a facts part from borrowed facts (what [`decode_part`] reads back as a
/// [`FactsPart`]); saves copying a whole store's facts to write the cache.
pub fn encode_borrowed(
    workplaces: &[(u32, &WorkplaceFacts)],
    staff: &[(u32, &StaffFacts)],
) -> Vec<u8> {
    let mut w = Writer::new(KIND_FACTS);
    w.len(workplaces.len());
    for (position, workplace) in workplaces {
        w.workplace(*position, workplace);
    }
    w.len(staff.len());
    for (position, record) in staff {
        w.staff(*position, record);
    }
    w.0
}

/// The bytes of the index part.
pub fn encode_index(entries: &[IndexEntry]) -> Vec<u8> {
    let mut w = Writer::new(KIND_INDEX);
    w.len(entries.len());
    for e in entries {
        w.str(&e.part);
        w.opt_str(e.area.as_deref());
        w.strs(&e.regions);
        w.strs(&e.orgs);
    }
    w.0
}

// ---------------------------------------------------------------- reading

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], kind: u8) -> Result<Reader<'a>, CodecError> {
        let Some((head, _)) = bytes.split_at_checked(6) else {
            return fail("shorter than its header");
        };
        if &head[..4] != MAGIC {
            return fail("not a carecount facts blob");
        }
        if head[4] != FORMAT_VERSION {
            return Err(CodecError(format!(
                "format version {} (this build reads {FORMAT_VERSION})",
                head[4]
            )));
        }
        if head[5] != kind {
            return fail("another kind of blob");
        }
        Ok(Reader { bytes, at: 6 })
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.at.checked_add(n);
        match end.and_then(|end| self.bytes.get(self.at..end)) {
            Some(slice) => {
                self.at += n;
                Ok(slice)
            }
            None => fail("truncated"),
        }
    }

    fn u8(&mut self) -> Result<u8, CodecError> {
        match self.bytes.get(self.at) {
            Some(b) => {
                self.at += 1;
                Ok(*b)
            }
            None => fail("truncated"),
        }
    }

    fn var(&mut self) -> Result<u64, CodecError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return fail("a number too large");
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        fail("a number too long")
    }

    fn u32(&mut self) -> Result<u32, CodecError> {
        u32::try_from(self.var()?).or_else(|_| fail("a number out of range"))
    }

    fn signed(&mut self) -> Result<i64, CodecError> {
        let z = self.var()?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    /// A count of items that each take at least one byte (so a corrupt count cannot make us
    /// reserve more memory than the blob could describe).
    fn len(&mut self) -> Result<usize, CodecError> {
        let n = self.var()?;
        let left = self.bytes.len().saturating_sub(self.at);
        match usize::try_from(n) {
            Ok(n) if n <= left => Ok(n),
            _ => fail("a count larger than the blob"),
        }
    }

    fn f64(&mut self) -> Result<f64, CodecError> {
        let raw = self.take(8)?;
        let mut bits = [0u8; 8];
        bits.copy_from_slice(raw);
        Ok(f64::from_bits(u64::from_le_bytes(bits)))
    }

    fn str(&mut self) -> Result<String, CodecError> {
        let n = self.len()?;
        let raw = self.take(n)?;
        String::from_utf8(raw.to_vec()).or_else(|_| fail("text that is not UTF-8"))
    }

    fn flag(&mut self) -> Result<bool, CodecError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => fail("a bad flag"),
        }
    }

    fn opt_str(&mut self) -> Result<Option<String>, CodecError> {
        if self.flag()? {
            Ok(Some(self.str()?))
        } else {
            Ok(None)
        }
    }

    fn strs(&mut self) -> Result<Vec<String>, CodecError> {
        let n = self.len()?;
        (0..n).map(|_| self.str()).collect()
    }

    fn pairs(&mut self) -> Result<Vec<(u32, u32)>, CodecError> {
        let n = self.len()?;
        (0..n).map(|_| Ok((self.u32()?, self.u32()?))).collect()
    }

    fn role_counts(&mut self) -> Result<RoleCounts, CodecError> {
        if self.flag()? {
            Ok(RoleCounts::Known(self.pairs()?.into_iter().collect()))
        } else {
            Ok(RoleCounts::Unknown)
        }
    }

    fn workplace(&mut self) -> Result<(u32, WorkplaceFacts), CodecError> {
        let position = self.u32()?;
        let id = self.var()?;
        let org = self.str()?;
        let localestid = self.str()?;
        let area_code = self.opt_str()?;
        let region_code = self.opt_str()?;
        let sector = match self.u8()? {
            0 => Sector::LocalAuthority,
            1 => Sector::Private,
            2 => Sector::Voluntary,
            3 => Sector::Other,
            _ => return fail("a bad sector"),
        };
        let main_service = self.u32()?;
        let n = self.len()?;
        let services = (0..n).map(|_| self.u32()).collect::<Result<_, _>>()?;
        let total_perm_temp = if self.flag()? {
            Some(self.u32()?)
        } else {
            None
        };
        let starters = self.role_counts()?;
        let leavers = self.role_counts()?;
        let vacancies = self.role_counts()?;
        let leaver_reasons = self.pairs()?;
        Ok((
            position,
            WorkplaceFacts {
                id,
                org,
                localestid,
                area_code,
                region_code,
                sector,
                main_service,
                services,
                total_perm_temp,
                starters,
                leavers,
                vacancies,
                leaver_reasons,
            },
        ))
    }

    fn staff(&mut self) -> Result<(u32, StaffFacts), CodecError> {
        let position = self.u32()?;
        let workplace = self.var()?;
        let job_role = self.u32()?;
        let mask = self.var()?;
        if mask >> 17 != 0 {
            return fail("unknown staff fields");
        }
        let has = |bit: u32| mask & (1 << bit) != 0;
        let mut s = StaffFacts {
            workplace,
            job_role,
            has_name_or_id: has(16),
            ..StaffFacts::default()
        };
        if has(0) {
            s.contract = Some(match self.u8()? {
                0 => Contract::Permanent,
                1 => Contract::Temporary,
                2 => Contract::PoolBank,
                3 => Contract::Agency,
                4 => Contract::Other,
                _ => return fail("a bad contract"),
            });
        }
        if has(1) {
            s.zero_hours = Some(self.flag()?);
        }
        if has(2) {
            s.contracted_hours = Some(self.f64()?);
        }
        if has(3) {
            s.average_hours = Some(self.f64()?);
        }
        if has(4) {
            s.pay = Some(match self.u8()? {
                0 => Pay::Annual(self.f64()?),
                1 => Pay::Hourly(self.f64()?),
                _ => return fail("a bad pay interval"),
            });
        }
        if has(5) {
            s.gender = Some(match self.u8()? {
                0 => Gender::Male,
                1 => Gender::Female,
                2 => Gender::Other,
                _ => return fail("a bad gender"),
            });
        }
        if has(6) {
            s.age = Some(self.u32()?);
        }
        if has(7) {
            s.ethnicity = Some(self.u32()?);
        }
        if has(8) {
            s.nationality = Some(self.u32()?);
        }
        if has(9) {
            s.disabled = Some(match self.u8()? {
                0 => Disability::No,
                1 => Disability::Yes,
                2 => Disability::Undisclosed,
                3 => Disability::DontKnow,
                _ => return fail("a bad disability answer"),
            });
        }
        if has(10) {
            let day = i32::try_from(self.signed()?).or_else(|_| fail("a date out of range"))?;
            s.start_date =
                Some(Date::from_julian_day(day).or_else(|_| fail("a date out of range"))?);
        }
        if has(11) {
            s.start_in_sector =
                Some(i32::try_from(self.signed()?).or_else(|_| fail("a year out of range"))?);
        }
        if has(12) {
            s.days_sick = Some(self.f64()?);
        }
        if has(13) {
            s.care_certificate = Some(match self.u8()? {
                0 => CareCertificate::Completed,
                1 => CareCertificate::No,
                2 => CareCertificate::InProgress,
                _ => return fail("a bad Care Certificate answer"),
            });
        }
        if has(14) {
            s.social_care_qualification = Some(self.qualification()?);
        }
        if has(15) {
            s.other_qualification = Some(self.qualification()?);
        }
        Ok((position, s))
    }

    fn qualification(&mut self) -> Result<Qualification, CodecError> {
        match self.u8()? {
            0 => Ok(Qualification::No),
            1 => Ok(Qualification::Yes { level: None }),
            2 => Ok(Qualification::Yes {
                level: Some(self.u8()?),
            }),
            _ => fail("a bad qualification answer"),
        }
    }

    fn end(&self) -> Result<(), CodecError> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            fail("bytes after the end")
        }
    }
}

/// Reads a facts part back.
pub fn decode_part(bytes: &[u8]) -> Result<FactsPart, CodecError> {
    let mut r = Reader::new(bytes, KIND_FACTS)?;
    let n = r.len()?;
    let mut workplaces = Vec::with_capacity(n);
    for _ in 0..n {
        workplaces.push(r.workplace()?);
    }
    let n = r.len()?;
    let mut staff = Vec::with_capacity(n);
    for _ in 0..n {
        staff.push(r.staff()?);
    }
    r.end()?;
    Ok(FactsPart { workplaces, staff })
}

/// Reads the index part back.
pub fn decode_index(bytes: &[u8]) -> Result<Vec<IndexEntry>, CodecError> {
    let mut r = Reader::new(bytes, KIND_INDEX)?;
    let n = r.len()?;
    let mut entries = Vec::with_capacity(n);
    for _ in 0..n {
        entries.push(IndexEntry {
            part: r.str()?,
            area: r.opt_str()?,
            regions: r.strs()?,
            orgs: r.strs()?,
        });
    }
    r.end()?;
    Ok(entries)
}

// ---------------------------------------------------------------- memoised results

/// The kind byte of a blob of memoised profile figures ([`encode_results`]).
const KIND_RESULTS: u8 = 3;

/// A fingerprint of the code that computes the memoised figures, written after the header of a
/// results blob: a build whose metric, table or profile code differs reads an older blob as
/// foreign (and recomputes), without anyone having to remember to bump a version. Changes to
/// the code tables of `carecount-codes` (labels) are not covered: bump [`FORMAT_VERSION`].
pub fn results_fingerprint() -> u64 {
    const SOURCES: [&str; 10] = [
        include_str!("metric.rs"),
        include_str!("tables.rs"),
        include_str!("stats.rs"),
        include_str!("group.rs"),
        include_str!("classify.rs"),
        include_str!("profile.rs"),
        include_str!("memo.rs"),
        include_str!("value.rs"),
        include_str!("facts.rs"),
        include_str!("codec.rs"),
    ];
    // FNV-1a, 64 bits.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for source in SOURCES {
        for byte in source.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

fn reason_code(reason: Option<SuppressionReason>) -> u8 {
    match reason {
        None => 0,
        Some(SuppressionReason::CountBelow5) => 1,
        Some(SuppressionReason::DenominatorBelow10) => 2,
        Some(SuppressionReason::FewerThan3Workplaces) => 3,
        Some(SuppressionReason::FewerThan10Values) => 4,
    }
}

fn kind_code(kind: FigureKind) -> u8 {
    match kind {
        FigureKind::Count => 0,
        FigureKind::Ratio => 1,
        FigureKind::Statistic => 2,
    }
}

const VALUE_METRIC: u8 = 0;
const VALUE_PAY: u8 = 1;
const VALUE_DEMOGRAPHICS: u8 = 2;
const VALUE_DISTRIBUTION: u8 = 3;
const VALUE_REASONS: u8 = 4;
const VALUE_COUNT: u8 = 5;

impl Writer {
    fn opt_f64(&mut self, v: Option<f64>) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                self.f64(v);
            }
        }
    }

    fn opt_var(&mut self, v: Option<u64>) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                self.var(v);
            }
        }
    }

    fn flag(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    fn figure(&mut self, f: &Figure) {
        self.opt_f64(f.value);
        self.flag(f.suppressed);
        self.u8(reason_code(f.suppression_reason));
        self.u8(kind_code(f.kind));
        self.f64(f.basis_denominator);
        self.var(f.basis_workplaces);
        self.var(f.basis_values);
    }

    fn summary(&mut self, s: &Summary) {
        for f in [&s.median, &s.mean, &s.p10, &s.p90, &s.n] {
            self.figure(f);
        }
    }

    fn distribution(&mut self, d: &Distribution) {
        self.str(&d.name);
        self.len(d.rows.len());
        for row in &d.rows {
            self.str(&row.key);
            self.str(&row.label);
            self.figure(&row.records);
            self.figure(&row.filled_posts);
            self.figure(&row.share);
        }
    }

    fn metric_value(&mut self, m: &MetricValue) {
        self.str(&m.metric);
        self.opt_f64(m.value);
        self.opt_f64(m.numerator);
        self.opt_f64(m.denominator);
        self.opt_var(m.workplaces);
        self.opt_var(m.records);
        self.opt_var(m.unknown);
        self.flag(m.suppressed);
        self.u8(reason_code(m.suppression_reason));
        let g = &m.group;
        self.opt_str(g.org.as_deref());
        self.opt_str(g.workplace.as_deref());
        self.opt_str(g.area.as_deref());
        self.opt_str(g.region.as_deref());
        self.opt_var(g.service.map(u64::from));
        self.opt_str(g.sector.as_deref());
        self.opt_var(g.job_role.map(u64::from));
        self.opt_str(g.role_group.as_deref());
        self.str(&g.as_of);
        self.u8(kind_code(m.kind));
        self.var(m.basis_workplaces);
        self.flag(m.withheld_counts.records);
        self.flag(m.withheld_counts.workplaces);
        self.flag(m.withheld_counts.unknown);
    }

    fn memo_value(&mut self, v: &MemoValue) {
        match v {
            MemoValue::Metric(m) => {
                self.u8(VALUE_METRIC);
                self.metric_value(m);
            }
            MemoValue::Pay(p) => {
                self.u8(VALUE_PAY);
                self.opt_var(p.job_role.map(u64::from));
                self.str(&p.label);
                self.summary(&p.hourly);
                self.summary(&p.annual);
                self.summary(&p.annual_fte);
            }
            MemoValue::Demographics(d) => {
                self.u8(VALUE_DEMOGRAPHICS);
                self.distribution(&d.gender);
                self.distribution(&d.age_band);
                self.distribution(&d.ethnic_group);
                self.distribution(&d.nationality_group);
                self.distribution(&d.disability);
                self.summary(&d.age);
            }
            MemoValue::Distribution(d) => {
                self.u8(VALUE_DISTRIBUTION);
                self.distribution(d);
            }
            MemoValue::Reasons(rows) => {
                self.u8(VALUE_REASONS);
                self.len(rows.len());
                for row in rows {
                    self.var(u64::from(row.reason));
                    self.figure(&row.leavers);
                    self.figure(&row.share);
                }
            }
            MemoValue::Count(n) => {
                self.u8(VALUE_COUNT);
                self.var(*n);
            }
        }
    }
}

/// Writes memoised profile figures (every field, including those the JSON form skips) with
/// [`results_fingerprint`] after the header.
pub fn encode_results<'a>(
    entries: impl IntoIterator<Item = (&'a MemoKey, &'a MemoValue)>,
) -> Vec<u8> {
    let entries: Vec<(&MemoKey, &MemoValue)> = entries.into_iter().collect();
    let mut w = Writer::new(KIND_RESULTS);
    w.0.extend_from_slice(&results_fingerprint().to_le_bytes());
    w.len(entries.len());
    for (key, value) in entries {
        w.signed(i64::from(key.as_of.to_julian_day()));
        w.opt_str(key.region.as_deref());
        w.str(&key.filter);
        w.str(&key.item);
        w.memo_value(value);
    }
    w.0
}

impl Reader<'_> {
    fn opt_f64(&mut self) -> Result<Option<f64>, CodecError> {
        if self.flag()? {
            Ok(Some(self.f64()?))
        } else {
            Ok(None)
        }
    }

    fn opt_var(&mut self) -> Result<Option<u64>, CodecError> {
        if self.flag()? {
            Ok(Some(self.var()?))
        } else {
            Ok(None)
        }
    }

    fn opt_u32(&mut self) -> Result<Option<u32>, CodecError> {
        match self.opt_var()? {
            None => Ok(None),
            Some(v) => u32::try_from(v)
                .map(Some)
                .or_else(|_| fail("a number out of range")),
        }
    }

    fn reason(&mut self) -> Result<Option<SuppressionReason>, CodecError> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(SuppressionReason::CountBelow5)),
            2 => Ok(Some(SuppressionReason::DenominatorBelow10)),
            3 => Ok(Some(SuppressionReason::FewerThan3Workplaces)),
            4 => Ok(Some(SuppressionReason::FewerThan10Values)),
            _ => fail("a bad suppression reason"),
        }
    }

    fn kind(&mut self) -> Result<FigureKind, CodecError> {
        match self.u8()? {
            0 => Ok(FigureKind::Count),
            1 => Ok(FigureKind::Ratio),
            2 => Ok(FigureKind::Statistic),
            _ => fail("a bad figure kind"),
        }
    }

    fn figure(&mut self) -> Result<Figure, CodecError> {
        Ok(Figure {
            value: self.opt_f64()?,
            suppressed: self.flag()?,
            suppression_reason: self.reason()?,
            kind: self.kind()?,
            basis_denominator: self.f64()?,
            basis_workplaces: self.var()?,
            basis_values: self.var()?,
        })
    }

    fn summary(&mut self) -> Result<Summary, CodecError> {
        Ok(Summary {
            median: self.figure()?,
            mean: self.figure()?,
            p10: self.figure()?,
            p90: self.figure()?,
            n: self.figure()?,
        })
    }

    fn distribution(&mut self) -> Result<Distribution, CodecError> {
        let name = self.str()?;
        let n = self.len()?;
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            rows.push(DistributionRow {
                key: self.str()?,
                label: self.str()?,
                records: self.figure()?,
                filled_posts: self.figure()?,
                share: self.figure()?,
            });
        }
        Ok(Distribution { name, rows })
    }

    fn metric_value(&mut self) -> Result<MetricValue, CodecError> {
        Ok(MetricValue {
            metric: self.str()?,
            value: self.opt_f64()?,
            numerator: self.opt_f64()?,
            denominator: self.opt_f64()?,
            workplaces: self.opt_var()?,
            records: self.opt_var()?,
            unknown: self.opt_var()?,
            suppressed: self.flag()?,
            suppression_reason: self.reason()?,
            group: GroupDescription {
                org: self.opt_str()?,
                workplace: self.opt_str()?,
                area: self.opt_str()?,
                region: self.opt_str()?,
                service: self.opt_u32()?,
                sector: self.opt_str()?,
                job_role: self.opt_u32()?,
                role_group: self.opt_str()?,
                as_of: self.str()?,
            },
            kind: self.kind()?,
            basis_workplaces: self.var()?,
            withheld_counts: WithheldCounts {
                records: self.flag()?,
                workplaces: self.flag()?,
                unknown: self.flag()?,
            },
        })
    }

    fn memo_value(&mut self) -> Result<MemoValue, CodecError> {
        Ok(match self.u8()? {
            VALUE_METRIC => MemoValue::Metric(self.metric_value()?),
            VALUE_PAY => MemoValue::Pay(Box::new(PayRow {
                job_role: self.opt_u32()?,
                label: self.str()?,
                hourly: self.summary()?,
                annual: self.summary()?,
                annual_fte: self.summary()?,
            })),
            VALUE_DEMOGRAPHICS => MemoValue::Demographics(Box::new(Demographics {
                gender: self.distribution()?,
                age_band: self.distribution()?,
                ethnic_group: self.distribution()?,
                nationality_group: self.distribution()?,
                disability: self.distribution()?,
                age: self.summary()?,
            })),
            VALUE_DISTRIBUTION => MemoValue::Distribution(self.distribution()?),
            VALUE_REASONS => {
                let n = self.len()?;
                let mut rows = Vec::with_capacity(n);
                for _ in 0..n {
                    rows.push(ReasonRow {
                        reason: u32::try_from(self.var()?)
                            .or_else(|_| fail("a number out of range"))?,
                        leavers: self.figure()?,
                        share: self.figure()?,
                    });
                }
                MemoValue::Reasons(rows)
            }
            VALUE_COUNT => MemoValue::Count(self.var()?),
            _ => return fail("a bad memoised value"),
        })
    }
}

/// Reads memoised profile figures back; a blob of another build ([`results_fingerprint`]) is
/// an error like any damage.
pub fn decode_results(bytes: &[u8]) -> Result<Vec<(MemoKey, MemoValue)>, CodecError> {
    let mut r = Reader::new(bytes, KIND_RESULTS)?;
    let mut fingerprint = [0u8; 8];
    fingerprint.copy_from_slice(r.take(8)?);
    if u64::from_le_bytes(fingerprint) != results_fingerprint() {
        return fail("results of another build");
    }
    let n = r.len()?;
    let mut entries = Vec::with_capacity(n);
    for _ in 0..n {
        let day = i32::try_from(r.signed()?).or_else(|_| fail("a date out of range"))?;
        let key = MemoKey {
            as_of: Date::from_julian_day(day).or_else(|_| fail("a date out of range"))?,
            region: r.opt_str()?,
            filter: r.str()?,
            item: r.str()?,
        };
        entries.push((key, r.memo_value()?));
    }
    r.end()?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(value: Option<f64>, kind: FigureKind, seed: u64) -> Figure {
        Figure {
            value,
            suppressed: seed % 2 == 1,
            suppression_reason: (seed % 2 == 1).then_some(SuppressionReason::FewerThan10Values),
            kind,
            basis_denominator: 0.1 * seed as f64,
            basis_workplaces: seed + 1,
            basis_values: seed + 2,
        }
    }

    fn summary(seed: u64) -> Summary {
        Summary {
            median: figure(Some(10.5), FigureKind::Statistic, seed),
            mean: figure(None, FigureKind::Statistic, seed + 1),
            p10: figure(Some(-0.0), FigureKind::Statistic, seed + 2),
            p90: figure(Some(f64::MAX), FigureKind::Statistic, seed + 3),
            n: figure(Some(12.0), FigureKind::Count, seed + 4),
        }
    }

    fn distribution(name: &str) -> Distribution {
        Distribution {
            name: name.to_string(),
            rows: vec![
                DistributionRow {
                    key: "male".to_string(),
                    label: "Male — ü".to_string(),
                    records: figure(Some(3.0), FigureKind::Count, 1),
                    filled_posts: figure(Some(2.75), FigureKind::Count, 2),
                    share: figure(Some(1.0 / 3.0), FigureKind::Ratio, 3),
                },
                DistributionRow {
                    key: "not_recorded".to_string(),
                    label: String::new(),
                    records: figure(None, FigureKind::Count, 4),
                    filled_posts: figure(None, FigureKind::Count, 5),
                    share: figure(None, FigureKind::Ratio, 6),
                },
            ],
        }
    }

    /// One entry of every kind, every field set away from its default (including the fields
    /// the JSON form skips: kind, basis_*, withheld_counts).
    fn entries() -> Vec<(MemoKey, MemoValue)> {
        let key = |region: Option<&str>, item: &str| MemoKey {
            as_of: Date::from_julian_day(2_460_766).unwrap_or(Date::MIN),
            region: region.map(str::to_string),
            filter: "org=-;region=\"R\"".to_string(),
            item: item.to_string(),
        };
        let metric = MetricValue {
            metric: "vacancy_rate".to_string(),
            value: Some(0.125),
            numerator: Some(3.0),
            denominator: Some(24.0),
            workplaces: Some(7),
            records: None,
            unknown: Some(0),
            suppressed: false,
            suppression_reason: Some(SuppressionReason::DenominatorBelow10),
            group: GroupDescription {
                org: Some("o".to_string()),
                workplace: None,
                area: Some("A".to_string()),
                region: Some("R".to_string()),
                service: Some(2),
                sector: Some("private".to_string()),
                job_role: Some(u32::MAX),
                role_group: Some("direct_care".to_string()),
                as_of: "2025-03-31".to_string(),
            },
            kind: FigureKind::Ratio,
            basis_workplaces: 6,
            withheld_counts: WithheldCounts {
                records: true,
                workplaces: false,
                unknown: true,
            },
        };
        vec![
            (key(None, "vacancy_rate"), MemoValue::Metric(metric)),
            (
                key(Some("R"), "pay_row/8"),
                MemoValue::Pay(Box::new(PayRow {
                    job_role: Some(8),
                    label: "Care Worker".to_string(),
                    hourly: summary(1),
                    annual: summary(2),
                    annual_fte: summary(3),
                })),
            ),
            (
                key(None, "demographics"),
                MemoValue::Demographics(Box::new(Demographics {
                    gender: distribution("gender"),
                    age_band: distribution("age_band"),
                    ethnic_group: distribution("ethnic_group"),
                    nationality_group: distribution("nationality_group"),
                    disability: distribution("disability"),
                    age: summary(4),
                })),
            ),
            (
                key(None, "contracts"),
                MemoValue::Distribution(distribution("contracts")),
            ),
            (
                key(Some("R"), "leavers_reasons"),
                MemoValue::Reasons(vec![ReasonRow {
                    reason: 3,
                    leavers: figure(Some(4.0), FigureKind::Count, 7),
                    share: figure(Some(0.5), FigureKind::Ratio, 8),
                }]),
            ),
            (key(None, "workplaces_without_area"), MemoValue::Count(41)),
        ]
    }

    #[test]
    fn memoised_results_round_trip_every_field() {
        let entries = entries();
        let bytes = encode_results(entries.iter().map(|(k, v)| (k, v)));
        assert_eq!(decode_results(&bytes), Ok(entries));
    }

    #[test]
    fn damaged_or_foreign_results_are_errors_not_panics() {
        let entries = entries();
        let bytes = encode_results(entries.iter().map(|(k, v)| (k, v)));
        // Every truncation is an error.
        for end in 0..bytes.len() {
            assert!(
                decode_results(&bytes[..end]).is_err(),
                "prefix of {end} bytes"
            );
        }
        // A trailing byte, another build's fingerprint (bytes 6..14), another kind.
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_results(&longer).is_err());
        let mut foreign = bytes.clone();
        foreign[6] ^= 1;
        assert!(decode_results(&foreign).is_err());
        let mut other_kind = bytes.clone();
        other_kind[5] = KIND_FACTS;
        assert!(decode_results(&other_kind).is_err());
        // Any single byte changed: an error or some value, never a panic.
        for at in 14..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] = changed[at].wrapping_add(0x55);
            let _ = decode_results(&changed);
        }
        // A facts blob is not a results blob.
        assert!(decode_results(&encode_part(&FactsPart::default())).is_err());
    }

    #[test]
    fn varints_have_the_leb128_bytes() {
        // 300 = 0b10_0101100 → low 7 bits 0x2c with the continuation bit (0xac), then 0x02.
        let mut w = Writer(Vec::new());
        w.var(300);
        assert_eq!(w.0, vec![0xac, 0x02]);
        // Zigzag: -1 → 1, 1 → 2.
        let mut w = Writer(Vec::new());
        w.signed(-1);
        w.signed(1);
        assert_eq!(w.0, vec![0x01, 0x02]);
    }

    #[test]
    fn an_empty_part_is_the_header_and_two_zero_counts() {
        let bytes = encode_part(&FactsPart::default());
        assert_eq!(bytes, vec![b'C', b'C', b'F', b'X', FORMAT_VERSION, 1, 0, 0]);
        assert_eq!(decode_part(&bytes), Ok(FactsPart::default()));
    }

    #[test]
    fn foreign_or_damaged_blobs_are_errors() {
        let mut bytes = encode_part(&FactsPart::default());
        assert!(decode_part(&bytes[..5]).is_err());
        bytes[4] = FORMAT_VERSION + 1;
        assert!(decode_part(&bytes).is_err());
        assert!(decode_part(b"hello world").is_err());
        assert!(decode_index(&encode_part(&FactsPart::default())).is_err());
        // A count of a billion workplaces in an eight-byte blob.
        let mut w = Writer::new(KIND_FACTS);
        w.var(1_000_000_000);
        assert!(decode_part(&w.0).is_err());
        // A varint that never ends.
        let mut w = Writer::new(KIND_FACTS);
        w.0.extend_from_slice(&[0xff; 11]);
        assert!(decode_part(&w.0).is_err());
    }
}
