"""对一个表达式做自动求导，和 digitdraw 的自动求导页一样：前向、反向、梯度。

由 digitdraw 生成；只需要 torch。
在 digitdraw 中的同样操作：
    digitdraw autograd --expr '((w*x + b - y)**2).mean()' --set w=0.5 --set 'x=[1.0,2.0,3.0,4.0]' --set b=0.0 --set 'y=[2.1,3.9,6.2,7.8]' --json
"""

import json

import torch
import torch.nn.functional as F

# 各个值。requires_grad=True：自动求导会记录对它们的每一步运算，以便之后求导
w = torch.tensor(0.5, requires_grad=True)
x = torch.tensor([1.0, 2.0, 3.0, 4.0])
b = torch.tensor(0.0, requires_grad=True)
y = torch.tensor([2.1, 3.9, 6.2, 7.8])

# 前向：计算表达式的同时建立计算图；每个结果都记住它的 grad_fn
result = ((w * x + b - y) ** 2).mean()
print("result =", result, " grad_fn:", result.grad_fn)

# 反向：从结果出发沿链式法则回到每个叶子；梯度累加到 .grad 里
if result.numel() == 1 and result.grad_fn is not None:
    result.backward()
print("w.grad =", w.grad)
print("b.grad =", b.grad)


def as_plain(tensor):
    """把张量变成数或嵌套列表，以便写成 JSON。"""
    if tensor is None:
        return None
    tensor = tensor.detach()
    return tensor.item() if tensor.dim() == 0 else tensor.tolist()


grads = {"w": as_plain(w.grad), "b": as_plain(b.grad)}
print(json.dumps({"expr": "((w*x + b - y)**2).mean()", "value": as_plain(result), "grads": grads}))
