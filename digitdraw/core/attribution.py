"""Why the network answered what it did: which input pixels pushed it towards a digit and which away.

Attributions come from Captum (PyTorch's attribution library) and are computed on the 28x28 ink
image (0..1) the network receives, before normalisation, so they line up pixel for pixel with it.
Positive values push towards the target digit's (log-)probability, negative ones away from it.
Captum is imported on first use, so the app starts as fast without it (the window imports it in the
background between strokes; :func:`library_pending` says whether it is still to come).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from .anatomy import model_device
from .devices import threads_for_batch, torch_threads
from .messages import UserMessage, first_line, translatable
from .models import FX_TRACING
from .normalisation import normalise
from .threads import waits_for_background_import

ATTRIBUTION_LIBRARY = "captum.attr"
OCCLUSION_WINDOW = 4  # pixels on a side of the blank patch slid over the image
INTEGRATED_STEPS = 64  # steps from the blank page to the image: with 32 the sum missed the change by 10 % on the shipped model
OCCLUSION_STRIDE = 2  # pixels it moves each step: 4x fewer runs than 1, and as faithful (benchmarks/faithfulness.py)


class AttributionError(UserMessage):
    """An attribution that cannot be made: unknown method, target out of range, a model without gradients."""


@dataclass(frozen=True)
class Method:
    """An attribution method, its one-line description and whether it needs the model's gradients."""

    name: str
    description: str  # a translatable template: describe() fills in its {steps} and {window}
    needs_gradients: bool

    def describe(self, translate=lambda template: template) -> str:
        """The description, ``translate`` mapping the English template to another language's."""
        return translate(self.description).format(steps=INTEGRATED_STEPS, window=OCCLUSION_WINDOW)


METHODS: dict[str, Method] = {
    method.name: method
    for method in (
        # The names are translatable too: the window shows them in its language, the CLI takes them as they are.
        Method(translatable("saliency"),
               translatable("plain gradient of the digit's log-probability with respect to each pixel"), True),
        Method(translatable("input-x-gradient"), translatable("gradient times the ink: how much each inked pixel adds"),
               True),
        Method(translatable("integrated-gradients"),
               translatable("gradients summed along {steps} steps from a blank page to the drawing"), True),
        Method(translatable("occlusion"),
               translatable("how much the answer drops when a {window}x{window} patch is blanked out"), False),
    )
}
DEFAULT_METHOD = "occlusion"  # the most faithful by deletion (benchmarks/faithfulness.py), and it needs no gradients


def library_pending() -> bool:
    """Whether Captum is still to come from the window's background imports: an attribution now
    would import it in a second thread beside them, freezing the window twice as long."""
    return waits_for_background_import(ATTRIBUTION_LIBRARY)


def build_font_cache_apart() -> None:
    """Have another Python process build matplotlib's font cache, if this user has none yet.

    Captum imports matplotlib. On a user's first start matplotlib's font manager reads every system
    font into a cache file: 0.4 s of work in the importing thread, much of it in C holding the GIL,
    which the window feels as a freeze under the pen. Built in a child process at the lowest
    priority it costs the window nothing, and the import then just reads the file. Run it once
    matplotlib itself is in, just before its font manager loads (``import_in_background``'s ``before``).
    """
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is None or not hasattr(matplotlib, "get_cachedir"):
        return
    if any(Path(matplotlib.get_cachedir()).glob("fontlist-v*.json")):
        return
    # At the lowest priority: on two cores it would otherwise take a core from the window's thread.
    build = "import os\nif hasattr(os, 'nice'): os.nice(19)\nimport matplotlib.font_manager"
    subprocess.run([sys.executable, "-c", build], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=False)


BEFORE_IMPORTS = {"matplotlib.font_manager": build_font_cache_apart}  # what Captum's import is better prepared by


def waits_for_captum(method: str) -> bool:
    """Whether ``method`` should wait for Captum to load: every method but occlusion (the default,
    which has a path of its own until then) while Captum is still to come."""
    return method != "occlusion" and library_pending()


def attribute(
    model: nn.Module,
    images: torch.Tensor,
    targets: torch.Tensor | list[int] | int,
    method: str = DEFAULT_METHOD,
    mean: float = 0.0,
    std: float = 1.0,
) -> torch.Tensor:
    """Attributions (N, 28, 28) for ink images (N, 28, 28) in [0, 1] and target digits, on the CPU.

    ``model`` takes normalised (N, 1, 28, 28) input, ``(ink - mean) / std``, and returns one score
    per digit (log-probabilities for digitdraw's models).
    """
    if method not in METHODS:
        raise AttributionError(translatable("unknown method {method!r} (known: {known})"), method=method,
                               known=", ".join(METHODS))
    targets = _targets(targets, len(images))
    ink_model = _InkModel(model, mean, std).eval()
    device = model_device(model)
    try:
        with torch.inference_mode(False), torch.enable_grad(), torch_threads(threads_for_batch(device, len(images))):
            ink = images.detach().to(device, torch.float32)[:, None].clone().requires_grad_(METHODS[method].needs_gradients)
            result = _run(method, ink_model, ink, targets.to(device))
    except (RuntimeError, NotImplementedError, AssertionError) as exc:
        if METHODS[method].needs_gradients:
            gradient_free = ", ".join(name for name, m in METHODS.items() if not m.needs_gradients)
            raise AttributionError(
                translatable(
                    "{method} needs gradients and this model cannot give them (an int8 quantized model?): "
                    "{reason}. Try {gradient_free}, which needs only the network's answers."
                ),
                method=method, reason=first_line(exc), gradient_free=gradient_free,
            ) from None
        raise AttributionError(translatable("{method} failed on this model: {reason}"), method=method,
                               reason=first_line(exc)) from None
    return result.detach()[:, 0].float().cpu()


def _run(method: str, model: nn.Module, ink: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    if method == "occlusion" and library_pending():
        with FX_TRACING:
            return _occlusion_while_captum_loads(model, ink, targets)
    try:
        from captum.attr import InputXGradient, IntegratedGradients, Occlusion, Saliency
    except ImportError:
        raise AttributionError(translatable("attributions need Captum, which is not installed: pip install captum")) from None

    with FX_TRACING:  # never while torch.fx traces a model in another thread
        if method == "saliency":
            return Saliency(model).attribute(ink, target=targets, abs=False)
        if method == "input-x-gradient":
            return InputXGradient(model).attribute(ink, target=targets)
        if method == "integrated-gradients":
            return IntegratedGradients(model).attribute(ink, baselines=0.0, target=targets, n_steps=INTEGRATED_STEPS)
        window = (1, OCCLUSION_WINDOW, OCCLUSION_WINDOW)
        strides = (1, OCCLUSION_STRIDE, OCCLUSION_STRIDE)
        return Occlusion(model).attribute(
            ink, sliding_window_shapes=window, strides=strides, baselines=0.0, target=targets, perturbations_per_eval=256
        )


@torch.no_grad()
def _occlusion_while_captum_loads(model: nn.Module, ink: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The default method exactly as Captum's ``Occlusion`` computes it here, for the few seconds
    after the window shows while Captum is still loading: importing it beside the window's own
    imports would hold the GIL long enough to freeze the pen. Each patch blanked in turn; a pixel
    gets the mean drop of the target's score over the patches that cover it."""
    count, _, height, width = ink.shape
    starts = [(top, left) for top in range(0, height - OCCLUSION_WINDOW + 1, OCCLUSION_STRIDE)
              for left in range(0, width - OCCLUSION_WINDOW + 1, OCCLUSION_STRIDE)]
    masks = torch.zeros(len(starts), 1, height, width, dtype=ink.dtype, device=ink.device)
    for index, (top, left) in enumerate(starts):
        masks[index, :, top:top + OCCLUSION_WINDOW, left:left + OCCLUSION_WINDOW] = 1
    covered = masks.sum(0)
    result = torch.empty_like(ink)
    for index in range(count):
        scores = model(torch.cat([ink[index:index + 1], ink[index] * (1 - masks)]))[:, targets[index]]
        drops = scores[0] - scores[1:]
        result[index] = (drops[:, None, None, None] * masks).sum(0) / covered
    return result


class _InkModel(nn.Module):
    """The network seen from the ink image: normalise, then run it."""

    def __init__(self, model: nn.Module, mean: float, std: float):
        super().__init__()
        self.model, self.mean, self.std = model, mean, std

    def forward(self, ink: torch.Tensor) -> torch.Tensor:
        return self.model(normalise(ink, self.mean, self.std))


def _targets(targets, count: int) -> torch.Tensor:
    targets = torch.as_tensor(targets, dtype=torch.long).reshape(-1)
    if len(targets) == 1 and count != 1:
        targets = targets.expand(count)
    if len(targets) != count:
        raise AttributionError(translatable("{targets} targets for {count} images"), targets=len(targets), count=count)
    if ((targets < 0) | (targets > 9)).any():
        raise AttributionError(translatable("target digit must be 0 to 9, not {targets}"), targets=targets.tolist())
    return targets
