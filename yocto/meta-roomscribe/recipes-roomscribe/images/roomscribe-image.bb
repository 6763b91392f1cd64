# nooelint: oelint.var.suggestedvar.BUGTRACKER - roomscribe has no public tracker yet
SUMMARY = "The roomscribe meeting-room appliance image"
DESCRIPTION = "A read-only root file system with the roomscribe daemon, its models, libtorch \
               with CUDA, ALSA and systemd; meetings are kept on the /data partition."
SECTION = "images"
LICENSE = "MIT"
CVE_PRODUCT = ""

inherit core-image

# read-only-rootfs comes from the distribution too; stated here so that this image is read-only
# whichever distribution builds it.
IMAGE_FEATURES += "read-only-rootfs"

IMAGE_INSTALL = "\
    alsa-utils-alsactl \
    alsa-utils-amixer \
    alsa-utils-arecord \
    packagegroup-core-boot \
    roomscribe \
    tzdata \
    ${CORE_IMAGE_EXTRA_INSTALL} \
"

IMAGE_LINGUAS = ""

# Room beyond the files themselves, in KiB: libtorch's CUDA kernels and the models are large, and
# the root file system is never written on the board.
IMAGE_ROOTFS_EXTRA_SPACE = "524288"
