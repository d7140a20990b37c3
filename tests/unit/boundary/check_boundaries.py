#!/usr/bin/python3
"""Static check of the folder boundaries (docs/DEVELOPING.md, "Boundaries"). Reads files only:
no compiler, no build, so it runs in well under a second.

Rules:
  1. private: a source file includes another area's private headers (<area>/src/...) only when
     it belongs to that area or is that area's white-box unit test (tests/unit/<area>/...).
     A CMakeLists.txt outside an area never names the area's src/ folder, and only card-os and
     tests/unit/card-os link softcard_card_os_private / softcard_card_os_internal.
  2. io: card-os and trace/ (the trace decoder: bytes in, text out) include no I/O framework
     header (Boost/Asio, pybind11, PC/SC) and their
     CMakeLists link none (nor the vpcd bridge, the harness or the minidriver built on them).
  3. switch: no scaffolding switch: SOFTCARD_HAVE_*, __has_include, if(EXISTS ...),
     if([NOT] TARGET ...), a GLOB that collects folders (LIST_DIRECTORIES, GLOB_RECURSE of
     CMakeLists.txt) or a global list of modules. Areas are listed with add_subdirectory.

Usage: check_boundaries.py ROOT        exit 1 and one line per problem when a rule is broken
       check_boundaries.py --self-test plants one violation of each rule in a scratch tree and
                                       checks that each is reported (and a clean tree is not)
"""

import os
import re
import sys
import tempfile

SOURCE_EXT = (".h", ".hpp", ".c", ".cc", ".cpp")
CMAKE_NAMES = ("CMakeLists.txt",)
CMAKE_EXT = (".cmake",)
SKIP_DIRS = {".git", "wip", "node_modules", "__pycache__"}
# The checker and its docs quote the switches they forbid.
SELF = os.path.join("tests", "unit", "boundary")

INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]', re.M)
IO_HEADER_RE = re.compile(r"^(boost/|asio[./]|pybind11/|Python\.h|PCSC/|winscard\.h|pcsclite\.h"
                          r"|wintypes\.h|reader\.h$|softcard/vpcd/|softcard/harness/"
                          r"|softcard_minidriver\.h|cardmod\.h)")
IO_LINK_RE = re.compile(r"\b(Boost::\w+|pybind11::\w+|PkgConfig::PCSC|PCSC|pcsclite|"
                        r"softcard_vpcd|softcard_harness|softcard_minidriver|Python3?::\w+)\b")
SWITCH_RES = [
    (re.compile(r"SOFTCARD_HAVE_"), "SOFTCARD_HAVE_* switch"),
    (re.compile(r"__has_include"), "__has_include switch"),
    (re.compile(r"\bif\s*\(\s*(NOT\s+)?EXISTS\b", re.I), "if(EXISTS ...) switch"),
    (re.compile(r"\bif\s*\(\s*(NOT\s+)?TARGET\b", re.I), "if(TARGET ...) switch"),
    (re.compile(r"\bAND\s+(NOT\s+)?(TARGET|EXISTS)\b|\bOR\s+(NOT\s+)?(TARGET|EXISTS)\b", re.I),
     "TARGET/EXISTS condition"),
    (re.compile(r"file\s*\(\s*GLOB\w*\b[^)]*LIST_DIRECTORIES\s+true", re.I | re.S),
     "GLOB of folders"),
    (re.compile(r"file\s*\(\s*GLOB_RECURSE\b[^)]*CMakeLists\.txt", re.I | re.S),
     "GLOB of CMakeLists.txt"),
    (re.compile(r"SOFTCARD_CARD_OS_MODULES"), "global list of card-os modules"),
]
# Areas that stay free of I/O frameworks (rule 2).
PURE_AREAS = ("card-os", "trace")
PRIVATE_TARGETS_RE = re.compile(r"\bsoftcard_card_os_(private|internal)\b")


def list_files(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
                             and not (rel_dir == "." and d.startswith("build")))
        for f in sorted(filenames):
            out.append(os.path.normpath(os.path.join(rel_dir, f)))
    return out


def is_cmake(rel):
    return os.path.basename(rel) in CMAKE_NAMES or rel.endswith(CMAKE_EXT)


def areas_of(root):
    """Top-level folders with private sources (<area>/src/)."""
    return sorted(d for d in os.listdir(root)
                  if os.path.isdir(os.path.join(root, d, "src")) and d not in SKIP_DIRS)


def white_box_of(rel, areas):
    """The area whose internals `rel` may use: its own, or the one it white-box tests."""
    parts = rel.split(os.sep)
    if len(parts) > 3 and parts[:2] == ["tests", "unit"] and parts[2] in areas:
        return parts[2]
    return parts[0]


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
        return fh.read()


def strip_cmake_comments(text):
    return "\n".join(re.sub(r"#.*", "", line) for line in text.split("\n"))


def check_source(root, rel, text, areas, problems):
    own = white_box_of(rel, areas)
    here = os.path.dirname(os.path.join(root, rel))
    for m in INCLUDE_RE.finditer(text):
        name = m.group(2)
        where = f"{rel}:{line_of(text, m.start())}"
        pure = next((a for a in PURE_AREAS if rel.startswith(a + os.sep)), None)
        if pure and IO_HEADER_RE.match(name):
            problems.append(f"{where}: [io] {pure} includes the I/O framework header <{name}>")
            continue
        if m.group(1) != '"':
            continue
        # "../../card-os/src/x.h", or a bare "applets/gids/gids_applet.h" that does not resolve
        # next to the file and so only through another area's src/ folder.
        target = os.path.normpath(os.path.join(here, name))
        local = os.path.exists(target)
        for area in areas:
            if area == own:
                continue
            src = os.path.join(root, area, "src")
            if target.startswith(src + os.sep) or (not local and
                                                   os.path.exists(os.path.join(src, name))):
                problems.append(f"{where}: [private] includes {area}'s private header \"{name}\" "
                                f"(only {area} and tests/unit/{area} may)")
                break


def check_cmake(rel, text, areas, problems):
    code = strip_cmake_comments(text)
    own = white_box_of(rel, areas)
    if not rel.startswith(SELF):
        for rx, what in SWITCH_RES:
            for m in rx.finditer(code):
                problems.append(f"{rel}:{line_of(code, m.start())}: [switch] {what}")
    for area in areas:
        if area == own:
            continue
        for m in re.finditer(r"(^|[/\"\s}])" + re.escape(area) + r"/src\b", code):
            problems.append(f"{rel}:{line_of(code, m.start())}: [private] names {area}/src")
    for m in PRIVATE_TARGETS_RE.finditer(code):
        if own != "card-os":
            problems.append(f"{rel}:{line_of(code, m.start())}: [private] links {m.group(0)} "
                            "(card-os and tests/unit/card-os only)")
    pure = next((a for a in PURE_AREAS if rel.startswith(a + os.sep)), None)
    if pure:
        for m in IO_LINK_RE.finditer(code):
            problems.append(f"{rel}:{line_of(code, m.start())}: [io] {pure} names the I/O "
                            f"framework {m.group(0)}")


def check_switches_in_source(rel, text, problems):
    if rel.startswith(SELF):
        return
    for rx, what in SWITCH_RES[:2]:
        for m in rx.finditer(text):
            problems.append(f"{rel}:{line_of(text, m.start())}: [switch] {what}")


def check(root):
    areas = areas_of(root)
    problems = []
    for rel in list_files(root):
        if rel.endswith(SOURCE_EXT):
            text = read(root, rel)
            check_source(root, rel, text, areas, problems)
            check_switches_in_source(rel, text, problems)
        elif is_cmake(rel):
            check_cmake(rel, read(root, rel), areas, problems)
    return problems


def self_test():
    """Each rule must be able to fail: plant one violation of each, expect each reported."""
    plants = {
        "card-os/src/applets/gids/gids_applet.h": "#pragma once\n",
        "card-os/include/softcard/card.h": "#pragma once\n",
        "card-os/CMakeLists.txt": "add_subdirectory(src/os)\n",
        "emulator/src/main.cpp": '#include "softcard/card.h"\n',
        "CMakeLists.txt": "add_subdirectory(card-os)\nadd_subdirectory(emulator)\n",
    }
    violations = {
        "private include": ("emulator/src/bad.cpp", '#include "applets/gids/gids_applet.h"\n',
                            "[private] includes card-os's private header"),
        "relative include": ("python/src/bad.cpp",
                             '#include "../../card-os/src/applets/gids/gids_applet.h"\n',
                             "[private] includes card-os's private header"),
        "src on the include path": ("bench/x/CMakeLists.txt",
                                    "target_include_directories(b PRIVATE "
                                    "${PROJECT_SOURCE_DIR}/card-os/src)\n",
                                    "[private] names card-os/src"),
        "internal target": ("tests/unit/harness/CMakeLists.txt",
                            "target_link_libraries(t PRIVATE softcard_card_os_internal)\n",
                            "[private] links softcard_card_os_internal"),
        "io header": ("card-os/src/os/io.cpp", "#include <boost/asio.hpp>\n",
                      "[io] card-os includes the I/O framework header <boost/asio.hpp>"),
        "io link": ("card-os/src/os/CMakeLists.txt",
                    "target_link_libraries(softcard_os PRIVATE pybind11::module)\n",
                    "[io] card-os names the I/O framework pybind11::module"),
        "trace io header": ("trace/src/show.cpp", "#include <PCSC/winscard.h>\n",
                            "[io] trace includes the I/O framework header <PCSC/winscard.h>"),
        "trace io link": ("trace/CMakeLists.txt",
                          "target_link_libraries(softcard_trace PRIVATE softcard_harness)\n",
                          "[io] trace names the I/O framework softcard_harness"),
        "have switch": ("python/src/sw.cpp", "#if SOFTCARD_HAVE_GIDS\n#endif\n",
                        "[switch] SOFTCARD_HAVE_* switch"),
        "has_include": ("emulator/src/sw.cpp", '#if __has_include("x.h")\n#endif\n',
                        "[switch] __has_include switch"),
        "if exists": ("minidriver/CMakeLists.txt",
                      'if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/examples")\nendif()\n',
                      "[switch] if(EXISTS ...) switch"),
        "if target": ("tests/python/CMakeLists.txt", "if(NOT TARGET softcard_core)\nendif()\n",
                      "[switch] if(TARGET ...) switch"),
        "glob of folders": ("bench/CMakeLists.txt",
                            'file(GLOB_RECURSE l CONFIGURE_DEPENDS "*/CMakeLists.txt")\n',
                            "[switch] GLOB of CMakeLists.txt"),
    }
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        def write(rel, text):
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)

        for rel, text in plants.items():
            write(rel, text)
        os.makedirs(os.path.join(tmp, "python", "src"), exist_ok=True)
        if check(tmp):
            failures.append(f"the clean scratch tree is reported: {check(tmp)}")
        for name, (rel, text, expected) in violations.items():
            write(rel, text)
            found = check(tmp)
            if not any(rel + ":" in p and expected in p for p in found):
                failures.append(f"{name}: planted in {rel}, not reported (got {found})")
            os.remove(os.path.join(tmp, rel))
        if check(tmp):
            failures.append(f"the scratch tree is still reported after cleanup: {check(tmp)}")
    for f in failures:
        print("self-test:", f)
    print(f"self-test: {len(violations)} planted violations, {len(failures)} problems")
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems = check(argv[1])
    for p in problems:
        print(p)
    print(f"check_boundaries: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
