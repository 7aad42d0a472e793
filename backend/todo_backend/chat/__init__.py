"""Chat: natural-language task management on top of the task service and the NLU."""
