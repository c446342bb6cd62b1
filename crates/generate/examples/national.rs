//! Times a national-scale generation (20,000 workplaces, 1.7 million staff records):
//! `cargo run --release -p carecount-generate --example national [DIR]`.

use std::time::Instant;

use carecount_generate::{GenerateOptions, generate, write_to_dir};

fn main() {
    let options = GenerateOptions {
        workplaces: 20_000,
        staff: 1_700_000,
        seed: 1,
        as_of: time::macros::date!(2025 - 03 - 31),
    };
    let started = Instant::now();
    match generate(&options) {
        Ok(upload) => {
            let elapsed = started.elapsed();
            println!(
                "generated in {:.2} s: {} MB workplace, {} MB staff, {} MB training ({} training lines)",
                elapsed.as_secs_f64(),
                upload.workplace.len() / 1_000_000,
                upload.staff.len() / 1_000_000,
                upload.training.len() / 1_000_000,
                upload.training.lines().count() - 1
            );
            if let Some(dir) = std::env::args().nth(1)
                && let Err(error) = write_to_dir(&upload, std::path::Path::new(&dir))
            {
                eprintln!("error: {error}");
            }
        }
        Err(error) => eprintln!("error: {error}"),
    }
}
