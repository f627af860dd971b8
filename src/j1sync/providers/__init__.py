"""j1sync.providers"""
