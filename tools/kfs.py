"""Old import path of the KFS image library, which now lives in harness/kfs.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness.kfs import *  # noqa: E402,F401,F403
