"""`cdkg publish OUTDIR`: write the public data as a static linked-data site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from app.cli_common import CliError, StoreOption, guarded, opened_store, settings_for, stderr
from app.linkeddata.site import SiteError, publish_site

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@guarded
def publish(
    outdir: Annotated[Path, typer.Argument(help="Folder to write the site into.")],
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Where the site will be hosted (default: CDKG_PUBLIC_BASE_URL, else "
            f"{DEFAULT_BASE_URL}); RDF documents and VoID name their own URLs under it.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    store: StoreOption = None,
) -> None:
    """Write a static linked-data site of the public data: an HTML page, Turtle and JSON-LD per
    resource, listings, VoID, deterministic dumps and the ontology's documentation.

    Example: cdkg publish site/ --base-url https://data.example.org
    """
    settings = settings_for(store)
    url = base_url or settings.public_base_url or DEFAULT_BASE_URL
    if not url.startswith(("http://", "https://")):
        raise CliError(f"--base-url {url!r}: expected an http:// or https:// URL")
    with opened_store(settings, read_only=True) as opened:
        try:
            if quiet:
                report = publish_site(
                    opened, outdir, base_url=url, ontology_dir=settings.ontology_dir
                )
            else:
                with Progress(console=stderr(), transient=True) as bar:
                    task = bar.add_task("writing pages", total=None)

                    def step(done: int, total: int) -> None:
                        bar.update(task, completed=done, total=total)

                    report = publish_site(
                        opened,
                        outdir,
                        base_url=url,
                        ontology_dir=settings.ontology_dir,
                        progress=step,
                    )
        except SiteError as exc:
            raise CliError(str(exc)) from exc
    stderr().print(
        f"wrote {report.files} files for {report.resources} resources to {report.outdir} "
        f"(dumps version {report.dumps.version})",
        markup=False,
    )
    for dump in report.dumps.files:
        stderr().print(f"  {dump.sha256}  dumps/{dump.name}", markup=False)
