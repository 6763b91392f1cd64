#!/bin/sh
# Runs inside swupdate once the inactive slot's root file system, kernel and device tree are
# written and the boot firmware capsule is in the EFI system partition. It asks UEFI to apply
# the capsule at the next boot (OsIndications): the capsule writes the inactive boot chain and,
# when that succeeds, boots the board from it, i.e. from the slot just written. The new slot
# counts as good once roomscribe is running (roomscribe-boot-check before boot-complete.target);
# until then UEFI's retry counter falls back to the old slot.
set -eu

[ "${1:-}" = postinst ] || exit 0

current="$(nvbootctrl get-current-slot)"
case "$current" in
    0) target=1 target_name=SlotB ;;
    1) target=0 target_name=SlotA ;;
    *) echo "roomscribe-swupdate: nvbootctrl reports slot '$current'; not switching" >&2; exit 1 ;;
esac

# The written slot may carry an "unbootable" mark from an earlier failed update: clear it, or
# UEFI will not try it.
. /usr/bin/uefi_common.func
set_efi_var "RootfsStatus$target_name" "781e084c-a330-417c-b678-38e696380cb9" '\x00\x00\x00\x00'

/usr/bin/oe4t-set-uefi-OSIndications
echo "roomscribe-swupdate: slot $target written; the capsule applies at the next reboot" >&2
