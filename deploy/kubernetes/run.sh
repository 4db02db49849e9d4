#!/usr/bin/env bash
# Runs the sharded reference case on the cluster kubectl points at and
# prints the merged result. Needs the image settle:0.2.0 (deploy/Dockerfile)
# where the cluster can pull it.
set -euo pipefail
cd "$(dirname "$0")"
kubectl delete job settle-shards settle-merge --ignore-not-found
kubectl apply -f shards.yaml
kubectl wait --for=condition=complete job/settle-shards --timeout=2h
kubectl apply -f merge.yaml
kubectl wait --for=condition=complete job/settle-merge --timeout=10m
kubectl logs job/settle-merge
