//! `cdd deploy`: rolls new images (or settings) out to one ECS service and
//! succeeds only when the new revision is the one running.
//!
//! What `ecs deploy` (fabfuel/ecs-deploy) does, without its faults:
//! - the new revision is the service's running task definition with only
//!   the asked changes (`--image`, `--tag`, `--env`, `--secret`), every
//!   other field and the tags carried over;
//! - a deployment that the circuit breaker or the alarms roll back is
//!   reported as rolled back (exit 4), not as a success, and no revision is
//!   ever deregistered: the one running after a rollback stays usable, and
//!   `--rollback` returns to the ACTIVE revision before the running one;
//! - a service with the CODE_DEPLOY controller (the prod canary) is
//!   deployed through a CodeDeploy deployment whose AppSpec names the new
//!   revision and the service's load-balanced container, and the command
//!   waits on that deployment (Succeeded, Failed, Stopped);
//! - `--dry-run` prints the difference and changes nothing;
//! - while waiting, one line per change: deployment and rollout state,
//!   running/desired/pending counts, new service events.
//!
//! Exit codes (also at the end of `--help`): 0 deployed (or dry run,
//! nothing to change), 1 error (AWS call, unknown container, no previous
//! revision), 2 command line, 3 failed, 4 rolled back, 5 timed out.
//!
//! The pipeline protocol around it (the image-tag parameter Terraform reads)
//! is in infra/README.md; the Jenkinsfile follows it.
//!
//! Layout: `changes` (the command line's changes, parsed), `revision` (the
//! new containers and the difference), `snapshot`, `rollout` and `canary`
//! (pure state machines over DescribeServices and GetDeployment answers),
//! `watch` (the polling loop), `appspec`, `ecs` and `codedeploy` (the thin
//! AWS layer), `flow` (the steps), `outcome` (verdicts and exit codes).

mod appspec;
mod canary;
mod changes;
mod codedeploy;
mod ecs;
mod flow;
mod outcome;
mod revision;
mod rollout;
mod snapshot;
mod watch;

use std::process::ExitCode;
use std::time::Duration;

use changes::{Changes, ImageChange, ImageTag, SettingChange};
use outcome::{EXIT_CODES_HELP, EXIT_ERROR, Outcome};

#[derive(clap::Args)]
#[command(
    after_help = EXIT_CODES_HELP,
    group(
        clap::ArgGroup::new("what")
            .required(true)
            .multiple(true)
            .args(["images", "tag", "env", "secrets", "rollback"])
    )
)]
pub struct DeployArgs {
    /// The ECS cluster (name or ARN).
    #[arg(long)]
    cluster: String,
    /// The ECS service (name or ARN).
    #[arg(long)]
    service: String,
    /// The new image of one container; repeat for several containers.
    #[arg(long = "image", value_name = "CONTAINER=IMAGE")]
    images: Vec<ImageChange>,
    /// A new tag for every container's image (the repository stays);
    /// `--image` wins for the containers it names.
    #[arg(long)]
    tag: Option<ImageTag>,
    /// Set an environment variable of a container (repeatable).
    #[arg(long = "env", num_args = 3, value_names = ["CONTAINER", "NAME", "VALUE"])]
    env: Vec<String>,
    /// Set a secret of a container, injected from Secrets Manager or SSM (repeatable).
    #[arg(long = "secret", num_args = 3, value_names = ["CONTAINER", "NAME", "ARN"])]
    secrets: Vec<String>,
    /// Seconds to wait for the new revision to run before giving up (exit 5).
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Seconds between two looks at the deployment.
    #[arg(long, default_value = "10", value_parser = seconds)]
    poll_interval: Duration,
    /// Return the service to the ACTIVE revision of its family before the one it runs.
    #[arg(long, conflicts_with_all = ["images", "tag", "env", "secrets"])]
    rollback: bool,
    /// Print the difference the deployment would make; register and deploy nothing.
    #[arg(long)]
    dry_run: bool,
    /// AWS region (default: the SDK's chain, e.g. AWS_REGION).
    #[arg(long)]
    region: Option<String>,
    /// CodeDeploy application of a blue/green service (default: the task
    /// definition family, as Terraform names it).
    #[arg(long)]
    codedeploy_application: Option<String>,
    /// CodeDeploy deployment group (default: the task definition family).
    #[arg(long)]
    codedeploy_group: Option<String>,
}

fn seconds(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 3600.0 => Ok(Duration::from_secs_f64(v)),
        _ => Err(format!(
            "`{s}` is not a number of seconds between 0 and 3600"
        )),
    }
}

impl DeployArgs {
    fn changes(&self) -> Result<Changes, String> {
        Ok(Changes {
            images: self.images.clone(),
            tag: self.tag.clone(),
            env: SettingChange::from_triples(&self.env, "--env")?,
            secrets: SettingChange::from_triples(&self.secrets, "--secret")?,
        })
    }
}

pub async fn run(args: DeployArgs) -> ExitCode {
    let result = match args.changes() {
        Ok(changes) => flow::deploy(&args, &changes).await,
        Err(e) => Err(anyhow::anyhow!(e)),
    };
    match result {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(Outcome::Deployed)) => {
            println!("deployed: {} runs the new revision", args.service);
            ExitCode::SUCCESS
        }
        Ok(Some(outcome)) => {
            eprintln!("cdd deploy: {} {outcome}", args.service);
            ExitCode::from(outcome.exit_code())
        }
        Err(e) => {
            eprintln!("cdd deploy: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
