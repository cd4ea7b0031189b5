#!/bin/sh
# Build a GRUB2 ISO that boots Keel by multiboot2.
# Usage: mkiso.sh <out.iso> <keel.gz> [keel command line] [module [module-cmdline]]...
# Each module is given as path:cmdline (the cmdline may be empty).
set -eu
out=$1; keel=$2; shift 2
cmdline=${1-"console=com1 loglvl=all"}
[ $# -gt 0 ] && shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/boot/grub"
cp "$keel" "$tmp/boot/keel.gz"
{
    echo "serial --unit=0 --speed=115200"
    echo "terminal_input serial console"
    echo "terminal_output serial console"
    echo "set timeout=0"
    echo "set default=0"
    echo "menuentry 'Keel' {"
    echo "    multiboot2 /boot/keel.gz $cmdline"
    n=0
    for m in "$@"; do
        path=${m%%:*}; mcmd=${m#*:}
        [ "$mcmd" = "$m" ] && mcmd=""
        cp "$path" "$tmp/boot/module$n"
        echo "    module2 /boot/module$n $mcmd"
        n=$((n + 1))
    done
    echo "    boot"
    echo "}"
} > "$tmp/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$tmp" >/dev/null 2>"$tmp/mkrescue.log" ||
    { cat "$tmp/mkrescue.log" >&2; exit 1; }
