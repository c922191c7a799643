"""The training lab: the PyTorch network, training, export to the engine's artifact, evaluation.

Built on :mod:`engine` (tokenizer, vocabularies, artifact format, decoding, frame), so that what is
trained and evaluated here is exactly what the service runs; never imported by the service.
"""
