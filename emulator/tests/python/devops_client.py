"""The official Azure DevOps Python client (`azure-devops`) against the emulator.

Usage: devops_client.py ORG_URL POOL_NAME AGENT_NAME, with the PAT in AZ_EMULATOR_PAT and the
emulator's CA in REQUESTS_CA_BUNDLE. It discovers the routes the way the client always does
(OPTIONS {org}/_apis, GET {org}/_apis/ResourceAreas), finds the pool by name, lists its agents
with the released (7.0) and the 7.1 clients, reads the connection data, and prints one JSON
line with what it found. Every connection goes to 127.0.0.1: any other host fails at once.
"""

import json
import os
import socket
import sys

_getaddrinfo = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise OSError("this test talks to the emulator only, not to %s" % host)
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only

from azure.devops.connection import Connection  # noqa: E402
from azure.devops.v7_1.location.location_client import LocationClient  # noqa: E402
from msrest.authentication import BasicAuthentication  # noqa: E402


def main():
    org_url, pool_name, agent_name = sys.argv[1:4]
    creds = BasicAuthentication("", os.environ["AZ_EMULATOR_PAT"])
    connection = Connection(base_url=org_url, creds=creds)

    released = connection.clients.get_task_agent_client()
    pools = released.get_agent_pools(pool_name=pool_name)
    assert [p.name for p in pools] == [pool_name], [p.name for p in pools]
    pool_id = pools[0].id
    agents = released.get_agents(pool_id)

    latest = connection.clients_v7_1.get_task_agent_client()
    pool = latest.get_agent_pool(pool_id)
    named = latest.get_agents(pool_id, agent_name=agent_name, include_assigned_request=True)

    data = LocationClient(org_url, creds).get_connection_data(connect_options="includeServices")
    definitions = data.location_service_data.service_definitions or []

    print(json.dumps({
        "pool": {"id": pool.id, "name": pool.name},
        "agents": sorted(a.name for a in agents),
        "named": [{"id": a.id, "name": a.name, "status": a.status} for a in named],
        "user": data.authenticated_user.provider_display_name,
        "instanceId": data.instance_id,
        "resourceLocations": sorted(
            d.identifier for d in definitions if d.description == "Resource Location"
        ),
    }))


if __name__ == "__main__":
    main()
