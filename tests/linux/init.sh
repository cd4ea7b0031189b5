#!/bin/busybox sh
# /init of the dom0 initramfs: checks what a Xen dom0 should see, one
# "LINUX-CHECK PASS|FAIL <name> (<detail>)" line each, then the shell
# marker.  keel.mode=test powers off after that (so does keel.mode=e2e,
# which first runs /e2e/e2e.sh); keel.mode=shell (make run) gives an
# interactive shell on the console.  keel.cpus=N is the vCPU count
# expected; keel.devices=0 skips the disk and NIC checks (and their
# sleeps), for the boot benchmark.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -1; }
check() {
    local name=$1 got=$2 want=$3
    if [ "$got" = "$want" ]; then
        echo "LINUX-CHECK PASS $name ($got)"
    else
        echo "LINUX-CHECK FAIL $name (got '$got', expected '$want')"
    fi
}

check hypervisor-type "$(cat /sys/hypervisor/type 2>/dev/null)" xen
check cpus "$(grep -c '^processor' /proc/cpuinfo)" "$(arg keel.cpus)"
# Linux registers the xen clocksource; it prefers the TSC when the
# hypervisor says the TSC is stable (Xen 4.17 does, under QEMU too).
cs=/sys/devices/system/clocksource/clocksource0
check xen-clocksource "$(tr ' ' '\n' < $cs/available_clocksource | grep -cx xen)" 1
cur=$(cat $cs/current_clocksource)
case $cur in xen|tsc) check clocksource "$cur" "$cur" ;; *) check clocksource "$cur" "xen or tsc" ;; esac
check privileged "$(dmesg | grep -c 'Xen: initializing cpu0\|Booting kernel on Xen')" 1
# Devices: dom0 owns them.  A virtio-blk disk with an ext2 partition, an
# e1000 and a virtio-net NIC on a QEMU hub of their own (traffic stays in
# QEMU: link-local IPv6 between the two).
if [ "$(arg keel.devices)" != 0 ]; then      # the boot benchmark skips them
# The MSI-X table belongs to the hypervisor, which writes the messages
# itself: dom0 may read it, and its writes are dropped (Xen keeps the table
# in mmio_ro_ranges).  QEMU's virtio-rng has no driver here (not in the
# initramfs), so its BAR is free for /dev/mem; message data of entry 0
# is written through devmem and read back.  Keel protects the table from
# the moment dom0 reports the device (PHYSDEVOP_pci_device_add); Xen 4.17
# only once MSI-X is set up through map_pirq, so on Xen (keel.hv=xen) the
# write to a device without a driver goes through and the check is skipped.
msix_entry0() {   # PCI function -> physical address of its MSI-X entry 0
    local cfg=/sys/bus/pci/devices/$1/config pos id tbl start n=0
    pos=$(( $(od -An -tu1 -j52 -N1 "$cfg") + 0 ))
    while [ "${pos:-0}" -ge 64 ] && [ $n -lt 48 ]; do
        id=$(( $(od -An -tu1 -j"$pos" -N1 "$cfg") + 0 ))
        if [ "$id" -eq 17 ]; then
            tbl=$(( $(od -An -tu4 -j$((pos + 4)) -N4 "$cfg") + 0 ))
            start=$(sed -n "$(( (tbl & 7) + 1 ))p" "/sys/bus/pci/devices/$1/resource" | cut -d' ' -f1)
            printf '0x%x\n' $((start + (tbl & ~7)))
            return
        fi
        pos=$(( $(od -An -tu1 -j$((pos + 1)) -N1 "$cfg") + 0 )); n=$((n + 1))
    done
}
rng=""; for d in /sys/bus/pci/devices/*; do
    case "$(cat "$d/vendor"):$(cat "$d/device")" in 0x1af4:0x1005|0x1af4:0x1044) rng=$(basename "$d") ;; esac
done
entry=$(msix_entry0 "${rng:-none}" 2>/dev/null)
if [ "$(arg keel.hv)" = xen ]; then
    echo "LINUX-CHECK SKIP msix-table-ro (Xen 4.17 protects an MSI-X table only once map_pirq enables it)"
elif [ -n "$entry" ]; then
    data=$(printf '0x%x' $((entry + 8)))
    v=$(devmem "$data" 32 2>/dev/null)
    devmem "$data" 32 $(( ${v:-0} ^ 0x5a5a )) 2>/dev/null
    w=$(devmem "$data" 32 2>/dev/null)
    [ -n "$v" ] && [ "$v" != "$w" ] && devmem "$data" 32 "$v" 2>/dev/null
    check msix-table-ro "$([ -n "$v" ] && [ "$v" = "$w" ] && echo "write dropped" || echo "read $v, then $w")" "write dropped"
else
    check msix-table-ro "no MSI-X table found on ${rng:-a virtio-rng}" "write dropped"
fi
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m.ko 2>/dev/null; done
sleep 2
mkdir -p /mnt
disk=$(mount -t ext2 -o ro /dev/vda1 /mnt 2>/dev/null && cat /mnt/hello.txt)
check disk-file "$disk" "hello from the keel dom0 disk"
nic_irqs() { grep -E "$1" /proc/interrupts | awk '{ s = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break; t += s } END { print t + 0 }'; }
e1000=""; for n in /sys/class/net/eth*; do
    [ "$(basename "$(readlink "$n/device/driver")")" = e1000 ] && e1000=$(basename "$n")
done
check e1000-bound "${e1000:+yes}" yes
for n in /sys/class/net/eth*; do ip link set "$(basename "$n")" up; done
before=$(nic_irqs "${e1000:-none}")
sleep 3
ping -6 -c 3 -W 2 -I "${e1000:-eth0}" ff02::1 >/dev/null 2>&1
sleep 1
after=$(nic_irqs "${e1000:-none}")
check e1000-interrupts "$([ "$after" -gt "$before" ] && echo arrive)" arrive
fi
# The toolstack: kl over Debian's libxenctrl and Linux's privcmd driver,
# the same binary on Keel and on Xen (domctl/sysctl at Xen 4.17's ABI).
if [ -x /bin/kl ]; then
    insmod /lib/modules/xen-privcmd.ko 2>/dev/null
    mkdir -p /tmp
    kl list > /tmp/kl-list 2>&1; cat /tmp/kl-list
    check kl-list-dom0 "$(awk '$1 == "Domain-0" && $2 == 0 { print $4 }' /tmp/kl-list)" "$(arg keel.cpus)"
    kl info > /tmp/kl-info 2>&1; cat /tmp/kl-info
    check kl-info-cpus "$(sed -n 's/^nr_cpus *: //p' /tmp/kl-info)" "$(arg keel.cpus)"
    check kl-dmesg "$(kl dmesg 2>&1 | grep -c -m1 'Keel hypervisor\|Xen version')" 1
    check kl-destroy-dom0 "$(kl destroy 0 2>&1 | grep -c 'failed')" 1
    # kl create checks: an unknown key is refused as file:line: key: and
    # creates nothing; a kernel without Xen notes (kl itself, a plain ELF)
    # gets Keel's reason in words, or, with no xenstored (kl needs it first,
    # as libxl does), "xenstored is not running".
    kl list 2>/dev/null | awk '{ print $1, $2 }' > /tmp/kl-before
    printf "name = 'bad'\nkernel = '/bin/kl'\ncolour = 'blue'\n" > /tmp/bad.cfg
    check kl-create-bad-key "$(kl create /tmp/bad.cfg 2>&1 | grep -c '^/tmp/bad.cfg:3: colour: unknown key')" 1
    printf "name = 'notes'\ntype = 'pv'\nmemory = 16\nkernel = '/bin/kl'\n" > /tmp/notes.cfg
    kl create /tmp/notes.cfg > /tmp/kl-create 2>&1; cat /tmp/kl-create
    if ! [ -S /run/xenstored/socket ] && ! [ -S /var/run/xenstored/socket ]; then
        check kl-create-no-xenstored "$(grep -c 'kl: xenstored is not running' /tmp/kl-create)" 1
    elif [ "$(arg keel.hv)" = xen ]; then
        echo "LINUX-CHECK SKIP kl-create-no-notes (KEEL_DOMCTL_build is Keel's)"
    else
        check kl-create-no-notes "$(grep -c 'kernel has no Xen ELF notes and type=pv' /tmp/kl-create)" 1
    fi
    check kl-create-left-nothing "$(kl list 2>/dev/null | awk '{ print $1, $2 }' | cmp -s - /tmp/kl-before && echo same)" same
fi
# Grants: dom0 shares a page with itself (gntalloc) and maps it back
# (gntdev: user pages by PTE address, as xenstored maps a guest's ring).
if [ -x /bin/kl-gnt ]; then
    insmod /lib/modules/xen-gntdev.ko 2>/dev/null
    insmod /lib/modules/xen-gntalloc.ko 2>/dev/null
    check gnt-self-map "$(kl-gnt 2>&1 | tail -1)" ok
fi
# keel.mode=e2e: the end-to-end case (an image made with DOM0_E2E=1)
# starts xenstored and xenconsoled and runs domUs with the toolstack
# keel.xl names (xl on Xen, kl on Keel).
if [ "$(arg keel.mode)" = e2e ]; then
    if [ -x /e2e/e2e.sh ]; then
        XL=$(arg keel.xl) /e2e/e2e.sh
    else
        echo "LINUX-CHECK FAIL e2e (keel.mode=e2e but this image has no /e2e/e2e.sh)"
    fi
fi
echo "LINUX-CHECKS-DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "DOM0-SHELL-READY"
if [ "$(arg keel.mode)" = shell ]; then
    echo "Debian's Linux $(uname -r) is dom0 on $(cat /sys/hypervisor/type); 'poweroff -f' ends the machine."
    exec setsid cttyhack sh
fi
sleep 1                     # let the console drain
poweroff -f
