"""The package from this source tree, over the library in STEPWISE_LIB
(default: build/libstepwise.so.0 of the source tree)."""
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("STEPWISE_LIB", str(ROOT / "build/libstepwise.so.0"))
