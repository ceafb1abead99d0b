# Runs one command and reports, on fd 3 as JSON, its wall time and peak RSS. Started by
# bench/lib/measure.mjs; the clock starts right before the child is spawned and stops right after
# it is reaped, so this interpreter's own start-up is not counted. ru_maxrss of RUSAGE_CHILDREN is
# the largest resident set of any waited-for child (KiB on Linux).
import json
import os
import resource
import subprocess
import sys
import time

start = time.perf_counter_ns()
code = subprocess.call(sys.argv[1:], stdin=subprocess.DEVNULL)
elapsed = time.perf_counter_ns() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
os.write(3, json.dumps({"ns": elapsed, "maxRssKiB": rss, "code": code}).encode())
