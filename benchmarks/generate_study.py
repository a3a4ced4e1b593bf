"""Write a synthetic study of any size in the record format of docs/model.md.

The decision layer keeps the size of a real study (tens of taxonomies, a few hundred
impositions), while people, data items, overrides (about 10% of acts), flags and evidence grow
with the number of classification acts. Every record passes the loader's checks and the qc
queries by construction, and one seed always gives the same files, byte for byte.

    python -m benchmarks.generate_study OUT --acts 200000 [--seed 0]

The parts live beside this entry point: `synthetic_records` (the study being written),
`synthetic_people` (organisations and staff), `synthetic_decisions` (taxonomies, projects and
the decision layer) and `synthetic_tables` (acts, overrides, flags, data items, evidence).

The YAML is written from templates that read like docs/records.md; values are ids, dates and
fixed phrases, none of which needs quoting.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.synthetic_decisions import add_decision_layer, plan_projects
from benchmarks.synthetic_people import add_company, add_organisations, add_people
from benchmarks.synthetic_records import CODES, FILES, Study
from benchmarks.synthetic_tables import write_evidence, write_tables

STUDY = """\
study:
  id: synthetic
  title: Synthetic study with {acts} acts
  base: "https://example.org/synthetic/"
  license: "https://creativecommons.org/licenses/by/4.0/"
  default_access: public
  researchers: [R1]
  organization: RG
  start: 2022-01-01
  end: 2024-12-31
  codebook: CB
codebooks:
  - id: CB
    title: Synthetic codebook
    codes:
"""


def generate(out_dir: Path, acts: int, seed: int = 0) -> None:
    """Write a valid synthetic study with `acts` classification acts into `out_dir`."""
    if acts < 1:
        raise ValueError(f"acts must be at least 1, got {acts}")
    out_dir.mkdir(parents=True, exist_ok=True)
    study = Study(acts, seed)
    n_taxonomies = min(30, max(3, acts // 8000))
    add_organisations(study, n_clients=min(10, max(2, n_taxonomies // 3)))
    companies = [
        add_company(study, c, min(1500, max(6, acts // 500)) // 3)
        for c in range(2 if acts < 100_000 else 3)
    ]
    projects = plan_projects(study, companies, n_taxonomies)
    for p in projects:
        add_decision_layer(study, p)
    withdrawn = add_people(study)
    for name, kinds in FILES.items():
        with (out_dir / name).open("w", encoding="utf-8") as f:
            if name == "study.yaml":
                f.write(STUDY.format(acts=acts))
                f.writelines(f"      - {{id: K-{code}, label: {code}}}\n" for code in CODES)
            for kind in kinds:
                if kind != "codebooks":
                    f.write(f"{kind}:\n")
                    f.writelines(study.text[kind])
    write_tables(study, projects, out_dir)
    write_evidence(study, withdrawn, out_dir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate_study",
        description="Write a synthetic study in the record format.",
    )
    parser.add_argument("out", type=Path, help="folder to write the study into")
    parser.add_argument("--acts", type=int, default=200_000, help="classification acts")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same files)")
    args = parser.parse_args(argv)
    if args.acts < 1:
        parser.error(f"--acts must be at least 1, got {args.acts}")
    try:
        generate(args.out, args.acts, args.seed)
    except OSError as error:
        parser.exit(1, f"cannot write the study to {args.out}: {error.strerror or error}\n")
    print(f"wrote a study with {args.acts} acts to {args.out}")


if __name__ == "__main__":
    main()
