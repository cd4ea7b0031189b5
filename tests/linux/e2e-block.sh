#!/bin/busybox sh
# /etc/xen/scripts/block of the end-to-end dom0 image: the hotplug script
# the toolstack runs for a disk with the default script=block, written for
# busybox (Xen's own needs bash and util-linux).  It does the protocol's
# part: "add" attaches a file target to a free loop device and publishes
# the device's numbers in the backend directory ($XENBUS_PATH), which is
# what xen-blkback waits for; "remove" detaches it.  A block device target
# is published as it is.
export PATH=/bin:/sbin:/usr/bin
action=$1
xs() { xenstore-"$@"; }
case $action in
add)
    target=$(xs read "$XENBUS_PATH/params") || exit 1
    if [ -f "$target" ]; then
        dev=$(losetup -f) && losetup "$dev" "$target" || {
            xs write "$XENBUS_PATH/hotplug-error" "no loop device for $target"
            xs write "$XENBUS_PATH/hotplug-status" error; exit 1; }
    elif [ -b "$target" ]; then
        dev=$target
    else
        xs write "$XENBUS_PATH/hotplug-error" "$target is not a file or a block device"
        xs write "$XENBUS_PATH/hotplug-status" error; exit 1
    fi
    mm=$(stat -L -c '%t:%T' "$dev")
    xs write "$XENBUS_PATH/physical-device" "$mm"
    xs write "$XENBUS_PATH/physical-device-path" "$dev"
    xs write "$XENBUS_PATH/hotplug-status" connected
    ;;
remove)
    dev=$(xs read "$XENBUS_PATH/physical-device-path" 2>/dev/null)
    case $dev in /dev/loop*) losetup -d "$dev" ;; esac
    ;;
esac
exit 0
