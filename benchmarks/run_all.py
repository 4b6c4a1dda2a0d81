"""Run every benchmark at a small size, one after another (``make bench``)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ["nrm.py", "--cases", "500"],
    ["audit_chain.py", "--events", "20000"],
    ["linkage.py", "--sizes", "10000"],
    ["linkage_incremental.py", "--cases", "300"],
    ["import_memory.py", "--megabytes", "16"],
    ["stats.py", "--referrals", "100000"],
    ["synth.py", "--sizes", "10000,100000"],
]

if __name__ == "__main__":
    failed = 0
    for script, *args in RUNS:
        print(f"\n=== {script} {' '.join(args)} ===", flush=True)
        failed |= subprocess.run([sys.executable, str(HERE / script), *args], check=False).returncode
    sys.exit(failed)
