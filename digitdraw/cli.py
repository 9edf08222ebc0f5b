"""``digitdraw``: start the app, or classify and train from the terminal."""

from __future__ import annotations

import argparse
import gc
import gettext
import json
import os
import sys
import time
from pathlib import Path

from .core.messages import UserMessage, translatable

MAX_AUTOGRAD_POINTS = 10_000  # the autograd graph's data stays small enough to show

# Messages and --help in the language of LANGUAGE / LC_ALL / LC_MESSAGES / LANG, argparse's own
# words included: the catalog is locale/<language>/LC_MESSAGES/digitdraw.mo (tools/translations.py).
gettext.bindtextdomain("digitdraw", Path(__file__).resolve().parent / "locale")
gettext.textdomain("digitdraw")
_ = gettext.gettext


def _error_text(error: BaseException) -> str:
    """An error's message in the terminal's language (core's :class:`UserMessage` templates are translated)."""
    if isinstance(error, UserMessage):
        return error.fill(_(error.template))
    return str(error)


def main(argv: list[str] | None = None, *, exit_when_done: bool = False) -> int:
    """Run the command in ``argv``; its exit status. With ``exit_when_done`` (the installed command
    and ``python -m digitdraw``), a command other than the window ends the process as soon as its
    output is flushed: the interpreter's teardown of torch's objects takes a third of a second or
    more and does nothing a finished command needs."""
    # torch's and Qt's imports make objects that live as long as the process; collecting garbage
    # among them is about a tenth of the start-up, so none is collected until they are in.
    gc.disable()
    try:
        args = _parser().parse_args(argv)
    except BaseException:
        gc.enable()
        raise
    if args.run is not _run_gui:  # the window does it once its background imports are in (ui/app.py)
        gc.freeze()
        gc.enable()
    status = args.run(args)
    if exit_when_done and args.run is not _run_gui:
        _exit_now(status)
    return status


def command() -> int:
    """The installed ``digitdraw`` command."""
    return main(exit_when_done=True)


def _exit_now(status: int) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away, or the stream is closed: nothing left to say
        pass
    os._exit(status)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digitdraw", description=_("Draw digits, train CNNs and fit lines with PyTorch."))
    parser.add_argument(
        "--data-dir", help=_("folder holding MNIST/raw (default: $DIGITDRAW_DATA, else a per-user cache)")
    )
    parser.set_defaults(run=_run_gui)
    commands = parser.add_subparsers(title=_("commands"), metavar="COMMAND")

    gui = commands.add_parser("gui", help=_("start the window (the default)"))
    gui.set_defaults(run=_run_gui)

    classify = commands.add_parser("classify", help=_("classify image files of digits"))
    classify.add_argument("images", nargs="+", metavar="IMAGE")
    classify.add_argument("--model", help=_("checkpoint file (default: the shipped model)"))
    classify.add_argument("--device", default="cpu", help=_("cpu, cuda:0, mps ... (default: cpu)"))
    classify.add_argument("--json", action="store_true", help=_("one JSON object a line"))
    classify.set_defaults(run=_run_classify)

    _add_train_parser(commands)
    _add_export_parser(commands)
    _add_compress_parser(commands)
    _add_learn_parser(commands)
    _add_explain_parser(commands)
    _add_autograd_parser(commands)
    _add_fit_parser(commands)
    _add_code_parser(commands)  # after the commands it mirrors
    return parser


def _run_gui(args) -> int:
    from .ui.app import run_app

    return run_app(data_dir=args.data_dir)


def _run_classify(args) -> int:
    from .core.checkpoints import CheckpointError
    from .core.devices import resolve_device
    from .core.doubt import digit_doubt
    from .core.imageio import ImageReadError, read_image
    from .core.inference import Classifier
    from .core.preprocess import image_to_image

    try:
        classifier = Classifier.load(args.model, resolve_device(args.device))
    except (CheckpointError, ValueError) as exc:
        print(f"digitdraw: {_error_text(exc)}", file=sys.stderr)
        return 2
    if classifier.checkpoint.recognised_as:
        print(f"digitdraw: {args.model}: recognised as {classifier.checkpoint.recognised_as}", file=sys.stderr)
    failures = 0
    for path in args.images:
        try:
            pixels = read_image(path)
            image = image_to_image(pixels)
        except (ImageReadError, ValueError) as exc:
            failures += 1
            _report_error(path, exc, args.json)
            continue
        if image is None:
            failures += 1
            _report_error(path, None, args.json)
            continue
        prediction = classifier.predict(image)
        doubt = digit_doubt(pixels)
        if doubt is not None:
            print(f"digitdraw: {path}: {_error_text(doubt)}", file=sys.stderr)
        if args.json:
            print(json.dumps({"path": path, "digit": prediction.digit, "probabilities": prediction.probabilities}))
        else:
            note = _("  (not a digit?)") if doubt is not None else _("  (not sure)") if prediction.unsure else ""
            print(f"{path}: {prediction.digit}  ({prediction.confidence:.1%}){note}")
    return 1 if failures else 0


NOTHING_TO_CLASSIFY = translatable("nothing to classify: the image holds no digit")


def _report_error(path: str, error: BaseException | None, as_json: bool) -> None:
    """One line for a file that could not be classified (``None``: it holds no digit); JSON stays English."""
    if as_json:
        print(json.dumps({"path": path, "error": NOTHING_TO_CLASSIFY if error is None else str(error)}))
    else:
        message = _(NOTHING_TO_CLASSIFY) if error is None else _error_text(error)
        print(_("{path}: error: {message}").format(path=path, message=message), file=sys.stderr)


def _add_train_parser(commands) -> None:
    train = commands.add_parser("train", help=_("train a network on MNIST"))
    _add_train_settings(train)
    train.add_argument("--data-dir", dest="train_data_dir", help=_("folder holding MNIST/raw"))
    train.add_argument("--out", default="digitdraw-model.pt", help=_("checkpoint to write (default: %(default)s)"))
    train.set_defaults(run=_run_train)


def _add_train_settings(parser: argparse.ArgumentParser) -> None:
    """An option for the recipe and for each declared training setting (read back by :func:`_train_config`)."""
    from .core.train_settings import RECIPE, SETTINGS

    for declared in (RECIPE, *SETTINGS):
        _add_setting_option(parser, declared)


def _add_setting_option(parser: argparse.ArgumentParser, declared) -> None:
    """A declared training setting as an option; one not given keeps the recipe's value (or the declared default)."""
    default = argparse.SUPPRESS if declared.cli_default is None else declared.cli_default
    if declared.cli_help:
        text = _(declared.cli_help)
    else:
        text = _("{help} (default: the recipe's)").format(help=_(declared.help))
    if text[1:2].islower():  # a tooltip's sentence, in the lower case of the other options' help
        text = text[0].lower() + text[1:]
    text = text.replace("%", "%%")  # argparse fills %(default)s-style fields in help
    if declared.kind == "bool":
        parser.add_argument(declared.flag, action=argparse.BooleanOptionalAction, default=default, help=text)
    elif declared.kind == "choice":
        parser.add_argument(declared.flag, choices=list(declared.choices()), default=default, help=text)
    else:
        kind = {"int": int, "float": float, "device": str}[declared.kind]
        parser.add_argument(declared.flag, type=kind, default=default, metavar=declared.metavar, help=text)


def _train_config(args):
    """The TrainConfig that the options of :func:`_add_train_settings` describe (``ValueError`` for a device not here)."""
    from .core.devices import resolve_device
    from .core.train_settings import SETTINGS, train_config

    values = {declared.name: getattr(args, declared.name) for declared in SETTINGS if hasattr(args, declared.name)}
    for declared in SETTINGS:
        if declared.kind == "device":
            values[declared.name] = resolve_device(values[declared.name])
    return train_config(args.recipe, **values)


def _run_train(args) -> int:
    from .core.checkpoints import save_checkpoint
    from .core.data import DataMissingError, load_mnist
    from .core.training import TrainingError, train

    started = time.perf_counter()
    try:
        config = _train_config(args)
        config.validate()
        train_data, test_data = load_mnist(args.train_data_dir or args.data_dir)
        progress = _TerminalProgress()
        result = train(config, train_data, test_data, on_batch=progress.batch, on_eval=progress.evaluated)
    except (ValueError, DataMissingError, TrainingError) as exc:
        print(f"digitdraw train: {_error_text(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n" + _("digitdraw train: interrupted, nothing saved"), file=sys.stderr)
        return 130
    progress.finish()
    print(result.message, file=sys.stderr)
    out = save_checkpoint(result.checkpoint(), Path(args.out))
    seconds = time.perf_counter() - started
    summary = {
        "test_accuracy": round(result.test_accuracy, 4) if result.test_accuracy is not None else None,
        "seconds": round(seconds, 2),
        "epochs": round(result.epochs, 3),
        "samples_per_s": round(result.samples_per_s, 1),
        "out": str(out),
    }
    print(json.dumps(summary))
    return 0 if result.status in ("finished", "target_reached") else 1


class _TerminalProgress:
    """A one-line progress bar on stderr, redrawn a few times a second."""

    def __init__(self, width: int = 30):
        self.width = width
        self.last_draw = 0.0

    def batch(self, report) -> None:
        now = time.perf_counter()
        if now - self.last_draw < 0.2 and report.step != report.total_steps:
            return
        self.last_draw = now
        done = report.step / report.total_steps
        bar = "#" * round(done * self.width)
        eta = report.elapsed_s / done - report.elapsed_s if done else 0
        line = _("epoch {epoch} [{bar}] {done} loss {loss} {speed} samples/s ETA {eta}s").format(
            epoch=report.epoch, bar=f"{bar:<{self.width}}", done=f"{done:4.0%}", loss=f"{report.loss:.4f}",
            speed=f"{report.samples_per_s:,.0f}", eta=f"{eta:4.0f}",
        )
        sys.stderr.write("\r" + line)
        sys.stderr.flush()

    def evaluated(self, report) -> None:
        line = _("test after {epochs} epochs: accuracy {accuracy}, loss {loss}").format(
            epochs=f"{report.epoch:.2f}", accuracy=f"{report.test_accuracy:.2%}", loss=f"{report.test_loss:.4f}"
        )
        sys.stderr.write(f"\n  {line}\n")

    def finish(self) -> None:
        sys.stderr.write("\n")


def _add_export_parser(commands) -> None:
    export = commands.add_parser("export", help=_("write a model as ONNX or TorchScript, checked against PyTorch"))
    export.add_argument("--model", help=_("checkpoint file (default: the shipped model)"))
    export.add_argument("--format", required=True, choices=["onnx", "torchscript"])
    export.add_argument("--out", required=True, help=_("file to write"))
    export.add_argument("--check-digits", type=int, default=1000, help=_("MNIST test digits to check it on (default: %(default)s)"))
    export.set_defaults(run=_run_export)


def _run_export(args) -> int:
    from .core.checkpoints import CheckpointError
    from .core.data import DataMissingError, load_mnist
    from .core.export import ExportError, export
    from .core.inference import Classifier

    try:
        checkpoint = Classifier.load(args.model).checkpoint
        _, test = load_mnist(args.data_dir)
        report = export(checkpoint, args.format, args.out, test.images[: max(1, args.check_digits)])
    except (CheckpointError, DataMissingError, ExportError, OSError) as exc:
        print(f"digitdraw export: {_error_text(exc)}", file=sys.stderr)
        return 2
    print(json.dumps({"format": report.format, "out": str(report.path), "size_bytes": report.size_bytes,
                      "checked_digits": report.checked_digits, "same_digits": report.same_digits,
                      "max_probability_difference": report.max_difference}))
    return 0


def _add_compress_parser(commands) -> None:
    compress = commands.add_parser("compress", help=_("prune or quantize a model and measure what it costs"))
    compress.add_argument("--model", help=_("checkpoint file (default: the shipped model)"))
    compress.add_argument("--method", required=True, choices=["prune", "int8", "dynamic-int8"])
    compress.add_argument("--amount", type=float, help=_("share of weights to prune, 0 to 0.95 (default: 0.5)"))
    compress.add_argument("--structure", choices=["unstructured", "channels"], default="unstructured",
                          help=_("prune single weights by magnitude, or whole channels (default: %(default)s)"))
    compress.add_argument("--out", help=_("checkpoint to write (default: MODEL-METHOD.pt in this folder)"))
    compress.set_defaults(run=_run_compress)


def _run_compress(args) -> int:
    from .core import compression
    from .core.checkpoints import CheckpointError, save_checkpoint
    from .core.data import DataMissingError, load_mnist
    from .core.inference import Classifier

    if args.method != "prune" and args.amount is not None:
        print(_("digitdraw compress: --amount is for --method prune only"), file=sys.stderr)
        return 2
    try:
        classifier = Classifier.load(args.model)
        base = classifier.checkpoint
        train_data, test_data = load_mnist(args.data_dir)
        calibration = compression.calibration_digits(train_data) if args.method == "int8" else None
        compressed = compression.compress(base, args.method, 0.5 if args.amount is None else args.amount, args.structure, calibration)
        source = Path(classifier.source).stem
        out = save_checkpoint(compressed, Path(args.out or f"{source}-{args.method}.pt"))
        print(_("measuring the original and the {method} model on {count} test digits…").format(
            method=args.method, count=f"{len(test_data):,}"), file=sys.stderr)
        before, after = compression.measure(base, test_data), compression.measure(compressed, test_data)
    except (CheckpointError, DataMissingError, compression.CompressionError, OSError) as exc:
        print(f"digitdraw compress: {_error_text(exc)}", file=sys.stderr)
        return 2
    print(json.dumps({
        "method": args.method,
        "size_bytes": out.stat().st_size,
        "base_size_bytes": compression.file_size(base),
        "mnist_accuracy": round(after.accuracy, 4),
        "base_mnist_accuracy": round(before.accuracy, 4),
        "latency_ms": round(after.latency_ms, 3),
        "base_latency_ms": round(before.latency_ms, 3),
        "out": str(out),
    }))
    return 0


def _add_learn_parser(commands) -> None:
    learn = commands.add_parser(
        "learn", help=_("fine-tune a model to your handwriting (an ImageFolder of digit pictures)")
    )
    learn.add_argument("--samples", help=_("folder with sub-folders 0 to 9 of digit pictures (default: your personal set)"))
    learn.add_argument("--model", help=_("checkpoint to start from (default: your personal model, else the shipped one)"))
    learn.add_argument("--out", help=_("checkpoint to write (default: your personal model, loaded by the app at start)"))
    learn.add_argument("--data-dir", dest="learn_data_dir", help=_("folder holding MNIST/raw"))
    learn.add_argument("--steps", type=int, help=_("training steps of 128 pictures each (default: 300)"))
    learn.set_defaults(run=_run_learn)


def _run_learn(args) -> int:
    from .core.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
    from .core.data import DataMissingError, load_mnist
    from .core.inference import default_model_path
    from .core.personal import FineTuneSettings, PersonalSet, SamplesError, fine_tune, load_samples, personal_model_path
    from .core.training import TrainingError

    started = time.perf_counter()
    personal_model = personal_model_path()
    model_path = Path(args.model) if args.model else personal_model if personal_model.is_file() else default_model_path()
    out = Path(args.out) if args.out else personal_model
    settings = FineTuneSettings() if args.steps is None else FineTuneSettings(steps=args.steps)
    try:
        settings.validate()
        samples = load_samples(args.samples) if args.samples else load_samples(PersonalSet().root)
        for message in samples.skipped:
            print(f"digitdraw learn: {message}", file=sys.stderr)
        checkpoint = load_checkpoint(model_path)
        print(_("Learning from {count} drawings, starting from {model} …").format(count=len(samples), model=model_path),
              file=sys.stderr)
        train_data, test_data = load_mnist(args.learn_data_dir or args.data_dir)
        progress = _TerminalProgress()
        result = fine_tune(checkpoint, samples.images, train_data, test_data, settings, on_batch=progress.batch)
        progress.finish()
    except (SamplesError, CheckpointError, ValueError, DataMissingError, TrainingError) as exc:
        print(f"digitdraw learn: {_error_text(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n" + _("digitdraw learn: interrupted, nothing saved"), file=sys.stderr)
        return 130
    saved = save_checkpoint(result.checkpoint, out)
    summary = {
        "samples": result.samples,
        "samples_accuracy_before": round(result.samples_accuracy_before, 4),
        "samples_accuracy_after": round(result.samples_accuracy_after, 4),
        "mnist_accuracy_before": round(result.mnist_accuracy_before, 4),
        "mnist_accuracy_after": round(result.mnist_accuracy_after, 4),
        "seconds": round(time.perf_counter() - started, 2),
        "out": str(saved),
    }
    print(json.dumps(summary))
    return 0


def _add_explain_parser(commands) -> None:
    from .core.attribution import DEFAULT_METHOD, METHODS

    explain = commands.add_parser(
        "explain",
        help=_("show which pixels made the network read each image as it did"),
        description=_("For each picture: the digit it reads and which pixels pushed the network towards the target "
                      "digit (positive) or away from it (negative), on the 28x28 ink image the network received."),
    )
    explain.add_argument("images", nargs="+", metavar="IMAGE")
    explain.add_argument("--model", help=_("checkpoint file (default: the shipped model)"))
    explain.add_argument("--method", default=DEFAULT_METHOD,
                         help=_("attribution method (default: {method}; see below)").format(method=DEFAULT_METHOD))
    explain.add_argument("--target", help=_("digit to explain, 0 to 9 (default: the digit the network reads)"))
    explain.add_argument("--out-dir", help=_("write a PNG per picture: the input beside its attribution heatmap"))
    explain.add_argument("--json", action="store_true",
                         help=_("one JSON object a line, with the input and attribution as 28x28 arrays"))
    explain.set_defaults(run=_run_explain)
    explain.epilog = _("methods: {methods}").format(
        methods="; ".join(f"{name}: {m.describe(_)}" for name, m in METHODS.items())
    )


def _run_explain(args) -> int:
    from .core.attribution import METHODS, AttributionError, attribute
    from .core.checkpoints import CheckpointError
    from .core.heatmap import save_explanation
    from .core.imageio import ImageReadError, read_image
    from .core.inference import Classifier
    from .core.preprocess import image_to_image

    if args.method not in METHODS:
        message = _("digitdraw explain: unknown method {method!r}; choose one of: {known}")
        print(message.format(method=args.method, known=", ".join(METHODS)), file=sys.stderr)
        return 2
    if args.target is not None and args.target not in [str(digit) for digit in range(10)]:
        print(_("digitdraw explain: --target must be a digit from 0 to 9, not {target!r}").format(target=args.target),
              file=sys.stderr)
        return 2
    try:
        classifier = Classifier.load(args.model)
    except (CheckpointError, ValueError) as exc:
        print(f"digitdraw explain: {_error_text(exc)}", file=sys.stderr)
        return 2
    out_dir = Path(args.out_dir) if args.out_dir else None
    failures = 0
    for path in args.images:
        try:
            image = image_to_image(read_image(path))
            if image is None:
                raise ValueError("nothing to explain: the image holds no digit")
            prediction = classifier.predict(image)
            target = prediction.digit if args.target is None else int(args.target)
            heat = attribute(classifier.model, image[None], target, args.method, classifier.checkpoint.mean, classifier.checkpoint.std)[0]
            written = save_explanation(image, heat, out_dir / f"{Path(path).stem}-explained.png", target) if out_dir else None
        except AttributionError as exc:  # the model, not the file: no other picture will do better
            print(f"digitdraw explain: {_error_text(exc)}", file=sys.stderr)
            return 2
        except (ImageReadError, ValueError, OSError) as exc:
            failures += 1
            _report_error(path, exc, args.json)
            continue
        if args.json:
            print(json.dumps({
                "path": path,
                "digit": prediction.digit,
                "target": target,
                "method": args.method,
                "input": image.tolist(),
                "attribution": heat.tolist(),
            }))
        else:
            saved = f"  -> {written}" if written else ""
            line = _("{path}: reads {digit} ({confidence}), {method} for {target}").format(
                path=path, digit=prediction.digit, confidence=f"{prediction.confidence:.1%}", method=args.method,
                target=target)
            print(line + saved)
    return 1 if failures else 0


def _add_autograd_parser(commands) -> None:
    autograd = commands.add_parser(
        "autograd", help=_("evaluate an expression with autograd: its value, gradients and graph"))
    source = autograd.add_mutually_exclusive_group(required=True)
    source.add_argument("--expr", help=_("expression, e.g. \"(w*x + b - y)**2\" (lines: a = ...; the last is the result)"))
    source.add_argument("--regression", choices=["line", "polynomial", "network"],
                        help=_("the Regression tab's loss for this model, with its starting parameters"))
    autograd.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                          help=_("a variable's value: a number or a JSON list such as [1,2,3] (repeatable)"))
    autograd.add_argument("--points", metavar="FILE.csv", help=_("x,y rows for --regression"))
    autograd.add_argument("--json", action="store_true", help=_("print one JSON object"))
    autograd.set_defaults(run=_run_autograd)


def _run_autograd(args) -> int:
    from .core.expressions import ExpressionError
    from .core.regression import RegressionInputError

    try:
        session = _autograd_session(args)
        graph = session.forward()
        if graph.evaluation.result.numel() == 1 and graph.evaluation.result.grad_fn is not None:
            graph = session.backward()
    except ValueError as exc:
        print(f"digitdraw autograd: {exc}", file=sys.stderr)
        return 2
    except (ExpressionError, RegressionInputError) as exc:
        print(f"digitdraw autograd: {_error_text(exc)}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(graph.to_json(), allow_nan=True))
        return 0
    from .core.expressions import format_value

    print(_("value: {value}").format(value=format_value(graph.evaluation.result, digits=6, items=8)))
    for name, tensor in graph.evaluation.variables.items():
        if tensor.requires_grad:
            print(_("grad {name}: {value}").format(name=name, value=format_value(tensor.grad, digits=6, items=8)))
    print(_("graph (result first, inputs indented below):"))
    print(graph.to_text())
    return 0

def _add_fit_parser(commands) -> None:
    from .core.regression import ACTIVATIONS, MODEL_KINDS, OPTIMIZERS

    fit = commands.add_parser(
        "fit", help=_("fit a line, a polynomial or a small network to points by gradient descent (the Regression tab)"),
        description=_("Gradient descent on the mean squared error, as the Regression tab runs it. "
                      "The last line is JSON: model, steps, loss and the fitted parameters."),
    )
    fit.add_argument("--points", required=True, metavar="FILE.csv", help=_("two numbers a line, x and y"))
    fit.add_argument("--model", choices=MODEL_KINDS, default="line", help=_("what to fit (default: %(default)s)"))
    fit.add_argument("--degree", type=int, default=3, help=_("the polynomial's degree, 1 to 12 (default: %(default)s)"))
    fit.add_argument("--activation", choices=sorted(ACTIVATIONS), default="tanh",
                     help=_("the network's hidden activation (default: %(default)s)"))
    fit.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="sgd", help=_("(default: %(default)s)"))
    fit.add_argument("--lr", type=float, default=0.1, help=_("learning rate (default: %(default)s)"))
    fit.add_argument("--steps", type=int, default=1000,
                     help=_("optimizer steps at most; it stops sooner once converged (default: %(default)s)"))
    fit.add_argument("--seed", type=int, default=0, help=_("random seed of the starting weights (default: %(default)s)"))
    fit.add_argument("--json", action="store_true", help=_("print only the JSON line"))
    fit.set_defaults(run=_run_fit)


def _run_fit(args) -> int:
    from .core.regression import RegressionFit, RegressionInputError, fitted_parameters, read_points_csv

    if args.steps < 1 or not args.lr > 0:
        print(_("digitdraw fit: --steps and --lr must be positive"), file=sys.stderr)
        return 2
    fit = None
    try:
        x, y = read_points_csv(args.points)
        fit = RegressionFit(args.model, degree=args.degree, activation=args.activation, optimizer=args.optimizer,
                            lr=args.lr, seed=args.seed)
        fit.set_points(x, y)
        while fit.steps < args.steps and not fit.converged:
            loss = fit.step(min(100, args.steps - fit.steps))
            if not args.json:
                print(_("step {step}: loss {loss}").format(step=fit.steps, loss=f"{loss:.6g}"))
    except RegressionInputError as exc:
        print(f"digitdraw fit: {_error_text(exc)}", file=sys.stderr)
        return 1 if fit is not None and fit.diverged else 2
    print(json.dumps({"model": args.model, "steps": fit.steps, "loss": loss, "parameters": fitted_parameters(fit)}))
    return 0


CODE_COMMANDS = ("train", "fit", "classify", "compress", "autograd")


def _add_code_parser(commands) -> None:
    code = commands.add_parser(
        "code", help=_("print the PyTorch script that does what a command does"),
        description=_("Print a PyTorch script (torch, torchvision, numpy and PIL only) that does what the command does "
                      "with the same options; its last line prints the same JSON."),
    )
    mirrors = code.add_subparsers(title=_("commands"), metavar="COMMAND", required=True)
    for name in CODE_COMMANDS:
        source = commands.choices[name]
        mirror = mirrors.add_parser(name, help=_("the script for digitdraw {command}").format(command=name),
                                    description=source.description)
        _mirror_options(source, mirror)
        mirror.add_argument("--language", choices=["en", "zh_CN"],
                            help=_("language of the script's comments (default: the terminal's)"))
        mirror.set_defaults(run=_run_code, code_command=name)


def _mirror_options(source: argparse.ArgumentParser, mirror: argparse.ArgumentParser) -> None:
    """Give ``mirror`` the options of ``source`` (copies, so neither changes the other); the pictures a
    command reads become optional, since the script takes its own."""
    import copy

    for action in source._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        action = copy.copy(action)
        if not action.option_strings and action.nargs == "+":
            action.nargs, action.default, action.required = "*", [], False
        mirror._add_action(action)
    mirror.set_defaults(**{key: value for key, value in source._defaults.items() if key != "run"})


def _run_code(args) -> int:
    from .core.checkpoints import CheckpointError
    from .core.codegen import CodeError, language_of
    from .core.regression import RegressionInputError

    language = args.language or language_of(next(
        (os.environ[name] for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(name)), ""))
    try:
        script = {"train": _train_code, "fit": _fit_code, "classify": _classify_code, "compress": _compress_code,
                  "autograd": _autograd_code}[args.code_command](args, language)
    except (CodeError, CheckpointError, RegressionInputError, ValueError) as exc:
        print(f"digitdraw code {args.code_command}: {_error_text(exc)}", file=sys.stderr)
        return 2
    sys.stdout.write(script)
    return 0


def _train_code(args, language: str) -> str:
    from .core.codegen import train_script
    from .core.data import resolve_data_dir

    config = _train_config(args)
    data_dir = resolve_data_dir(args.train_data_dir or args.data_dir)
    return train_script(config, str(data_dir), args.out, language)


def _fit_code(args, language: str) -> str:
    from .core.codegen import FitSettings, fit_script
    from .core.regression import read_points_csv

    x, y = read_points_csv(args.points)
    settings = FitSettings(tuple(x), tuple(y), args.model, args.degree, activation=args.activation,
                           optimizer=args.optimizer, lr=args.lr, steps=args.steps, seed=args.seed)
    return fit_script(settings, language)


def _autograd_session(args):
    """The session ``digitdraw autograd`` evaluates: the Regression tab's loss for ``--points``, or
    ``--expr`` with its ``--set`` values. Refused options raise ``ValueError`` with the reason."""
    from .core.autograd_graph import AutogradSession, regression_preset, session_for
    from .core.expressions import parse_value
    from .core.regression import RegressionFit, read_points_csv

    if args.regression:
        if not args.points:
            raise ValueError(_("--regression needs --points FILE.csv"))
        if args.set:
            raise ValueError(_("--set is for --expr only"))
        x, y = read_points_csv(args.points)
        if len(x) > MAX_AUTOGRAD_POINTS:
            raise ValueError(_("{path} has more than 10,000 points.").format(path=args.points))
        fit = RegressionFit(args.regression, seed=0)
        fit.set_points(x, y)
        return session_for(regression_preset(fit))
    if args.points:
        raise ValueError(_("--points is for --regression only"))
    session = AutogradSession()
    for assignment in args.set:
        name, sep, value = assignment.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ValueError(_("--set takes NAME=VALUE, not {text}").format(text=assignment[:40]))
        session.set_value(name.strip(), parse_value(value))
    missing = session.set_expression(args.expr)
    if missing:
        raise ValueError(_("no value for {names}: add --set NAME=VALUE").format(names=", ".join(missing)))
    return session


def _autograd_code(args, language: str) -> str:
    """The session ``digitdraw autograd`` would evaluate, as a script."""
    from .core.codegen import autograd_session_script

    return autograd_session_script(_autograd_session(args), language)


def _classify_code(args, language: str) -> str:
    from .core.checkpoints import load_checkpoint
    from .core.codegen import check_model, classify_script
    from .core.inference import default_model_path

    path = args.model or str(default_model_path())
    checkpoint = load_checkpoint(path)
    check_model(checkpoint)
    return classify_script(checkpoint.arch, path, args.device, language)


def _compress_code(args, language: str) -> str:
    from .core.checkpoints import load_checkpoint
    from .core.codegen import check_model, compress_script
    from .core.data import resolve_data_dir
    from .core.inference import default_model_path

    path = args.model or str(default_model_path())
    checkpoint = load_checkpoint(path)
    check_model(checkpoint)
    return compress_script(checkpoint.arch, path, args.method, 0.5 if args.amount is None else args.amount,
                           args.structure, args.out, str(resolve_data_dir(args.data_dir)), language)
