#!/usr/bin/env python3
"""count-tests.py PROJECT.nfproj: the number of test cases the project's sources declare, as MSTest and
Tools/NanoTestRunner count them: each [TestMethod] once, or once per [DataRow] when it has any (the shared tests
start each attribute on its own line; a [DataRow] may continue on the next lines). .ci/stages/30-nanoclr-tests compares it with what the runner ran, so an
assembly that loads under a wrong name, loses classes or stops early cannot pass with fewer tests."""
import os
import re
import sys

project = sys.argv[1]
folder = os.path.dirname(os.path.abspath(project))
text = open(project, encoding="utf-8").read()
total = 0
for include in re.findall(r'<Compile Include="([^"]+)"', text):
    path = os.path.normpath(os.path.join(folder, include.replace("\\", "/")))
    testing, rows, depth = False, 0, 0
    for line in open(path, encoding="utf-8-sig"):
        s = line.strip()
        if depth > 0:  # inside an attribute spanning several lines
            depth += s.count("[") - s.count("]")
            continue
        if s.startswith("[TestMethod]"):
            testing, rows = True, 0
        elif s.startswith("[DataRow("):
            rows += 1
            depth = s.count("[") - s.count("]")
        elif s.startswith("["):
            depth = s.count("[") - s.count("]")
        elif testing and s and not s.startswith("//"):
            total += max(1, rows)
            testing, rows = False, 0
print(total)
