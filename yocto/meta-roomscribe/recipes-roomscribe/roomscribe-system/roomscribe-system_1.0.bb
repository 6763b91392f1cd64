# nooelint: oelint.var.mandatoryvar.HOMEPAGE,oelint.var.suggestedvar.BUGTRACKER - part of roomscribe, which has no public web page or tracker yet
SUMMARY = "roomscribe's system settings: state on /data, the hardware watchdog"
DESCRIPTION = "Binds /var/lib/roomscribe to /data/roomscribe on the persistent data partition \
               (the root file system is read-only and replaced whole by an A/B update), and has \
               systemd pet the board's hardware watchdog."
SECTION = "base"
LICENSE = "MIT"
# nooelint: oelint.var.licenseremotefile - the files are this layer's own, under its MIT license
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"
CVE_PRODUCT = ""

SRC_URI = "\
    file://10-roomscribe-watchdog.conf \
    file://roomscribe-data-dir.service \
    file://var-lib-roomscribe.mount \
"

# scarthgap has no UNPACKDIR (sources unpack into WORKDIR); wrynose does.
UNPACKDIR ??= "${WORKDIR}"
S = "${UNPACKDIR}"

inherit allarch systemd

do_configure[noexec] = "1"
do_compile[noexec] = "1"

do_install() {
    install -D -m 0644 ${S}/10-roomscribe-watchdog.conf ${D}${systemd_unitdir}/system.conf.d/10-roomscribe-watchdog.conf
    install -D -m 0644 ${S}/roomscribe-data-dir.service ${D}${systemd_system_unitdir}/roomscribe-data-dir.service
    install -D -m 0644 ${S}/var-lib-roomscribe.mount ${D}${systemd_system_unitdir}/var-lib-roomscribe.mount
}

SYSTEMD_SERVICE:${PN} = "var-lib-roomscribe.mount"

FILES:${PN} += "\
    ${systemd_unitdir}/system.conf.d \
    ${systemd_system_unitdir}/roomscribe-data-dir.service \
    ${systemd_system_unitdir}/var-lib-roomscribe.mount \
"

# /data itself is mounted from /etc/fstab (the base-files bbappend), formatted at first boot.
RDEPENDS:${PN} = "e2fsprogs-mke2fs"
