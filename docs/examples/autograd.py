"""Autograd on an expression, as digitdraw's Autograd tab does: forward, backward, the gradients.

Written by digitdraw; it needs only torch.
The same in digitdraw:
    digitdraw autograd --expr '((w*x + b - y)**2).mean()' --set w=0.5 --set 'x=[1.0,2.0,3.0,4.0]' --set b=0.0 --set 'y=[2.1,3.9,6.2,7.8]' --json
"""

import json

import torch
import torch.nn.functional as F

# The values. requires_grad=True: autograd records every operation on them, to differentiate later
w = torch.tensor(0.5, requires_grad=True)
x = torch.tensor([1.0, 2.0, 3.0, 4.0])
b = torch.tensor(0.0, requires_grad=True)
y = torch.tensor([2.1, 3.9, 6.2, 7.8])

# Forward: computing the expression builds the graph; each result remembers its grad_fn
result = ((w * x + b - y) ** 2).mean()
print("result =", result, " grad_fn:", result.grad_fn)

# Backward: the chain rule from the result back to every leaf; the gradients add up in .grad
if result.numel() == 1 and result.grad_fn is not None:
    result.backward()
print("w.grad =", w.grad)
print("b.grad =", b.grad)


def as_plain(tensor):
    """A tensor as a number or nested lists, for JSON."""
    if tensor is None:
        return None
    tensor = tensor.detach()
    return tensor.item() if tensor.dim() == 0 else tensor.tolist()


grads = {"w": as_plain(w.grad), "b": as_plain(b.grad)}
print(json.dumps({"expr": "((w*x + b - y)**2).mean()", "value": as_plain(result), "grads": grads}))
