"""j1sync.providers.jupiterone"""
