"""The official Azure management SDKs for Python against the emulator's Container Registry and
Network providers: `azure-mgmt-containerregistry` (its 2025-03-01-preview and
2019-06-01-preview API sets, the only ones with agent pools) and `azure-mgmt-network`, with
`azure-core`'s ARM long-running-operation poller following whatever the emulator answers
(Azure-AsyncOperation, Location, or the resource's provisioningState). Build contexts and logs go
through `azure-storage-blob`, as `az acr build` and `az acr task logs` use them.

Usage: acr_network_client.py ARM_ENDPOINT SUBSCRIPTION_ID RESOURCE_GROUP LOCATION, with, in the
environment (never argv: secrets): AZ_ARM_TOKEN, an Entra access token for
https://management.azure.com/.default of a principal that owns the subscription; the emulator's
CA in AZ_EMULATOR_CA (given to every client as `connection_verify`). The emulator must map the
image `local/echo:1` to a command printing "hello from <arg>" and `local/sleep:1` to one that
sleeps (its `[images]` table), so that `cmd` steps really run.

Every scenario asserts what it sees and fails loudly (a Python traceback and a non-zero exit). On
success it prints one JSON line with what it saw. No SAS URL and no token is ever printed. Every
connection goes to 127.0.0.1.
"""

import base64
import datetime
import io
import json
import os
import socket
import sys
import tarfile
import time

_getaddrinfo = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise OSError("this test talks to the emulator only, not to %s" % host)
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only

from azure.core.credentials import AccessToken  # noqa: E402
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError  # noqa: E402
from azure.mgmt.containerregistry import ContainerRegistryManagementClient  # noqa: E402
from azure.mgmt.network import NetworkManagementClient  # noqa: E402
from azure.mgmt.network import models as net  # noqa: E402
from azure.storage.blob import BlobClient  # noqa: E402

ARM_SCOPE = "https://management.azure.com/.default"
# The two API sets of azure-mgmt-containerregistry that have agent pools.
API_2025 = "2025-03-01-preview"
API_2019 = "2019-06-01-preview"
REGISTRY = "pyregistry"
TERMINAL_RUN = ("Succeeded", "Failed", "Canceled", "Error", "Timeout")
DOCKERFILE = b"FROM alpine:3.20\nRUN echo built\nCMD [\"sh\"]\n"


class StaticToken:
    """A TokenCredential holding one token (the test fetched it from the emulator's Entra)."""

    def __init__(self, token):
        self._token = token

    def get_token(self, *scopes, **kwargs):
        assert scopes == (ARM_SCOPE,), scopes
        expires = int(datetime.datetime.now(datetime.timezone.utc).timestamp()) + 3600
        return AccessToken(self._token, expires)


def encoded(yaml):
    """`encodedTaskContent` of a task file."""
    return base64.b64encode(yaml.encode()).decode()


def same_id(left, right):
    """ARM ids compare case-insensitively."""
    return (left or "").lower() == (right or "").lower()


def refused(call):
    """The ARM error code of a call that must fail (the SDK parses Azure's error envelope)."""
    try:
        call()
    except HttpResponseError as error:
        assert error.error is not None and error.error.code, error
        return {"status": error.status_code, "code": error.error.code}
    raise AssertionError("the call succeeded, it must be refused")


def gone(call):
    """Whether a read now raises ResourceNotFoundError (a 404 the SDK maps)."""
    try:
        call()
    except ResourceNotFoundError:
        return True
    return False


def lro_or_sync(operations, name, *args):
    """Calls `begin_<name>` and waits for its result when the API set has it as a long-running
    operation (2019-06-01-preview), else `<name>` (2025-03-01-preview)."""
    begin = getattr(operations, "begin_" + name, None)
    if begin is not None:
        return begin(*args).result()
    return getattr(operations, name)(*args)


def wait_run(client, rg, run_id, statuses=TERMINAL_RUN, seconds=60):
    """Polls `runs.get` until the run's status is one of `statuses`."""
    deadline = time.monotonic() + seconds
    while True:
        run = client.runs.get(rg, REGISTRY, run_id)
        if run.status in statuses:
            return run
        assert time.monotonic() < deadline, "run %s stayed %s" % (run_id, run.status)
        time.sleep(0.1)


def read_log(client, rg, run_id, ca):
    """The run's log through `listLogSasUrl` and the Blob client: text and `complete` metadata."""
    link = client.runs.get_log_sas_url(rg, REGISTRY, run_id).log_link
    assert link and link.startswith("https://"), "logLink is not an https URL"
    blob = BlobClient.from_blob_url(link, connection_verify=ca)
    downloaded = blob.download_blob()
    text = downloaded.readall().decode()
    return text, downloaded.properties.metadata.get("complete")


def context_archive():
    """A build context: a Dockerfile and one more file, as `tar.gz`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in (("Dockerfile", DOCKERFILE), ("app/run.sh", b"echo hi\n")):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def registry_lifecycle(acr, rg, location):
    """registries: begin_create (Premium), get, list_by_resource_group, list."""
    from azure.mgmt.containerregistry.v2025_04_01.models import Registry, Sku

    created = acr.registries.begin_create(
        rg, REGISTRY, Registry(location=location, sku=Sku(name="Premium"), admin_user_enabled=False)
    ).result()
    assert created.provisioning_state == "Succeeded", created.provisioning_state
    assert created.login_server == REGISTRY + ".azurecr.io", created.login_server
    fetched = acr.registries.get(rg, REGISTRY)
    assert fetched.sku.name == "Premium" and fetched.location == location, fetched.as_dict()
    in_group = [r.name for r in acr.registries.list_by_resource_group(rg)]
    everywhere = [r.name for r in acr.registries.list()]
    assert REGISTRY in in_group and REGISTRY in everywhere, (in_group, everywhere)
    basic = acr.registries.begin_create(
        rg, "pybasicregistry", Registry(location=location, sku=Sku(name="Basic"))
    ).result()
    return {
        "loginServer": created.login_server,
        "sku": fetched.sku.name,
        "id": created.id,
        "basicId": basic.id,
    }


def agent_pool_lifecycle(client, models, rg, location, name):
    """agentPools in one API set: create, update count and tags, get, list, queue status, delete;
    and the Premium refusal on a Basic registry."""
    pools = client.agent_pools
    created = pools.begin_create(
        rg, REGISTRY, name, models.AgentPool(location=location, tier="S1", count=1, os="Linux")
    ).result()
    assert created.provisioning_state == "Succeeded", created.provisioning_state
    assert (created.tier, created.count, created.os) == ("S1", 1, "Linux"), created.as_dict()
    updated = pools.begin_update(
        rg, REGISTRY, name, models.AgentPoolUpdateParameters(count=2, tags={"scaled": "python"})
    ).result()
    assert updated.count == 2 and updated.tags == {"scaled": "python"}, updated.as_dict()
    assert updated.provisioning_state == "Succeeded", updated.provisioning_state
    fetched = pools.get(rg, REGISTRY, name)
    assert fetched.count == 2, fetched.as_dict()
    listed = [p.name for p in pools.list(rg, REGISTRY)]
    assert name in listed, listed
    queue = pools.get_queue_status(rg, REGISTRY, name)
    assert queue.count == 0, queue.as_dict()
    premium_only = refused(
        lambda: pools.begin_create(
            rg, "pybasicregistry", name, models.AgentPool(location=location, tier="S1", count=1, os="Linux")
        ).result()
    )
    pools.begin_delete(rg, REGISTRY, name).result()
    deleted = gone(lambda: pools.get(rg, REGISTRY, name))
    assert deleted, "agent pool %s still readable after begin_delete" % name
    return {
        "count": fetched.count,
        "listed": sorted(listed),
        "queue": queue.count,
        "deleted": deleted,
        "basicRegistry": premium_only,
    }


def quick_run_on_pool(acr, models, rg, location, ca):
    """scheduleRun of an EncodedTaskRunRequest whose `cmd` step runs a mapped image on a pool;
    runs.get until it ends; its log through listLogSasUrl."""
    acr.agent_pools.begin_create(
        rg, REGISTRY, "pyruns", models.AgentPool(location=location, tier="S1", count=1, os="Linux")
    ).result()
    scheduled = acr.registries.schedule_run(
        rg,
        REGISTRY,
        models.EncodedTaskRunRequest(
            encoded_task_content=encoded("version: v1.1.0\nsteps:\n  - cmd: local/echo:1 {{.Run.ID}}\n"),
            platform=models.PlatformProperties(os="Linux"),
            agent_pool_name="pyruns",
        ),
    )
    assert scheduled.run_id and scheduled.agent_pool_name == "pyruns", scheduled.as_dict()
    done = wait_run(acr, rg, scheduled.run_id)
    assert done.status == "Succeeded", (done.status, done.run_error_message)
    assert done.run_type == "QuickRun" and done.agent_pool_name == "pyruns", done.as_dict()
    assert done.finish_time is not None and done.start_time <= done.finish_time, done.as_dict()
    log, complete = read_log(acr, rg, done.run_id, ca)
    hello = "hello from %s\r\n" % done.run_id
    assert hello in log, log
    return {"runId": done.run_id, "status": done.status, "logComplete": complete, "logHasHello": True}


def docker_build(acr, models, rg, ca):
    """listBuildSourceUploadUrl, the context uploaded with the Blob client, scheduleRun of a
    DockerBuildRequest; output images with digests."""
    upload = acr.registries.get_build_source_upload_url(rg, REGISTRY)
    assert upload.relative_path and upload.relative_path.endswith(".tar.gz"), upload.relative_path
    BlobClient.from_blob_url(upload.upload_url, connection_verify=ca).upload_blob(
        context_archive(), blob_type="BlockBlob", overwrite=True
    )
    scheduled = acr.registries.schedule_run(
        rg,
        REGISTRY,
        models.DockerBuildRequest(
            source_location=upload.relative_path,
            docker_file_path="Dockerfile",
            image_names=["pyhello:{{.Run.ID}}"],
            is_push_enabled=True,
            platform=models.PlatformProperties(os="Linux", architecture="amd64"),
        ),
    )
    done = wait_run(acr, rg, scheduled.run_id)
    assert done.status == "Succeeded", (done.status, done.run_error_message)
    assert done.run_type == "QuickBuild", done.run_type
    images = done.output_images or []
    assert len(images) == 1, [i.as_dict() for i in images]
    image = images[0]
    assert (image.registry, image.repository, image.tag) == (
        REGISTRY + ".azurecr.io",
        "pyhello",
        done.run_id,
    ), image.as_dict()
    assert image.digest.startswith("sha256:") and len(image.digest) == 71, image.digest
    log, complete = read_log(acr, rg, done.run_id, ca)
    assert "Step 2/3 : RUN echo built" in log, log
    missing = acr.registries.schedule_run(
        rg,
        REGISTRY,
        models.DockerBuildRequest(
            source_location=upload.relative_path,
            docker_file_path="nope/Dockerfile",
            platform=models.PlatformProperties(os="Linux"),
        ),
    )
    failed = wait_run(acr, rg, missing.run_id)
    assert failed.status == "Failed", failed.status
    assert "nope/Dockerfile" in (failed.run_error_message or ""), failed.run_error_message
    return {
        "runId": done.run_id,
        "image": "%s/%s" % (image.repository, image.tag),
        "digest": image.digest,
        "logComplete": complete,
        "missingDockerfile": failed.status,
    }


def run_queries(acr, models, rg, newest_succeeded, other_run):
    """runs.list with $filter and $top (the first page, as `az acr task list-runs --top`
    reads it), runs.update."""
    pages = acr.runs.list(rg, REGISTRY, filter="Status eq 'Succeeded'", top=1).by_page()
    first = [run.run_id for run in next(pages)]
    assert first == [newest_succeeded], (first, newest_succeeded)
    both = "RunId eq '%s' or RunId eq '%s'" % (newest_succeeded, other_run)
    by_id = sorted(run.run_id for run in acr.runs.list(rg, REGISTRY, filter=both))
    assert by_id == sorted([newest_succeeded, other_run]), by_id
    runs = list(acr.runs.list(rg, REGISTRY))
    everything = [run.run_id for run in runs]
    created = [run.create_time for run in runs]
    assert len(everything) == 4 and created == sorted(created, reverse=True), (everything, created)
    bad_filter = refused(lambda: list(acr.runs.list(rg, REGISTRY, filter="Colour eq 'red'")))
    updated = lro_or_sync(
        acr.runs, "update", rg, REGISTRY, other_run, models.RunUpdateParameters(is_archive_enabled=True)
    )
    assert updated.is_archive_enabled is True, updated.as_dict()
    return {"top": first, "byId": len(by_id), "all": len(everything), "badFilter": bad_filter, "archived": True}


def cancel(client, models, rg, schedule):
    """A run of the sleeping image, canceled while it runs (`cancel` in 2025-03-01-preview,
    `begin_cancel` in 2019-06-01-preview)."""
    request = models.EncodedTaskRunRequest(
        encoded_task_content=encoded("steps:\n  - cmd: local/sleep:1\n"),
        platform=models.PlatformProperties(os="Linux"),
    )
    scheduled = schedule(request)
    running = wait_run(client, rg, scheduled.run_id, statuses=("Running",) + TERMINAL_RUN)
    assert running.status == "Running", running.status
    lro_or_sync(client.runs, "cancel", rg, REGISTRY, scheduled.run_id)
    canceled = wait_run(client, rg, scheduled.run_id)
    assert canceled.status == "Canceled", canceled.status
    return canceled.status


def task_lifecycle(client, models, rg, location, ca, name, pool):
    """tasks with agentPoolName: create, get, update (merged), list, a task run on the task's
    pool (its `cmd` step really runs), the refusal of a run naming a pool, delete."""
    task = lro_or_sync(
        client.tasks,
        "create",
        rg,
        REGISTRY,
        name,
        models.Task(
            location=location,
            platform=models.PlatformProperties(os="Linux"),
            agent_pool_name=pool,
            status="Enabled",
            timeout=600,
            step=models.EncodedTaskStep(encoded_task_content=encoded("steps:\n  - cmd: local/echo:1 task\n")),
        ),
    )
    assert task.provisioning_state == "Succeeded", task.provisioning_state
    assert task.agent_pool_name == pool and task.timeout == 600, task.as_dict()
    fetched = client.tasks.get(rg, REGISTRY, name)
    assert fetched.agent_pool_name == pool and fetched.step.type == "EncodedTask", fetched.as_dict()
    updated = lro_or_sync(
        client.tasks,
        "update",
        rg,
        REGISTRY,
        name,
        models.TaskUpdateParameters(timeout=900, tags={"owner": "python"}),
    )
    assert updated.timeout == 900 and updated.tags == {"owner": "python"}, updated.as_dict()
    assert updated.agent_pool_name == pool, "PATCH lost agentPoolName: %s" % updated.as_dict()
    listed = [t.name for t in client.tasks.list(rg, REGISTRY)]
    assert name in listed, listed
    summary = {"agentPoolName": updated.agent_pool_name, "timeout": updated.timeout, "listed": name in listed}
    run = lro_or_sync(client.registries, "schedule_run", rg, REGISTRY, models.TaskRunRequest(task_id=task.id))
    done = wait_run(client, rg, run.run_id)
    assert done.status == "Succeeded", (done.status, done.run_error_message)
    assert done.task == name and done.agent_pool_name == pool, done.as_dict()
    log, _ = read_log(client, rg, done.run_id, ca)
    assert "hello from task\r\n" in log, log
    summary["taskRun"] = {"status": done.status, "agentPoolName": done.agent_pool_name}
    summary["poolOnTaskRun"] = refused(
        lambda: lro_or_sync(
            client.registries,
            "schedule_run",
            rg,
            REGISTRY,
            models.TaskRunRequest(task_id=task.id, agent_pool_name=pool),
        )
    )
    lro_or_sync(client.tasks, "delete", rg, REGISTRY, name)
    summary["deleted"] = gone(lambda: client.tasks.get(rg, REGISTRY, name))
    assert summary["deleted"], "task %s still readable after delete" % name
    return summary


def task_with_triggers(client, models, rg, location):
    """A task with a Docker step and timer, base image and source triggers: the polymorphic step
    and the triggers round-trip; GET masks the context and source tokens, listDetails shows them."""
    name = "pytriggers"
    repository = "https://github.com/Azure-Samples/acr-build-helloworld-node.git"
    created = client.tasks.create(
        rg,
        REGISTRY,
        name,
        models.Task(
            location=location,
            platform=models.PlatformProperties(os="Linux"),
            step=models.DockerBuildStep(
                docker_file_path="Dockerfile",
                image_names=["hello:{{.Run.ID}}"],
                context_path=repository,
                context_access_token="context-token",
            ),
            trigger=models.TriggerProperties(
                timer_triggers=[models.TimerTrigger(schedule="0 */2 * * *", name="nightly")],
                base_image_trigger=models.BaseImageTrigger(base_image_trigger_type="Runtime", name="base"),
                source_triggers=[
                    models.SourceTrigger(
                        name="commits",
                        source_trigger_events=["commit"],
                        source_repository=models.SourceProperties(
                            source_control_type="Github",
                            repository_url=repository,
                            branch="main",
                            source_control_auth_properties=models.AuthInfo(token_type="PAT", token="source-token"),
                        ),
                    )
                ],
            ),
        ),
    )
    assert created.step.type == "Docker" and created.step.image_names == ["hello:{{.Run.ID}}"], created.as_dict()
    trigger = client.tasks.get(rg, REGISTRY, name).trigger
    assert trigger.timer_triggers[0].schedule == "0 */2 * * *", trigger.as_dict()
    assert trigger.base_image_trigger.base_image_trigger_type == "Runtime", trigger.as_dict()
    masked = client.tasks.get(rg, REGISTRY, name)
    shown = client.tasks.get_details(rg, REGISTRY, name)

    def source(task):
        return task.trigger.source_triggers[0].source_repository.source_control_auth_properties

    assert masked.step.context_access_token is None and source(masked).token is None, "GET shows a token"
    assert shown.step.context_access_token == "context-token", "listDetails hides the context token"
    assert source(shown).token == "source-token", "listDetails hides the source token"
    client.tasks.delete(rg, REGISTRY, name)
    return {"step": created.step.type, "masked": True, "details": True}


def legacy_runs(acr19, models19, rg):
    """2019-06-01-preview: scheduleRun and cancel as long-running operations."""
    scheduled = acr19.registries.begin_schedule_run(
        rg,
        REGISTRY,
        models19.EncodedTaskRunRequest(
            encoded_task_content=encoded("steps:\n  - cmd: local/echo:1 legacy\n"),
            platform=models19.PlatformProperties(os="Linux"),
        ),
    ).result()
    done = wait_run(acr19, rg, scheduled.run_id)
    assert done.status == "Succeeded", (done.status, done.run_error_message)

    def schedule(request):
        return acr19.registries.begin_schedule_run(rg, REGISTRY, request).result()

    return {"scheduled": done.status, "canceled": cancel(acr19, models19, rg, schedule)}


def network(client, rg, location):
    """Microsoft.Network: a virtual network with subnets, a security group with rules, a route
    table with routes, their tags updated (PATCH), a subnet referencing both, the refusal to
    delete a group in use."""
    vnet = client.virtual_networks.begin_create_or_update(
        rg,
        "pyvnet",
        net.VirtualNetwork(
            location=location,
            address_space=net.AddressSpace(address_prefixes=["10.20.0.0/16"]),
            subnets=[
                net.Subnet(name="agents", address_prefix="10.20.1.0/24"),
                net.Subnet(name="other", address_prefix="10.20.2.0/24"),
            ],
        ),
    ).result()
    assert vnet.provisioning_state == "Succeeded", vnet.provisioning_state
    assert sorted(s.name for s in vnet.subnets) == ["agents", "other"], vnet.as_dict()
    nsg = client.network_security_groups.begin_create_or_update(
        rg,
        "pynsg",
        net.NetworkSecurityGroup(
            location=location,
            security_rules=[
                net.SecurityRule(
                    name="allow-keyvault",
                    protocol="Tcp",
                    source_port_range="*",
                    destination_port_range="443",
                    source_address_prefix="VirtualNetwork",
                    destination_address_prefix="AzureKeyVault",
                    access="Allow",
                    priority=100,
                    direction="Outbound",
                )
            ],
        ),
    ).result()
    defaults = sorted(r.name for r in nsg.default_security_rules or [])
    assert defaults == [
        "AllowAzureLoadBalancerInBound",
        "AllowInternetOutBound",
        "AllowVnetInBound",
        "AllowVnetOutBound",
        "DenyAllInBound",
        "DenyAllOutBound",
    ], defaults
    rule = client.security_rules.begin_create_or_update(
        rg,
        "pynsg",
        "allow-monitor",
        net.SecurityRule(
            protocol="Tcp",
            source_port_range="*",
            destination_port_ranges=["443", "12000"],
            source_address_prefix="VirtualNetwork",
            destination_address_prefix="AzureMonitor",
            access="Allow",
            priority=110,
            direction="Outbound",
        ),
    ).result()
    assert rule.provisioning_state == "Succeeded" and rule.destination_port_ranges == ["443", "12000"], rule.as_dict()
    rules = sorted(r.name for r in client.security_rules.list(rg, "pynsg"))
    assert rules == ["allow-keyvault", "allow-monitor"], rules
    table = client.route_tables.begin_create_or_update(
        rg,
        "pyroutes",
        net.RouteTable(
            location=location,
            routes=[
                net.Route(
                    name="to-firewall",
                    address_prefix="0.0.0.0/0",
                    next_hop_type="VirtualAppliance",
                    next_hop_ip_address="10.20.0.4",
                )
            ],
        ),
    ).result()
    assert [r.name for r in table.routes] == ["to-firewall"], table.as_dict()
    route = client.routes.begin_create_or_update(
        rg, "pyroutes", "storage-direct", net.Route(address_prefix="Storage", next_hop_type="Internet")
    ).result()
    assert route.provisioning_state == "Succeeded", route.as_dict()
    tagged = {
        "vnet": client.virtual_networks.update_tags(rg, "pyvnet", net.TagsObject(tags={"owner": "python"})),
        "nsg": client.network_security_groups.update_tags(rg, "pynsg", net.TagsObject(tags={"owner": "python"})),
        "routeTable": client.route_tables.update_tags(rg, "pyroutes", net.TagsObject(tags={"owner": "python"})),
    }
    for kind, resource in tagged.items():
        assert resource.tags == {"owner": "python"}, (kind, resource.as_dict())
    assert client.virtual_networks.get(rg, "pyvnet").tags == {"owner": "python"}
    assert sorted(r.name for r in client.route_tables.get(rg, "pyroutes").routes) == ["storage-direct", "to-firewall"]
    subnet = client.subnets.begin_create_or_update(
        rg,
        "pyvnet",
        "agents",
        net.Subnet(
            address_prefix="10.20.1.0/24",
            network_security_group=net.NetworkSecurityGroup(id=nsg.id),
            route_table=net.RouteTable(id=table.id),
        ),
    ).result()
    read = client.subnets.get(rg, "pyvnet", "agents")
    assert same_id(read.network_security_group.id, nsg.id), read.as_dict()
    assert same_id(read.route_table.id, table.id), read.as_dict()
    nsg_subnets = [s.id for s in client.network_security_groups.get(rg, "pynsg").subnets or []]
    assert any(same_id(s, subnet.id) for s in nsg_subnets), nsg_subnets
    in_use = refused(lambda: client.network_security_groups.begin_delete(rg, "pynsg").result())
    return {
        "subnets": sorted(s.name for s in vnet.subnets),
        "defaultRules": len(defaults),
        "rules": rules,
        "routes": sorted(r.name for r in client.routes.list(rg, "pyroutes")),
        "subnetNsg": same_id(read.network_security_group.id, nsg.id),
        "subnetRouteTable": same_id(read.route_table.id, table.id),
        "nsgInUse": in_use,
        "tagged": sorted(tagged),
        "subnetId": subnet.id,
    }


def network_deletes(client, rg):
    """Deletes: a rule, a route, the subnet's references, the groups, the virtual network."""
    client.security_rules.begin_delete(rg, "pynsg", "allow-monitor").result()
    client.routes.begin_delete(rg, "pyroutes", "storage-direct").result()
    client.subnets.begin_create_or_update(
        rg, "pyvnet", "agents", net.Subnet(address_prefix="10.20.1.0/24")
    ).result()
    client.network_security_groups.begin_delete(rg, "pynsg").result()
    client.route_tables.begin_delete(rg, "pyroutes").result()
    client.subnets.begin_delete(rg, "pyvnet", "other").result()
    remaining = [s.name for s in client.virtual_networks.get(rg, "pyvnet").subnets]
    assert remaining == ["agents"], remaining
    client.virtual_networks.begin_delete(rg, "pyvnet").result()
    checks = {
        "rule": gone(lambda: client.security_rules.get(rg, "pynsg", "allow-monitor")),
        "nsg": gone(lambda: client.network_security_groups.get(rg, "pynsg")),
        "routeTable": gone(lambda: client.route_tables.get(rg, "pyroutes")),
        "vnet": gone(lambda: client.virtual_networks.get(rg, "pyvnet")),
    }
    assert all(checks.values()), checks
    return checks


def pool_in_subnet(acr, models, rg, location, subnet_id):
    """An agent pool in the subnet the network scenario built."""
    pool = acr.agent_pools.begin_create(
        rg,
        REGISTRY,
        "pyvnetpool",
        models.AgentPool(
            location=location, tier="S2", count=1, os="Linux", virtual_network_subnet_resource_id=subnet_id
        ),
    ).result()
    assert pool.provisioning_state == "Succeeded", pool.provisioning_state
    assert same_id(pool.virtual_network_subnet_resource_id, subnet_id), pool.as_dict()
    acr.agent_pools.begin_delete(rg, REGISTRY, "pyvnetpool").result()
    return pool.tier


def main():
    arm, subscription, rg, location = sys.argv[1:5]
    ca = os.environ["AZ_EMULATOR_CA"]
    credential = StaticToken(os.environ["AZ_ARM_TOKEN"])
    common = {"base_url": arm, "connection_verify": ca, "polling_interval": 0.2}
    acr = ContainerRegistryManagementClient(credential, subscription, **common)
    acr25 = ContainerRegistryManagementClient(credential, subscription, api_version=API_2025, **common)
    acr19 = ContainerRegistryManagementClient(credential, subscription, api_version=API_2019, **common)
    network_client = NetworkManagementClient(credential, subscription, **common)
    models25 = acr25.models(api_version=API_2025)
    models19 = acr19.models(api_version=API_2019)
    started = time.monotonic()

    found = {"registry": registry_lifecycle(acr, rg, location)}
    found["agentPools"] = {
        API_2025: agent_pool_lifecycle(acr25, models25, rg, location, "pypool2025"),
        API_2019: agent_pool_lifecycle(acr19, models19, rg, location, "pypool2019"),
    }
    found["quickRun"] = quick_run_on_pool(acr25, models25, rg, location, ca)
    found["build"] = docker_build(acr25, models25, rg, ca)
    found["canceled"] = cancel(
        acr25, models25, rg, lambda request: acr25.registries.schedule_run(rg, REGISTRY, request)
    )
    found["runs"] = run_queries(acr25, models25, rg, found["build"]["runId"], found["quickRun"]["runId"])
    found["tasks"] = {
        API_2025: task_lifecycle(acr25, models25, rg, location, ca, "pytask2025", "pyruns"),
        API_2019: task_lifecycle(acr19, models19, rg, location, ca, "pytask2019", "pyruns"),
    }
    found["taskTriggers"] = task_with_triggers(acr25, models25, rg, location)
    found["legacyRuns"] = legacy_runs(acr19, models19, rg)
    found["network"] = network(network_client, rg, location)
    found["poolInSubnet"] = pool_in_subnet(acr25, models25, rg, location, found["network"].pop("subnetId"))
    found["networkDeleted"] = network_deletes(network_client, rg)
    acr.registries.begin_delete(rg, "pybasicregistry").result()
    acr.registries.begin_delete(rg, REGISTRY).result()
    found["registryDeleted"] = gone(lambda: acr.registries.get(rg, REGISTRY))
    found["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(found, sort_keys=True))


if __name__ == "__main__":
    main()
