"""Deploy a new image the way the pipeline does, against the emulator.

scripts/check-terraform runs this between the apply and the second plan: the
second plan must then still show no changes, which proves that a
`terraform apply` after a pipeline deployment keeps the deployed image
(infra/README.md, "Task-definition drift").

The protocol (what the Jenkins deploy step does, for a rolling service):
1. register a new revision of the service's task-definition family: the
   newest revision, with its tags, and only the container image changed;
2. write the new tag to the service's image-tag SSM parameter;
3. point the ECS service at the new revision.

Usage: python pipeline_deploy.py ENDPOINT REGION NAME_PREFIX TAG SERVICE...
"""

import sys

import boto3

# Fields of DescribeTaskDefinition that RegisterTaskDefinition accepts back.
REGISTERABLE = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "runtimePlatform",
)


def deploy(ecs, ssm, name_prefix: str, tag: str, service: str) -> str:
    family = f"{name_prefix}-{service}"
    described = ecs.describe_task_definition(taskDefinition=family, include=["TAGS"])
    current = described["taskDefinition"]
    revision = {key: current[key] for key in REGISTERABLE if key in current}
    if described.get("tags"):
        revision["tags"] = described["tags"]
    for container in revision["containerDefinitions"]:
        if container["name"] == service:
            repository = container["image"].rsplit(":", 1)[0]
            container["image"] = f"{repository}:{tag}"
    registered = ecs.register_task_definition(**revision)["taskDefinition"]
    ssm.put_parameter(
        Name=f"/{name_prefix}/{service}/image-tag", Value=tag, Type="String", Overwrite=True
    )
    ecs.update_service(
        cluster=name_prefix, service=service, taskDefinition=registered["taskDefinitionArn"]
    )
    return registered["taskDefinitionArn"]


def main() -> None:
    endpoint, region, name_prefix, tag, *services = sys.argv[1:]
    session = boto3.session.Session(
        aws_access_key_id="emulator", aws_secret_access_key="emulator", region_name=region
    )
    ecs = session.client("ecs", endpoint_url=endpoint)
    ssm = session.client("ssm", endpoint_url=endpoint)
    for service in services:
        arn = deploy(ecs, ssm, name_prefix, tag, service)
        print(f"{service}: deployed {tag} as {arn}")


if __name__ == "__main__":
    main()
