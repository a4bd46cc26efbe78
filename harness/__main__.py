"""python3 -m harness COMMAND ... (see harness/runner.py)."""
import sys

from harness.runner import main

sys.exit(main())
