# Shared by tests/linux/run.sh (tests, bench) and tests/linux/shell.sh
# (make run), sourced with BUILD, HV, TOP and OUT set: installs what is
# missing, fetches Debian's kernel and busybox, builds the initramfs, and
# defines linux_iso.  Sets HVGZ, CMDLINE and INITRD.

# shellcheck source=tests/guests/hv.sh
. "$TOP/tests/guests/hv.sh"
linux_setup() {
    guest_deps || return 1
    command -v cpio >/dev/null || { [ "$(id -u)" -eq 0 ] &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends cpio >&2; } ||
        { echo "missing Debian package: cpio (apt-get install -y cpio)" >&2; return 1; }
    bash "$TOP/tests/linux/fetch.sh" "$TOP" ||
        { echo "Debian's kernel or busybox could not be fetched" >&2; return 1; }
    case $HV in
        keel) HVGZ=$BUILD/keel.gz; CMDLINE=$KEEL_CMDLINE
              [ -f "$HVGZ" ] || { echo "no $HVGZ: run make first" >&2; return 1; } ;;
        xen)  HVGZ=$(fetch_xen "$TOP") || return 1; CMDLINE=$XEN_CMDLINE ;;
        *)    echo "unknown hypervisor '$HV' (keel|xen)" >&2; return 2 ;;
    esac
    # kl, Keel's toolstack (static, over Debian's libxenctrl), goes into dom0.
    make -s -C "$TOP/tools" O="$BUILD/tools" >&2 ||
        { echo "building tools/kl failed (make -C tools)" >&2; return 1; }
    INITRD=$BUILD/linux/initrd.gz
    bash "$TOP/tests/linux/mkinitrd.sh" "$TOP" "$INITRD" "$BUILD/tools/kl" ||
        { echo "mkinitrd.sh failed" >&2; return 1; }
}

# linux_iso <iso> <linux args>: GRUB2 rescue image, hypervisor + vmlinuz + initrd.
linux_iso() {
    local iso=$1 largs=$2 tmp
    tmp=$(mktemp -d)
    mkdir -p "$tmp/boot/grub"
    cp "$HVGZ" "$tmp/boot/$HV.gz"
    cp "$TOP/ext/linux/vmlinuz" "$tmp/boot/"
    cp "$INITRD" "$tmp/boot/initrd.gz"
    { grub_serial_header; cat <<CFG; } > "$tmp/boot/grub/grub.cfg"
menuentry '$HV + Debian Linux dom0' {
    multiboot2 /boot/$HV.gz $CMDLINE
    module2 /boot/vmlinuz $largs
    module2 --nounzip /boot/initrd.gz
}
CFG
    grub_mkiso "$iso" "$tmp" || { rm -rf "$tmp"; return 1; }
    rm -rf "$tmp"
}

