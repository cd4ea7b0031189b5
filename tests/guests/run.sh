#!/bin/bash
# Boot every guest test (or the named ones) under a hypervisor in QEMU TCG
# and judge the serial log.
#
# Usage: tests/guests/run.sh <build-dir> <keel|xen> [test...]
#   keel: <build-dir>/keel.gz, cmdline $KEEL_CMDLINE
#   xen:  Debian's xen-hypervisor-4.17-amd64, fetched into ext/ with
#         `apt-get download` when missing, cmdline $XEN_CMDLINE
# A test name may be "name" or "guest/pv64/name".
# Environment: JOBS (parallel QEMUs, default 2), TIMEOUT (s per boot, default
# 90), SETTLE (s to keep reading after the verdict, default 1), REGEX_WAIT
# (s to wait after the verdict for the expected console regex, default 10),
# QEMU_CPU (pv64, default max,-smap), QEMU_CPU_HVM (pvh/hvm64, default max:
# SVM with nested paging under TCG), GUEST_ARGS (appended to the guest's
# module command line, e.g. "fuzz_calls=100000" for the fuzz tests).
# Environments: pv64 tests boot as dom0.  pvh and hvm64 tests boot as a PVH
# domU (domain 1, no dom0): module command line "type=pvh mem=64
# test=<name>" plus "vcpus=N" from the flags; their verdict line must come
# from the domU, i.e. read "(d1) Test result: ...".  They are skipped on
# Xen (they would need Xen's toolstack in a dom0, see README.md).
# TESTS flags (comma-separated, "-" for none):
#   xfail-<hv>  a known failure on that hypervisor, explained in the test's
#               comment: reported as "XFAIL ...", not counted as a failure;
#   crash       the expected outcome is the console regex (a hypervisor
#               crash line), with no "Test result" line at all;
#   vcpus=N     pvh/hvm64: the domU gets N vCPUs;
#   peer=P      two-domain tests: tests/guests/P (its pvh build) boots as an
#               extra PVH domU next to the test (domain 1 beside a pv64 dom0,
#               domain 2 beside a pvh/hvm64 domain 1); the peer's own
#               "(dN) Test result: SUCCESS" and end line are required too.
#               Skipped on Xen (boot-time domUs need Xen's toolstack);
#   initrd=P    pv64: dom0 gets an initrd packing tests/guests/P's pvh and
#               pv64 builds (pack_domus in hv.sh), or with P=linux Debian's
#               ext/linux/vmlinuz, for it to build domUs from with
#               KEEL_DOMCTL_build; the domUs' verdicts are the TESTS
#               regex's to require.  Skipped on Xen (a Keel-private domctl);
#   smp=N       QEMU gets N CPUs instead of 2 (smp=1: both domains share CPU 0);
#   dom0=pvh    pvh/hvm64: the test boots as a PVH dom0 (Keel's dom0=pvh,
#               dom0_mem=64M), its verdict "(d0) Test result: ...", its end
#               the hardware domain's.  Skipped on Xen (Debian's Xen 4.17
#               can boot a PVH dom0, but the runner's Xen boots are PV);
#   keys=K      K (printf %b escapes: \x01 is CTRL-a; no spaces or commas) is
#               typed on the serial line once domain 1 (or dom0) prints the
#               line "ready for keys" (QEMU's serial line is then stdio
#               through a FIFO instead of a file);
#   end=R       the test ends with shutdown reason R (poweroff, the default,
#               reboot or crash): the runner waits for the hypervisor's own
#               line for that end after the verdict (see end_line()).
# The expected console regex may be several EREs joined by " && ": all must
# match.  After the verdict every test must show the hypervisor's end line
# for it (dom0: "Hardware Dom0 halted|shutdown|crashed", domU: "Domain 1
# shutdown: reason 0 (poweroff)"; a crash test's regex is its end line), and
# no log may show a panic, a crash the test did not ask for, or the guest
# library's "shutdown hypercall returned" line.
# Output: one line per test, "PASS guest/<env>/<name>",
# "FAIL guest/<env>/<name> (<reason>)" followed by the log's tail, or
# "SKIP ..."; exit 1 if any failed.  Logs: <build-dir>/guests/runs/<hv>/<env>-<name>.log
set -u
[ $# -ge 2 ] || { echo "usage: $0 <build-dir> <keel|xen> [test...]" >&2; exit 2; }
mkdir -p "$1"
BUILD=$(cd "$1" && pwd)
HV=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
GO=$BUILD/guests
JOBS=${JOBS:-2}
TIMEOUT=${TIMEOUT:-90}
SETTLE=${SETTLE:-1}
REGEX_WAIT=${REGEX_WAIT:-10}
QEMU_CPU=${QEMU_CPU:-max,-smap}
QEMU_CPU_HVM=${QEMU_CPU_HVM:-max}
KEEL_CMDLINE=${KEEL_CMDLINE:-"console=com1 loglvl=all noreboot dom0_mem=64M"}
XEN_CMDLINE=${XEN_CMDLINE:-"console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot dom0_mem=64M"}

# shellcheck source=tests/guests/hv.sh
. "$HERE/hv.sh"
guest_deps || exit 1
case $HV in
    keel) HVGZ=$BUILD/keel.gz; CMDLINE=$KEEL_CMDLINE
          [ -f "$HVGZ" ] || { echo "FAIL guest/all (no $HVGZ: run make first)"; exit 1; } ;;
    xen)  HVGZ=$(fetch_xen "$TOP") || exit 1; CMDLINE=$XEN_CMDLINE ;;
    *)    echo "unknown hypervisor '$HV' (keel|xen)" >&2; exit 2 ;;
esac
# initrd=linux tests give dom0 Debian's kernel to build domUs from: fetch it
# first (once, before tests run in parallel), as tests/linux does.
if [ "$HV" = keel ] && grep -q '^[^#]*initrd=linux' "$HERE/TESTS"; then
    bash "$TOP/tests/linux/fetch.sh" "$TOP" >&2 ||
        { echo "FAIL guest/fetch (Debian's kernel for initrd=linux: tests/linux/fetch.sh failed)"; exit 1; }
fi

make -s -C "$HERE" O="$GO" all || { echo "FAIL guest/build (make -C tests/guests failed)"; exit 1; }

# TESTS: name envs flags [regex...]
declare -a NAMES ENVS FLAGS REGEXES
while read -r name envs flags regex; do
    NAMES+=("$name"); ENVS+=("$envs"); FLAGS+=("$flags"); REGEXES+=("$regex")
done < <(sed -e 's/#.*//' "$HERE/TESTS" | awk 'NF')

selected() {
    local n=$1 env=$2 a
    [ ${#WANT[@]} -eq 0 ] && return 0
    for a in "${WANT[@]}"; do
        [ "$a" = "$n" ] || [ "$a" = "guest/$env/$n" ] && return 0
    done
    return 1
}
WANT=("$@")

RUNDIR=$GO/runs/$HV
mkdir -p "$RUNDIR"

is_hvm_env() { [ "$1" = pvh ] || [ "$1" = hvm64 ]; }

# regex_ok log regex: every " && "-separated ERE of regex matches the log.
regex_ok() {
    local log=$1 rest=$2 r
    while [ -n "$rest" ]; do
        r=${rest%% && *}
        [ "$r" = "$rest" ] && rest="" || rest=${rest#* && }
        grep -qaE -- "$r" "$log" 2>/dev/null || return 1
    done
    return 0
}

# end_line env reason: the ERE of the hypervisor's line that ends a test
# whose guest shuts down with <reason>.  Keel and Xen 4.17 print the same
# words for dom0 (Xen's hwdom_shutdown()); a domU's end is Keel's
# domain_shutdown() line.
end_line() {
    case $1:$2 in
        pv64:poweroff) echo 'Hardware Dom0 halted: halting machine$' ;;
        pv64:reboot)   echo 'Hardware Dom0 shutdown: rebooting machine$' ;;
        pv64:crash)    echo 'Hardware Dom0 crashed: ' ;;
        *:poweroff)    echo '\] Domain 1 shutdown: reason 0 \(poweroff\)$' ;;
        *:reboot)      echo '\] Domain 1 shutdown: reason 1 \(reboot\)$' ;;
        *:crash)       echo '\] Domain 1 shutdown: reason 3 \(crash\)$' ;;
    esac
}

# Lines that end a test badly whatever its verdict: a hypervisor panic, a
# halt after one, a guest crash (unless the test ends that way), and the
# library's own line when SCHEDOP_shutdown returned to the guest.
BAD_ALWAYS='Panic on CPU|Keel halted|FATAL|shutdown hypercall returned'
BAD_CRASH='domain_crash|Dom0 crashed'

# first_line log ere: the line number of the first match (empty if none).
first_line() {
    grep -naE -- "$2" "$1" 2>/dev/null | head -1 | cut -d: -f1
}

# run_one env name flags regex: boots one test, writes $RUNDIR/<env>-<name>.verdict
run_one() {
    local env=$1 name=$2 flags=$3 regex=$4
    local id=$env-$name log=$RUNDIR/$env-$name.log iso=$RUNDIR/$env-$name.iso
    local elf=$GO/$env/$name.elf verdict=$RUNDIR/$env-$name.verdict
    local cpu=$QEMU_CPU margs=${GUEST_ARGS:-} vpat='Test result: ' crash="" f reason_end=poweroff
    local peer="" peer_elf="" peer_margs="" peer_id=1 smp=2 initrd="" keys="" kfd="" typed=""
    local cmdline=$CMDLINE end_env=$env
    if is_hvm_env "$env"; then
        cpu=$QEMU_CPU_HVM
        margs="type=pvh mem=64 test=$name${GUEST_ARGS:+ $GUEST_ARGS}"
        vpat='\(d1\) Test result: '
        peer_id=2
    fi
    # AS_PVH_DOM0=1 (make test-pvh-dom0): every pvh/hvm64 test without a
    # peer or an initrd boots as a PVH dom0, as the dom0=pvh flag does.
    if [ -n "${AS_PVH_DOM0:-}" ] && is_hvm_env "$env" && [[ ",$flags," != *",peer="* ]] &&
       [[ ",$flags," != *",dom0=pvh,"* ]]; then
        flags="$flags,dom0=pvh"
        # What Keel says of domain 1 it now says of domain 0.
        regex=$(printf '%s' "$regex" | sed -e 's/\\(d1\\)/\\(d0\\)/g' -e 's/d1v/d0v/g' -e 's/d1:/d0:/g')
    fi
    for f in ${flags//,/ }; do
        case $f in
            vcpus=*) margs="$margs $f" ;;
            crash)   crash=1 ;;
            end=*)   reason_end=${f#end=} ;;
            peer=*)  peer=${f#peer=} ;;
            smp=*)   smp=${f#smp=} ;;
            initrd=*) initrd=${f#initrd=} ;;
            dom0=pvh) margs="test=$name${GUEST_ARGS:+ $GUEST_ARGS}"
                      cmdline="$CMDLINE dom0=pvh dom0_mem=64M"
                      vpat='\(d0\) Test result: '; end_env=pv64 ;;
            keys=*)  keys=${f#keys=} ;;
        esac
    done
    if [ -n "$initrd" ]; then
        # Beside its domUs, dom0's own lines are told from "(dN) ..." by position.
        vpat='^Test result: '
        peer_elf=$RUNDIR/$env-$name.pack
        if [ "$initrd" = linux ]; then
            pack_domus "$peer_elf" "$TOP/ext/linux/vmlinuz" ||
                { echo "FAIL (no ext/linux/vmlinuz: run tests/linux/fetch.sh $TOP)" > "$verdict"; return; }
        else
            pack_domus "$peer_elf" "$GO/pvh/$initrd.elf" "$GO/pv64/$initrd.elf" ||
                { echo "FAIL (initrd $initrd needs pvh and pv64 builds: list it in TESTS with both)" > "$verdict"; return; }
        fi
    fi
    if [ -n "$peer" ]; then
        # Beside a peer, dom0's own lines are told from "(d1) ..." by position.
        [ "$env" = pv64 ] && vpat='^Test result: '
        peer_elf=$GO/pvh/$peer.elf
        peer_margs="type=pvh mem=64 test=$peer"
        [ -f "$peer_elf" ] || { echo "FAIL (peer $peer has no pvh build: list it in TESTS with env pvh)" > "$verdict"; return; }
    fi
    # The peer's verdict and end line, when there is one.
    peer_ok() {
        [ -z "$peer" ] && return 0
        grep -qaE "\(d$peer_id\) Test result: " "$log" 2>/dev/null &&
            grep -qaE "\] Domain $peer_id shutdown: reason 0 \(poweroff\)\$" "$log" 2>/dev/null
    }
    # What must follow the verdict, and what must appear nowhere.
    local endre bad=$BAD_ALWAYS
    endre=$(end_line "$end_env" "$reason_end")
    [ -n "$crash" ] && endre=${regex%% && *}
    [ -z "$crash" ] && [ "$reason_end" != crash ] && bad="$bad|$BAD_CRASH"
    # The test is finished when its end line follows the verdict.
    end_seen() {
        local vl el
        el=$(first_line "$log" "$endre")
        [ -n "$el" ] || return 1
        [ -n "$crash" ] && return 0
        vl=$(first_line "$log" "$vpat")
        [ -n "$vl" ] && [ "$el" -gt "$vl" ]
    }
    make_iso "$iso" "$HVGZ" "$cmdline" "$elf" "$HV" "$margs" "$peer_elf" "$peer_margs" ||
        { echo "FAIL (grub-mkrescue failed)" > "$verdict"; return; }
    rm -f "$log"
    # keys=: the serial line is QEMU's stdio, fed through a FIFO.
    local fifo=$RUNDIR/$id.in kre='(^|\] |\(d1\) )ready for keys'
    if [ -n "$keys" ]; then
        rm -f "$fifo"
        mkfifo "$fifo"
        qemu-system-x86_64 -accel tcg -cpu "$cpu" -m 512 -smp "$smp" -display none \
            -monitor none -serial stdio -no-reboot -cdrom "$iso" -boot d \
            <"$fifo" >"$log" 2>"$RUNDIR/$id.qemu" &
    else
        qemu-system-x86_64 -accel tcg -cpu "$cpu" -m 512 -smp "$smp" -display none \
            -monitor none -serial "file:$log" -no-reboot -cdrom "$iso" -boot d \
            >"$RUNDIR/$id.qemu" 2>&1 &
    fi
    local pid=$! start=$SECONDS seen="" ended="" reason=""
    [ -n "$keys" ] && exec {kfd}>"$fifo"        # keeps QEMU's input open
    while kill -0 "$pid" 2>/dev/null; do
        if [ -n "$keys" ] && [ -z "$typed" ] && grep -qaE "$kre" "$log" 2>/dev/null; then
            printf '%b' "$keys" >&"$kfd"
            typed=1
        fi
        if [ -z "$seen" ] && grep -qaE "$vpat" "$log" 2>/dev/null; then seen=$SECONDS; fi
        # A crash test is done when its regex shows up (or a verdict does).
        if [ -z "$seen" ] && [ -n "$crash" ] && regex_ok "$log" "$regex"; then seen=$SECONDS; fi
        if [ -n "$seen" ]; then
            # Done SETTLE seconds after the end line (to catch a panic
            # after it); give up REGEX_WAIT seconds after the verdict.
            if [ -z "$ended" ] && end_seen && peer_ok && { [ -z "$regex" ] || regex_ok "$log" "$regex"; }; then
                ended=$SECONDS
            fi
            if [ -n "$ended" ]; then
                [ $((SECONDS - ended)) -ge "$SETTLE" ] && break
            elif [ $((SECONDS - seen)) -ge "$REGEX_WAIT" ]; then
                break
            fi
        fi
        if [ $((SECONDS - start)) -ge "$TIMEOUT" ]; then reason="timeout ${TIMEOUT}s"; break; fi
        sleep 0.25
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ -n "$keys" ]; then
        exec {kfd}>&-
        rm -f "$fifo"
    fi
    sed -i 's/\r$//' "$log" 2>/dev/null
    local results res badline peer_res=""
    [ -n "$peer" ] && peer_res=$(grep -aE "\(d$peer_id\) Test result: " "$log" 2>/dev/null |
        grep -aoE 'Test result: [A-Z]+' | sed 's/Test result: //' | tr '\n' ' ')
    results=$(grep -aE "$vpat" "$log" 2>/dev/null | grep -aoE 'Test result: [A-Z]+' | sed 's/Test result: //')
    res=$(echo "$results" | head -1)
    badline=$(grep -m1 -aE -- "$bad" "$log" 2>/dev/null | sed 's/^(KEEL) //')
    if [ -n "$badline" ]; then
        echo "FAIL (the log shows: $badline)"
    elif [ -n "$crash" ]; then
        if [ -n "$results" ]; then
            echo "FAIL (expected a crash line, got Test result: $(echo $results))"
        elif ! regex_ok "$log" "$regex"; then
            echo "FAIL (console lacks /$regex/${reason:+, $reason})"
        else
            echo "PASS"
        fi
    elif [ -z "$results" ]; then
        echo "FAIL (CRASH: no '${vpat#^}' line${reason:+, $reason})"
    elif [ "$(echo "$results" | wc -l)" -ne 1 ]; then
        echo "FAIL (more than one 'Test result' line: $(echo $results))"
    elif [ "$res" != SUCCESS ]; then
        echo "FAIL (Test result: $res)"
    elif [ -n "$regex" ] && ! regex_ok "$log" "$regex"; then
        echo "FAIL (console lacks /$regex/${reason:+, $reason})"
    elif ! end_seen; then
        echo "FAIL (no end line /$endre/ after the verdict${reason:+, $reason})"
    elif [ -n "$peer" ] && [ "$peer_res" != "SUCCESS " ]; then
        echo "FAIL (peer $peer as d$peer_id: ${peer_res:-no verdict}${reason:+, $reason})"
    elif ! peer_ok; then
        echo "FAIL (peer $peer as d$peer_id: no 'Domain $peer_id shutdown: reason 0' line${reason:+, $reason})"
    else
        echo "PASS"
    fi > "$verdict"
}

declare -a QUEUE
for i in "${!NAMES[@]}"; do
    for env in ${ENVS[$i]//,/ }; do
        selected "${NAMES[$i]}" "$env" && QUEUE+=("$i:$env")
    done
done
[ ${#QUEUE[@]} -gt 0 ] || { echo "no test matches: $*" >&2; exit 2; }

for q in "${QUEUE[@]}"; do rm -f "$RUNDIR/${q#*:}-${NAMES[${q%%:*}]}.verdict"; done
# PVH/HVM domUs on Xen need a dom0 with Xen's toolstack: not booted there.
skip_env() { [ "$HV" = xen ] && { is_hvm_env "$1" || [[ ",$2," == *",peer="* ]] ||
                                  [[ ",$2," == *",initrd="* ]]; }; }
# Start up to JOBS boots at a time; report in list order as verdicts arrive.
next=0 failed=0 passed=0 skipped=0
for ((r = 0; r < ${#QUEUE[@]}; r++)); do
    while [ $next -lt ${#QUEUE[@]} ] && [ $((next - r)) -lt "$JOBS" ]; do
        i=${QUEUE[$next]%%:*} env=${QUEUE[$next]#*:}
        if skip_env "$env" "${FLAGS[$i]}"; then
            echo "SKIP" > "$RUNDIR/$env-${NAMES[$i]}.verdict"
        else
            run_one "$env" "${NAMES[$i]}" "${FLAGS[$i]}" "${REGEXES[$i]}" &
        fi
        next=$((next + 1))
    done
    i=${QUEUE[$r]%%:*} env=${QUEUE[$r]#*:} name=${NAMES[$i]}
    v=$RUNDIR/$env-$name.verdict
    while [ ! -s "$v" ]; do sleep 0.3; done
    line=$(cat "$v")
    if [ "$line" = SKIP ]; then
        echo "SKIP guest/$env/$name (PVH/HVM domUs need Xen's toolstack in a dom0)"
        skipped=$((skipped + 1))
    elif [[ ",${FLAGS[$i]}," == *",xfail-$HV,"* ]]; then
        if [ "$line" != PASS ]; then
            echo "XFAIL guest/$env/$name ${line#FAIL } (known failure on $HV, see $name/main.c)"
        else
            # A known failure that passes: the flag is stale.  Counted as a
            # failure so that it is seen and dropped.
            echo "FAIL guest/$env/$name (XPASS: passes on $HV although TESTS marks it xfail-$HV)"
            failed=$((failed + 1))
        fi
    elif [ "$line" = PASS ]; then
        echo "PASS guest/$env/$name"
        passed=$((passed + 1))
    else
        echo "FAIL guest/$env/$name ${line#FAIL }"
        echo "  --- last 20 lines of $RUNDIR/$env-$name.log ---"
        tail -n 20 "$RUNDIR/$env-$name.log" 2>/dev/null | sed 's/^/  | /'
        failed=$((failed + 1))
    fi
done
wait
echo "guests on $HV: $passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ]
