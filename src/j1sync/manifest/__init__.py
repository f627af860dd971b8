"""j1sync.manifest"""
