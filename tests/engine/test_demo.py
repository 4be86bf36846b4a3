"""The demo plays the whole loop on embedded servers and the fake forge, and succeeds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.demo import run_demo


@pytest.mark.smoke
@pytest.mark.slow
def test_demo_plays_the_whole_loop(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_demo(data_dir=tmp_path, out=out) == 0, out.getvalue()
    text = out.getvalue()
    assert 'alter table "public"."customers" drop column "fax";' in text
    assert "not applied: the commit status says" in text and "acknowledgment" in text
    assert "/schemagate confirm-drop " in text
    assert "merged" in text
    assert text.rstrip().endswith("customers(id, name), invoices(id, customer_id, total)")
