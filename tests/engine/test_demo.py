"""The demo runs on embedded PostgreSQL and ends with production equal to the desired schema."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.demo import run_demo


@pytest.mark.smoke
def test_demo_walks_through_plan_refusal_apply_and_replan(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_demo(data_dir=tmp_path, out=out) == 0
    text = out.getvalue()
    assert 'alter table "public"."customers" drop column "fax";' in text
    assert "/schemagate confirm-drop " in text
    assert text.rstrip().endswith("no changes")
