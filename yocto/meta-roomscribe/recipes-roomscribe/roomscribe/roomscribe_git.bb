# nooelint: oelint.var.mandatoryvar.HOMEPAGE,oelint.var.suggestedvar.BUGTRACKER - roomscribe has no public web page or tracker yet
SUMMARY = "Meeting-room transcriber: ALSA capture, Whisper on libtorch, MQTT out"
DESCRIPTION = "The roomscribe daemon: captures the room's microphones from ALSA, finds speech, \
               transcribes it with Whisper on libtorch (CUDA on Jetson), keeps every meeting in \
               SQLite and publishes transcripts and summaries on an embedded MQTT broker."
SECTION = "multimedia"
LICENSE = "Apache-2.0"
# The repository has no LICENSE file yet: the workspace manifest's license line is what is checked.
LIC_FILES_CHKSUM = "file://Cargo.toml;beginline=10;endline=10;md5=2507bd5f0713f05419cd2f22fa06fe62"
CVE_PRODUCT = "roomscribe"

DEPENDS = "\
    alsa-lib \
    libtorch \
"

# The daemon is built from a commit of the git repository this layer lives in
# (yocto/meta-roomscribe inside the roomscribe repository). ROOMSCRIBE_SRCREV names it: the
# commit the layer itself is at (`ROOMSCRIBE_SRCREV=$(git rev-parse HEAD) kas build ...`), so
# that roomscribe-crates.inc, generated from that commit's Cargo.lock by scripts/yocto-generate,
# lists exactly its crates. Left empty, the fetcher stops and asks for a valid SRCREV.
ROOMSCRIBE_TOPDIR ?= "${@os.path.normpath(os.path.join(d.getVar('FILE_DIRNAME'), '..', '..', '..', '..'))}"
ROOMSCRIBE_SRCREV ??= ""
PV = "0.1.0+git"
SRC_URI = "git://${ROOMSCRIBE_TOPDIR};protocol=file;nobranch=1;destsuffix=roomscribe"
SRCREV = "${ROOMSCRIBE_SRCREV}"

require ${BPN}-crates.inc

# scarthgap has no UNPACKDIR (sources unpack into WORKDIR); wrynose does.
UNPACKDIR ??= "${WORKDIR}"
S = "${UNPACKDIR}/roomscribe"

inherit cargo cargo-update-recipe-crates pkgconfig systemd useradd

# roomscribe-crates.inc comes from scripts/yocto-generate, which reads the workspace's Cargo.lock
# only. `bitbake -c update_crates roomscribe` (the class) would also list daemon/fuzz/Cargo.lock's
# crates, which the image never builds.

# Only the daemon: the workspace's other member is the integration-test crate.
CARGO_SRC_DIR = "daemon"
# cargo.bbclass looks for Cargo.lock beside CARGO_SRC_DIR's manifest; the workspace keeps it at the top.
CARGO_LOCK_PATH = "${S}/Cargo.lock"

# torch-sys (tch) builds against the libtorch recipe's headers and libraries in the sysroot.
export LIBTORCH = "${STAGING_DIR_TARGET}${prefix}"
export LIBTORCH_CXX11_ABI = "1"
# daemon/build.rs: libtorch is installed in ${libdir}, where the loader looks, so the binary
# carries no runpath (the developer default would point into this build's sysroot).
export ROOMSCRIBE_LIBTORCH_RPATH = "none"
# libtorch_cuda names CUDA's libraries, which meta-tegra installs under /usr/local/cuda-*; a cross
# linker does not follow a library's runpath, so it is told where they are.
LDFLAGS:append = " -Wl,-rpath-link,${STAGING_DIR_TARGET}/usr/local/cuda-${CUDA_VERSION}/${baselib}"

# Fail at the start, with the reason, rather than deep inside cargo: the workspace needs Rust 1.85
# (rust-version in Cargo.toml; scarthgap's own is 1.75, so scarthgap builds need the
# meta-lts-mixins scarthgap/rust layer), and tch 0.24 needs libtorch 2.11.0 exactly (torch-sys
# checks the version only when a build-version file exists, which an installed libtorch has not).
do_configure:prepend() {
    rustc_version="$(rustc --version | cut -d' ' -f2)"
    if [ "$(printf '%s\n' 1.85.0 "$rustc_version" | sort -V | head -n1)" != 1.85.0 ]; then
        bbfatal "rustc $rustc_version is older than the workspace's rust-version 1.85: on scarthgap add meta-lts-mixins (scarthgap/rust)"
    fi
    version_h="${STAGING_INCDIR}/torch/headeronly/version.h"
    torch_version=""
    for part in MAJOR MINOR PATCH; do
        number="$(sed -n "s/^#define TORCH_VERSION_$part \([0-9]*\)\$/\1/p" "$version_h")"
        torch_version="${torch_version:+$torch_version.}$number"
    done
    if [ "$torch_version" != "2.11.0" ]; then
        bbfatal "libtorch in the sysroot is '$torch_version' ($version_h); tch 0.24 needs 2.11.0"
    fi
}

do_install:append() {
    install -D -m 0644 ${S}/systemd/roomscribe.service ${D}${systemd_system_unitdir}/roomscribe.service
    # Group-readable only: the file may hold broker logins. /etc is read-only on the appliance;
    # operators change settings through the remote configuration, kept in the state directory.
    install -D -m 0640 -g roomscribe ${S}/firmware-config/roomscribe.toml ${D}${sysconfdir}/roomscribe/roomscribe.toml
    install -D -m 0644 ${S}/README.md ${D}${docdir}/${BPN}/README.md
    # The mount point of the state directory, bound to /data/roomscribe (roomscribe-system).
    install -d -m 0700 -o roomscribe -g roomscribe ${D}${localstatedir}/lib/roomscribe
}

USERADD_PACKAGES = "${PN}"
# The uid and gid are fixed by the distribution's useradd-staticids tables (files/passwd, group).
USERADD_PARAM:${PN} = "--system --home-dir ${localstatedir}/lib/roomscribe --no-create-home \
                       --shell ${base_sbindir}/nologin --user-group roomscribe"

SYSTEMD_SERVICE:${PN} = "roomscribe.service"

FILES:${PN} += "${localstatedir}/lib/roomscribe"

RDEPENDS:${PN} = "\
    roomscribe-models \
    roomscribe-system \
"
