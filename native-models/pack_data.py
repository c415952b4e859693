"""Write the training-data pack (isegdata/pack.py) for a machine without ../shared/data.

  /usr/bin/python3 native-models/pack_data.py --out native-models/runs/training-pack.npz [--no-sim]

Then on that machine: train_click.py / train_prop.py --data-pack <that file>.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from isegdata.pack import save_pack  # noqa: E402
from isegdata.sources import all_training_sources, load_sources  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-sim", action="store_true", help="leave the simulated knee images out")
    a = ap.parse_args(argv)
    vols = load_sources(all_training_sources(include_sim=not a.no_sim))
    path = save_pack(vols, a.out)
    print(f"packed {[v.name for v in vols]} into {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
