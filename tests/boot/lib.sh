# Helpers for the QEMU boot tests (sourced by run-tests.sh; bash).
#
# boot_case NAME TIMEOUT STOP_REGEX [--keys "KEYS" AFTER_REGEX] [--until-exit] -- QEMU_ARGS...
#   Boots QEMU (TCG) with the serial line into $LOGDIR/NAME.log and stops it
#   SETTLE seconds after STOP_REGEX appears (to see a clean idle), when a
#   fatal pattern appears, when QEMU exits, or after TIMEOUT seconds.  With
#   --keys, KEYS are typed on the serial line once AFTER_REGEX has appeared.
#   With --until-exit only QEMU's own exit (or TIMEOUT) ends the boot: the
#   machine is expected to reset, which -no-reboot turns into an exit.
# must NAME REGEX WHAT / mustnot NAME REGEX WHAT: judge the log.
# must_exit NAME MIN_S: QEMU exited by itself (a reset under -no-reboot), at
#   least MIN_S seconds after STOP_REGEX appeared.
# verdict NAME: prints PASS/FAIL (with the log's tail) and counts.

SETTLE=${SETTLE:-2}
FATAL_RE='Panic on CPU|FATAL|Keel cannot start|Rebooting'
BOOT_PASSED=0
BOOT_FAILED=0
declare -A PROBLEMS EXITED_AFTER

boot_case() {
    local name=$1 timeout=$2 stop=$3
    shift 3
    local keys="" keys_after="" until_exit=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        case $1 in
            --keys)       keys=$2; keys_after=$3; shift 3 ;;
            --until-exit) until_exit=1; shift ;;
            *)            echo "boot_case: unknown option $1" >&2; return 1 ;;
        esac
    done
    [ "$1" = "--" ] && shift
    local log=$LOGDIR/$name.log fifo=$LOGDIR/$name.in
    rm -f "$log" "$fifo"
    mkfifo "$fifo"
    PROBLEMS[$name]=""
    EXITED_AFTER[$name]=""
    qemu-system-x86_64 -accel tcg -display none -no-reboot -monitor none \
        -serial stdio "$@" <"$fifo" >"$log" 2>&1 &
    local pid=$!
    exec 9>"$fifo"                      # keep the input side open
    local start=$SECONDS stopped_at="" typed=""
    while kill -0 "$pid" 2>/dev/null; do
        if [ -n "$keys" ] && [ -z "$typed" ] && grep -qE "$keys_after" "$log"; then
            printf '%s' "$keys" >&9
            typed=1
        fi
        if [ -n "$until_exit" ]; then
            if [ -z "$stopped_at" ] && grep -qE "$stop" "$log"; then
                stopped_at=$SECONDS
            fi
        elif [ -z "$stopped_at" ] && grep -qE "$stop|$FATAL_RE" "$log"; then
            stopped_at=$SECONDS
        fi
        if [ -z "$until_exit" ] && [ -n "$stopped_at" ] &&
           [ $((SECONDS - stopped_at)) -ge "$SETTLE" ]; then
            break
        fi
        if [ $((SECONDS - start)) -ge "$timeout" ]; then
            PROBLEMS[$name]+="  timed out after ${timeout}s waiting for /$stop/"$'\n'
            break
        fi
        sleep 0.3
    done
    if ! kill -0 "$pid" 2>/dev/null; then
        # QEMU ended by itself: how long after the stop line (which may have
        # come in the last poll interval), or "-" without one.
        [ -z "$stopped_at" ] && grep -qE "$stop" "$log" && stopped_at=$SECONDS
        EXITED_AFTER[$name]=${stopped_at:+$((SECONDS - stopped_at))}
        EXITED_AFTER[$name]=${EXITED_AFTER[$name]:--}
    fi
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    exec 9>&-
    rm -f "$fifo"
    sed -i 's/\r$//' "$log"              # the UART sends CR LF
}

must() {
    grep -qE -- "$2" "$LOGDIR/$1.log" || PROBLEMS[$1]+="  missing: $3 (/$2/)"$'\n'
}

mustnot() {
    local hit
    hit=$(grep -m1 -E -- "$2" "$LOGDIR/$1.log") &&
        PROBLEMS[$1]+="  unexpected: $3: $hit"$'\n'
    return 0
}

must_exit() {
    local after=${EXITED_AFTER[$1]}
    if [ -z "$after" ]; then
        PROBLEMS[$1]+="  missing: QEMU never exited: the machine did not reset"$'\n'
    elif [ "$after" = - ]; then
        PROBLEMS[$1]+="  unexpected: the machine reset without the announcement"$'\n'
    elif [ "$after" -lt "$2" ]; then
        PROBLEMS[$1]+="  unexpected: the machine reset ${after}s after the announcement, expected >= $2s"$'\n'
    fi
}

verdict() {
    local name=$1
    if [ -z "${PROBLEMS[$name]}" ]; then
        echo "PASS boot/$name"
        BOOT_PASSED=$((BOOT_PASSED + 1))
    else
        echo "FAIL boot/$name"
        printf '%s' "${PROBLEMS[$name]}"
        echo "  --- last 25 lines of $LOGDIR/$name.log ---"
        tail -n 25 "$LOGDIR/$name.log" | sed 's/^/  | /'
        BOOT_FAILED=$((BOOT_FAILED + 1))
    fi
}
