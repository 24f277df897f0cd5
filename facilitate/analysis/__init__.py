"""Analysis across sessions for the preparation group: themes of open input, opinion groups of
statements steps, and charts (SVG on the pages, PNG in the DOCX report)."""

import os

# scikit-learn's joblib counts physical cores by running ``lscpu`` in a subprocess the first
# time k-means runs; in a worker thread of the gevent server that forks from a native thread
# and fails on gevent's child watcher. The computations are single-threaded anyway
# (facilitate.analysis.offload), so tell it the count.
os.environ.setdefault("LOKY_MAX_CPU_COUNT", "1")
