"""The Regression tab: points, gradient descent on MSE, the loss surface."""
