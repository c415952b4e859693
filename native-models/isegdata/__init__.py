"""Training data for iSeg Studio's native models, built from ../shared/data at run time.

Nothing here copies shared data into the repository: volumes are read in place (ISEG_SHARED_DATA
overrides the location) and simulated images go under native-models/runs/ (gitignored).
"""
