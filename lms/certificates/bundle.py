"""Many certificates as one zip, streamed: one PDF rendered and sent at a time.

``zipfile`` writes to a sink that cannot seek (so it uses data descriptors); after
each member the bytes written so far are handed to the response and dropped, so
memory holds one PDF at a time however many certificates the zip contains.
"""

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator

from lms.certificates.models import Certificate


class _Sink(io.RawIOBase):
    """A write-only, non-seekable buffer that is emptied after every member."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def member_name(certificate: Certificate) -> str:
    """``Name_Kurs_NUMMER.pdf`` with letters kept (umlauts too) and everything else folded."""
    course = certificate.payload.get("course", {}).get("id", "")
    text = f"{certificate.learner_name}_{course}"
    safe = re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-")
    return f"{safe}_{certificate.number}.pdf"


def stream_zip(certificates: Iterable[Certificate],
               render: Callable[[Certificate], bytes]) -> Iterator[bytes]:
    """Yield a zip of ``render(certificate)`` for each certificate, chunk by chunk."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            info = zipfile.ZipInfo(member_name(certificate),
                                   date_time=certificate.issued_at.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, render(certificate))
            chunk = sink.drain()
            if chunk:
                yield chunk
    tail = sink.drain()
    if tail:
        yield tail
