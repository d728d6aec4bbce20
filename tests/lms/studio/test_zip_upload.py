"""Studio zip uploads: a corpus of damaged and hostile archives gets 4xx with a message naming
the member, never a 500 and never half a draft; limits are counted while decompressing."""

import html
import io
import os
import sqlite3
import stat
import struct
import tracemalloc
import zipfile

import pytest
from sqlalchemy import create_engine, event, text

import lms.db
from lms.extensions import db
from lms.studio import drafts
from lms.studio.models import CourseSourceFile

LESSON = "modules/01-einfuehrung/01-einstieg.md"
COURSE_YML = b"id: kurs-a\nversion: 1.0.0\ntitle: Kurs A\n"


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def draft_state(course) -> dict[str, str]:
    rows = db.session.execute(db.select(CourseSourceFile.path, CourseSourceFile.sha256)
                              .where(CourseSourceFile.course_id == course.id))
    return dict(rows.all())


def build_zip(members: list[tuple[str, bytes]], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def valid_members(extra: bytes = b"# Einstieg\n") -> list[tuple[str, bytes]]:
    return [("kurs-a/course.yml", COURSE_YML), (f"kurs-a/{LESSON}", extra)]


def central_entry(data: bytes, name: str) -> int:
    """Offset of the central-directory record of ``name``."""
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46:offset + 46 + length] == name.encode():
            return offset
        offset = data.find(b"PK\x01\x02", offset + 4)
    raise AssertionError(name)


def patch(data: bytes, name: str, *, central: dict[int, tuple[str, int]] = (),
          local: dict[int, tuple[str, int]] = ()) -> bytes:
    """Overwrite header fields of ``name``: ``{offset: (struct format, value)}``."""
    buffer = bytearray(data)
    entry = central_entry(data, name)
    header = struct.unpack_from("<I", data, entry + 42)[0]
    for base, fields in ((entry, dict(central)), (header, dict(local))):
        for offset, (fmt, value) in fields.items():
            struct.pack_into(fmt, buffer, base + offset, value)
    return bytes(buffer)


def member_data_offset(data: bytes, name: str) -> int:
    header = struct.unpack_from("<I", data, central_entry(data, name) + 42)[0]
    name_length, extra_length = struct.unpack_from("<HH", data, header + 26)
    return header + 30 + name_length + extra_length


def bad_crc() -> bytes:
    data = bytearray(build_zip(valid_members(b"# Einstieg\n" * 20), zipfile.ZIP_STORED))
    data[member_data_offset(bytes(data), f"kurs-a/{LESSON}") + 3] ^= 0xFF
    return bytes(data)


def corrupt_deflate() -> bytes:
    data = bytearray(build_zip(valid_members(bytes(range(256)) * 8)))
    start = member_data_offset(bytes(data), f"kurs-a/{LESSON}")
    data[start:start + 40] = b"\xff" * 40
    return bytes(data)


def unsupported_method() -> bytes:  # 6 = "implode", which zipfile cannot read
    return patch(build_zip(valid_members()), f"kurs-a/{LESSON}",
                 central={10: ("<H", 6)}, local={8: ("<H", 6)})


def encrypted_flag() -> bytes:
    return patch(build_zip(valid_members()), f"kurs-a/{LESSON}",
                 central={8: ("<H", 0x1)}, local={6: ("<H", 0x1)})


def size_understated() -> bytes:  # the header says 5 bytes, the data holds 220
    return patch(build_zip(valid_members(b"# Einstieg\n" * 20)), f"kurs-a/{LESSON}",
                 central={24: ("<I", 5)}, local={22: ("<I", 5)})


def size_overstated() -> bytes:  # the header says 3 GB
    return patch(build_zip(valid_members()), f"kurs-a/{LESSON}",
                 central={24: ("<I", 3_000_000_000)}, local={22: ("<I", 3_000_000_000)})


def truncated_member() -> bytes:  # the header says 4000 bytes of stored data, 220 follow
    data = build_zip(valid_members(b"# Einstieg\n" * 20), zipfile.ZIP_STORED)
    return patch(data, f"kurs-a/{LESSON}", central={20: ("<I", 4000), 24: ("<I", 4000)},
                 local={18: ("<I", 4000), 22: ("<I", 4000)})


def header_name_differs() -> bytes:
    data = bytearray(build_zip(valid_members()))
    header = struct.unpack_from("<I", data, central_entry(bytes(data), f"kurs-a/{LESSON}") + 42)[0]
    data[header + 30] = ord("X")  # the local header now names "Xurs-a/…"
    return bytes(data)


def symlink() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kurs-a/course.yml", COURSE_YML)
        link = zipfile.ZipInfo(f"kurs-a/{LESSON}")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


CORRUPT = {
    "bad CRC": (bad_crc, "beschädigt", LESSON),
    "corrupt deflate data": (corrupt_deflate, "beschädigt", LESSON),
    "unsupported compression": (unsupported_method, "nicht unterstützten Verfahren", LESSON),
    "encrypted flag": (encrypted_flag, "verschlüsselt", LESSON),
    "size understated": (size_understated, "beschädigt", LESSON),
    "size overstated": (size_overstated, "größer als", LESSON),
    "truncated member": (truncated_member, "beschädigt", LESSON),
    "local header names another file": (header_name_differs, "beschädigt", LESSON),
    "symlink": (symlink, "symbolischer Link", LESSON),
    "truncated archive": (lambda: build_zip(valid_members())[:60], "kein gültiges ZIP", ""),
    "not a zip": (lambda: b"%PDF-1.7\n" + b"x" * 200, "kein gültiges ZIP", ""),
    "empty file": (lambda: b"", "ZIP", ""),
    "zip slip": (lambda: build_zip([*valid_members(), ("kurs-a/../../evil.md", b"x")]),
                 "unzulässigen Pfad", "../../evil.md"),
    "absolute path": (lambda: build_zip([*valid_members(), ("/etc/cron.d/evil", b"x")]),
                      "unzulässigen Pfad", "/etc/cron.d/evil"),
    "drive letter": (lambda: build_zip([*valid_members(), ("C:/evil.md", b"x")]),
                     "unzulässigen Pfad", "C:/evil.md"),
    "backslash": (lambda: build_zip([*valid_members(), ("kurs-a\\..\\evil.md", b"x")]),
                  "unzulässigen Pfad", "evil.md"),
    "duplicate member": (lambda: build_zip([*valid_members(), (f"kurs-a/{LESSON}", b"# B\n")]),
                         "zweimal", LESSON),
}


@pytest.fixture
def trainer(client, auth, people):
    auth.login("trainer@example.org")
    return people["trainer"]


def upload(client, auth, data: bytes):
    token = auth.csrf("/studio/kurs-a")
    return client.post("/studio/kurs-a/upload", data={
        "zip-csrf_token": token, "zip-file": (io.BytesIO(data), "kurs.zip")},
        content_type="multipart/form-data")


@pytest.mark.filterwarnings("ignore::UserWarning")  # zipfile warns about the duplicate name
@pytest.mark.parametrize("case", list(CORRUPT))
def test_corrupt_archive_gets_4xx_naming_the_member_and_writes_nothing(
        client, auth, trainer, courses, case):
    build, message, member = CORRUPT[case]
    before = draft_state(courses["kurs-a"])
    response = upload(client, auth, build())
    assert response.status_code == 422
    body = page_text(response)
    assert "Das Archiv wurde nicht übernommen" in body
    assert message in body
    assert member in body
    assert draft_state(courses["kurs-a"]) == before


def bomb(megabytes: int) -> bytes:
    """A course zip whose lesson expands ``megabytes`` MiB of zeros from about a thousandth."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kurs-a/course.yml", COURSE_YML)
        with archive.open(f"kurs-a/{LESSON}", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_without_being_expanded(client, auth, trainer, courses):
    data = bomb(45)  # below the 50 MB a single file may have, so the ratio must catch it
    assert len(data) < 100 * 1024  # 45 MiB behind ~45 KB
    before = draft_state(courses["kurs-a"])
    tracemalloc.start()
    try:
        response = upload(client, auth, data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 422
    body = page_text(response)
    assert "stark komprimiert" in body and LESSON in body
    assert draft_state(courses["kurs-a"]) == before
    assert peak < 24 * 1024 * 1024, peak  # read up to the ratio limit, not the 45 MiB


def test_bomb_split_into_small_members_is_refused_too(client, auth, trainer, courses):
    """Each member stays below the 1 MB a file may compress freely; the archive does not."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kurs-a/course.yml", COURSE_YML)
        for number in range(300):
            archive.writestr(f"kurs-a/media/leer-{number}.txt", b"\0" * 1_000_000)
    before = draft_state(courses["kurs-a"])
    response = upload(client, auth, buffer.getvalue())
    assert response.status_code == 422
    assert "stark komprimiert" in page_text(response)
    assert draft_state(courses["kurs-a"]) == before


def test_limits_come_from_the_configuration(app, client, auth, trainer, courses, monkeypatch):
    monkeypatch.setitem(app.config, "ATLAS_STUDIO_ZIP_MAX_TOTAL_MB", 1)
    media = [(f"kurs-a/media/bild-{n}.png", bytes(range(256)) * 2048) for n in range(3)]
    response = upload(client, auth, build_zip([*valid_members(), *media]))
    assert response.status_code == 422
    assert "entpackt größer als 1 MB" in page_text(response)
    monkeypatch.setitem(app.config, "ATLAS_STUDIO_ZIP_MAX_TOTAL_MB", 200)
    monkeypatch.setitem(app.config, "ATLAS_STUDIO_ZIP_MAX_FILE_MB", "0.25")
    film = ("kurs-a/media/film.mp4", os.urandom(300 * 1024))  # uploads stay below 500 KB
    response = upload(client, auth, build_zip([*valid_members(), film]))
    assert response.status_code == 422
    assert "media/film.mp4 ist entpackt größer als 0.25 MB" in page_text(response)


def test_well_compressed_text_below_the_ratio_floor_is_accepted(client, auth, trainer, courses):
    archive = zipfile.ZipFile(io.BytesIO(client.get("/studio/kurs-a/download").data))
    members = [(name, archive.read(name)) for name in archive.namelist()]
    members.append(("kurs-a/media/leer.txt", b" " * 500_000))  # ratio ~500:1, but small
    response = upload(client, auth, build_zip(members))
    assert response.status_code == 302
    assert drafts.read_file(courses["kurs-a"], "media/leer.txt").size == 500_000


def test_read_zip_counts_bytes_instead_of_trusting_headers(courses):
    limits = drafts.ZipLimits(file_bytes=1024 * 1024, total_bytes=1024 * 1024, ratio=10_000)
    with pytest.raises(drafts.ValidationFailedError) as caught:
        drafts.read_zip(bomb(3), courses["kurs-a"], limits)
    assert LESSON in caught.value.message


@pytest.mark.sqlite_only
def test_sqlite_wal_shrinks_after_a_checkpoint(tmp_path, monkeypatch):
    """After a large write, the next checkpoint cuts the WAL back to the journal size limit."""
    monkeypatch.setattr(lms.db, "JOURNAL_SIZE_LIMIT", 64 * 1024)
    path = tmp_path / "wal.db"
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", lms.db.tune_sqlite)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE blobs (content BLOB)"))
        with engine.begin() as connection:
            for _ in range(40):
                connection.execute(text("INSERT INTO blobs VALUES (:c)"),
                                   {"c": b"x" * 100_000})
        wal = tmp_path / "wal.db-wal"
        assert wal.stat().st_size > 3_000_000
        with engine.begin() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))
            connection.execute(text("DELETE FROM blobs"))
        with engine.begin() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))
            connection.execute(text("INSERT INTO blobs VALUES (x'00')"))
        assert wal.stat().st_size <= 64 * 1024 + 2 * 4096 + 32
    finally:
        engine.dispose()
    check = sqlite3.connect(path)
    try:
        assert check.execute("SELECT count(*) FROM blobs").fetchone() == (1,)
    finally:
        check.close()
