"""Same-run floors: minimal programs doing only the unavoidable work of one path.

Each runs beside the real system in the same `make bench` run, so a figure is quoted as a
ratio to the best this machine could do for that path at that moment.
"""
