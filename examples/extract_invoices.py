"""Extract typed invoices from many documents, concurrently, into a CSV file.

    python examples/extract_invoices.py docs/*.txt --output invoices.csv
    python examples/extract_invoices.py --sample 50            # generated sample documents

Each document goes to ``generate_content`` with ``response_schema=Invoice``: the model answers
JSON in the shape of the ``Invoice`` class below and ``response.parsed`` is an ``Invoice``.
An answer that does not fit is sent back once with its errors (``repair_attempts=1``); a
document that still fails is reported and left out of the CSV (exit status 1). Calls run
``--concurrency`` at a time through :func:`genlang_async.map_concurrently`, with retries.

Uses ``GEMINI_API_KEY`` (real API) or ``GENLANG_BASE_URL`` (an emulator, say).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import enum
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, TextIO

import attrs

from genlang_async import Client, StructuredOutputError, map_concurrently

MODEL = "gemini-2.5-flash"
PROMPT = "Extract the invoice in this document. Amounts are in the invoice's currency.\n\n"


class Currency(enum.Enum):
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"


@attrs.define
class LineItem:
    """One line of an invoice."""

    description: str
    quantity: Annotated[float, "number of units"]
    unit_price: Annotated[float, "price of one unit"]


@attrs.define
class Invoice:
    """An invoice as printed on the document."""

    number: Annotated[str, "the invoice number, as printed"]
    issued: dt.date
    seller: str
    currency: Currency
    lines: list[LineItem]
    total: float
    due: dt.date | None = None


CSV_FIELDS = ["document", "number", "issued", "due", "seller", "currency", "lines", "total"]


def sample_documents(count: int) -> list[tuple[str, str]]:
    """``count`` made-up invoice texts, named ``sample-N``."""
    return [
        (
            f"sample-{i}",
            f"INVOICE No. {1000 + i}\nACME Tools Ltd\nDate: 2025-03-{i % 28 + 1:02d}\n"
            f"{i % 5 + 1} x hammer @ 12.50 EUR\nTotal: {(i % 5 + 1) * 12.5:.2f} EUR\n",
        )
        for i in range(count)
    ]


async def extract_all(
    client: Client,
    documents: Sequence[tuple[str, str]],
    *,
    concurrency: int = 8,
    model: str = MODEL,
) -> list[Invoice | Exception]:
    """One ``Invoice`` per document, in order; a document that failed gets its exception."""

    async def extract(document: tuple[str, str]) -> Invoice:
        _name, text = document
        response = await client.models.generate_content(
            model, contents=PROMPT + text, response_schema=Invoice, repair_attempts=1
        )
        return response.parsed

    return await map_concurrently(
        extract, documents, concurrency=concurrency, return_exceptions=True
    )


def write_csv(out: TextIO, names: Sequence[str], invoices: Sequence[Invoice]) -> None:
    """One row per invoice (dates as ISO text, the line count instead of the lines)."""
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for name, invoice in zip(names, invoices, strict=True):
        writer.writerow(
            {
                "document": name,
                "number": invoice.number,
                "issued": invoice.issued.isoformat(),
                "due": invoice.due.isoformat() if invoice.due else "",
                "seller": invoice.seller,
                "currency": invoice.currency.value,
                "lines": len(invoice.lines),
                "total": f"{invoice.total:.2f}",
            }
        )


async def run(
    client: Client,
    documents: Sequence[tuple[str, str]],
    out: TextIO,
    *,
    concurrency: int = 8,
    errors: TextIO | None = None,
) -> int:
    """Extract every document, write the CSV; return the number of documents that failed."""
    results = await extract_all(client, documents, concurrency=concurrency)
    names = [name for name, _text in documents]
    good = [(n, r) for n, r in zip(names, results, strict=True) if isinstance(r, Invoice)]
    write_csv(out, [n for n, _ in good], [r for _, r in good])
    failed = 0
    for name, result in zip(names, results, strict=True):
        if isinstance(result, Exception):
            failed += 1
            reason = result if not isinstance(result, StructuredOutputError) else result.errors
            print(f"{name}: {type(result).__name__}: {reason}", file=errors or sys.stderr)
    return failed


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="text documents, one invoice each")
    parser.add_argument("--sample", type=int, default=0, help="use N generated documents")
    parser.add_argument("--output", type=Path, help="CSV file (default: standard output)")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    documents = [(str(p), p.read_text()) for p in args.paths] + sample_documents(args.sample)
    if not documents:
        parser.error("give document paths or --sample N")
    async with Client() as client:
        if args.output is None:
            failed = await run(client, documents, sys.stdout, concurrency=args.concurrency)
        else:
            with args.output.open("w", newline="") as out:
                failed = await run(client, documents, out, concurrency=args.concurrency)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
