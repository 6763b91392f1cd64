# nooelint: oelint.var.mandatoryvar.HOMEPAGE,oelint.var.suggestedvar.BUGTRACKER - part of roomscribe, which has no public web page or tracker yet
SUMMARY = "roomscribe's side of A/B updates: slot selection for SWUpdate, the boot gate"
DESCRIPTION = "Makes swupdate write the slot the board is not running from, gives it the \
               hardware revision the update checks, and lets a new slot be marked good only \
               once roomscribe is running (boot-complete.target before nv_update_verifier)."
SECTION = "base"
LICENSE = "MIT"
# nooelint: oelint.var.licenseremotefile - the files are this layer's own, under its MIT license
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"
CVE_PRODUCT = ""

SRC_URI = "\
    file://10-after-boot-complete.conf \
    file://10-roomscribe-slot \
    file://roomscribe-boot-check.service \
"

# scarthgap has no UNPACKDIR (sources unpack into WORKDIR); wrynose does.
UNPACKDIR ??= "${WORKDIR}"
S = "${UNPACKDIR}"

inherit systemd

# Must match the update's hardware-compatibility (roomscribe-update's ROOMSCRIBE_HWREVISION).
ROOMSCRIBE_HWREVISION ?= "1.0"

do_configure[noexec] = "1"
do_compile[noexec] = "1"

do_install() {
    install -D -m 0644 ${S}/10-roomscribe-slot ${D}${libdir}/swupdate/conf.d/10-roomscribe-slot
    install -D -m 0644 ${S}/roomscribe-boot-check.service ${D}${systemd_system_unitdir}/roomscribe-boot-check.service
    install -D -m 0644 ${S}/10-after-boot-complete.conf \
        ${D}${systemd_system_unitdir}/nv_update_verifier.service.d/10-after-boot-complete.conf
    install -d ${D}${sysconfdir}
    echo "${MACHINE} ${ROOMSCRIBE_HWREVISION}" > ${D}${sysconfdir}/hwrevision
}

SYSTEMD_SERVICE:${PN} = "roomscribe-boot-check.service"

PACKAGE_ARCH = "${MACHINE_ARCH}"

FILES:${PN} += "\
    ${libdir}/swupdate/conf.d \
    ${sysconfdir}/hwrevision \
    ${systemd_system_unitdir} \
"

RDEPENDS:${PN} = "\
    roomscribe \
    setup-nv-boot-control \
    swupdate \
    tegra-redundant-boot \
"
