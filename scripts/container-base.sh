#!/usr/bin/env bash
# Make the base image of the Containerfile, local/debian:bookworm, without any image registry: a minimal Debian
# root file system made with debootstrap from apt's own mirror, imported into podman. Where a registry is
# reachable, skip this and build with `--build-arg BASE=debian:bookworm-slim`.
# Usage: scripts/container-base.sh [image-name]      (needs root for debootstrap; podman, debootstrap installed)
set -euo pipefail
image="${1:-local/debian:bookworm}"
suite=bookworm
if podman image exists "$image"; then
  echo "$image exists (podman rmi $image to rebuild it)" >&2
  exit 0
fi
for tool in podman debootstrap; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install podman runc debootstrap" >&2; exit 1; }
done
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list.d/debian.sources ]; then
  mirror="$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
fi
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
  mirror="$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"
rootfs="$(mktemp -d /tmp/manara-rootfs.XXXXXX)"
cleanup() { rm -rf "$rootfs"; }
trap cleanup EXIT
echo "debootstrap $suite from $mirror" >&2
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >/dev/null
# The image's apt sources: the same mirror and the security updates.
cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
SOURCES
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | podman import --quiet --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "made $image" >&2
