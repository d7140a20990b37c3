"""Builds softcard._core with the project's own CMake build, or takes an already built one.

- SOFTCARD_BUILD_DIR=<build> (a configured softcard build tree): its python/softcard/_core*.so is
  used after `cmake --build <build> --target softcard_core` (skipped with SOFTCARD_USE_BUILT=1).
- otherwise <repo>/build (the tree `make` maintains) when it is configured,
- otherwise the repository (the folder above this one) is configured into a private build
  directory and softcard_core is built there (Debian's compilers, pybind11-dev, python3-dev).
Nothing is downloaded.
"""

import glob
import os
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class BuildWithCMake(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("SOFTCARD_BUILD_DIR")
        if not build_dir and os.path.exists(os.path.join(REPO, "build", "CMakeCache.txt")):
            build_dir = os.path.join(REPO, "build")  # the tree `make` maintains
        if not build_dir:
            build_dir = os.path.join(REPO, "build-pip")
            if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
                gen = ["-G", "Ninja"] if shutil.which("ninja") else []
                subprocess.check_call(["cmake", "-S", REPO, "-B", build_dir, *gen,
                                       "-DCMAKE_BUILD_TYPE=Release",
                                       f"-DPython3_EXECUTABLE={sys.executable}"])
        if not os.environ.get("SOFTCARD_USE_BUILT"):  # set: take <build>'s _core as it is
            subprocess.check_call(["cmake", "--build", build_dir, "--target", "softcard_core",
                                   "-j", str(os.cpu_count() or 2)])
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        built = glob.glob(os.path.join(build_dir, "python", "softcard", "_core" + suffix))
        if not built:
            raise RuntimeError(f"softcard_core was not built in {build_dir} for this Python ({suffix})")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(built[0], target)
        # _core finds the shared minidriver library next to itself (RPATH $ORIGIN).
        for lib in glob.glob(os.path.join(build_dir, "minidriver", "libsoftcard_minidriver.so*")):
            shutil.copy2(lib, os.path.join(os.path.dirname(target), os.path.basename(lib)))


setup(ext_modules=[CMakeExtension("softcard._core")], cmdclass={"build_ext": BuildWithCMake})
