"""Wire protocols the gateway speaks: Open Inference Protocol (V2), KServe V1, invocations."""
