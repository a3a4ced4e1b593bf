"""The big tables of the synthetic study: data items, classification acts with about 10% of
them overridden, flags of proposed categories, and the evidence table."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.synthetic_decisions import Project
from benchmarks.synthetic_records import ACT_DAYS, CODES, FIRST_START, Study

ACCESS = ("public", "public", "public", "restricted", "confidential")
JUSTIFICATIONS = ("document", "document", "rule", "gold_set", "none")


def write_tables(study: Study, projects: list[Project], out_dir: Path) -> None:
    """data_items.csv, acts.csv, overrides.csv and flags.csv, written side by side in one pass."""
    rng = study.rng
    names = ("acts", "overrides", "flags", "data_items")
    headers = (
        "id,annotator,item,category,version,project,time",
        "act,reviewer,category,time,justification,justified_by,evidence",
        "id,annotator,item,proposal,time",
        "id,dataset,media_type",
    )
    files = [(out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") for name in names]
    try:
        acts, overrides, flags, items = (csv.writer(f, lineterminator="\n") for f in files)
        for f, header in zip(files, headers, strict=True):
            f.write(header + "\n")
        act_n = flag_n = 0
        for p in projects:
            t = p.taxonomy
            item_ids = [f"{p.id}-IT{k:06d}" for k in range(max(1, p.acts // 3))]
            items.writerows([item, f"DS-{p.id}", "image/jpeg"] for item in item_ids)
            start = datetime.combine(t.start, datetime.min.time()) + timedelta(hours=8)
            flag_from = datetime.combine(t.proposals_day, datetime.min.time())
            released2 = datetime.combine(t.released2, datetime.min.time())
            justify = {"document": f"D{t.id}-GL1", "rule": f"R{t.id}-RES",
                       "gold_set": f"D{t.id}-GOLD", "none": ""}  # fmt: skip
            for _ in range(p.acts):
                act_n += 1
                act_id = f"A{act_n:07d}"
                when = start + timedelta(seconds=rng.randrange(ACT_DAYS * 86400))
                # A few acts keep the old version after the new one is out.
                v = 2 if when >= released2 and rng.random() > 0.03 else 1
                categories = t.categories if v == 1 else t.version2
                category, item = rng.choice(categories), rng.choice(item_ids)
                annotator = rng.choice(p.annotators)
                acts.writerow([act_id, annotator, item, category, f"{t.id}-v{v}", p.id,
                               when.isoformat()])  # fmt: skip
                if rng.random() < 0.1:
                    kind = rng.choice(JUSTIFICATIONS)
                    new = rng.choice([c for c in categories if c != category])
                    later = (when + timedelta(hours=rng.randint(1, 72))).isoformat()
                    evidence = study.evidence() if rng.random() < 0.05 else ""
                    reviewer = rng.choice(p.vendor.reviewers)
                    overrides.writerow(
                        [act_id, reviewer, new, later, kind, justify[kind], evidence]
                    )
                if when >= flag_from and rng.random() < 0.02:
                    flag_n += 1
                    flagged = (when + timedelta(minutes=1)).isoformat()
                    flags.writerow([f"F{flag_n:06d}", annotator, item, f"{p.id}-PR1", flagged])
    finally:
        for f in files:
            f.close()


def write_evidence(study: Study, withdrawn: str, out_dir: Path) -> None:
    rng = study.rng
    with (out_dir / "evidence.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["id", "type", "text", "speaker", "date", "interview", "document", "codes",
                      "access"])  # fmt: skip
        for n, evidence_id in enumerate(study.evidence_ids):
            codes = ";".join(f"K-{code}" for code in rng.sample(CODES, 2))
            access = rng.choice(ACCESS)
            if n % 3 == 0:
                interview, speaker, day = study.interviews[n // 3 % len(study.interviews)]
                access = "confidential" if speaker == withdrawn else access
                row = ["interview_excerpt", f"Excerpt {n}.", speaker, day, interview, ""]
            elif n % 3 == 1:
                day = FIRST_START + timedelta(days=rng.randrange(900))
                row = ["field_note", f"Field note {n}.", "", day, "", ""]
            else:
                doc_id, day = study.documents[n % len(study.documents)]
                row = ["document_excerpt", f"Passage {n}.", "", day, "", doc_id]
            out.writerow([evidence_id, *row, codes, access])
