"""Offline NLU tools: the ONNX export, the evaluation, the development-set report."""
