"""digitdraw: draw digits, train CNNs and fit lines with PyTorch."""

__version__ = "0.1.0"
