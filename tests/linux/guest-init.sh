#!/bin/busybox sh
# /init of the end-to-end domUs (mkguest.sh): loads blkfront and ext4,
# mounts the disk dom0's toolstack gave it as xvda, prints the marker file
# and the vCPU count on its console (hvc0, which xenconsoled logs in dom0),
# and powers off.  A missing disk prints the marker line with "no-disk".
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "E2E-GUEST-INIT"
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m.ko 2>/dev/null; done
n=0
while [ ! -b /dev/xvda ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
marker=no-disk
mount -t ext4 -o ro /dev/xvda /mnt 2>/dev/null && marker=$(cat /mnt/marker)
echo "E2E-GUEST-MARKER $marker"
echo "E2E-GUEST-CPUS $(grep -c '^processor' /proc/cpuinfo)"
umount /mnt 2>/dev/null
# e2e.hold=1: stay up until the toolstack destroys the domain.
grep -q 'e2e.hold=1' /proc/cmdline && while :; do sleep 10; done
sleep 1                     # let the console ring drain
poweroff -f
