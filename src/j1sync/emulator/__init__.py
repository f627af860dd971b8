"""j1sync.emulator"""
