"""The sorting taxonomy: codebook, residents input, coding and summaries."""
