#!/bin/busybox sh
# /e2e/e2e.sh of the end-to-end dom0 image (mkinitrd.sh with DOM0_E2E=1),
# run by init.sh when keel.mode=e2e.  It brings dom0 up as Xen's xencommons
# does (xenfs, backend modules, Debian's xenstored, dom0's own xenstore
# nodes, xenconsoled logging each guest's console to a file), then drives
# the toolstack named by $XL (Debian's `xl` on Xen, Keel's `kl` on Keel:
# same commands, same xl.cfg) through the life of a PV and then a PVH
# Linux domU with a disk:
#   create -> listed -> first console line -> marker read from its disk
#   -> poweroff -> no longer listed; create again -> destroy while it runs
#   -> free memory back to what it was.
# Each result is a "LINUX-CHECK PASS|FAIL e2e-<part>-<what> (<detail>)"
# line; the PV and PVH parts are judged apart (tests/linux/run.sh).
# Timings, in ms of dom0's uptime (10 ms steps):
#   E2E-TIME <type> create-to-first-line <ms>
#   E2E-TIME <type> create-to-marker <ms>
XL=${XL:-xl}
export PATH=/usr/lib/xen-4.17/bin:/usr/bin:/bin:/sbin
GUEST_WAIT=${GUEST_WAIT:-600}     # s for a domU to reach a line (TCG, a busy host)
CONSOLE_DIR=/var/log/xen/console
W=/e2e/work

pass() { echo "LINUX-CHECK PASS $1 ($2)"; }
fail() { echo "LINUX-CHECK FAIL $1 ($2)"; }
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
# One line of a file, for a detail: its last non-empty line, quotes dropped.
last_line() { grep -v '^ *$' "$1" 2>/dev/null | tail -1 | tr -d "'\"()" | cut -c1-160; }

# reason <file>: why a command failed, for a detail: its first line that
# says so (a usage text ends with the list of commands), else its last.
reason() {
    local r
    r=$(grep -im1 -E 'error|fail|unknown|cannot|invalid|usage|not ' "$1" 2>/dev/null | tr -d "'\"()" | cut -c1-160)
    [ -n "$r" ] && echo "$r" || last_line "$1"
}

# --- dom0 services, as xencommons and launch-xenstore start them ---
start_services() {
    local m n
    for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc xen-blkback loop \
             crc16 mbcache jbd2 crc32c_generic ext4; do
        insmod /lib/modules/$m.ko 2>/dev/null
    done
    mkdir -p /proc/xen /run /var/lib/xen /var/log/xen "$CONSOLE_DIR" /tmp "$W"
    [ -e /var/run ] || ln -s /run /var/run
    mkdir -p /run/xen /run/xenstored
    mount -t xenfs xenfs /proc/xen 2>/dev/null
    # xenconsoled gives each guest console a pty.
    mkdir -p /dev/pts && mount -t devpts devpts /dev/pts 2>/dev/null
    if grep -q control_d /proc/xen/capabilities 2>/dev/null; then
        pass e2e-dom0-xenfs "control_d"
    else
        fail e2e-dom0-xenfs "no control_d in /proc/xen/capabilities"; return 1
    fi
    xenstored --pid-file /run/xen/xenstored.pid > "$W/xenstored.out" 2>&1
    n=0
    while [ ! -f /run/xen/xenstored.pid ] && [ $n -lt 30 ]; do sleep 1; n=$((n + 1)); done
    # dom0's own nodes, as xen-init-dom0 writes them.
    if [ -f /run/xen/xenstored.pid ] &&
       xenstore-write /local/domain/0/domid 0 /local/domain/0/name Domain-0 \
                      /local/pool/0/name Pool-0 > "$W/xs.out" 2>&1 &&
       [ "$(xenstore-read /local/domain/0/name 2>&1)" = Domain-0 ]; then
        pass e2e-dom0-xenstored "pid $(cat /run/xen/xenstored.pid), Domain-0 named"
    else
        fail e2e-dom0-xenstored "$( (cat "$W/xenstored.out" "$W/xs.out"; dmesg | tail -3) | last_line /dev/stdin)"
        return 1
    fi
    xenconsoled --pid-file=/run/xen/xenconsoled.pid --log=guest --log-dir="$CONSOLE_DIR" \
        > "$W/xenconsoled.out" 2>&1
    sleep 1
    if [ -f /run/xen/xenconsoled.pid ] && kill -0 "$(cat /run/xen/xenconsoled.pid)" 2>/dev/null; then
        pass e2e-dom0-xenconsoled "pid $(cat /run/xen/xenconsoled.pid)"
    else
        fail e2e-dom0-xenconsoled "not running: $(last_line "$W/xenconsoled.out")"; return 1
    fi
}

# --- the guests' disk: ext2 in a file, holding a marker chosen now ---
make_disk() {
    MARKER=e2e-$(cut -c1-8 /proc/sys/kernel/random/uuid)
    rm -f "$W/disk.img"
    truncate -s 8M "$W/disk.img"
    mke2fs -F "$W/disk.img" > /dev/null 2>&1 && mkdir -p /mnt/e2e &&
        mount -o loop "$W/disk.img" /mnt/e2e && echo "$MARKER" > /mnt/e2e/marker &&
        umount /mnt/e2e && losetup -D 2>/dev/null
    if [ -f "$W/disk.img" ] && ! mount | grep -q /mnt/e2e; then
        pass e2e-dom0-disk "ext2 image with marker $MARKER"
    else
        fail e2e-dom0-disk "could not build $W/disk.img"; return 1
    fi
}

# write_cfg <file> <name> <type> <extra>
write_cfg() {
    cat > "$1" <<CFG
name = "$2"
type = "$3"
memory = 256
vcpus = 2
kernel = "/e2e/vmlinuz"
ramdisk = "/e2e/guest.cpio.gz"
extra = "console=hvc0 $4"
disk = [ '$W/disk.img,raw,xvda,rw' ]
CFG
}

listed() { $XL list 2>/dev/null | awk -v n="$1" '$1 == n { f = 1 } END { exit !f }'; }
free_mib() { $XL info 2>/dev/null | sed -n 's/^free_memory *: *//p'; }

# wait_for <log> <regex> <seconds>: 0 once the domU's console log has it.
wait_for() {
    local end=$(( $(now_ms) + $3 * 1000 ))
    while [ "$(now_ms)" -lt $end ]; do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# wait_gone <name> <seconds>
wait_gone() {
    local n=0
    while listed "$1"; do
        [ $n -ge $(($2 * 2)) ] && return 1
        sleep 0.5; n=$((n + 1))
    done
    return 0
}

# create <cfg> <log>: runs "$XL create" in the background, so that the
# console log is watched from the moment it starts; sets T0 and CPID.
create() {
    rm -f "$2"
    T0=$(now_ms)
    $XL create "$1" > "$1.out" 2>&1 &
    CPID=$!
}

# create_status <check> <cfg> <domain>: waits for "$XL create" and judges it.
create_status() {
    wait $CPID
    local rc=$?
    if [ $rc -eq 0 ]; then
        pass "$1-create" "$XL create exited 0 after $(( $(now_ms) - T0 )) ms"
    else
        fail "$1-create" "$XL create exited $rc: $(reason "$2.out")"
        $XL destroy "$3" > /dev/null 2>&1   # what it may have left half made
        return 1
    fi
}

# run_guest <type>: the lifecycle of one domU of that type.
run_guest() {
    local t=$1 p=e2e-$1 name=e2e-$1 cfg=$W/$1.cfg log t1 got cpus
    log=$CONSOLE_DIR/guest-$name.log
    write_cfg "$cfg" "$name" "$t" ""
    create "$cfg" "$log"
    create_status "$p" "$cfg" "$name" || return 1
    if listed "$name"; then
        pass "$p-listed" "$($XL list | awk -v n="$name" '$1 == n { print "id " $2 ", " $3 " MiB, " $4 " vCPUs, " $5 }')"
    else
        fail "$p-listed" "$name not in $XL list"
    fi
    if wait_for "$log" . "$GUEST_WAIT"; then
        t1=$(now_ms)
        echo "E2E-TIME $t create-to-first-line $((t1 - T0))"
        pass "$p-console" "first line: $(head -1 "$log" | tr -d "'\"()\r" | cut -c1-80)"
    else
        fail "$p-console" "no line in $log in ${GUEST_WAIT}s"
        $XL destroy "$name" > /dev/null 2>&1
        return 1
    fi
    if wait_for "$log" '^E2E-GUEST-CPUS' "$GUEST_WAIT"; then
        echo "E2E-TIME $t create-to-marker $(( $(now_ms) - T0 ))"
    fi
    got=$(sed -n 's/^E2E-GUEST-MARKER \([^\r]*\).*/\1/p' "$log" | tail -1)
    cpus=$(sed -n 's/^E2E-GUEST-CPUS \([0-9]*\).*/\1/p' "$log" | tail -1)
    if [ "$got" = "$MARKER" ] && [ "$cpus" = 2 ]; then
        pass "$p-marker" "the disk's marker $got, $cpus vCPUs"
    else
        fail "$p-marker" "marker '${got:-none}' (expected $MARKER), vCPUs '${cpus:-none}' (expected 2); console: $(last_line "$log")"
    fi
    if ! grep -q '^E2E-GUEST-CPUS' "$log"; then
        # It never reached its poweroff: gone now means crashed.
        fail "$p-gone" "$(listed "$name" && echo "still listed" || echo "gone without its poweroff (crashed?)")"
        $XL destroy "$name" > /dev/null 2>&1
    elif wait_gone "$name" 60; then
        pass "$p-gone" "not listed after its poweroff"
    else
        fail "$p-gone" "$($XL list | awk -v n="$name" '$1 == n { print $1 " still listed, state " $5 }')"
        $XL destroy "$name" > /dev/null 2>&1
    fi
    destroy_guest "$t"
}

# destroy_guest <type>: a second domU of that type, destroyed once it has
# read its disk (e2e.hold=1: it then waits instead of powering off).
destroy_guest() {
    local t=$1 p=e2e-$1 name=e2e-$1-d cfg=$W/$1-d.cfg log before after n=0
    log=$CONSOLE_DIR/guest-$name.log
    before=$(free_mib)
    write_cfg "$cfg" "$name" "$t" "e2e.hold=1"
    create "$cfg" "$log"
    wait $CPID || { fail "$p-destroy" "second $XL create failed: $(reason "$cfg.out")"
                    $XL destroy "$name" > /dev/null 2>&1; return 1; }
    if ! wait_for "$log" '^E2E-GUEST-MARKER' "$GUEST_WAIT"; then
        fail "$p-destroy" "second guest printed no marker in ${GUEST_WAIT}s"
        $XL destroy "$name" > /dev/null 2>&1; wait_gone "$name" 30
    elif ! $XL destroy "$name" > "$cfg.destroy" 2>&1; then
        fail "$p-destroy" "$XL destroy failed: $(reason "$cfg.destroy")"
    elif ! wait_gone "$name" 30; then
        fail "$p-destroy" "$name still listed 30 s after $XL destroy"
    else
        pass "$p-destroy" "destroyed while running, no longer listed"
    fi
    # A dying domain's pages may come back a moment after it is gone.
    after=$(free_mib)
    while [ "$after" != "$before" ] && [ $n -lt 40 ]; do sleep 0.5; after=$(free_mib); n=$((n + 1)); done
    if [ -n "$before" ] && [ "$after" = "$before" ]; then
        pass "$p-memory" "free_memory $before MiB before and after"
    else
        fail "$p-memory" "free_memory '${before}' MiB before, '${after}' MiB after"
    fi
}

echo "E2E-START toolstack=$XL"
if start_services && make_disk; then
    run_guest pv
    run_guest pvh
fi
echo "E2E-DONE"
