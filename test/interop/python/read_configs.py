"""botocore's reading of many config files at once, for the ini property test.

stdin: a JSON list of texts. Each is written to a file as UTF-8, its line endings untouched, and
read with botocore.configloader.load_config (configparser.RawConfigParser, the nested values,
then build_profile_map), exactly as every botocore and AWS CLI command reads ~/.aws/config.
stdout: a JSON list, one entry per text: {"ok": what load_config returned} or {"error": "..."}.
"""
import json
import os
import sys
import tempfile

import botocore.configloader
import botocore.exceptions


def main():
    texts = json.load(sys.stdin)
    out = []
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as folder:
        path = os.path.join(folder, "config")
        for text in texts:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            try:
                out.append({"ok": botocore.configloader.load_config(path)})
            except botocore.exceptions.ConfigParseError as e:
                out.append({"error": str(e)})
    json.dump(out, sys.stdout)


main()
