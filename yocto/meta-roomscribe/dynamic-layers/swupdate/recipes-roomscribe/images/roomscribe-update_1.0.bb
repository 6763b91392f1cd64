# nooelint: oelint.var.mandatoryvar.HOMEPAGE,oelint.var.suggestedvar.BUGTRACKER - part of roomscribe, which has no public web page or tracker yet
SUMMARY = "roomscribe A/B update (.swu) for SWUpdate"
DESCRIPTION = "An SWUpdate archive that writes roomscribe-image, its kernel and device tree into \
               the slot the board is not running from, and the boot firmware as a UEFI capsule, \
               which switches the board to that slot at the next boot. After OE4T's \
               swupdate-image-tegra (tegra-demo-distro)."
SECTION = "images"
LICENSE = "MIT"
# nooelint: oelint.var.licenseremotefile - the files are this layer's own, under its MIT license
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"
CVE_PRODUCT = ""

SRC_URI = "\
    file://roomscribe-swupdate-postinst.sh \
    file://sw-description \
"

inherit swupdate image_types_tegra

ROOMSCRIBE_UPDATE_IMAGE ?= "roomscribe-image"
ROOMSCRIBE_HWREVISION ?= "1.0"
ROOMSCRIBE_CAPSULE_PATH ?= "/boot/efi/EFI/UpdateCapsule/TEGRA_BL.Cap"
ROOTFS_DEVICE_PATH ?= "/dev/disk/by-partlabel"
ROOTFS_FILENAME ?= "${ROOMSCRIBE_UPDATE_IMAGE}-${MACHINE}.rootfs.tar.gz"
DEPLOY_KERNEL_IMAGE ?= "${@os.path.basename(tegra_kernel_image(d))}"
ESP_ARCHIVE ?= "${TEGRA_ESP_IMAGE}-${MACHINE}.tar.gz"

# The images built before this one; other deploy-time inputs go to do_swuimage[depends].
IMAGE_DEPENDS = "${ROOMSCRIBE_UPDATE_IMAGE} ${TEGRA_ESP_IMAGE}"

# Everything the archive carries besides sw-description and the script (from SRC_URI).
SWUPDATE_IMAGES = "${ROOTFS_FILENAME} tegra-bl.cap ${DEPLOY_KERNEL_IMAGE} devicetree/${DTBFILE} ${ESP_ARCHIVE}"

do_swuimage[depends] += "\
    tegra-uefi-capsules:do_deploy \
    virtual/kernel:do_deploy \
    ${@'virtual/dtb:do_deploy' if d.getVar('PREFERRED_PROVIDER_virtual/dtb') else ''} \
"
