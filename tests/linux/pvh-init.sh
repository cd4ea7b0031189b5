#!/bin/busybox sh
# /init of the PVH domU's initramfs (tests/linux/pvh-domu.sh): Debian's
# Linux started by Keel at boot as a PVH domU, its console hvc0 served by
# Keel.  Prints the shell marker with the CPU count, the verdict in the
# runner's form, and powers off.  keel.cpus=N is the vCPU count expected.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
want=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^keel.cpus=//p' | tail -1)
cpus=$(grep -c '^processor' /proc/cpuinfo)
echo "PVH-SHELL-READY cpus=$cpus uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "hypervisor: $(cat /sys/hypervisor/type 2>/dev/null) clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
if [ "$cpus" = "$want" ] && [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE (cpus $cpus, expected $want)"
fi
sleep 1
poweroff -f
