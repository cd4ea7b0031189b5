# Helpers shared by tests/guests/run.sh and bench/run.sh (bash, sourced).

# Installs the host packages the runs need (root), or says which are missing.
guest_deps() {
    local p missing=""
    for p in qemu-system-x86 grub-pc-bin grub-common xorriso mtools; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing:$missing" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >&2 ||
            { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive \
                apt-get install -y --no-install-recommends $missing >&2; }
    else
        echo "missing Debian packages:$missing (apt-get install -y$missing)" >&2
        return 1
    fi
}

# fetch_xen <top>: makes sure Debian's Xen 4.17 is in <top>/ext (idempotent)
# and prints the path of xen-4.17*.gz.
fetch_xen() {
    local top=$1 pkg=xen-hypervisor-4.17-amd64 deb gz
    mkdir -p "$top/ext/debs" "$top/ext/xen"
    gz=$(ls "$top"/ext/xen/root/boot/xen-4.17*-amd64.gz 2>/dev/null | head -1)
    if [ -z "$gz" ]; then
        deb=$(ls "$top"/ext/debs/${pkg}_*.deb 2>/dev/null | head -1)
        if [ -z "$deb" ]; then
            (cd "$top/ext/debs" && apt-get download "$pkg" >&2) ||
                { apt-get update >&2 && (cd "$top/ext/debs" && apt-get download "$pkg" >&2); } ||
                { echo "cannot download $pkg" >&2; return 1; }
            deb=$(ls "$top"/ext/debs/${pkg}_*.deb | head -1)
        fi
        dpkg -x "$deb" "$top/ext/xen/root"
        gz=$(ls "$top"/ext/xen/root/boot/xen-4.17*-amd64.gz | head -1)
    fi
    echo "$gz"
}

# grub_serial_header: the start of every test ISO's grub.cfg (serial
# console, boot the first entry at once).
grub_serial_header() {
    cat <<'CFG'
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
CFG
}

# grub_mkiso <iso> <dir>: grub-mkrescue <dir> into <iso>; its log on failure.
grub_mkiso() {
    if grub-mkrescue -o "$1" "$2" >"$1.mkrescue.log" 2>&1; then
        rm -f "$1.mkrescue.log"
    else
        cat "$1.mkrescue.log" >&2
        return 1
    fi
}

# pack_domus <out> <file>...: one initrd holding the files, for a dom0 test
# that builds domUs from them: a 4 KiB text header, "KEELPACK" then one
# line "<env> <offset> <size>" per file (env: the name of its directory),
# and each file at its offset, 4 KiB-aligned.
pack_domus() {
    local out=$1 f off=4096 size hdr
    shift
    hdr="KEELPACK"$'\n'
    for f in "$@"; do
        [ -f "$f" ] || return 1
        size=$(stat -c %s "$f")
        hdr+="$(basename "$(dirname "$f")") $off $size"$'\n'
        off=$(( (off + size + 4095) / 4096 * 4096 ))
    done
    printf '%s' "$hdr" > "$out" && truncate -s 4096 "$out" || return 1
    for f in "$@"; do
        cat "$f" >> "$out" || return 1
        truncate -s $(( ($(stat -c %s "$out") + 4095) / 4096 * 4096 )) "$out"
    done
}

# make_iso <iso> <hypervisor.gz> <hv cmdline> <guest.elf> <hv name> [module args
#          [<second.elf> <second module args>]]
# One GRUB2 rescue ISO: multiboot2 the hypervisor, module2 the guest (with
# the module's command line, e.g. "type=pvh mem=64" for a PVH domU), and
# optionally a second module2 (a peer domU for two-domain tests).
# Rebuilt only when an input is newer than the ISO or the cmdline changed.
make_iso() {
    local iso=$1 hv=$2 cmdline=$3 elf=$4 name=$5 margs=${6:-} elf2=${7:-} margs2=${8:-}
    local tmp cfg mods
    mods="    module2 /boot/$(basename "$elf")${margs:+ $margs}"
    [ -n "$elf2" ] && mods="$mods
    module2 /boot/peer-$(basename "$elf2")${margs2:+ $margs2}"
    cfg="multiboot2 /boot/$name.gz $cmdline | $(echo $mods)"
    if [ -f "$iso" ] && [ "$iso" -nt "$hv" ] && [ "$iso" -nt "$elf" ] &&
       { [ -z "$elf2" ] || [ "$iso" -nt "$elf2" ]; } &&
       [ "$(cat "$iso.cfg" 2>/dev/null)" = "$cfg" ]; then
        return 0
    fi
    tmp=$(mktemp -d)
    mkdir -p "$tmp/boot/grub"
    cp "$hv" "$tmp/boot/$name.gz"
    cp "$elf" "$tmp/boot/"
    [ -n "$elf2" ] && cp "$elf2" "$tmp/boot/peer-$(basename "$elf2")"
    { grub_serial_header; cat <<CFG; } > "$tmp/boot/grub/grub.cfg"
menuentry '$name + $(basename "$elf")' {
    multiboot2 /boot/$name.gz $cmdline
$mods
    boot
}
CFG
    if grub_mkiso "$iso" "$tmp"; then
        echo "$cfg" > "$iso.cfg"
        rm -rf "$tmp"
    else
        rm -rf "$tmp"
        return 1
    fi
}
