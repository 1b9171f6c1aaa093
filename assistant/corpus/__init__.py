"""The corpus: past reports stored as readable text files, and their index."""
