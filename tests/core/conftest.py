"""The tiny store the command-line tests share, and their helpers.

``store`` is a catalog of 3 articles and one customer ingested once per test module with
``reclmms ingest catalog --no-index`` (no embedders needed); the fixture is its ``--config``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reclmms.cli import main

CUSTOMER = "c-known-1"
PRODUCTS = """id,name,category,colour,price
0100000001,Linen shirt,Shirt,White,29.99
0100000002,Wrap dress,Dress,Red,49.5
0100000003,Slim jeans,Trousers,Blue,39
"""
CUSTOMERS = f"""customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code
{CUSTOMER},,,ACTIVE,Regularly,31,p1
"""
TRANSACTIONS = f"""t_dat,customer_id,article_id,price,sales_channel_id
2020-09-01,{CUSTOMER},0100000002,0.0495,2
2020-09-03,{CUSTOMER},0100000001,0.0299,1
"""


def write_config(path: Path, data_dir: Path | str) -> str:
    path.write_text(f'[storage]\ndata_dir = "{data_dir}"\n', encoding="utf-8")
    return str(path)


def err_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The --config of a store with 3 articles and one customer, not indexed for search."""
    root = tmp_path_factory.mktemp("cli_store")
    (root / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    (root / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (root / "transactions.csv").write_text(TRANSACTIONS, encoding="utf-8")
    config = write_config(root / "config.toml", root / "data")
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("RECLMMS_")]:
            mp.delenv(name)
        code = main(["--config", config, "ingest", "catalog", str(root / "products.csv"),
                     "--customers", str(root / "customers.csv"),
                     "--transactions", str(root / "transactions.csv"), "--no-index", "--no-images"])
    assert code == 0
    yield config
