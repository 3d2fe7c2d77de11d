#!/usr/bin/env bash
# Slurm for test/sweep/slurm.test.ts: Debian's slurm-wlm and munge, installed when missing (about
# 8 s). Nothing is configured or started here — no systemd in CI: the test writes a one-node
# slurm.conf in a temp directory and starts munged, slurmctld and slurmd itself, then stops them.
set -euo pipefail
missing=()
command -v slurmctld >/dev/null || missing+=(slurm-wlm)
command -v munged >/dev/null || missing+=(munge)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=''
  [ "$(id -u)" -eq 0 ] || sudo='sudo'
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y "${missing[@]}" || { $sudo apt-get update && $sudo apt-get install -y "${missing[@]}"; }
fi
slurmctld -V
