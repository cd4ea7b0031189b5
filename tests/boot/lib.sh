# Helpers for the QEMU boot tests (sourced by run-tests.sh; bash).
#
# boot_case NAME TIMEOUT STOP_REGEX [--keys "KEYS" AFTER_REGEX] -- QEMU_ARGS...
#   Boots QEMU (TCG) with the serial line into $LOGDIR/NAME.log and stops it
#   SETTLE seconds after STOP_REGEX appears (to see a clean idle), when a
#   fatal pattern appears, when QEMU exits, or after TIMEOUT seconds.  With
#   --keys, KEYS are typed on the serial line once AFTER_REGEX has appeared.
# must NAME REGEX WHAT / mustnot NAME REGEX WHAT: judge the log.
# verdict NAME: prints PASS/FAIL (with the log's tail) and counts.

SETTLE=${SETTLE:-2}
FATAL_RE='Panic on CPU|FATAL|Keel cannot start|Rebooting'
BOOT_PASSED=0
BOOT_FAILED=0
declare -A PROBLEMS

boot_case() {
    local name=$1 timeout=$2 stop=$3
    shift 3
    local keys="" keys_after=""
    if [ "$1" = "--keys" ]; then keys=$2; keys_after=$3; shift 3; fi
    [ "$1" = "--" ] && shift
    local log=$LOGDIR/$name.log fifo=$LOGDIR/$name.in
    rm -f "$log" "$fifo"
    mkfifo "$fifo"
    PROBLEMS[$name]=""
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
        if [ -z "$stopped_at" ] && grep -qE "$stop|$FATAL_RE" "$log"; then
            stopped_at=$SECONDS
        fi
        if [ -n "$stopped_at" ] && [ $((SECONDS - stopped_at)) -ge "$SETTLE" ]; then
            break
        fi
        if [ $((SECONDS - start)) -ge "$timeout" ]; then
            PROBLEMS[$name]+="  timed out after ${timeout}s waiting for /$stop/"$'\n'
            break
        fi
        sleep 0.3
    done
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
