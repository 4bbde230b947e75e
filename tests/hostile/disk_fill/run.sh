#!/bin/sh
# Fills its /tmp until the disk is full, says so, then gives up.
echo "filling the disk"
dd if=/dev/zero of=/tmp/fill bs=1M
echo "last line before exit"
exit 1
