"""`make eval`: warledger's reading scored against the shared gold files, GeoVirus and FA-KES.

Modules: common (paths, groups), run (the one extraction run and the scorers; needs warledger),
kinds (failure kinds from scorer lines), oversplit (events that may be one happening),
report (printing, the difference of two reports), base (evaluating another commit),
rules (pattern ablation), cli (the command line).
"""
