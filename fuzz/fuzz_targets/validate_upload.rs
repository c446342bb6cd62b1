#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    carecount_ascwds_fuzz::validate_upload(data);
});
