//! The `kube-soc2` command line.

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use kube_soc2::commands;
use kube_soc2::{Host, HostOptions, PolicyMode};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kube-soc2",
    version,
    about = "Evaluate kube-soc2's Kubewarden policy modules the way policy-server does"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Host settings shared by every command that evaluates.
#[derive(Args, Clone)]
struct HostArgs {
    /// Evaluation deadline in seconds (epoch ticks, like policy-server's
    /// --policy-timeout); 0 disables it, and modules are then compiled
    /// without epoch checks, as kwctl compiles them.
    #[arg(long, default_value_t = kube_soc2::engine::DEFAULT_TIMEOUT_SECONDS)]
    timeout: u64,
    /// Largest memory of one policy instance, in MiB; 0 disables the limit
    /// (policy-server sets none).
    #[arg(long, default_value_t = 512)]
    memory_limit: usize,
    /// Print the policies' log events to stderr.
    #[arg(long, short)]
    verbose: bool,
}

impl HostArgs {
    fn host(&self) -> Result<Host> {
        Host::new(HostOptions {
            timeout_seconds: (self.timeout > 0).then_some(self.timeout),
            memory_limit: kube_soc2::engine::memory_limit_bytes(self.memory_limit),
            verbose: self.verbose,
            inherit_stdio: true,
            compile_cache: kube_soc2::compile_cache::default_dir(),
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate one request and print the AdmissionResponse as one JSON line.
    Run {
        /// The policy module (.wasm).
        #[arg(long, short)]
        policy: PathBuf,
        /// AdmissionReview, AdmissionRequest or bare object (JSON or YAML); - for stdin.
        #[arg(long, short)]
        request: String,
        /// Policy settings: inline JSON or a JSON/YAML file.
        #[arg(long, short)]
        settings: Option<String>,
        /// Cluster snapshot for context-aware controls: a folder or a multi-document file.
        #[arg(long)]
        cluster: Option<PathBuf>,
        /// protect (default) or monitor.
        #[arg(long, default_value = "protect")]
        mode: PolicyMode,
        /// Whether the policy may mutate (policies.yml allowedToMutate; kwctl run allows it).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        allowed_to_mutate: bool,
        /// Grant the Kubernetes resources listed in the module's metadata.
        #[arg(long)]
        allow_context_aware: bool,
        /// Custom rejection message (policies.yml message).
        #[arg(long)]
        message: Option<String>,
        #[command(flatten)]
        host: HostArgs,
    },
    /// Embed metadata.yml into a module (like kwctl annotate).
    Annotate {
        #[arg(long, short)]
        metadata: PathBuf,
        /// README to store as io.kubewarden.policy.usage.
        #[arg(long, short)]
        usage: Option<PathBuf>,
        #[arg(long, short)]
        output: PathBuf,
        /// The raw module.
        input: PathBuf,
    },
    /// Run every fixture against every module of the dist folder.
    Replay {
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        /// Fixture folders (repeatable); default: `tests/fixtures` and every
        /// family's `policies/<family>/fixtures`.
        #[arg(long)]
        fixtures: Vec<PathBuf>,
        /// Only fixtures whose file name or description contains this.
        #[arg(long)]
        filter: Option<String>,
        #[command(flatten)]
        host: HostArgs,
    },
    /// Check the Pod Security Admission conformance cases.
    Conformance {
        #[arg(long, default_value = "tests/conformance/pss-cases.jsonl")]
        cases: PathBuf,
        #[arg(long, default_value = "dist/access-control.wasm")]
        module: PathBuf,
        /// Only cases whose id contains this.
        #[arg(long)]
        filter: Option<String>,
        #[command(flatten)]
        host: HostArgs,
    },
    /// List the controls of every module.
    Controls {
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        #[arg(long, default_value = "table")]
        format: commands::controls::Format,
    },
    /// One control in full: why, fix, criteria, parameters, a settings
    /// snippet, and a passing and a failing example from its fixtures.
    Explain {
        /// The control id (see `kube-soc2 controls`).
        id: String,
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
    },
    /// Measure module size, compile time and evaluation latency.
    Bench {
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        /// AdmissionRequest to evaluate (default: tests/bench/pod-5kb.json).
        #[arg(long)]
        request: Option<PathBuf>,
        /// The do-nothing policy measured as the engine's floor.
        #[arg(long, default_value = commands::bench::DEFAULT_BASELINE)]
        baseline: PathBuf,
        /// A module that reads the request whole with the kit's parser and
        /// accepts it, measured as a reference row: what reading the request
        /// costs on each path.
        #[arg(long, default_value = commands::bench::DEFAULT_PARSE_REFERENCE)]
        parse_reference: PathBuf,
        /// Policy settings: inline JSON or a file (default {}).
        #[arg(long)]
        settings: Option<String>,
        #[arg(long, default_value_t = 1000)]
        iterations: usize,
        /// Measure every module this many times, alternating them, and
        /// report each figure's best round (wall time on a shared machine
        /// swings between runs of the same module).
        #[arg(long, default_value_t = 1)]
        rounds: usize,
        #[arg(long, default_value = "table")]
        format: commands::controls::Format,
    },
    /// Write every dist module as the OCI artifact `kwctl push` uploads: an
    /// OCI image layout <out>/<family>/ and <out>/<family>.oci.tar.
    Package(commands::package::PackageArgs),
    /// Generate Artifact Hub packages and deployable manifests.
    #[command(subcommand)]
    Scaffold(commands::scaffold::Scaffold),
    /// Scan manifests (files, folders, stdin) with every module of the dist
    /// folder and write a compliance report. Exit 0 all pass, 1 failures at
    /// or above --fail-on, 2 usage or input errors.
    Scan(commands::scan::ScanArgs),
    /// Scan generated objects through the modules in parallel: objects per
    /// second and time to first result.
    BenchScan(commands::scan::BenchScanArgs),
}

fn main() -> ExitCode {
    restore_sigpipe();
    match run(Cli::parse()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The exit code: 0 passed, 1 failed; errors exit 2.
fn run(cli: Cli) -> Result<u8> {
    let passed = match cli.command {
        Command::Scan(args) => {
            let code = commands::scan::scan(&args)?;
            return Ok(u8::try_from(code.code()).unwrap_or(2));
        }
        Command::BenchScan(args) => commands::scan::bench_scan(&args),
        Command::Package(args) => commands::package::package(&args),
        Command::Scaffold(command) => commands::scaffold::scaffold(&command),
        Command::Run {
            policy,
            request,
            settings,
            cluster,
            mode,
            allowed_to_mutate,
            allow_context_aware,
            message,
            host,
        } => {
            let host = host.host()?;
            let response = commands::run::run(
                &host,
                &commands::run::RunArgs {
                    policy,
                    request,
                    settings,
                    cluster,
                    mode,
                    allowed_to_mutate,
                    allow_context_aware,
                    message,
                },
            )?;
            println!("{}", response.to_json_line());
            Ok(true)
        }
        Command::Annotate {
            metadata,
            usage,
            output,
            input,
        } => {
            let host = Host::new(HostOptions::default())?;
            commands::annotate::annotate(&host, &metadata, usage.as_deref(), &input, &output)?;
            Ok(true)
        }
        Command::Replay {
            dist,
            fixtures,
            filter,
            host,
        } => commands::replay::replay(&host.host()?, &dist, &fixtures, filter.as_deref()),
        Command::Conformance {
            cases,
            module,
            filter,
            host,
        } => commands::conformance::conformance(&host.host()?, &cases, &module, filter.as_deref()),
        Command::Controls { dist, format } => {
            let host = Host::new(HostOptions::default())?;
            commands::controls::controls(&host, &dist, format)
        }
        Command::Explain { id, dist } => {
            let host = Host::new(HostOptions::default())?;
            commands::explain::explain(&host, &dist, &id)
        }
        Command::Bench {
            dist,
            request,
            baseline,
            parse_reference,
            settings,
            iterations,
            rounds,
            format,
        } => commands::bench::bench(
            &dist,
            Some(&baseline),
            Some(&parse_reference),
            request.as_deref(),
            settings.as_deref(),
            iterations,
            rounds,
            format,
        ),
    }?;
    Ok(u8::from(!passed))
}

/// Rust ignores SIGPIPE, so `kube-soc2 controls | head` would panic on the
/// closed pipe; like other command-line tools, end quietly instead.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: called first thing in main, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
