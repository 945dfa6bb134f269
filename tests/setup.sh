#!/usr/bin/env bash
# Installs what the tests need when it is missing, for `make test` (tests/run.sh) and `.ci/run`:
# Deno from npm into .tools/ (tests/deno.sh), and Debian packages with apt-get when run as root.
# Not as root, a missing package is an error naming the one command to run. Packages are found by
# the full path of a file they install, never by PATH (/usr/sbin is not on a normal user's PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/deno.sh >/dev/null

# package  file that shows it is installed  (what needs it)
needs=(
  "netdata-core /usr/sbin/netdata"                                     # interop and comparison tests
  "netdata-plugins-bash /usr/lib/netdata/plugins.d/system-info.sh"    # without it a netdata child aborts
  "chromium /usr/bin/chromium"                                        # dashboard tests
  "openssl /usr/bin/openssl"                                          # TLS tests make a certificate
  "prometheus /usr/bin/prometheus"                                    # exporting tests (remote write)
  "victoria-metrics /usr/bin/victoria-metrics"                        # exporting tests (remote write)
  "systemd /lib/systemd/systemd-journald"                             # journal and unit tests
  "qemu-user-static /usr/bin/qemu-aarch64-static"                     # the arm64 binary's smoke run
  "libc6-arm64-cross /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1" # arm64 Deno's libc under qemu
  "libgcc-s1-arm64-cross /usr/aarch64-linux-gnu/lib/libgcc_s.so.1"    # and its libgcc_s
)

missing() {
  local n
  for n in "${needs[@]}"; do
    [ -f "${n#* }" ] || echo "${n%% *}"
  done
}

mapfile -t packages < <(missing)
[ "${#packages[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Debian packages that are not installed: ${packages[*]}" >&2
  echo "Install them with:  sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi

echo "Installing ${packages[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${packages[@]}" >/dev/null

mapfile -t packages < <(missing)
if [ "${#packages[@]}" -ne 0 ]; then
  echo "apt-get installed them, but these are still missing: ${packages[*]} (expected files: see tests/setup.sh)" >&2
  exit 1
fi
