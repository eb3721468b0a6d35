"""Reading one of CMS's XML files, plain (``.xml``) or gzip-compressed (``.xml.gz``)."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

from .errors import PcsFileError


def read_root(path: str | Path, root_tag: str) -> ET.Element:
    """The root element of the file at ``path``, which must be ``<root_tag>``.

    A ``.gz`` file is decompressed on the way in. Anything that is not such an XML file
    raises :class:`PcsFileError` with one line saying why.
    """
    path = Path(path)
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as stream:
                root = ET.parse(stream).getroot()
        else:
            root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise PcsFileError(path.name, "no such file") from None
    except IsADirectoryError:
        raise PcsFileError(path.name, "is a directory, not a file") from None
    except (gzip.BadGzipFile, zlib.error, EOFError):
        raise PcsFileError(path.name, "not a gzip file (a .gz name needs gzip content)") from None
    except ET.ParseError as exc:
        line = exc.position[0]
        raise PcsFileError(path.name, f"not well-formed XML (line {line})") from None
    if root.tag != root_tag:
        raise PcsFileError(path.name, f"root element is <{root.tag}>, expected <{root_tag}>")
    return root


def text_of(element: ET.Element | None) -> str:
    """The element's text with runs of white space folded to one space ('' for none)."""
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.split())
