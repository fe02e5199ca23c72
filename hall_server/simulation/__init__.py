"""`yichuang simulate`: hall days simulated with SimPy on the real services."""
