# The persistent data partition, for the roomscribe distribution only (another distribution that
# includes this layer keeps its fstab). x-systemd.makefs puts an ext4 file system on it at first
# boot when it has none (a freshly flashed board); the root file system stays read-only.
# ROOMSCRIBE_DATA_PARTLABEL is the distribution's (conf/distro/roomscribe.conf).
ROOMSCRIBE_DATA_FSTAB:roomscribe = "/dev/disk/by-partlabel/${ROOMSCRIBE_DATA_PARTLABEL} /data ext4 noatime,nodev,nosuid,noexec,x-systemd.makefs 0 2"

do_install:append:roomscribe() {
    install -d ${D}/data
    printf '%s\n' "${ROOMSCRIBE_DATA_FSTAB}" >> ${D}${sysconfdir}/fstab
}

FILES:${PN}:append:roomscribe = " /data"
