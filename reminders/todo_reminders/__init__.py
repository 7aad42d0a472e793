"""todo-chatbot reminders service."""
