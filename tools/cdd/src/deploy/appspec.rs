//! The AppSpec of a CodeDeploy ECS deployment: which revision the green task
//! set runs, and which container and port the load balancer sends traffic
//! to (the service's own, so CodeDeploy wires the green set like the blue).

use serde_json::json;

/// The container of the task definition behind the load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBalancedContainer {
    pub name: String,
    pub port: i32,
}

/// The AppSpec as JSON (CodeDeploy reads JSON or YAML). The platform
/// version is repeated from the service because an AppSpec without one
/// starts the green task set on LATEST, not on the service's pinned one.
pub fn ecs_appspec(
    task_definition_arn: &str,
    container: &LoadBalancedContainer,
    platform_version: Option<&str>,
) -> String {
    let mut properties = json!({
        "TaskDefinition": task_definition_arn,
        "LoadBalancerInfo": {
            "ContainerName": container.name,
            "ContainerPort": container.port,
        },
    });
    if let Some(version) = platform_version {
        properties["PlatformVersion"] = json!(version);
    }
    json!({
        "version": 0.0,
        "Resources": [{
            "TargetService": {
                "Type": "AWS::ECS::Service",
                "Properties": properties,
            }
        }]
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_revision_and_the_load_balanced_container() {
        let container = LoadBalancedContainer {
            name: "intake".into(),
            port: 8080,
        };
        let spec: serde_json::Value = serde_json::from_str(&ecs_appspec(
            "arn:td/cdd-prod-intake:8",
            &container,
            Some("1.4.0"),
        ))
        .unwrap();
        let target = &spec["Resources"][0]["TargetService"];
        assert_eq!(target["Type"], "AWS::ECS::Service");
        assert_eq!(
            target["Properties"]["TaskDefinition"],
            "arn:td/cdd-prod-intake:8"
        );
        assert_eq!(
            target["Properties"]["LoadBalancerInfo"]["ContainerName"],
            "intake"
        );
        assert_eq!(
            target["Properties"]["LoadBalancerInfo"]["ContainerPort"],
            8080
        );
        assert_eq!(target["Properties"]["PlatformVersion"], "1.4.0");
        assert_eq!(spec["version"], 0.0);
    }
}
