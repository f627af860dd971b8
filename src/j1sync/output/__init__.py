"""j1sync.output"""
