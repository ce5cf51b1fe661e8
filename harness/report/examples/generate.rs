//! Writes generated manifests (the scan benchmark's objects) as one
//! multi-document YAML stream, to time and measure `kube-soc2 scan` on a
//! file: `cargo run -p kube-soc2-report --example generate -- 50000 workloads > set.yaml`.

use report::generate::{Mix, generate_yaml_mix};

fn main() {
    let mut args = std::env::args().skip(1);
    let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let mix = match args.next() {
        Some(m) => Mix::parse(&m).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2)
        }),
        None => Mix::Realistic,
    };
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    print!("{}", generate_yaml_mix(n, seed, mix));
}
