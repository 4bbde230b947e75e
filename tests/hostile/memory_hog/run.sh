#!/bin/sh
echo "allocating 4 GiB"
exec python -c "
hog = bytearray(4 * 1024 ** 3)
for i in range(0, len(hog), 4096):
    hog[i] = 1
"
