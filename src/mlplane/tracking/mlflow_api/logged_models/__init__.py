"""Logged models: the model files MLflow 3 clients log (`mlflow.<flavor>.log_model`), each
with its own id, artifact folder, status, params and tags, linked to the runs that made
or used it."""
