//! Determinism: the same scenario and seed give byte-identical output files; another seed
//! changes them; lazy and exact core timers give the same results.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use ndn_sim::run::{RunOptions, run_all};
use ndn_sim::scenario::Scenario;

/// Randomness everywhere: exponential spacing, Zipf draws, lossy links, a link failure, ASF
/// probing, fragmentation.
const SCENARIO: &str = r#"
name = "determinism"
duration = "8s"
seed = 5

[topology]
generator = { kind = "grid", rows = 3, cols = 3 }
links = { bandwidth = "2Mbps", delay = "3ms", queue = 8, loss = 0.02, mtu = 600 }

[forwarder]
cs_size = 20
strategy = "asf"

[routing]
mode = "all"

[[app]]
kind = "producer"
nodes = "n2_2"
prefix = "/p"
payload_size = 900
freshness = "1s"

[[app]]
kind = "consumer-zipf"
nodes = ["n0_0", "n0_1", "n1_0"]
prefix = "/p"
frequency = 40
randomize = "exponential"
catalogue = 200

[[app]]
kind = "consumer-cbr"
nodes = "n2_0"
prefix = "/p"
frequency = 30
randomize = "uniform"

[[event]]
at = "3s"
link = ["n1_1", "n1_2"]
state = "down"

[trace]
interval = "250ms"
"#;

fn run(dir: &Path, text: &str, seed: Option<u64>) {
    let s = Scenario::parse(text, Path::new(".")).unwrap();
    run_all(&s, dir, &RunOptions { seed }, &mut |_, _, _| {}).unwrap();
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    run(&a, SCENARIO, None);
    run(&b, SCENARIO, None);
    run(&c, SCENARIO, Some(6));
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    let names: Vec<&str> = fa.iter().map(|f| f.0.as_str()).collect();
    for expected in [
        "rate.csv",
        "cs.csv",
        "app-delay.csv",
        "drops.csv",
        "nodes.csv",
        "summary.csv",
        "throughput.svg",
        "cache-hit-ratio.svg",
        "delay-cdf.svg",
    ] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }
    assert_eq!(fa, fb, "same seed, different files");
    for (x, y) in fa.iter().zip(&fc) {
        if ["rate.csv", "app-delay.csv", "drops.csv"].contains(&x.0.as_str()) {
            assert_ne!(x.1, y.1, "{} did not change with the seed", x.0);
        }
    }
    // the scenario exercised what it meant to
    let drops =
        String::from_utf8(fa.iter().find(|f| f.0 == "drops.csv").unwrap().1.clone()).unwrap();
    assert!(drops.contains(",loss,"), "{drops}");
    assert!(drops.contains(",link-down,"), "{drops}");
}

/// Runs `scenario` with lazy (default) and exact timers and compares the traces.
fn assert_lazy_and_exact_timers_agree(scenario: &str, strategy: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("lazy"), tmp.path().join("exact"));
    let chosen = format!("strategy = \"{strategy}\"");
    let lazy = scenario.replace("strategy = \"asf\"", &chosen);
    run(&a, &lazy, None);
    let exact = lazy.replace(&chosen, &format!("{chosen}\ntimers = \"exact\""));
    assert_ne!(lazy, exact);
    run(&b, &exact, None);
    let (fa, fb) = (files(&a), files(&b));
    for (x, y) in fa.iter().zip(&fb) {
        if x.0 == "summary.csv" {
            continue; // identical too, but let the engine counters differ freely
        }
        assert_eq!(x, y, "{} differs between lazy and exact timers", x.0);
    }
}

#[test]
fn lazy_and_exact_timers_give_the_same_traces() {
    assert_lazy_and_exact_timers_agree(SCENARIO, "asf");
}

#[test]
fn a_strategy_whose_timers_send_gets_exact_timers_even_when_lazy_is_asked() {
    // access sends Interests from its timers, which lazy timers would send late
    assert_lazy_and_exact_timers_agree(SCENARIO, "access");
}
