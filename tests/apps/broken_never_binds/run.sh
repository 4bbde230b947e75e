#!/bin/sh
# Runs forever without ever listening (e.g. waits for a host it will never reach).
echo "waiting for the message broker..."
exec sleep 600
