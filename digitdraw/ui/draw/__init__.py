"""The Draw tab: the canvas, the probability chart, the inside view and the personal set."""
