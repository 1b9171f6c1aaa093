"""placeholder (replaced below)"""
def inconsistencies(text):
    return []
