"""The CFP study report as PDF, rendered offline from the report's HTML with WeasyPrint.

WeasyPrint needs the Pango system library (Debian/Ubuntu package `libpango-1.0-0`, plus `libpangoft2-1.0-0`);
without it `write_pdf` raises ReportError naming the package. No URL is ever fetched: the HTML is self-contained and
any other resource is refused.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import PcfError


class ReportError(PcfError):
    """A report cannot be written (e.g. the PDF renderer or its system libraries are missing)."""


def _offline_fetcher():
    """A URL fetcher that serves only data: URIs (the report embeds everything it needs)."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint >= 66
        return urls.URLFetcher(allowed_protocols=("data",))

    def fetch(url, *args, **kwargs):  # older WeasyPrint: a plain function
        if not url.startswith("data:"):
            raise ValueError(f"pcf reports are rendered offline; refusing to fetch {url}")
        return urls.default_url_fetcher(url, *args, **kwargs)

    return fetch


def _weasyprint():
    try:
        import weasyprint
    except ImportError:
        raise ReportError("PDF output needs WeasyPrint", expected="`pip install weasyprint`") from None
    except OSError as exc:  # the Python package is there but Pango is not
        raise ReportError(f"WeasyPrint cannot load its system libraries ({exc})",
                          expected="the Pango library: `apt-get install libpango-1.0-0 libpangoft2-1.0-0`") from None
    return weasyprint


def render_pdf(html: str):
    """The laid-out document (WeasyPrint Document: `.pages`, `.write_pdf()`)."""
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, url_fetcher=_offline_fetcher()).render()


def write_pdf(html: str, path: str | Path) -> tuple[Path, int]:
    """Write the PDF; returns its path and number of pages."""
    document = render_pdf(html)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(path)
    return path, len(document.pages)
