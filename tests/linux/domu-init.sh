#!/bin/busybox sh
# /init of the boot-time domUs' initramfs (tests/linux/boot-domu.sh):
# Debian's Linux started by Keel at boot as a PVH domU (console hvc0 on the
# ring Keel serves) or as an unmodified HVM guest (nopv, console ttyS0 on
# the emulated UART).  Prints the shell marker with the CPU count, the
# verdict in the runner's form, and powers off.  keel.cpus=N is the vCPU
# count expected, keel.hyp= what /sys/hypervisor/type must say ("xen" for
# PVH; "none" for HVM with nopv: Linux then runs as on bare metal).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
want=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^keel.cpus=//p' | tail -1)
hyp=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^keel.hyp=//p' | tail -1)
have=$(cat /sys/hypervisor/type 2>/dev/null || echo none)
cpus=$(grep -c '^processor' /proc/cpuinfo)
echo "DOMU-SHELL-READY cpus=$cpus uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "hypervisor: $have clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource) console: $(cat /sys/class/tty/console/active 2>/dev/null)"
if [ "$cpus" = "$want" ] && [ "$have" = "${hyp:-xen}" ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE (cpus $cpus, expected $want; hypervisor $have, expected ${hyp:-xen})"
fi
sleep 1
poweroff -f
