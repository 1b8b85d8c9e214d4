#!/usr/bin/env bash
# Foreground: waits for the background preparation (setup.sh) to finish.
echo "Preparing the lab: cloning the project and pulling the images (2-4 minutes)..."
while [ ! -f /tmp/.lab-ready ]; do sleep 2; done
echo "Ready: the project is in /root/opt-waits"
