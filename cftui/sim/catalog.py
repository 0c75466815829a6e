"""What a CloudForge world is made of: resource types, providers, regions, configurations, costs, log lines.

Everything here is plain data plus small generators that take a `random.Random`, so a seed decides the world.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

PROVIDERS = ("aws", "gcp", "azure")

REGIONS: dict[str, tuple[str, ...]] = {
    "aws": ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"),
    "gcp": ("us-central1", "us-east4", "europe-west1", "europe-west4", "asia-northeast1"),
    "azure": ("eastus", "westus2", "westeurope", "northeurope", "southeastasia"),
}

# type -> providers that offer it (the reference's "Providers" column).
RESOURCE_TYPES: dict[str, tuple[str, ...]] = {
    "compute_instance": ("aws", "gcp", "azure"),
    "container_cluster": ("aws", "gcp", "azure"),
    "function": ("aws", "gcp"),
    "vpc": ("aws", "gcp", "azure"),
    "subnet": ("aws", "gcp", "azure"),
    "load_balancer": ("aws", "gcp", "azure"),
    "firewall": ("aws", "gcp", "azure"),
    "block_storage": ("aws", "gcp", "azure"),
    "object_storage": ("aws", "gcp", "azure"),
    "file_storage": ("aws", "gcp"),
    "rds_instance": ("aws", "gcp", "azure"),
    "nosql_database": ("aws", "gcp"),
    "cache_cluster": ("aws", "gcp"),
}

# Relative frequency of each type in a generated project: many instances and disks, few clusters.
TYPE_WEIGHTS: dict[str, int] = {
    "compute_instance": 22,
    "container_cluster": 3,
    "function": 8,
    "vpc": 3,
    "subnet": 8,
    "load_balancer": 5,
    "firewall": 7,
    "block_storage": 14,
    "object_storage": 9,
    "file_storage": 3,
    "rds_instance": 6,
    "nosql_database": 4,
    "cache_cluster": 4,
}

# Monthly cost range per type, in cents.
COST_CENTS: dict[str, tuple[int, int]] = {
    "compute_instance": (1_500, 60_000),
    "container_cluster": (7_300, 250_000),
    "function": (0, 9_000),
    "vpc": (0, 500),
    "subnet": (0, 300),
    "load_balancer": (1_800, 12_000),
    "firewall": (0, 800),
    "block_storage": (400, 40_000),
    "object_storage": (100, 90_000),
    "file_storage": (900, 60_000),
    "rds_instance": (4_500, 320_000),
    "nosql_database": (500, 80_000),
    "cache_cluster": (1_200, 95_000),
}

NAME_STEMS: dict[str, tuple[str, ...]] = {
    "compute_instance": ("web-server", "api-server", "worker", "bastion", "batch-node", "jenkins-agent"),
    "container_cluster": ("k8s-main", "k8s-batch", "platform-cluster", "edge-cluster"),
    "function": ("thumbnailer", "webhook-relay", "nightly-report", "image-resize", "audit-forwarder"),
    "vpc": ("main-vpc", "shared-vpc", "isolated-vpc"),
    "subnet": ("public-subnet", "private-subnet", "db-subnet"),
    "load_balancer": ("public-alb", "internal-nlb", "api-lb", "ingress-lb"),
    "firewall": ("sg-web", "sg-db", "sg-internal", "fw-egress"),
    "block_storage": ("data-volume", "logs-volume", "scratch-disk", "root-disk"),
    "object_storage": ("assets-bucket", "backups-bucket", "logs-archive", "ml-datasets"),
    "file_storage": ("shared-home", "render-cache", "ci-artifacts"),
    "rds_instance": ("orders-db", "users-db", "analytics-db", "billing-db"),
    "nosql_database": ("sessions-table", "events-store", "feature-flags"),
    "cache_cluster": ("session-cache", "api-cache", "rate-limit-redis"),
}

PROJECT_NAMES = (
    ("production-infrastructure", "Customer-facing production workloads"),
    ("staging-infrastructure", "Staging environment resources"),
    ("data-platform", "Warehouse, pipelines and analytics"),
    ("ml-training", "GPU training and model serving"),
    ("payments-core", "PCI-scoped payment services"),
    ("internal-tools", "CI, wikis and internal dashboards"),
    ("edge-delivery", "CDN origins and edge functions"),
    ("legacy-migration", "Old datacenter workloads being retired"),
)
ARCHIVED_PROJECT_NAME = "legacy-migration"

TEAMS = ("platform", "payments", "data", "ml", "web", "sre", "security", "growth")
ENVIRONMENTS = ("production", "staging", "development", "qa")
APPLICATIONS = ("web", "api", "checkout", "search", "reporting", "auth", "ingest", "billing")
TIERS = ("frontend", "backend", "data", "cache")
COST_CENTERS = ("cc-1001", "cc-1002", "cc-2040", "cc-3300")


def _hex(rng: random.Random, length: int) -> str:
    return f"{rng.getrandbits(4 * length):0{length}x}"


def _compute(rng: random.Random, provider: str) -> dict[str, Any]:
    if provider == "aws":
        return {
            "instance_type": rng.choice(("t3.micro", "t3.medium", "m6i.large", "c6i.xlarge", "r6g.2xlarge")),
            "ami": f"ami-0{_hex(rng, 8)}",
            "vpc_id": f"vpc-{_hex(rng, 6)}",
            "subnet_id": f"subnet-{_hex(rng, 6)}",
            "security_groups": [f"sg-{rng.choice(('web-public', 'internal', 'ssh-bastion'))}"],
        }
    if provider == "gcp":
        return {
            "machine_type": rng.choice(("e2-small", "e2-standard-4", "n2-standard-8", "c3-highcpu-4")),
            "image": rng.choice(("debian-12", "ubuntu-2204-lts", "cos-stable")),
            "network": rng.choice(("default", "shared-vpc")),
            "zone_suffix": rng.choice(("a", "b", "c")),
        }
    return {
        "vm_size": rng.choice(("Standard_B2s", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_E8s_v5")),
        "image": rng.choice(("Ubuntu2204", "Debian12", "WindowsServer2022")),
        "vnet": f"vnet-{_hex(rng, 4)}",
    }


def _cluster(rng: random.Random, provider: str) -> dict[str, Any]:
    flavour = {"aws": "eks", "gcp": "gke", "azure": "aks"}[provider]
    node = {"aws": "m6i.large", "gcp": "e2-standard-4", "azure": "Standard_D4s_v5"}[provider]
    return {
        "engine": flavour,
        "kubernetes_version": rng.choice(("1.28", "1.29", "1.30")),
        "node_count": rng.randint(2, 24),
        "node_type": node,
        "autoscaling": rng.random() < 0.7,
    }


def _function(rng: random.Random, provider: str) -> dict[str, Any]:
    return {
        "runtime": rng.choice(("python3.11", "python3.12", "nodejs20.x", "go1.x", "java21")),
        "memory_mb": rng.choice((128, 256, 512, 1024, 2048)),
        "timeout_s": rng.choice((3, 15, 30, 60, 300)),
        "handler": rng.choice(("main.handler", "index.handler", "app.lambda_handler")),
        "platform": {"aws": "lambda", "gcp": "cloud_functions"}[provider],
    }


def _vpc(rng: random.Random, provider: str) -> dict[str, Any]:
    return {"cidr_block": f"10.{rng.randint(0, 255)}.0.0/16", "enable_dns": True, "flow_logs": rng.random() < 0.5}


def _subnet(rng: random.Random, provider: str) -> dict[str, Any]:
    return {
        "cidr_block": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.0/24",
        "vpc_id": f"vpc-{_hex(rng, 6)}",
        "public": rng.random() < 0.3,
    }


def _load_balancer(rng: random.Random, provider: str) -> dict[str, Any]:
    return {
        "scheme": rng.choice(("internet-facing", "internal")),
        "lb_type": rng.choice(("application", "network")) if provider == "aws" else "application",
        "listeners": [{"port": 443, "protocol": "HTTPS"}, {"port": 80, "protocol": "HTTP"}],
        "health_check_path": rng.choice(("/healthz", "/status", "/")),
    }


def _firewall(rng: random.Random, provider: str) -> dict[str, Any]:
    ports = rng.sample((22, 80, 443, 5432, 6379, 8080, 9090), k=rng.randint(1, 3))
    return {
        "rules": [
            {"direction": "ingress", "port": port, "cidr": rng.choice(("0.0.0.0/0", "10.0.0.0/8"))} for port in ports
        ],
        "default_action": "deny",
    }


def _block_storage(rng: random.Random, provider: str) -> dict[str, Any]:
    kind = {"aws": ("gp3", "io2", "st1"), "gcp": ("pd-balanced", "pd-ssd"), "azure": ("Premium_LRS", "StandardSSD_LRS")}
    return {
        "size_gb": rng.choice((20, 50, 100, 250, 500, 1000, 2000)),
        "volume_type": rng.choice(kind[provider]),
        "iops": rng.choice((3000, 6000, 16000)),
        "encrypted": True,
    }


def _object_storage(rng: random.Random, provider: str) -> dict[str, Any]:
    return {
        "bucket": f"novatech-{rng.choice(('assets', 'backups', 'logs', 'datasets'))}-{_hex(rng, 6)}",
        "versioning": rng.random() < 0.6,
        "storage_class": rng.choice(("standard", "infrequent_access", "archive")),
        "public_access": False,
    }


def _file_storage(rng: random.Random, provider: str) -> dict[str, Any]:
    return {
        "size_gb": rng.choice((100, 1024, 2560, 10240)),
        "throughput_mode": rng.choice(("bursting", "provisioned", "elastic")),
        "protocol": "nfs4.1",
    }


def _rds(rng: random.Random, provider: str) -> dict[str, Any]:
    engine = rng.choice((("postgres", "15.4"), ("postgres", "16.2"), ("mysql", "8.0.35")))
    size = {"aws": ("db.t3.medium", "db.r6g.large", "db.r6g.2xlarge"), "gcp": ("db-custom-2-7680", "db-custom-8-32768")}
    return {
        "engine": engine[0],
        "engine_version": engine[1],
        "instance_class": rng.choice(size.get(provider, ("GP_Standard_D2s_v3", "MO_Standard_E4s_v3"))),
        "storage_gb": rng.choice((50, 100, 500, 1000)),
        "multi_az": rng.random() < 0.5,
        "backup_retention_days": rng.choice((7, 14, 35)),
    }


def _nosql(rng: random.Random, provider: str) -> dict[str, Any]:
    return {
        "engine": {"aws": "dynamodb", "gcp": "firestore"}[provider],
        "billing_mode": rng.choice(("on_demand", "provisioned")),
        "point_in_time_recovery": rng.random() < 0.7,
    }


def _cache(rng: random.Random, provider: str) -> dict[str, Any]:
    return {
        "engine": rng.choice(("redis", "memcached")) if provider == "aws" else "redis",
        "engine_version": rng.choice(("7.0", "7.2", "6.2")),
        "node_type": rng.choice(("cache.t4g.small", "cache.r6g.large")) if provider == "aws" else "M1",
        "num_nodes": rng.randint(1, 6),
    }


CONFIG_GENERATORS: dict[str, Callable[[random.Random, str], dict[str, Any]]] = {
    "compute_instance": _compute,
    "container_cluster": _cluster,
    "function": _function,
    "vpc": _vpc,
    "subnet": _subnet,
    "load_balancer": _load_balancer,
    "firewall": _firewall,
    "block_storage": _block_storage,
    "object_storage": _object_storage,
    "file_storage": _file_storage,
    "rds_instance": _rds,
    "nosql_database": _nosql,
    "cache_cluster": _cache,
}


def configuration_for(rng: random.Random, resource_type: str, provider: str) -> dict[str, Any]:
    generator = CONFIG_GENERATORS.get(resource_type)
    return generator(rng, provider) if generator else {"note": "unrecognised type"}


def provider_for(rng: random.Random, resource_type: str, preferred: str) -> str:
    """The preferred provider when it offers the type (most of the time), otherwise one that does."""
    offered = RESOURCE_TYPES.get(resource_type, PROVIDERS)
    if preferred in offered and rng.random() < 0.8:
        return preferred
    return rng.choice(offered)


def cost_cents_for(rng: random.Random, resource_type: str) -> int:
    low, high = COST_CENTS.get(resource_type, (100, 10_000))
    # Skewed towards the cheap end, as real bills are.
    return low + int((high - low) * rng.random() ** 2)


def tags_for(rng: random.Random, environment: str, team: str) -> dict[str, str]:
    tags = {"environment": environment, "team": team, "application": rng.choice(APPLICATIONS)}
    if rng.random() < 0.5:
        tags["tier"] = rng.choice(TIERS)
    if rng.random() < 0.3:
        tags["cost-center"] = rng.choice(COST_CENTERS)
    return tags


# Realistic log lines per operation type, in the order they are written.
OPERATION_LOGS: dict[str, tuple[str, ...]] = {
    "create_resource": (
        "Initializing resource creation",
        "Validating configuration",
        "Allocating capacity in {region}",
        "Configuring network interfaces",
        "Attaching storage and security groups",
        "Running health checks",
        "Registering resource with monitoring",
    ),
    "update_resource": (
        "Validating requested changes",
        "Creating configuration snapshot",
        "Applying configuration changes",
        "Waiting for {provider} API to converge",
        "Verifying resource health",
    ),
    "delete_resource": (
        "Checking for dependent resources",
        "Draining connections",
        "Detaching network interfaces",
        "Releasing storage",
        "Removing resource from inventory",
    ),
    "restart_resource": (
        "Stopping resource gracefully",
        "Waiting for shutdown to complete",
        "Starting resource",
        "Waiting for health checks to pass",
    ),
}

FAILURE_MESSAGES: dict[str, tuple[str, ...]] = {
    "create_resource": (
        "Insufficient capacity in {region} for the requested size",
        "Quota exceeded for {type} in {region}",
        "Provider rejected configuration: invalid subnet",
    ),
    "update_resource": (
        "Update rejected by {provider}: parameter is immutable",
        "Timed out waiting for resource to become healthy",
    ),
    "delete_resource": ("Resource has dependent objects that must be removed first", "Deletion protection is enabled"),
    "restart_resource": ("Health checks failed after restart", "Instance did not stop within 300 seconds"),
}
