"""The official Python client's side of the ``blob_upload`` benchmark.

``blob_upload.py <container> <blob> <file>`` uploads ``<file>`` with azure-storage-blob's
``BlobClient.upload_blob(data, overwrite=True)`` and its default concurrency, from a file object,
authenticated with the account key of the connection string in ``BLOB_CONNECTION_STRING`` (an
environment variable, never argv, because it holds the key), over HTTPS trusting the CA file in
``BLOB_CA_FILE``.

Prints ``bytes=<n>``, ``upload_us=<n>`` (the upload alone, without interpreter start and
imports) and ``peak_rss_kb=<n>`` (its own VmHWM). With ``--check`` it only tells, by its exit
code, whether ``azure.storage.blob`` can be imported.
"""

import os
import sys
import time


def peak_rss_kb():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(argv):
    if argv == ["--check"]:
        import azure.storage.blob  # noqa: F401  (ImportError is the answer)

        return 0
    if len(argv) != 3:
        print("usage: blob_upload.py <container> <blob> <file> | --check", file=sys.stderr)
        return 2
    container, blob, path = argv
    from azure.storage.blob import BlobClient

    client = BlobClient.from_connection_string(
        os.environ["BLOB_CONNECTION_STRING"],
        container_name=container,
        blob_name=blob,
        connection_verify=os.environ["BLOB_CA_FILE"],
    )
    size = os.path.getsize(path)
    with open(path, "rb") as data:
        started = time.perf_counter()
        client.upload_blob(data, overwrite=True)
        elapsed = time.perf_counter() - started
    print(f"bytes={size}")
    print(f"upload_us={int(elapsed * 1_000_000)}")
    print(f"peak_rss_kb={peak_rss_kb()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
