"""Closing the loop: a public status and answer for every resident contribution, receipt codes,
"what came of it" per neighbourhood, process scope statements and project evaluation."""
