"""The entry point of an analysis worker process (``python -m facilitate.analysis_worker``,
started by :mod:`facilitate.analysis.worker`): the app layer, which knows the app factory the
worker builds its app with."""

from facilitate import create_app
from facilitate.analysis import explain  # noqa: F401 - the tasks and scikit-learn, before a job
from facilitate.analysis.worker import main

if __name__ == "__main__":
    main(create_app)
