//! Property tests (§14 tests 3 and 7, issue 6): random scenarios conserve stock at every step,
//! cell and block, never go negative or NaN, and keep percentiles in order.

use carecount_planning::engine::slot;
use carecount_planning::model::{AreaInputs, Transition};
use carecount_planning::scenario::MoveMode;
use proptest::prelude::*;

use crate::common::*;

fn arbitrary_inputs() -> impl Strategy<Value = (AreaInputs, String)> {
    (
        prop::collection::vec((0usize..4, 0usize..7, 0usize..2, 0.0f64..2_000.0, 0usize..9, 0usize..8, 0.0f64..500.0), 1..6),
        0.0f64..1.5,
        0.0f64..0.5,
        prop::bool::ANY,
        prop::bool::ANY,
        0.0f64..0.6,
        0.5f64..1.5,
    )
        .prop_map(|(blocks, hazard, push, quarterly, fill, pull, growth)| {
            let mut inputs = AreaInputs::empty("X");
            inputs.set_flat_hazard(hazard);
            inputs.age_factors = [2.0, 1.2, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 1.5];
            inputs.move_share = [0.0, pull, 0.0, 0.0];
            for (g, s, e, filled, a, b, starters) in blocks {
                if inputs.blocks.iter().any(|k| k.role_group == g && k.setting == s && k.sector == e) {
                    continue;
                }
                let block = inputs.add_block(g, s, e, filled, a, b);
                block.starters = starters;
                block.vacant = filled * 0.1;
            }
            inputs.transitions.push(Transition {
                from_role_group: 0,
                from_setting: None,
                to_role_group: 2,
                to_setting: None,
                mode: MoveMode::Push,
                value: push,
            });
            let rows: Vec<(i32, f64)> = (0..=6).map(|k| (2025 + k, 100.0 * growth.powi(k))).collect();
            inputs.population = population(65, &rows);
            let extra = format!(
                "[demand]\nmode = \"simple\"\n[supply]\nrecruitment = \"{}\"\n[[lever]]\nid = \"l\"\nlever = \"leaving\"\npath = {{ dist = \"uniform\", min = 0.5, max = 1.5 }}\n",
                if fill { "fill_to_demand" } else { "trend_count" }
            );
            (inputs, format!("{}|{extra}", if quarterly { "quarter" } else { "year" }))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn stock_is_conserved_non_negative_and_finite((inputs, spec) in arbitrary_inputs()) {
        let (step, extra) = spec.split_once('|').unwrap_or(("year", ""));
        let scenario = minimal(step, 6, extra);
        let output = det(&scenario, &inputs);
        let mut moves_in = 0.0;
        let mut moves_out = 0.0;
        for (b, _) in output.blocks.iter().enumerate() {
            for year in 1..output.years {
                let previous = output.get(b, year - 1, slot::DIRECT);
                let now = output.get(b, year, slot::DIRECT);
                let identity = previous + output.get(b, year, slot::STARTERS) - output.get(b, year, slot::LEAVERS)
                    - output.get(b, year, slot::EXITS) + output.get(b, year, slot::MOVES_IN) - output.get(b, year, slot::MOVES_OUT);
                prop_assert!((now - identity).abs() <= 1e-7 * previous.abs().max(1.0), "block {b} year {year}: {now} vs {identity}");
                prop_assert!(now >= -1e-9);
                moves_in += output.get(b, year, slot::MOVES_IN);
                moves_out += output.get(b, year, slot::MOVES_OUT);
            }
        }
        prop_assert!((moves_in - moves_out).abs() <= 1e-7 * moves_in.max(1.0));
        prop_assert!(output.values.iter().all(|v| v.is_finite() && *v >= -1e-9));
    }

    #[test]
    fn monte_carlo_output_is_ordered_and_clean((inputs, spec) in arbitrary_inputs()) {
        let (step, extra) = spec.split_once('|').unwrap_or(("year", ""));
        let scenario = minimal(step, 4, extra);
        let projection = run(&scenario, &inputs, 9);
        for row in &projection.rows {
            for stat in &row.values {
                for value in stat.percentiles.iter().filter_map(|(_, v)| *v).chain(stat.det).chain(stat.mean) {
                    prop_assert!(value.is_finite());
                }
                if let (Some(a), Some(b), Some(c)) = (stat.p(10), stat.p(50), stat.p(90)) {
                    prop_assert!(a <= b && b <= c);
                }
            }
            // Stocks and flows never negative (gaps and changes may be).
            for name in ["demand_posts", "filled_posts", "direct_posts", "starters", "leavers", "exits", "vacancies"] {
                let index = carecount_planning::montecarlo::MEASURES.iter().position(|m| *m == name).unwrap_or(0);
                if let Some(stat) = row.values.get(index) {
                    prop_assert!(stat.p(10).is_none_or(|v| v >= -1e-9), "{name} negative");
                }
            }
        }
    }
}
