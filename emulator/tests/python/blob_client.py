"""The official Azure Blob Storage Python client (`azure-storage-blob`) against the emulator.

Usage: blob_client.py ACCOUNT_URL CONTAINER, with, in the environment (never argv: they are
secrets): AZ_BLOB_CONNECTION_STRING, the account's connection string (built from ARM listKeys),
and AZ_STORAGE_TOKEN, an Entra access token for https://storage.azure.com/.default of a
principal holding a Blob data role; the emulator's CA is in AZ_EMULATOR_CA (given to the client
as `connection_verify`).

With the account key it creates the container and sets its metadata, uploads a few MiB in
blocks (a small `max_single_put_size`, an MD5 per block) and downloads them in 1 MiB ranges (an
MD5 per range), lists with a prefix and walks with a delimiter, downloads a range, sets blob
metadata, creates an append blob and appends to it, reads through a service SAS, and deletes.
With the bearer token it gets a user delegation key and reads through a user delegation SAS.
It prints one JSON line with what it saw. Every connection goes to 127.0.0.1.
"""

import datetime
import hashlib
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

from azure.core.credentials import AccessToken  # noqa: E402
from azure.storage.blob import (  # noqa: E402
    BlobClient,
    BlobPrefix,
    BlobSasPermissions,
    BlobServiceClient,
    generate_blob_sas,
)

MIB = 1024 * 1024


class StaticToken:
    """A TokenCredential holding one token (the test fetched it from the emulator's Entra)."""

    def __init__(self, token):
        self._token = token

    def get_token(self, *scopes, **kwargs):
        assert scopes == ("https://storage.azure.com/.default",), scopes
        expires = int(datetime.datetime.now(datetime.timezone.utc).timestamp()) + 3600
        return AccessToken(self._token, expires)


def walk(container, prefix):
    """Names and prefixes of a hierarchical listing, depth first."""
    found = []
    for item in container.walk_blobs(name_starts_with=prefix, delimiter="/"):
        if isinstance(item, BlobPrefix):
            found.append(item.name)
            found.extend(walk(container, item.name))
        else:
            found.append(item.name)
    return found


def with_key(account_url, name, ca, now):
    """Everything done with the account key; returns the summary's part and the container."""
    connection_string = os.environ["AZ_BLOB_CONNECTION_STRING"]
    service = BlobServiceClient.from_connection_string(
        connection_string,
        connection_verify=ca,
        max_single_put_size=MIB,
        max_block_size=MIB,
        max_single_get_size=MIB,
        max_chunk_get_size=MIB,
    )
    container = service.create_container(name)
    container.set_container_metadata({"purpose": "python"})
    container_metadata = container.get_container_properties().metadata
    big = bytes((i * 7 + i // 4096) % 251 for i in range(3 * MIB + 12345))
    container.upload_blob("dir/big.bin", big, max_concurrency=2, validate_content=True)
    for blob_name in ("dir/sub/a.txt", "dir/b.txt", "other.txt"):
        container.upload_blob(blob_name, blob_name.encode())
    big_client = container.get_blob_client("dir/big.bin")
    blocks, _ = big_client.get_block_list("committed")
    downloaded = big_client.download_blob(max_concurrency=2, validate_content=True).readall()
    ranged = big_client.download_blob(offset=MIB - 100, length=5000).readall()

    big_client.set_blob_metadata({"complete": "true", "owner": "python"})
    properties = big_client.get_blob_properties()

    log = container.get_blob_client("logs/run.log")
    log.create_append_blob()
    offsets = [
        log.append_block(b"step 1\r\n")["blob_append_offset"],
        log.append_block(b"step 2\r\n")["blob_append_offset"],
    ]
    log_text = log.download_blob().readall().decode()

    account_key = service.credential.account_key
    service_sas = generate_blob_sas(
        service.account_name,
        name,
        "dir/big.bin",
        account_key=account_key,
        permission=BlobSasPermissions(read=True),
        expiry=now + datetime.timedelta(hours=1),
        protocol="https",
    )
    through_sas = BlobClient.from_blob_url(
        "%s/%s/dir/big.bin?%s" % (account_url, name, service_sas), connection_verify=ca
    )
    sas_range = through_sas.download_blob(offset=10, length=100).readall()

    container.delete_blob("dir/b.txt")
    summary = {
        "account": service.account_name,
        "containerMetadata": container_metadata,
        "uploaded": len(big),
        "blocks": len(blocks),
        "sha256": hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(big).hexdigest(),
        "range": ranged == big[MIB - 100:MIB - 100 + 5000],
        "listed": sorted(b.name for b in container.list_blobs(name_starts_with="dir/")),
        "walked": walk(container, "dir/"),
        "metadata": properties.metadata,
        "size": properties.size,
        "blobType": str(properties.blob_type),
        "appendOffsets": [int(o) for o in offsets],
        "appendCommitted": log.get_blob_properties().append_blob_committed_block_count,
        "log": log_text,
        "serviceSas": sas_range == big[10:110],
    }
    return summary, container


def with_token(account_url, name, ca, now):
    """Everything done with the bearer token: a user delegation key and a SAS signed with it."""
    service = BlobServiceClient(
        account_url, credential=StaticToken(os.environ["AZ_STORAGE_TOKEN"]), connection_verify=ca
    )
    key = service.get_user_delegation_key(now - datetime.timedelta(minutes=5), now + datetime.timedelta(hours=1))
    sas = generate_blob_sas(
        service.account_name,
        name,
        "other.txt",
        user_delegation_key=key,
        permission=BlobSasPermissions(read=True),
        expiry=now + datetime.timedelta(minutes=30),
        protocol="https",
    )
    through_sas = BlobClient.from_blob_url(
        "%s/%s/other.txt?%s" % (account_url, name, sas), connection_verify=ca
    )
    return {
        "delegationKey": {
            "oid": key.signed_oid,
            "tid": key.signed_tid,
            "service": key.signed_service,
        },
        "userDelegationSas": through_sas.download_blob().readall().decode(),
        "containers": [c.name for c in service.list_containers()],
    }


def main():
    account_url, name = sys.argv[1:3]
    ca = os.environ["AZ_EMULATOR_CA"]
    now = datetime.datetime.now(datetime.timezone.utc)
    summary, container = with_key(account_url, name, ca, now)
    summary.update(with_token(account_url, name, ca, now))
    container.delete_container()
    summary["deleted"] = not container.exists()
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
