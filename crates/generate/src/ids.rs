//! Identifiers that must be unique (CQC IDs, NI numbers) and postcodes of the right shape.
//!
//! Uniqueness comes from arithmetic, not from a set of used values: index `i` is mapped to
//! `(i × multiplier + offset) mod range`, a bijection on `0..range` whenever the multiplier and
//! the range share no factor. The offset comes from the seed, so different seeds give different
//! numbers.

use std::fmt::Write as _;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::mix::one_of;

/// Letters that may follow the digit of a postcode's inward code (C, I, K, M, O, V never do).
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// First and second letters allowed in a National Insurance number prefix.
const NI_FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
const NI_SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
/// Prefixes never issued.
const NI_BARRED: [&str; 7] = ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"];
const NI_BLOCK: u64 = 1_000_000;

/// Seeded maker of unique identifiers.
#[derive(Debug, Clone)]
pub(crate) struct IdMaker {
    location_offset: u64,
    provider_offset: u64,
    ni_offset: u64,
    ni_prefixes: Vec<String>,
    ni_prefix_shift: usize,
}

impl IdMaker {
    pub(crate) fn new(rng: &mut ChaCha8Rng) -> IdMaker {
        let mut ni_prefixes = Vec::new();
        for &first in NI_FIRST {
            for &second in NI_SECOND {
                let prefix = format!("{}{}", char::from(first), char::from(second));
                if !NI_BARRED.contains(&prefix.as_str()) {
                    ni_prefixes.push(prefix);
                }
            }
        }
        let ni_prefix_shift = rng.random_range(0..ni_prefixes.len().max(1));
        IdMaker {
            location_offset: rng.random_range(0..900_000_000),
            provider_offset: rng.random_range(0..9_000_000_000),
            ni_offset: rng.random_range(0..NI_BLOCK),
            ni_prefixes,
            ni_prefix_shift,
        }
    }

    /// How many distinct NI numbers can be made.
    pub(crate) fn ni_capacity(&self) -> u64 {
        self.ni_prefixes.len() as u64 * NI_BLOCK
    }

    /// CQC location ID `1-` + nine digits, unique per workplace index (below 900 million).
    pub(crate) fn location_id(&self, index: u64) -> String {
        // 7919 is prime and not 2, 3 or 5, so it shares no factor with 900,000,000 = 2^8·3^2·5^8.
        let number = 100_000_000 + (index.wrapping_mul(7_919) + self.location_offset) % 900_000_000;
        format!("1-{number}")
    }

    /// CQC provider ID `1-` + ten digits, unique per workplace index.
    pub(crate) fn provider_id(&self, index: u64) -> String {
        // 104,729 is prime and not 2, 3 or 5; 9,000,000,000 = 2^9·3^2·5^9.
        let number =
            1_000_000_000 + (index.wrapping_mul(104_729) + self.provider_offset) % 9_000_000_000;
        format!("1-{number}")
    }

    /// NI number: two letters, six digits, a suffix letter; unique per staff index below
    /// [`IdMaker::ni_capacity`].
    pub(crate) fn ni_number(&self, index: u64) -> String {
        let block = usize::try_from(index / NI_BLOCK).unwrap_or(usize::MAX);
        let count = self.ni_prefixes.len().max(1);
        let prefix_index = (block % count + self.ni_prefix_shift) % count;
        let prefix = self
            .ni_prefixes
            .get(prefix_index)
            .map_or("AB", String::as_str);
        // 7919 shares no factor with 1,000,000 = 2^6·5^6.
        let digits = ((index % NI_BLOCK) * 7_919 + self.ni_offset) % NI_BLOCK;
        let suffix = char::from(b'A' + (index % 4) as u8);
        format!("{prefix}{digits:06}{suffix}")
    }
}

/// A postcode of the UK shape `A[A]9[9] 9AA` (area letters from the data file; the staff
/// pattern of `ascwds-formats.md` §3.2 accepts it, and so does the lenient workplace check).
pub(crate) fn postcode(rng: &mut ChaCha8Rng, areas: &[String]) -> String {
    let area = one_of(rng, areas).map_or("LS", String::as_str);
    let district = rng.random_range(1..=29u32);
    let sector = rng.random_range(1..=9u32);
    let mut code = String::with_capacity(8);
    let _ = write!(code, "{area}{district} {sector}");
    for _ in 0..2 {
        let letter = INWARD_LETTERS
            .get(rng.random_range(0..INWARD_LETTERS.len()))
            .copied()
            .unwrap_or(b'A');
        code.push(char::from(letter));
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::collections::HashSet;

    #[test]
    fn ni_numbers_are_unique_across_block_boundaries() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let maker = IdMaker::new(&mut rng);
        // Two full blocks of one million plus a few: every number distinct.
        let mut seen = HashSet::new();
        for index in (0..20_000)
            .chain(990_000..1_010_000)
            .chain(1_999_990..2_000_010)
        {
            assert!(seen.insert(maker.ni_number(index)), "duplicate at {index}");
        }
    }

    #[test]
    fn ni_numbers_have_the_shape_of_s16() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let maker = IdMaker::new(&mut rng);
        let number = maker.ni_number(123_456);
        let bytes = number.as_bytes();
        assert_eq!(bytes.len(), 9);
        assert!(bytes.iter().take(2).all(u8::is_ascii_uppercase));
        assert!(bytes.iter().skip(2).take(6).all(u8::is_ascii_digit));
        assert!(bytes.get(8).is_some_and(u8::is_ascii_uppercase));
    }

    #[test]
    fn cqc_ids_are_unique_and_well_formed() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let maker = IdMaker::new(&mut rng);
        let mut seen = HashSet::new();
        for index in 0..50_000 {
            let id = maker.location_id(index);
            // `^\d-\d{8,12}$`: "1-" then nine digits.
            assert_eq!(id.len(), 11);
            assert!(id.starts_with("1-") && id.bytes().skip(2).all(|b| b.is_ascii_digit()));
            assert!(seen.insert(id));
            let provider = maker.provider_id(index);
            assert_eq!(provider.len(), 12);
            assert!(seen.insert(provider));
        }
    }
}
