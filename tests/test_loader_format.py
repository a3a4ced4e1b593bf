"""The record format: the published schema, the docs' worked example, reading YAML and CSV."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from loaders.documents import LineDict, LineList, parse_json, parse_yaml
from loaders.errors import LoadError, RecordError
from loaders.pipeline import prepare
from loaders.schema_build import SCHEMA_PATH, build_schema
from loaders.schema_check import check_document

ROOT = Path(__file__).resolve().parents[1]
WORKED = ROOT / "tests" / "fixtures" / "loader" / "worked"
DOCS = ROOT / "docs" / "records.md"


def test_the_published_schema_is_the_one_the_spec_builds() -> None:
    published = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert published == build_schema()
    Draft202012Validator.check_schema(published)


def test_every_schema_object_forbids_unknown_fields() -> None:
    schema = build_schema()
    objects = [schema, *(d for d in schema["$defs"].values() if d.get("type") == "object")]
    assert len(objects) == 26  # the file itself and the 25 kinds
    assert all(obj["additionalProperties"] is False for obj in objects)


def test_the_worked_example_in_the_docs_is_the_fixture() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = dict(re.findall(r"<!-- file: (\S+) -->\n```[a-z]*\n(.*?)```", text, re.DOTALL))
    files = {p.name: p.read_text(encoding="utf-8") for p in WORKED.iterdir()}
    assert blocks == files


def test_the_worked_example_loads() -> None:
    with prepare([WORKED]) as prepared:
        assert prepared.triples > 0


def test_yaml_keeps_plain_scalars_as_typed_text() -> None:
    doc = parse_yaml("a: no\nb: yes\nc: 2024-05-02\nd: 007\ne: 0.85\nf: true\ng: ~\nh: on\n")
    assert doc == {
        "a": "no",
        "b": "yes",
        "c": "2024-05-02",
        "d": "007",
        "e": "0.85",
        "f": True,
        "g": None,
        "h": "on",
    }


def test_yaml_and_json_remember_lines() -> None:
    yaml_doc = parse_yaml("persons:\n  - id: A1\n\n  - id: A2\n    note: x\n")
    json_doc = parse_json('{"persons": [\n {"id": "A1"},\n\n {"id": "A2",\n  "note": "x"}]}')
    for doc, starts in ((yaml_doc, [2, 4]), (json_doc, [2, 4])):
        assert isinstance(doc, LineDict)
        people = doc["persons"]
        assert isinstance(people, LineList)
        assert people.item_lines == starts
        assert people[1].key_lines == {"id": 4, "note": 5}


def _schema_errors(yaml_text: str) -> list[RecordError]:
    return check_document(parse_yaml(yaml_text), "f.yaml")


def _csv_errors(tmp_path: Path, csv_text: str) -> list[RecordError]:
    study = (WORKED / "study.yaml").read_text(encoding="utf-8")
    (tmp_path / "study.yaml").write_text(study, encoding="utf-8")
    (tmp_path / "acts.csv").write_text(csv_text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        prepare([tmp_path])
    return caught.value.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time", "2024-05-02 10:15"),
        ("time", "2024-02-30T10:00:00"),
        ("id", "X 1"),
        ("annotator", "A/1"),
    ],
)
def test_csv_rows_get_the_same_message_as_yaml_records(
    tmp_path: Path, field: str, value: str
) -> None:
    row = {
        "id": "X1",
        "annotator": "A1",
        "item": "i1",
        "category": "cat",
        "version": "TX-v1",
        "project": "PJ",
        "time": "2024-02-01T10:00:00",
    }
    row[field] = value
    yaml_text = "acts:\n  - " + json.dumps(row) + "\n"
    csv_text = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
    (from_yaml,) = [e for e in _schema_errors(yaml_text) if e.field == field]
    (from_csv,) = [e for e in _csv_errors(tmp_path, csv_text) if e.field == field]
    assert from_csv.message == from_yaml.message
    assert (from_yaml.line, from_csv.line) == (2, 2)


def test_csv_lists_are_split_on_semicolons(tmp_path: Path) -> None:
    (tmp_path / "study.yaml").write_text(
        (WORKED / "study.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "evidence.csv").write_text(
        "id,type,text,date,codes\nE9,field_note,a; b,2024-01-01,x ; bad id\n", encoding="utf-8"
    )
    with pytest.raises(LoadError) as caught:
        prepare([tmp_path])
    (error,) = caught.value.errors
    assert str(error).endswith(
        'evidence.csv:2: evidence E9, field codes: item 2: expected a code id, found "bad id"'
    )


def test_a_single_id_may_stand_for_a_list() -> None:
    assert _schema_errors("persons:\n  - {id: A1}\nstudy: {id: s, title: t}\n")[0].field == "base"
    assert not [
        e for e in _schema_errors("impositions:\n  - {imposed_on: A1}\n") if e.field == "imposed_on"
    ]


def test_progress_is_reported_by_stage() -> None:
    seen: list[tuple[str, int, int | None]] = []
    with prepare([WORKED], progress=lambda stage, done, total: seen.append((stage, done, total))):
        pass
    stages = list(dict.fromkeys(stage for stage, _done, _total in seen))
    assert stages == ["read", "check", "map", "validate"]
    assert ("read", 3, 3) in seen
    assert ("map", 8, 8) in seen  # 3 acts, 1 override, 2 data items, 2 evidence
    assert seen[-1] == ("validate", 2, 2)


def test_closing_a_prepared_load_deletes_its_file() -> None:
    prepared = prepare([WORKED])
    assert prepared.nquads_path.is_file()
    prepared.close()
    assert not prepared.nquads_path.exists()
    prepared.close()


def test_error_text_names_file_line_record_and_field() -> None:
    error = RecordError("x.yaml", "expected a date", "impositions IMP16", "date", 42)
    assert str(error) == "x.yaml:42: impositions IMP16, field date: expected a date"
    assert str(RecordError("x.csv", "broken")) == "x.csv: broken"
    missing = RecordError("x.csv", "missing", field="time", line=1)
    assert str(missing) == "x.csv:1: field time: missing"
    many = LoadError([error] * 2, omitted=3)
    assert str(many).splitlines()[-1] == "... and 3 more errors"


def test_files_and_folders_mix_and_dotfiles_are_ignored(tmp_path: Path) -> None:
    for path in WORKED.iterdir():
        target = tmp_path / ("tables" if path.suffix == ".csv" else "") / path.name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(path.read_bytes())
    (tmp_path / ".hidden.yaml").write_text("not: [valid", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    with prepare([tmp_path / "study.yaml", tmp_path / "decisions.yaml", tmp_path / "tables"]) as p:
        assert sorted(s.file for s in p.sources) == [
            "decisions.yaml",
            "study.yaml",
            "tables/acts.csv",
        ]
        assert any(s.iri.endswith("/source/tables-acts-csv") for s in p.sources)


def test_missing_paths_are_reported() -> None:
    with pytest.raises(LoadError) as caught:
        prepare([WORKED / "nope.yaml"])
    assert str(caught.value).endswith("nope.yaml: no such file or folder")


def test_the_docs_list_every_field_of_every_kind() -> None:
    from loaders.spec import KINDS

    text = DOCS.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^#### (\w+)\n(.*?)(?=^#|\Z)", text, re.DOTALL | re.MULTILINE))
    assert sorted(sections) == sorted(KINDS)
    for key, kind in KINDS.items():
        rows = re.findall(r"^\| `(\w+)`( \*\*R\*\*)? \|", sections[key], re.MULTILINE)
        documented = {name: bool(required) for name, required in rows}
        wanted = {f.name: f.required for f in kind.fields if f.name != "access"}
        assert documented == wanted, key


def test_missing_shapes_or_qc_queries_are_reported(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        prepare([WORKED], shapes=tmp_path / "none.ttl", qc_dir=tmp_path / "none")
    assert [e.message for e in caught.value.errors] == [
        "the SHACL shapes file is missing",
        "the folder of qc queries is missing",
    ]
