//! `kube-soc2 scaffold …`: generated distribution files (Artifact Hub
//! packages, deployable manifests) and new families and controls.

use super::artifacthub::{ArtifactHubArgs, scaffold_artifacthub};
use super::manifest::{DeployArgs, ManifestArgs, scaffold_deploy, scaffold_manifest};
use super::new_family::{ControlArgs, FamilyArgs, scaffold_control, scaffold_family};
use crate::engine::{Host, HostOptions};
use anyhow::Result;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum Scaffold {
    /// artifacthub-pkg.yml from a policy's metadata.yml (like kwctl scaffold
    /// artifacthub), README.md copied beside it.
    Artifacthub(ArtifactHubArgs),
    /// A ClusterAdmissionPolicy, AdmissionPolicy or policies.yml for a choice
    /// of controls, its settings checked by the module's validate_settings.
    Manifest(ManifestArgs),
    /// The ready-made manifests of deploy/: per family the recommended
    /// controls enforced and every control monitored, and policies.yml.
    Deploy(DeployArgs),
    /// A new family crate under policies/, compiling, tested and linked into
    /// the harness; scripts, replay, scan and packaging pick it up.
    Family(FamilyArgs),
    /// A new control file in a family with a passing and a failing fixture.
    Control(ControlArgs),
}

pub fn scaffold(command: &Scaffold) -> Result<bool> {
    match command {
        Scaffold::Artifacthub(args) => scaffold_artifacthub(args),
        Scaffold::Manifest(args) => scaffold_manifest(&Host::new(HostOptions::default())?, args),
        Scaffold::Deploy(args) => scaffold_deploy(&Host::new(HostOptions::default())?, args),
        Scaffold::Family(args) => scaffold_family(args),
        Scaffold::Control(args) => scaffold_control(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    #[derive(Parser)]
    struct ScaffoldCli {
        #[command(subcommand)]
        command: super::Scaffold,
    }

    #[derive(Parser)]
    struct PackageCli {
        #[command(flatten)]
        args: crate::commands::package::PackageArgs,
    }

    #[test]
    fn arguments_are_consistent() {
        ScaffoldCli::command().debug_assert();
        PackageCli::command().debug_assert();
        let parsed = ScaffoldCli::try_parse_from([
            "x",
            "manifest",
            "-f",
            "a,b",
            "--kind",
            "policies.yml",
            "--mode",
            "monitor",
        ])
        .unwrap();
        let super::Scaffold::Manifest(m) = parsed.command else {
            panic!("manifest")
        };
        assert_eq!(m.family, ["a", "b"]);
        assert_eq!(m.kind, crate::commands::manifest::ManifestKind::PoliciesYml);
        assert!(
            ScaffoldCli::try_parse_from(["x", "manifest", "-f", "a", "--mode", "audit"]).is_err()
        );
    }
}
