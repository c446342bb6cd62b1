//! Hash maps with FNV-1a instead of SipHash. Keys here are column names and record references
//! from the upload itself, looked up millions of times per national upload; the maps live for one
//! validation run, so SipHash's protection against chosen collisions buys nothing (a hostile file
//! can only slow its own validation).

use std::hash::{BuildHasherDefault, Hasher};

use carecount_domain::RecordKey;

/// FNV-1a, 64 bits.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

pub type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fnv>>;
pub type HashSet<K> = std::collections::HashSet<K, BuildHasherDefault<Fnv>>;

/// The matching key of a reference (§1.2), equal to [`carecount_domain::key`]: a reference of
/// printable ASCII (no byte at or below the space, none above `~`: no whitespace can occur) is
/// copied in one allocation; anything else goes through [`carecount_domain::key`], which filters
/// character by character. Keys are built several times for each of millions of lines.
pub fn key(reference: &str) -> RecordKey {
    if reference.bytes().all(|b| b > b' ' && b < 0x7f) {
        RecordKey(reference.to_owned())
    } else {
        carecount_domain::key(reference)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_matches_the_domain_key() {
        // Plain ASCII is copied; whitespace anywhere (ASCII, vertical tab, no-break space, line
        // separator) is removed as the domain's key removes it.
        for reference in [
            "",
            "WP1",
            " WP 1 ",
            "W\tP\x0b1",
            "WP\u{a0}1",
            "WP\u{2028}1",
            "Ünïcode 1",
            "~!\x7f",
        ] {
            assert_eq!(
                key(reference),
                carecount_domain::key(reference),
                "{reference:?}"
            );
        }
        assert_eq!(key(" WP 1 ").0, "WP1");
    }

    proptest::proptest! {
        #[test]
        fn key_equals_the_domain_key_for_any_text(reference in "\\PC*|[ -~\t]{0,20}") {
            proptest::prop_assert_eq!(key(&reference), carecount_domain::key(&reference));
        }
    }

    #[test]
    fn fnv1a_of_known_inputs() {
        // Published FNV-1a 64 test vectors: "" → cbf29ce484222325, "a" → af63dc4c8601ec8c.
        let mut h = Fnv::default();
        assert_eq!(h.finish(), 0xcbf2_9ce4_8422_2325);
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
