"""j1sync.engine"""
