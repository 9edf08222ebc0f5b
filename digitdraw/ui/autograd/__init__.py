"""The Autograd tab: the graph autograd records, forward and backward, step by step."""
