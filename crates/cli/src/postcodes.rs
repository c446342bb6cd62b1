//! `--postcode-lookup`: the ONS postcode directory's CSV layout (a postcode, a local authority code
//! and a region code column), used to place each workplace in its council area by POSTCODE.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};
use carecount_store::AreaAssignment;

/// Postcode (upper case, no spaces) → area.
pub struct PostcodeLookup {
    areas: HashMap<String, AreaAssignment>,
}

const POSTCODE_COLUMNS: [&str; 4] = ["pcds", "pcd", "pcd7", "postcode"];
const LA_COLUMNS: [&str; 5] = ["oslaua", "laua", "lad", "lad23cd", "la_code"];
const REGION_COLUMNS: [&str; 3] = ["rgn", "region", "rgn_code"];

fn normalise(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

impl PostcodeLookup {
    pub fn read(path: &Path) -> anyhow::Result<PostcodeLookup> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let headers = reader
            .headers()
            .with_context(|| format!("{}: reading the header", path.display()))?
            .clone();
        let find = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
        };
        let (Some(pc), Some(la)) = (find(&POSTCODE_COLUMNS), find(&LA_COLUMNS)) else {
            bail!(
                "{}: line 1: the header needs a postcode column ({}) and a local authority column ({})",
                path.display(),
                POSTCODE_COLUMNS.join("|"),
                LA_COLUMNS.join("|")
            );
        };
        let rgn = find(&REGION_COLUMNS);
        let tables = carecount_codes::tables();
        let mut areas = HashMap::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.with_context(|| format!("{}: line {}", path.display(), i + 2))?;
            let (Some(postcode), Some(code)) = (record.get(pc), record.get(la)) else {
                continue;
            };
            let code = code.trim();
            if code.is_empty() {
                continue;
            }
            let area = match tables.local_authority(code) {
                Some(found) => AreaAssignment {
                    code: found.code.clone(),
                    name: found.name.clone(),
                    region_code: Some(found.region_code.clone()),
                },
                None => AreaAssignment {
                    code: code.to_string(),
                    name: code.to_string(),
                    region_code: rgn
                        .and_then(|r| record.get(r))
                        .map(|r| r.trim().to_string())
                        .filter(|r| !r.is_empty()),
                },
            };
            areas.insert(normalise(postcode), area);
        }
        Ok(PostcodeLookup { areas })
    }

    /// The area of a workplace postcode, if the directory has it.
    pub fn place(&self, postcode: &str) -> Option<AreaAssignment> {
        self.areas.get(&normalise(postcode)).cloned()
    }
}
