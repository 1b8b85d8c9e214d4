#!/usr/bin/env bash
# Background preparation of the lab VM (run hidden at start; its output goes to /var/log/killercoda):
# clone the project, write its .env, pull the images, install a JDK for the Camel CLI.
# wait.sh (in the terminal) waits for the flag file written at the end.
set -euo pipefail
# the project's public repository (set it here when the lab is published from a fork)
LAB_REPO_URL=${LAB_REPO_URL:-https://github.com/opt-nc/opt-waits-pipeline.git}
LAB_DIR=/root/opt-waits

sysctl -w vm.max_map_count=262144 # OpenSearch's mmap needs
apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless python3 git curl >/dev/null

git clone --depth 1 "$LAB_REPO_URL" "$LAB_DIR"
cp /root/lab/docker-compose.override.yml "$LAB_DIR/"
# OpenSearch wants a strong admin password: random letters and digits, with the other classes added
password="Opt-$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 20)-9q!"
cat >"$LAB_DIR/.env" <<ENV
OPENSEARCH_INITIAL_ADMIN_PASSWORD=$password
KAFKA_HEAP=384m
OPENSEARCH_HEAP=512m
# the project publishes Dashboards on 127.0.0.1:DASHBOARDS_PORT; the lab's override adds 0.0.0.0:5601
DASHBOARDS_PORT=5611
# the simulator's clock (Noumea local time): a Monday afternoon, the agencies open, waits going down
SIM_CLOCK_START=2026-11-23T14:30:00
SIM_CLOCK_SPEED=1
ENV
(cd "$LAB_DIR" && docker compose pull -q)
touch /tmp/.lab-ready
