SUMMARY = "libtorch 2.11.0: PyTorch's C++ library, CUDA build for Jetson Orin, no Python"
DESCRIPTION = "The C++ half of PyTorch 2.11.0 (the release tch 0.24, and so roomscribe, is built \
               for), compiled with CUDA and cuDNN for the Orin's GPU (sm_87). No Python bindings, \
               no distributed training, no profiler: what a C++ program running TorchScript and \
               tensors needs."
HOMEPAGE = "https://pytorch.org/"
BUGTRACKER = "https://github.com/pytorch/pytorch/issues"
SECTION = "libs"
LICENSE = "BSD-3-Clause"
LIC_FILES_CHKSUM = "file://LICENSE;md5=b114fbe63fdb5f7a91332a4aefb61ee5"
# Vulnerabilities are filed against PyTorch (CPE pytorch:pytorch), whatever the recipe is called.
CVE_PRODUCT = "pytorch"

# Structure after meta-tegra-community's pytorch recipe (wrynose, 2.11.0 at commit b2b0dea, later
# 2.13.0), reduced to the C++ library. protobuf and the python3 modules run PyTorch's code
# generators at build time.
DEPENDS = "\
    cuda-nvml \
    cuda-nvrtc \
    cuda-nvtx \
    cudnn \
    libcusparse \
    protobuf \
    protobuf-native \
    python3-pyyaml-native \
    python3-typing-extensions-native \
"

# The release tarball carries the third_party submodules (onnx, sleef, fmt, ...).
SRC_URI = "https://github.com/pytorch/pytorch/releases/download/v${PV}/pytorch-v${PV}.tar.gz;name=pytorch"
SRC_URI[pytorch.sha256sum] = "ab3fde9e7e382f45ac942be6ea2c2ef362c5ccd6f55ed6d5f35e6ea81d3ab88e"

# OE4T's cross-compilation patches as they stood for 2.11.0 (meta-tegra-community commit
# b2b0deaa12bd, "pytorch: update to 2.11.0 and refresh patch"), fetched from there by commit and
# sha256 rather than copied: the linker-script generator and the CUDA build rules made
# cross-compilable, protoc taken from the native sysroot, CUDA's CMake modules found, fmt not
# installed over the system's.
OE4T_PYTORCH_PATCHES = "https://raw.githubusercontent.com/OE4T/meta-tegra-community/b2b0deaa12bd7f5b40402ea7545a1b1813c1e8b6/recipes-devtools/pytorch/pytorch"
SRC_URI += "\
    ${OE4T_PYTORCH_PATCHES}/0001-Fix-generate-linker-script-for-cross-compilation.patch;name=oe4t-0001;downloadfilename=libtorch-${PV}-0001-Fix-generate-linker-script-for-cross-compilation.patch \
    ${OE4T_PYTORCH_PATCHES}/0002-Fix-CUDA-build-rules-for-cross-compilation.patch;name=oe4t-0002;downloadfilename=libtorch-${PV}-0002-Fix-CUDA-build-rules-for-cross-compilation.patch \
    ${OE4T_PYTORCH_PATCHES}/0003-Use-native-protobuf-compiler.patch;name=oe4t-0003;downloadfilename=libtorch-${PV}-0003-Use-native-protobuf-compiler.patch \
    ${OE4T_PYTORCH_PATCHES}/0004-Prepend-Modules_CUDA_fix-to-CMAKE_MODULE_PATH.patch;name=oe4t-0004;downloadfilename=libtorch-${PV}-0004-Prepend-Modules_CUDA_fix-to-CMAKE_MODULE_PATH.patch \
    ${OE4T_PYTORCH_PATCHES}/0005-Fix-FMT-installation.patch;name=oe4t-0005;downloadfilename=libtorch-${PV}-0005-Fix-FMT-installation.patch \
"
SRC_URI[oe4t-0001.sha256sum] = "54d4aec381daa172c4fa0ea80a2b4ce2e8ad5f0252433634d95203e57d76681f"
SRC_URI[oe4t-0002.sha256sum] = "f2d8c29330bd87b1ec93aa57449869e0301d8c1a1d625b5c653264b14e7e89a1"
SRC_URI[oe4t-0003.sha256sum] = "79ba2f851eb3170f26ce7a00d6c3bfd842a2227c050dad44633be20a0412b8b1"
SRC_URI[oe4t-0004.sha256sum] = "3c5d9f82bbf46f523d59dbe416dfe39b177cbb7883683cf4d2aa1b284cf464b4"
SRC_URI[oe4t-0005.sha256sum] = "27b11cc8db005d14d9ba92b2937b4fde961b2669da4e4f88607c81d0cc89e664"

# scarthgap has no UNPACKDIR (sources unpack into WORKDIR); wrynose does.
UNPACKDIR ??= "${WORKDIR}"
S = "${UNPACKDIR}/pytorch-v${PV}"

# Built for the Orin's GPU only (tegra234: sm_87), which keeps the build to one architecture.
COMPATIBLE_MACHINE = "(tegra234)"

inherit cmake cuda python3native

# Torch's CUDA architecture list from meta-tegra's CUDA_ARCHITECTURES ("87" becomes "8.7").
TORCH_CUDA_ARCH_LIST = "${@' '.join(a[:-1] + '.' + a[-1] for a in d.getVar('CUDA_ARCHITECTURES').split())}"

EXTRA_OECMAKE += "\
    -DBUILD_PYTHON=OFF \
    -DUSE_NUMPY=OFF \
    -DBUILD_TEST=OFF \
    -DUSE_CUDA=ON \
    -DUSE_CUDNN=ON \
    -DTORCH_CUDA_ARCH_LIST='${TORCH_CUDA_ARCH_LIST}' \
    -DUSE_OPENMP=ON \
    -DGLIBCXX_USE_CXX11_ABI=1 \
    -DUSE_DISTRIBUTED=OFF \
    -DUSE_MPI=OFF \
    -DUSE_NCCL=OFF \
    -DUSE_KINETO=OFF \
    -DUSE_CUSPARSELT=OFF \
    -DUSE_XNNPACK=OFF \
    -DUSE_FBGEMM=OFF \
    -DUSE_MKLDNN=OFF \
    -DBUILD_CUSTOM_PROTOBUF=OFF \
    -DPROTOBUF_PROTOC_EXECUTABLE=${STAGING_BINDIR_NATIVE}/protoc \
    -DUSE_SYSTEM_ONNX=OFF \
    -DFMT_INSTALL=OFF \
    -Dnvtx3_dir=${S}/third_party/NVTX/c/include \
    -DCMAKE_CUDA_IMPLICIT_INCLUDE_DIRECTORIES=${STAGING_INCDIR} \
    -DNATIVE_BUILD_DIR=${B}/sleef-native \
"
# Why some are off: FBGEMM exists only on x86 (roomscribe's float16 CPU products take the CUDA
# path on Jetson and keep float32 weights on its CPU); oneDNN (MKLDNN) would need the Arm Compute
# Library and JITs code at run time; Kineto is the profiler; the rest is training at scale.

# The CUDA flags PyTorch's own CMake would add (patch 0002 moves them out of its rules).
CUDA_NVCC_EXTRA_FLAGS += "\
    --expt-relaxed-constexpr \
    --expt-extended-lambda \
    -Xfatbin=-compress-all \
    -DCUDA_HAS_FP16=1 \
    -D__CUDA_NO_HALF_OPERATORS__ \
    -D__CUDA_NO_HALF_CONVERSIONS__ \
    -D__CUDA_NO_HALF2_OPERATORS__ \
    -D__CUDA_NO_BFLOAT16_CONVERSIONS__ \
    -DCUB_WRAPPED_NAMESPACE=at_cuda_detail \
    -DLIBCUDACXX_ENABLE_SIMPLIFIED_COMPLEX_OPERATIONS \
"

# sleef (vectorised maths) generates sources with small programs that must run on the build
# machine: they are compiled for it here, where NATIVE_BUILD_DIR points.
do_configure:prepend() {
    install -d ${B}/sleef-native/bin
    for tool in mkalias mkrename mkdisp; do
        ${BUILD_CC} ${BUILD_CFLAGS} ${BUILD_LDFLAGS} -o ${B}/sleef-native/bin/$tool ${S}/third_party/sleef/src/libm/$tool.c
    done
}

# The libraries are unversioned (libtorch.so, libc10.so, ...): they are the run-time package's.
SOLIBS = "*.so*"
FILES_SOLIBSDEV = ""
FILES:${PN}-dev += "\
    ${datadir}/ATen \
    ${datadir}/cpuinfo \
"

# The build records its flags, with this machine's paths, in a generated header and in the
# libraries' build information string; nothing reads those paths at run time.
# nooelint: oelint.vars.insaneskip - see above; meta-tegra-community's pytorch recipe does the same
INSANE_SKIP:${PN} += "buildpaths"
# nooelint: oelint.vars.insaneskip - see above
INSANE_SKIP:${PN}-dev += "buildpaths"
