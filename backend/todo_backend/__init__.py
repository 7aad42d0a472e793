"""todo-chatbot backend service."""
