//! What `cdd up` runs: the platform's services, and the instances of them
//! a run starts (one each, or several of screening to try failover), each
//! with its port, its Cloud Map instance id and its data folder.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::ExitCode;

use anyhow::bail;
use cdd_platform::service::run_from_env;

type RunService = fn() -> Pin<Box<dyn Future<Output = ExitCode> + Send>>;

/// A service `cdd up` starts.
pub struct Service {
    pub name: &'static str,
    /// Offset from `--base-port` of its first instance.
    pub port_offset: u16,
    pub run: RunService,
}

/// Every service of the platform that has landed.
pub const SERVICES: &[Service] = &[
    Service {
        name: "intake",
        port_offset: 0,
        run: || Box::pin(run_from_env::<cdd_intake::Application>()),
    },
    Service {
        name: "screening",
        port_offset: 1,
        run: || Box::pin(run_from_env::<cdd_screening::Application>()),
    },
    Service {
        name: "documents",
        port_offset: 2,
        run: || Box::pin(run_from_env::<cdd_documents::Application>()),
    },
    Service {
        name: "letters",
        port_offset: 3,
        run: || Box::pin(run_from_env::<cdd_letters::Application>()),
    },
];

/// The service that may run several instances.
pub const SCREENING: &str = "screening";

/// One process of a service, as Cloud Map knows it (ECS: one task).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub service: &'static str,
    /// The Cloud Map instance id: `<service>-<n>`, n from 1.
    pub id: String,
    pub port: u16,
}

impl Instance {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Its embedded storage. Every process needs its own folder (the journal
    /// is locked to one process), so the first instance keeps the service's
    /// folder and the others get one each. On Fargate the instances share
    /// DynamoDB; here each extra screening instance has its own monitoring
    /// state, which is enough to try failover.
    pub fn data_dir(&self, root: &Path) -> PathBuf {
        if self.id == format!("{}-1", self.service) {
            root.join(self.service)
        } else {
            root.join(&self.id)
        }
    }
}

/// The instances of a run: one of each service on `base_port` + its offset,
/// then the extra screening instances on the ports after the last service.
pub fn plan(base_port: u16, screening_instances: u16) -> anyhow::Result<Vec<Instance>> {
    let first_extra = SERVICES.iter().map(|s| s.port_offset).max().unwrap_or(0) + 1;
    let port = |offset: u16| match base_port.checked_add(offset) {
        Some(port) => Ok(port),
        None => bail!("--base-port {base_port} leaves no room for every service's port"),
    };
    let mut instances = Vec::new();
    for service in SERVICES {
        instances.push(Instance {
            service: service.name,
            id: format!("{}-1", service.name),
            port: port(service.port_offset)?,
        });
    }
    for n in 2..=screening_instances {
        instances.push(Instance {
            service: SCREENING,
            id: format!("{SCREENING}-{n}"),
            port: port(first_extra + n - 2)?,
        });
    }
    Ok(instances)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_screening_instances_follow_letters() {
        let planned: Vec<(String, u16)> = plan(9000, 3)
            .unwrap()
            .into_iter()
            .map(|i| (i.id, i.port))
            .collect();
        let expected = [
            ("intake-1", 9000),
            ("screening-1", 9001),
            ("documents-1", 9002),
            ("letters-1", 9003),
            ("screening-2", 9004),
            ("screening-3", 9005),
        ];
        assert_eq!(
            planned,
            expected.map(|(id, port)| (id.to_string(), port)).to_vec()
        );
    }

    #[test]
    fn each_instance_has_its_own_data_folder() {
        let planned = plan(9000, 2).unwrap();
        let root = Path::new("/data");
        assert_eq!(planned[1].data_dir(root), root.join("screening"));
        assert_eq!(planned[4].data_dir(root), root.join("screening-2"));
    }

    #[test]
    fn ports_past_the_last_are_refused() {
        assert!(plan(65533, 1).is_err());
    }
}
