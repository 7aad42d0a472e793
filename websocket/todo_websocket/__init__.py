"""todo-chatbot websocket service (package named to avoid shadowing `websocket`)."""
