"""The beleidsvraag assistant: CLI, answers, comparisons and the Streamlit UI."""

import os

# No code may download models at run time: hubs are unreachable and must not be tried.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
