"""One module per API action; each validates its own input and returns plain values."""
