"""Write docs/examples/: the PyTorch scripts digitdraw shows, for each tab's default settings.

    python tools/examples.py          # regenerate them
    python tools/examples.py --check  # exit 1 if any is out of date (tests/test_codegen.py checks too)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitdraw.core import codegen  # noqa: E402
from digitdraw.core.autograd_graph import PRESETS, session_for  # noqa: E402
from digitdraw.core.regression import random_points  # noqa: E402
from digitdraw.core.training import DEFAULT_RECIPE  # noqa: E402

FOLDER = ROOT / "docs" / "examples"
MODEL = "resources/digitnet-default.pt"  # run the scripts from the repository's root folder


def examples() -> dict[Path, str]:
    """Each example file and the text it should hold."""
    x, y = random_points("line", seed=0)
    fit = codegen.FitSettings(tuple(x), tuple(y))
    texts = {}
    for language, suffix in (("en", ""), ("zh_CN", "_zh_CN")):
        texts[f"train{suffix}.py"] = codegen.train_script(DEFAULT_RECIPE, "data", "digitdraw-model.pt", language)
        texts[f"fit{suffix}.py"] = codegen.fit_script(fit, language)
        texts[f"classify{suffix}.py"] = codegen.classify_script("digitnet2", MODEL, "cpu", language)
        texts[f"autograd{suffix}.py"] = codegen.autograd_session_script(session_for(PRESETS["regression"]), language)
        texts[f"compress{suffix}.py"] = codegen.compress_script("digitnet2", MODEL, "prune", 0.5, "unstructured",
                                                                None, "data", language)
    return {FOLDER / name: text for name, text in texts.items()}


def main() -> int:
    stale = [path for path, text in examples().items() if not path.is_file() or path.read_text(encoding="utf-8") != text]
    if "--check" in sys.argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python tools/examples.py", file=sys.stderr)
        return 1 if stale else 0
    FOLDER.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(examples()[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
