"""Building blocks shared by every todo-chatbot service."""
