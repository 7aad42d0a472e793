"""todo-chatbot notification service."""
