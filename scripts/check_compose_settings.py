"""Runs each compose service's binary with `--check-settings` under the
environment compose gives it (and nothing else). A service whose settings
code requires a variable compose does not set fails here, not at deploy."""
import os
import subprocess
import sys

import yaml


def main(compose_path: str, bin_dir: str) -> int:
    with open(compose_path, encoding="utf-8") as f:
        compose = yaml.safe_load(f)
    failures = 0
    checked = 0
    for name, service in compose["services"].items():
        build = service.get("build") or {}
        binary = (build.get("args") or {}).get("SERVICE")
        if not binary:
            continue
        env = {k: str(v) for k, v in (service.get("environment") or {}).items()}
        exe = os.path.join(bin_dir, binary)
        result = subprocess.run([exe, "--check-settings"], env=env, capture_output=True, text=True, check=False)
        checked += 1
        if result.returncode != 0:
            failures += 1
            print(f"  {name}: compose environment is not enough: {result.stderr.strip()}")
        else:
            print(f"  {name}: ok")
    if checked == 0:
        print("no buildable services found in compose")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
