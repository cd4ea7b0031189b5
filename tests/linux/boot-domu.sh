#!/bin/bash
# Debian's Linux 6.1 (the bzImage as shipped) as domUs that Keel starts at
# boot from multiboot modules, each with a busybox initramfs (domu-init.sh)
# as its ramdisk module.  Cases:
#   pvh    a PVH domU, no dom0: 2 vCPUs, 256 MiB, console hvc0 on the ring
#          Keel serves ("(d1) ..." lines on the serial line);
#   hvm    the same kernel as an unmodified HVM guest (type=hvm, `nopv`),
#          no dom0: 2 vCPUs, 256 MiB, entered through the Linux boot
#          protocol, console ttyS0 on the emulated UART;
#   mixed  both at once (d1 PVH, d2 HVM) beside a PV dom0 test kernel
#          (tests/guests/dom0_watch_domus) that watches them from dom0.
# A domU passes when its init prints the shell marker and "Test result:
# SUCCESS" (the CPU count; /sys/hypervisor/type xen for PVH, none for HVM)
# and then powers off through ACPI S5, with no crash line anywhere.
# Keel only (Xen needs its toolstack for a domU).
# Usage: tests/linux/boot-domu.sh <build-dir> [pvh|hvm|mixed ...] (default: all three)
#   ISO_ONLY=1: only build <build>/linux-domu/<case>.iso and the ramdisk.
# Output: PASS|FAIL linux-domu/keel/<case> (...); logs in <build>/linux-domu/.
set -u
[ $# -ge 1 ] || { echo "usage: $0 <build-dir> [pvh|hvm|mixed ...]" >&2; exit 2; }
mkdir -p "$1"
BUILD=$(cd "$1" && pwd)
shift
CASES=${*:-pvh hvm mixed}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
HV=keel
TIMEOUT=${TIMEOUT:-300}
KEEL_CMDLINE=${KEEL_CMDLINE:-"console=com1 loglvl=info guest_loglvl=warning noreboot"}
OUT=$BUILD/linux-domu
mkdir -p "$OUT"
# shellcheck source=tests/linux/lib.sh
. "$HERE/lib.sh"
linux_setup || { echo "FAIL linux-domu/keel/setup (see above)"; exit 1; }

# The domUs' initramfs: busybox and domu-init.sh, nothing else.
ramdisk=$OUT/domu-initrd.gz
tmp=$(mktemp -d)
mkdir -p "$tmp"/{bin,proc,sys,dev}
cp "$TOP/ext/busybox/busybox" "$tmp/bin/busybox"
cp "$HERE/domu-init.sh" "$tmp/init"
chmod +x "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -9) > "$ramdisk"
rm -rf "$tmp"

PVH_ARGS=${PVH_ARGS:-"type=pvh mem=256M vcpus=2 console=hvc0 keel.cpus=2 keel.hyp=xen panic=-1 loglevel=4"}
HVM_ARGS=${HVM_ARGS:-"type=hvm mem=256M vcpus=2 nopv console=ttyS0 keel.cpus=2 keel.hyp=none panic=-1 loglevel=4"}
BAD='Panic on CPU|Keel halted|domain_crash|Kernel panic|BUG: |Oops|general protection fault'

# menu entries of one case: its modules
modules() {
    case $1 in
    pvh) printf '    module2 /boot/vmlinuz %s\n    module2 --nounzip /boot/domu-initrd.gz ramdisk\n' "$PVH_ARGS" ;;
    hvm) printf '    module2 /boot/vmlinuz %s\n    module2 --nounzip /boot/domu-initrd.gz ramdisk\n' "$HVM_ARGS" ;;
    mixed) printf '    module2 /boot/dom0.elf dom0\n'; modules pvh; modules hvm ;;
    esac
}

# the domUs of a case, as "domid:kind"
domus() {
    case $1 in
    pvh) echo 1:pvh ;;
    hvm) echo 1:hvm ;;
    mixed) echo 1:pvh 2:hvm ;;
    esac
}

# One domU's verdict from the log: empty when it passed, else the reason.
domu_problem() {
    local log=$1 id=$2 end
    end="\] Domain $id shutdown: reason 0 \(poweroff\)|\(d$id\) \[ *[0-9.]+\] reboot: System halted"
    if ! grep -qa "(d$id) DOMU-SHELL-READY" "$log"; then
        echo "d$id: no shell marker in ${TIMEOUT}s"
    elif ! grep -qa "(d$id) Test result: SUCCESS" "$log"; then
        echo "d$id: $(grep -a -m1 "(d$id) Test result" "$log" | sed "s/.*(d$id) //")"
    elif ! grep -qaE "$end" "$log"; then
        echo "d$id: did not power off$(grep -qa "(d$id).*System halted" "$log" && echo ': it halted')"
    fi
}

# dom0's verdict line (its console output is not prefixed), if any.
dom0_verdict() {
    grep -a 'Test result: ' "$1" | grep -av '(d[0-9]*) ' | grep -ao 'Test result: .*' | head -1 | grep .
}

run_case() {
    local name=$1 log=$OUT/$1.log iso=$OUT/$1.iso tmp start pid bad problems="" d
    local want_end n=0
    tmp=$(mktemp -d)
    mkdir -p "$tmp/boot/grub"
    cp "$HVGZ" "$tmp/boot/keel.gz"
    cp "$TOP/ext/linux/vmlinuz" "$ramdisk" "$tmp/boot/"
    if [ "$name" = mixed ]; then
        make -s -C "$TOP/tests/guests" O="$BUILD/guests" "$BUILD/guests/pv64/dom0_watch_domus.elf" >/dev/null ||
            { rm -rf "$tmp"; echo "FAIL linux-domu/keel/$name (dom0_watch_domus did not build)"; return 1; }
        cp "$BUILD/guests/pv64/dom0_watch_domus.elf" "$tmp/boot/dom0.elf"
    fi
    { grub_serial_header; echo "menuentry 'Keel + Debian Linux domUs: $name' {";
      echo "    multiboot2 /boot/keel.gz $KEEL_CMDLINE$([ "$name" = mixed ] && echo " dom0_mem=64M")"
      modules "$name"; echo "}"; } > "$tmp/boot/grub/grub.cfg"
    grub_mkiso "$iso" "$tmp" || { rm -rf "$tmp"; echo "FAIL linux-domu/keel/$name (grub-mkrescue failed)"; return 1; }
    rm -rf "$tmp"
    [ -n "${ISO_ONLY:-}" ] && return 0   # bench/domu-boot.sh boots them itself
    rm -f "$log"
    want_end=$(domus "$name" | wc -w)
    start=$SECONDS
    qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 -display none -monitor none \
        -serial "file:$log" -no-reboot -cdrom "$iso" -boot d > "$OUT/$name.qemu" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        n=$(grep -caE '\] Domain [0-9]+ shutdown: reason|\(d[0-9]+\) \[ *[0-9.]+\] reboot: System halted' "$log" 2>/dev/null)
        grep -qaE "$BAD" "$log" 2>/dev/null && { sleep 1; break; }
        if [ "${n:-0}" -ge "$want_end" ]; then
            # the mixed case's dom0 then destroys them and gives its verdict
            [ "$name" != mixed ] && { sleep 1; break; }
            dom0_verdict "$log" >/dev/null && { sleep 1; break; }
        fi
        [ $((SECONDS - start)) -ge "$TIMEOUT" ] && break
        sleep 0.5
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    sed -i 's/\r$//' "$log"
    bad=$(grep -m1 -aE "$BAD" "$log")
    for d in $(domus "$name"); do
        p=$(domu_problem "$log" "${d%%:*}")
        [ -n "$p" ] && problems="$problems${problems:+; }$p (${d#*:})"
    done
    if [ "$name" = mixed ] && [ "$(dom0_verdict "$log")" != "Test result: SUCCESS" ]; then
        problems="$problems${problems:+; }dom0: $(dom0_verdict "$log" || echo "no verdict")"
    fi
    if [ -n "$bad" ]; then
        echo "FAIL linux-domu/keel/$name (the log shows: $bad)"
    elif [ -n "$problems" ]; then
        echo "FAIL linux-domu/keel/$name ($problems)"
    else
        echo "PASS linux-domu/keel/$name ($(for d in $(domus "$name"); do
            printf 'd%s %s: %s; ' "${d%%:*}" "${d#*:}" "$(grep -a -m1 "(d${d%%:*}) DOMU-SHELL-READY" "$log" | sed 's/.*DOMU-SHELL-READY //')"; done)$((SECONDS - start)) s)"
        return 0
    fi
    echo "  --- last 25 lines of $log ---"
    tail -n 25 "$log" | sed 's/^/  | /'
    return 1
}

rc=0
for c in $CASES; do
    run_case "$c" || rc=1
done
exit $rc
