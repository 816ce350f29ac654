"""Parse PolNeAR train once and store each Doc with its gold role per token.

Roles: O, SOURCE, CUE, CONTENT (where spans of two attributions overlap, the later wins).
Usage: python training/prepare.py POLNEAR_DIR OUT_DIR   (writes OUT_DIR/train.spacy)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from spacy.tokens import DocBin

from saywho.attribution.roles import ROLES
from saywho.nlp import load_pipeline, parse


def find_cue(text: str, q: dict) -> tuple[int, int] | None:
    """The gold gives the cue's words, not where they are: take the occurrence nearest the source
    (else the content) within 300 characters."""
    cue = (q.get("cue") or "").strip()
    if not cue:
        return None
    anchor = q.get("speaker_start", q["start"]) if q.get("speaker_start") is not None else q["start"]
    lo, hi = max(0, min(anchor, q["start"]) - 300), min(len(text), max(anchor, q["end"]) + 300)
    best = None
    for m in re.finditer(re.escape(cue), text[lo:hi]):
        s = lo + m.start()
        if any(fs <= s < fe for fs, fe in q.get("fragments") or [[q["start"], q["end"]]]):
            continue  # a cue is outside its own content
        d = abs(s - anchor)
        if best is None or d < best[0]:
            best = (d, s, s + len(cue))
    return best[1:] if best else None


def token_roles(doc, quotes: list[dict]) -> list[int]:
    """One role index per token: the role of any gold span the token overlaps."""
    char_role = [0] * len(doc.text)
    for q in quotes:
        for s, e in q.get("fragments") or [[q["start"], q["end"]]]:
            char_role[s:e] = [ROLES.index("CONTENT")] * (e - s)
        if q.get("speaker_start") is not None:
            s, e = q["speaker_start"], q["speaker_end"]
            char_role[s:e] = [ROLES.index("SOURCE")] * (e - s)
        cue = find_cue(doc.text, q)
        if cue:
            char_role[cue[0] : cue[1]] = [ROLES.index("CUE")] * (cue[1] - cue[0])
    out = []
    for tok in doc:
        roles = char_role[tok.idx : tok.idx + len(tok)]
        out.append(max(roles) if roles and not tok.is_space else 0)
    return out


def prepare(polnear: Path, out: Path) -> None:
    nlp = load_pipeline()
    out.mkdir(parents=True, exist_ok=True)
    for split in ("train",):
        golds = sorted((polnear / split).glob("*.gold.json"))
        texts, metas = [], []
        for gp in golds:
            gold = json.loads(gp.read_text(encoding="utf-8"))
            with open(gp.parent / gold["document"], encoding="utf-8", newline="") as f:
                texts.append(f.read())
            metas.append(gold)
        db = DocBin(store_user_data=True)
        for doc, gold in zip(parse(nlp, texts), metas, strict=True):
            doc.user_data["roles"] = token_roles(doc, gold["quotes"])
            doc.user_data["gold"] = json.dumps(gold["quotes"])
            db.add(doc)
        db.to_disk(out / f"{split}.spacy")
        print(f"{split}: {len(texts)} documents")


if __name__ == "__main__":
    prepare(Path(sys.argv[1]), Path(sys.argv[2]))
