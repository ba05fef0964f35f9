#!/usr/bin/env python3
"""(Re)generate the PDF test corpus of portee-pdfcheck.

Usage:
    python3 tests/pdf-corpus/make-corpus.py           # (re)write valid/ damaged/ hostile/ and MANIFEST.tsv
    python3 tests/pdf-corpus/make-corpus.py --check   # also run qpdf --check, pdftotext, pdfinfo on every file

Python 3 standard library only, plus Debian's tools: qpdf, poppler-utils (pdftotext, pdfinfo,
pdftocairo), imagemagick (convert), ghostscript (gs) and fonts-dejavu-core.

Every file is described once, below, by a @corpus(...) entry: its path, the expected verdict,
the reason key and a one-line description. MANIFEST.tsv is written from those entries, so the
manifest and the files cannot drift apart.

Output is deterministic: fixed dates (SOURCE_DATE_EPOCH, -dOmitInfoDate, rewritten
CreationDate), fixed /ID (hand-written files, qpdf --static-id / --deterministic-id), seeded
noise. The one exception is qpdf's AES-256 (R6) encryption, whose salts and file key are always
random: for those files an existing file is kept when it decrypts to the same bytes with the same
encryption parameters, so a second run changes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent
FOLDERS = ("valid", "damaged", "hostile")
MIB = 1 << 20
MAX_FILE = 1 * MIB

EPOCH = 1725192000  # 2024-09-01T12:00:00Z
PDF_DATE = "D:20240901120000Z"
ENV = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), TZ="UTC", LC_ALL="C.UTF-8")

BOMB_BYTES = 300 * MIB  # what each decompression bomb expands to
DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu"

REASONS = {
    "ok", "not-pdf", "unparseable", "encrypted-password", "too-many-pages", "javascript",
    "auto-action", "launch", "submit-form", "import-data", "remote-goto", "external-reference",
    "embedded-file", "xfa", "rich-media", "limits",
}


# --------------------------------------------------------------------------------------------
# PDF syntax helpers
# --------------------------------------------------------------------------------------------

def b(x: str | bytes) -> bytes:
    return x if isinstance(x, bytes) else x.encode("latin-1")


def pstr(text: str, encoding: str = "cp1252") -> str:
    """A PDF literal string; non-ASCII bytes as octal escapes (cp1252 = WinAnsiEncoding)."""
    out = []
    for byte in text.encode(encoding):
        ch = chr(byte)
        if ch in "\\()":
            out.append("\\" + ch)
        elif 32 <= byte < 127:
            out.append(ch)
        else:
            out.append("\\%03o" % byte)
    return "(" + "".join(out) + ")"


def ptext(text: str) -> str:
    """A text string for the Info dictionary and the like: PDFDocEncoding or UTF-16BE."""
    try:
        return pstr(text, "latin-1")
    except UnicodeEncodeError:
        return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def stream(entries: str, data: bytes, flate: bool = False, eol: bytes = b"\n") -> bytes:
    """The body of a stream object (what goes between 'n 0 obj' and 'endobj')."""
    if flate:
        data = zlib.compress(data, 9)
        entries = (entries + " /Filter /FlateDecode").strip()
    head = ("<< " + entries + " " if entries else "<< ") + f"/Length {len(data)} >>"
    return b(head) + eol + b"stream" + eol + data + eol + b"endstream"


def flate_zeros(prefix: bytes, zeros: int) -> bytes:
    """zlib (level 9) of prefix + `zeros` NUL bytes, streamed so it stays fast and small in RAM."""
    comp = zlib.compressobj(9)
    parts = [comp.compress(prefix)]
    chunk = bytes(MIB)
    left = zeros
    while left > 0:
        n = min(left, MIB)
        parts.append(comp.compress(chunk[:n]))
        left -= n
    parts.append(comp.flush())
    return b"".join(parts)


def file_id(ident: str) -> str:
    h = hashlib.md5(("portee-pdf-corpus:" + ident).encode()).hexdigest().upper()
    return f"[<{h}> <{h}>]"


def text_content(lines: list[str], extra_ops: str = "") -> bytes:
    """A page content stream: the first line as a 16 pt title, the rest at 11 pt, wrapped."""
    wrapped: list[str] = []
    for line in lines[1:]:
        wrapped += textwrap.wrap(line, 88) or [""]
    ops = ["BT", "/F1 16 Tf", "56 786 Td", pstr(lines[0]) + " Tj", "/F1 11 Tf", "0 -10 Td"]
    for line in wrapped:
        ops += ["0 -16 Td", pstr(line) + " Tj"]
    ops.append("ET")
    if extra_ops:
        ops.append(extra_ops)
    return ("\n".join(ops) + "\n").encode("ascii")


def info_dict(title: str, **more: str) -> str:
    entries = {"Title": title, "Producer": "Portée make-corpus.py", **more}
    body = " ".join(f"/{k} {ptext(v)}" for k, v in entries.items())
    return f"<< {body} /CreationDate ({PDF_DATE}) /ModDate ({PDF_DATE}) >>"


def startxref_of(data: bytes) -> int:
    return int(re.findall(rb"startxref\s+(\d+)", data)[-1])


def set_xref_entry(data: bytes, num: int, offset: int) -> bytes:
    """Rewrite (same width) the classic xref entry of object `num` of the last xref section."""
    xref_at = startxref_of(data)
    m = re.match(rb"xref\s+(\d+) (\d+)\s+", data[xref_at:])
    assert m and int(m[1]) == 0, "expects a single 0..n subsection"
    pos = xref_at + m.end() + 20 * num
    return data[:pos] + b"%010d 00000 n " % offset + data[pos + 19:]


# --------------------------------------------------------------------------------------------
# A tiny PDF writer
# --------------------------------------------------------------------------------------------

class Pdf:
    """Numbered objects, written in order with a classic xref table and a trailer."""

    def __init__(self, version: str = "1.4", eol: bytes = b"\n"):
        self.version = version
        self.eol = eol
        self.objs: dict[int, bytes] = {}
        self.count = 0

    def reserve(self) -> int:
        self.count += 1
        return self.count

    def add(self, body: str | bytes) -> int:
        n = self.reserve()
        self.objs[n] = b(body)
        return n

    def set(self, n: int, body: str | bytes) -> None:
        self.objs[n] = b(body)

    def stream(self, entries: str, data: bytes, flate: bool = False) -> bytes:
        return stream(entries, data, flate, self.eol)

    def header(self, comment: bytes = b"") -> bytearray:
        e = self.eol
        return bytearray(b"%PDF-" + b(self.version) + e + b"%\xe2\xe3\xcf\xd3" + e + comment)

    def obj_bytes(self, n: int) -> bytes:
        e = self.eol
        return b"%d 0 obj" % n + e + self.objs[n] + e + b"endobj" + e

    def serialize(self, root: int, *, ident: str, info: int | None = None,
                  entry_eol: bytes | None = None, comment: bytes = b"") -> bytes:
        e = self.eol
        entry_eol = entry_eol if entry_eol is not None else (b"\r\n" if e == b"\r\n" else b" \n")
        out = self.header(comment)
        offsets: dict[int, int] = {}
        for n in sorted(self.objs):
            offsets[n] = len(out)
            out += self.obj_bytes(n)
        xref_at = len(out)
        size = self.count + 1
        out += b"xref" + e + b"0 %d" % size + e
        for n in range(size):
            if n in offsets:
                out += b"%010d 00000 n" % offsets[n] + entry_eol
            else:
                out += b"0000000000 65535 f" + entry_eol
        trailer = f"<< /Size {size} /Root {root} 0 R"
        if info:
            trailer += f" /Info {info} 0 R"
        trailer += f" /ID {file_id(ident)} >>"
        out += b"trailer" + e + b(trailer) + e + b"startxref" + e + b"%d" % xref_at + e + b"%%EOF" + e
        return bytes(out)

    def serialize_compressed(self, root: int, members: set[int], *, ident: str,
                             info: int | None = None, hybrid: bool = False,
                             pad_zeros: int = 0) -> bytes:
        """Objects in `members` go into one object stream (optionally padded with `pad_zeros`
        NUL bytes, which are PDF whitespace); cross-reference data as an xref stream, or in
        `hybrid` mode as a classic table (which does not list the members) plus an /XRefStm."""
        e = self.eol
        members_sorted = sorted(members)
        stm_num = self.count + 1
        xref_num = self.count + 2
        size = self.count + 3
        head_parts, bodies, pos = [], [], 0
        for n in members_sorted:
            body = self.objs[n] + b"\n"
            head_parts.append(f"{n} {pos}")
            bodies.append(body)
            pos += len(body)
        head = b(" ".join(head_parts)) + b"\n"
        data = flate_zeros(head + b"".join(bodies), pad_zeros)
        stm_body = (b(f"<< /Type /ObjStm /N {len(members_sorted)} /First {len(head)} "
                      f"/Filter /FlateDecode /Length {len(data)} >>") + e + b"stream" + e + data
                    + e + b"endstream")

        out = self.header()
        offsets: dict[int, int] = {}
        for n in sorted(self.objs):
            if n in members:
                continue
            offsets[n] = len(out)
            out += self.obj_bytes(n)
        offsets[stm_num] = len(out)
        out += b"%d 0 obj" % stm_num + e + stm_body + e + b"endobj" + e
        xref_at = len(out)

        def row(kind: int, f2: int, f3: int) -> bytes:
            return struct.pack(">BIH", kind, f2, f3)

        if hybrid:
            index = " ".join(f"{n} 1" for n in members_sorted)
            rows = b"".join(row(2, stm_num, i) for i, _ in enumerate(members_sorted))
            packed = zlib.compress(rows, 9)
            out += b(f"{xref_num} 0 obj") + e + b(
                f"<< /Type /XRef /Size {size} /W [1 4 2] /Index [{index}] "
                f"/Filter /FlateDecode /Length {len(packed)} >>") + e + b"stream" + e + packed + e \
                + b"endstream" + e + b"endobj" + e
            offsets[xref_num] = xref_at
            table_at = len(out)
            out += b"xref" + e
            n = 0
            while n < size:  # contiguous runs of numbers that are not members
                if n in members:
                    n += 1
                    continue
                start = n
                while n < size and n not in members:
                    n += 1
                out += b"%d %d" % (start, n - start) + e
                for k in range(start, n):
                    if k in offsets:
                        out += b"%010d 00000 n \n" % offsets[k]
                    else:
                        out += b"0000000000 65535 f \n"
            trailer = f"<< /Size {size} /Root {root} 0 R"
            if info:
                trailer += f" /Info {info} 0 R"
            trailer += f" /ID {file_id(ident)} /XRefStm {xref_at} >>"
            out += b"trailer" + e + b(trailer) + e + b"startxref" + e + b"%d" % table_at + e
            out += b"%%EOF" + e
            return bytes(out)

        offsets[xref_num] = xref_at
        rows = []
        for n in range(size):
            if n in offsets:
                rows.append(row(1, offsets[n], 0))
            elif n in members:
                rows.append(row(2, stm_num, members_sorted.index(n)))
            else:
                rows.append(row(0, 0, 65535 if n == 0 else 0))
        packed = zlib.compress(b"".join(rows), 9)
        extra = f" /Info {info} 0 R" if info else ""
        out += b(f"{xref_num} 0 obj") + e + b(
            f"<< /Type /XRef /Size {size} /W [1 4 2] /Root {root} 0 R{extra} /ID {file_id(ident)} "
            f"/Filter /FlateDecode /Length {len(packed)} >>") + e + b"stream" + e + packed + e \
            + b"endstream" + e + b"endobj" + e
        out += b"startxref" + e + b"%d" % xref_at + e + b"%%EOF" + e
        return bytes(out)


class Doc(Pdf):
    """A small document: catalog, page tree, Helvetica, then one page + content per page.

    Before bytes() is called, add objects and fill catalog_extra / page_extra / annots /
    resources / extra_ops to attach them."""

    def __init__(self, lines: list[str], pages: int = 1, version: str = "1.4",
                 eol: bytes = b"\n", fanout: int = 0):
        super().__init__(version, eol)
        self.lines = lines
        self.catalog = self.reserve()
        self.pages = self.reserve()
        self.font = self.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                             "/Encoding /WinAnsiEncoding >>")
        self.fanout = fanout
        self.catalog_extra: list[str] = []
        self.page_ids: list[int] = []
        self.contents: list[int] = []
        self.page_extra: list[list[str]] = []
        self.annots: list[list[str]] = []
        self.resources: list[list[str]] = []
        self.extra_ops: list[str] = []
        self.content_body: dict[int, bytes] = {}  # page index -> full stream body override
        for _ in range(pages):
            self.page_ids.append(self.reserve())
            self.contents.append(self.reserve())
            self.page_extra.append([])
            self.annots.append([])
            self.resources.append([])
            self.extra_ops.append("")
        self._finished = False

    def page_lines(self, i: int) -> list[str]:
        n = len(self.page_ids)
        return self.lines if n == 1 else [*self.lines, f"Page {i + 1} of {n}."]

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        parent: dict[int, int] = {}
        level = [(pid, 1) for pid in self.page_ids]
        nodes: dict[int, list[tuple[int, int]]] = {}
        if self.fanout:
            while len(level) > self.fanout:
                nxt = []
                for k in range(0, len(level), self.fanout):
                    group = level[k:k + self.fanout]
                    nid = self.reserve()
                    nodes[nid] = group
                    for kid, _ in group:
                        parent[kid] = nid
                    nxt.append((nid, sum(c for _, c in group)))
                level = nxt
        for kid, _ in level:
            parent[kid] = self.pages

        def kids(group: list[tuple[int, int]]) -> str:
            return " ".join(f"{k} 0 R" for k, _ in group)

        total = sum(c for _, c in level)
        self.set(self.pages, f"<< /Type /Pages /Kids [{kids(level)}] /Count {total} >>")
        for nid, group in nodes.items():
            self.set(nid, f"<< /Type /Pages /Parent {parent[nid]} 0 R /Kids [{kids(group)}] "
                          f"/Count {sum(c for _, c in group)} >>")
        for i, pid in enumerate(self.page_ids):
            res = " ".join([f"/Font << /F1 {self.font} 0 R >>", *self.resources[i]])
            body = (f"<< /Type /Page /Parent {parent[pid]} 0 R /MediaBox [0 0 595 842] "
                    f"/Resources << {res} >> /Contents {self.contents[i]} 0 R")
            if self.annots[i]:
                body += " /Annots [" + " ".join(self.annots[i]) + "]"
            for extra in self.page_extra[i]:
                body += " " + extra
            self.set(pid, body + " >>")
            if i in self.content_body:
                self.set(self.contents[i], self.content_body[i])
            else:
                self.set(self.contents[i],
                         self.stream("", text_content(self.page_lines(i), self.extra_ops[i])))
        self.set(self.catalog, " ".join(
            ["<< /Type /Catalog", f"/Pages {self.pages} 0 R", *self.catalog_extra, ">>"]))

    def bytes(self, ident: str, title: str | None = None, **kw) -> bytes:
        self.finish()
        info = self.add(info_dict(title or ident)) if title is not None else None
        return self.serialize(self.catalog, ident=ident, info=info, **kw)


def action_js(tag: str) -> str:
    script = 'app.alert("portee corpus: ' + tag + '");'
    return f"<< /Type /Action /S /JavaScript /JS {pstr(script)} >>"


def corpus_lines(path: str, *lines: str) -> list[str]:
    return [f"Portée PDF test corpus: {path}", *lines]


def hostile(path: str, threat: str, *more: str, **kw) -> Doc:
    return Doc(corpus_lines(path, f"Threat: {threat}",
                            "Deliberately unsafe test file; any script in it only shows an alert.",
                            *more), **kw)


def link(rect: str, action: str) -> str:
    return f"<< /Type /Annot /Subtype /Link /Rect [{rect}] /Border [0 0 1] /A {action} >>"


# --------------------------------------------------------------------------------------------
# External tools
# --------------------------------------------------------------------------------------------

class Ctx:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.built: dict[str, bytes] = {}
        self.counter = 0

    def path(self, suffix: str = ".pdf") -> Path:
        self.counter += 1
        return self.tmp / f"f{self.counter}{suffix}"

    def file(self, data: bytes, suffix: str = ".pdf") -> Path:
        p = self.path(suffix)
        p.write_bytes(data)
        return p

    def run(self, *args: str | Path, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        r = subprocess.run([str(a) for a in args], env=ENV, capture_output=True)
        if r.returncode not in ok:
            raise RuntimeError(f"{args[0]} failed ({r.returncode}): "
                               f"{(r.stdout + r.stderr).decode(errors='replace')[-2000:]}")
        return r

    def qpdf(self, src: bytes, *args: str) -> bytes:
        out = self.path()
        self.run("qpdf", *args, self.file(src), out)
        return out.read_bytes()

    def plaintext(self, data: bytes, password: str) -> bytes:
        out = self.path()
        self.run("qpdf", "--static-id", f"--password={password}", "--decrypt", self.file(data), out)
        shown = self.run("qpdf", f"--password={password}", "--show-encryption",
                         self.file(data)).stdout
        return out.read_bytes() + b"\n--\n" + shown

    def encrypt_r6(self, path: str, src: bytes, user: str, owner: str, *extra: str) -> bytes:
        """qpdf AES-256: salts are random; keep the existing file if it is equivalent."""
        new = self.qpdf(src, "--static-id", "--static-aes-iv",
                        "--encrypt", user, owner, "256", "--", *extra)
        old_path = ROOT / path
        if old_path.exists():
            old = old_path.read_bytes()
            try:
                if self.plaintext(old, user) == self.plaintext(new, user):
                    return old
            except RuntimeError:
                pass
        return new

    def encrypt_rc4(self, src: bytes, user: str, owner: str, *extra: str) -> bytes:
        return self.qpdf(src, "--static-id", "--allow-weak-crypto",
                         "--encrypt", user, owner, "128", "--use-aes=n", "--", *extra)


def fix_dates(data: bytes) -> bytes:
    """Same-length rewrite of D:YYYYMMDDHHmmSS dates (keeps every offset valid)."""
    return re.sub(rb"D:\d{14}", b(PDF_DATE[:16]), data)


def ghostscript_pdf(ctx: Ctx, ps: str) -> bytes:
    out = ctx.path()
    src = ctx.file(ps.encode("ascii"), ".ps")
    ctx.run("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", f"-sFONTPATH={DEJAVU_DIR}",
            "-sDEVICE=pdfwrite", "-dCompatibilityLevel=1.7", "-dOmitInfoDate", "-dOmitID",
            "-dOmitXMP", "-o", out, src)
    return out.read_bytes()


_CMAP: dict[int, int] = {}


def dejavu_cmap() -> dict[int, int]:
    """Unicode -> glyph index of DejaVu Sans, from the font's (3,1) format 4 cmap subtable."""
    if _CMAP:
        return _CMAP
    data = Path(DEJAVU_DIR, "DejaVuSans.ttf").read_bytes()
    tables = {}
    for i in range(struct.unpack(">H", data[4:6])[0]):
        rec = data[12 + 16 * i:28 + 16 * i]
        tables[rec[:4]] = struct.unpack(">I", rec[8:12])[0]
    cmap = tables[b"cmap"]
    for i in range(struct.unpack(">H", data[cmap + 2:cmap + 4])[0]):
        pid, eid, sub = struct.unpack(">HHI", data[cmap + 4 + 8 * i:cmap + 12 + 8 * i])
        if (pid, eid) == (3, 1):
            t = cmap + sub
            break
    else:
        raise RuntimeError("DejaVuSans.ttf has no (3,1) cmap")
    assert struct.unpack(">H", data[t:t + 2])[0] == 4
    seg2 = struct.unpack(">H", data[t + 6:t + 8])[0]
    seg = seg2 // 2
    ends = struct.unpack(f">{seg}H", data[t + 14:t + 14 + seg2])
    starts = struct.unpack(f">{seg}H", data[t + 16 + seg2:t + 16 + 2 * seg2])
    deltas = struct.unpack(f">{seg}h", data[t + 16 + 2 * seg2:t + 16 + 3 * seg2])
    ro_at = t + 16 + 3 * seg2
    range_offsets = struct.unpack(f">{seg}H", data[ro_at:ro_at + seg2])
    for k in range(seg):
        for c in range(starts[k], min(ends[k], 0xFFFE) + 1):
            if range_offsets[k] == 0:
                g = (c + deltas[k]) & 0xFFFF
            else:
                at = ro_at + 2 * k + range_offsets[k] + 2 * (c - starts[k])
                g = struct.unpack(">H", data[at:at + 2])[0]
                g = (g + deltas[k]) & 0xFFFF if g else 0
            if g:
                _CMAP[c] = g
    return _CMAP


def ps_show(text: str) -> str:
    """PostScript drawing `text` with DejaVu Sans glyph by glyph, by glyph index (`g`, defined
    in the prologue, turns an index into the font's glyph name): any Unicode the font covers."""
    cmap = dejavu_cmap()
    return " ".join(f"{cmap[ord(ch)]} g" for ch in text)


def ps_page(lines: list[str]) -> str:
    out = ["/DejaVuSans findfont 18 scalefont setfont", f"56 780 moveto {ps_show(lines[0])}",
           "/DejaVuSans findfont 12 scalefont setfont"]
    y = 750
    for line in lines[1:]:
        for part in textwrap.wrap(line, 72) or [""]:
            out.append(f"56 {y} moveto {ps_show(part)}")
            y -= 18
    out.append("showpage")
    return "\n".join(out)


def ps_document(pages: list[list[str]], title: str) -> str:
    return "\n".join([
        "%!PS-Adobe-3.0",
        "<< /PageSize [595 842] >> setpagedevice",
        "/G2N /DejaVuSans findfont /CharStrings get length dict def",
        "/DejaVuSans findfont /CharStrings get { G2N 3 1 roll exch put } forall",
        "/g { G2N exch get glyphshow } def",
        f"[ /Title {ptext(title)} /Author (Portee make-corpus.py) /Creator (make-corpus.py) "
        "/DOCINFO pdfmark",
        *[ps_page(p) for p in pages],
    ]) + "\n"


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------

@dataclass
class Entry:
    path: str
    verdict: str
    reason: str
    description: str
    build: Callable[[Ctx], bytes]
    # For --check: the readers that must open an accepted file ("qpdf", "poppler", "gs").
    readers: tuple[str, ...]


ENTRIES: list[Entry] = []


def corpus(path: str, verdict: str, reason: str, description: str,
           readers: tuple[str, ...] = ("qpdf", "poppler")):
    assert verdict in ("accept", "refuse") and reason in REASONS, path
    assert (verdict == "accept") == (reason == "ok"), path
    assert "\t" not in description and "\n" not in description, path

    def deco(fn: Callable[[Ctx], bytes]) -> Callable[[Ctx], bytes]:
        ENTRIES.append(Entry(path, verdict, reason, description, fn, readers))
        return fn
    return deco


FRENCH = [
    "Conservatoire à rayonnement régional — dossier d'inscription",
    "Élève : Zoé Lefèvre-Nguyễn, 14 ans, classe de violoncelle (cycle 2).",
    "Professeure référente : Mme Hélène Dubœuf. Tarif annuel : 312,50 €.",
    "Ça déçoit ? Non ! « Œuvres au programme » : Saint-Saëns, Fauré, Dvořák.",
    "Ελληνικά: Καλημέρα. Русский: Здравствуйте. Symboles : ♪ ♫ ½ ‰ ‹ › † ‡ …",
]


# ---- valid/ ---------------------------------------------------------------------------------

@corpus("valid/ghostscript-unicode-1.7.pdf", "accept", "ok",
        "Ghostscript 10 pdfwrite, PDF 1.7, from a PostScript file drawing French, Greek and "
        "Cyrillic text with embedded DejaVu Sans subsets and ToUnicode maps (pdftotext extracts "
        "the Unicode text); Info title in UTF-16")
def _(ctx: Ctx) -> bytes:
    return ghostscript_pdf(ctx, ps_document([["Portée — corpus PDF", *FRENCH]],
                                            "Dossier d'inscription — Zoé Lefèvre"))


@corpus("valid/ghostscript-multipage-12.pdf", "accept", "ok",
        "Ghostscript pdfwrite, 12 pages of text, PDF 1.7")
def _(ctx: Ctx) -> bytes:
    pages = [[f"Partition {i + 1} / 12", f"Étude n° {i + 1} pour violoncelle seul.",
              FRENCH[i % len(FRENCH)]] for i in range(12)]
    return ghostscript_pdf(ctx, ps_document(pages, "Recueil d'études (12 pages)"))


@corpus("valid/pdftocairo-reoutput.pdf", "accept", "ok",
        "valid/ghostscript-unicode-1.7.pdf rewritten by poppler's pdftocairo -pdf (cairo 1.16 "
        "producer, PDF 1.5, fonts re-embedded), CreationDate fixed afterwards")
def _(ctx: Ctx) -> bytes:
    out = ctx.path()
    ctx.run("pdftocairo", "-pdf", ctx.file(ctx.built["valid/ghostscript-unicode-1.7.pdf"]), out)
    return fix_dates(out.read_bytes())


@corpus("valid/imagemagick-scan.pdf", "accept", "ok",
        "ImageMagick convert: a fake grey scan of a letter (A4 at 100 dpi, slightly rotated, "
        "Gaussian noise, JPEG-compressed image, no text layer) written with the EPDF coder")
def _(ctx: Ctx) -> bytes:
    # Debian's ImageMagick policy forbids the PDF coder; EPDF is the same writer under
    # another name and is not covered by that policy line.
    out = ctx.path()
    lines = [
        (34, 120, "Conservatoire de Portée"),
        (20, 180, "Attestation d'inscription — année 2024-2025"),
        (16, 260, "Nous certifions que l'élève Zoé Lefèvre est inscrite"),
        (16, 290, "en classe de violoncelle, cycle 2, pour l'année scolaire."),
        (16, 340, "Cours : mercredi 14 h – 15 h, salle Fauré."),
        (16, 420, "Fait à Portée, le 1er septembre 2024."),
        (16, 470, "La directrice,"),
    ]
    args: list[str] = ["convert", "-seed", "20240901", "-size", "827x1169", "xc:white",
                       "-font", "DejaVu-Sans", "-fill", "#222222"]
    for size, y, text in lines:
        args += ["-pointsize", str(size), "-annotate", f"+90+{y}", text]
    args += ["-stroke", "#333333", "-strokewidth", "2", "-fill", "none",
             "-draw", "bezier 520,500 560,460 600,540 660,480",
             "-background", "white", "-rotate", "0.6", "-gravity", "center",
             "-extent", "827x1169", "-attenuate", "0.4", "+noise", "Gaussian",
             "-colorspace", "Gray", "-alpha", "off", "-units", "PixelsPerInch", "-density", "100",
             "-compress", "jpeg", "-quality", "35", f"EPDF:{out}"]
    ctx.run(*args)
    return out.read_bytes()


@corpus("valid/minimal-handwritten-1.4.pdf", "accept", "ok",
        "Hand-written PDF 1.4: one A4 page of Helvetica text, uncompressed content, exact xref "
        "table, Info dictionary")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/minimal-handwritten-1.4.pdf",
                         "Bonjour. This is a minimal, hand-written PDF 1.4 file.",
                         "Élève : Zoé. Tarif : 120 €."))
    return d.bytes("valid/minimal-handwritten-1.4.pdf", title="Minimal hand-written PDF")


@corpus("valid/handwritten-crlf.pdf", "accept", "ok",
        "Hand-written PDF 1.4 with CRLF line ends everywhere, including the 20-byte xref entries")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/handwritten-crlf.pdf", "Every line of this file ends in CR LF."),
            eol=b"\r\n")
    return d.bytes("valid/handwritten-crlf.pdf", title="CRLF file")


@corpus("valid/handwritten-pdf-2.0.pdf", "accept", "ok",
        "Hand-written file with a %PDF-2.0 header, no Info dictionary")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/handwritten-pdf-2.0.pdf", "A PDF 2.0 header."), version="2.0")
    return d.bytes("valid/handwritten-pdf-2.0.pdf")


@corpus("valid/qpdf-compress-streams.pdf", "accept", "ok",
        "valid/minimal-handwritten-1.4.pdf through qpdf --compress-streams=y (Flate content)")
def _(ctx: Ctx) -> bytes:
    return ctx.qpdf(ctx.built["valid/minimal-handwritten-1.4.pdf"], "--deterministic-id",
                    "--compress-streams=y")


@corpus("valid/qpdf-object-streams.pdf", "accept", "ok",
        "valid/ghostscript-multipage-12.pdf through qpdf --object-streams=generate (objects in "
        "compressed object streams, xref stream)")
def _(ctx: Ctx) -> bytes:
    return ctx.qpdf(ctx.built["valid/ghostscript-multipage-12.pdf"], "--deterministic-id",
                    "--object-streams=generate")


@corpus("valid/qpdf-qdf.pdf", "accept", "ok",
        "valid/ghostscript-unicode-1.7.pdf through qpdf --qdf (uncompressed, annotated QDF form)")
def _(ctx: Ctx) -> bytes:
    return ctx.qpdf(ctx.built["valid/ghostscript-unicode-1.7.pdf"], "--deterministic-id", "--qdf")


@corpus("valid/qpdf-linearized.pdf", "accept", "ok",
        "valid/ghostscript-multipage-12.pdf through qpdf --linearize (web-optimised: hint "
        "stream, first-page xref)")
def _(ctx: Ctx) -> bytes:
    return ctx.qpdf(ctx.built["valid/ghostscript-multipage-12.pdf"], "--deterministic-id",
                    "--linearize")


@corpus("valid/pages-50.pdf", "accept", "ok",
        "Exactly 50 pages (the limit), flat page tree")
def _(ctx: Ctx) -> bytes:
    return Doc(corpus_lines("valid/pages-50.pdf", "Fifty pages: exactly the limit."),
               pages=50).bytes("valid/pages-50.pdf")


@corpus("valid/pages-50-nested-tree.pdf", "accept", "ok",
        "Exactly 50 pages in a page tree three levels deep (intermediate /Pages nodes of 4 kids)")
def _(ctx: Ctx) -> bytes:
    return Doc(corpus_lines("valid/pages-50-nested-tree.pdf", "Fifty pages, nested page tree."),
               pages=50, fanout=4).bytes("valid/pages-50-nested-tree.pdf")


@corpus("valid/uri-link.pdf", "accept", "ok",
        "A plain clickable Link annotation with /A << /S /URI /URI (https://example.org/) >>: "
        "needs a click, so accepted")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/uri-link.pdf", "Click the box below to visit https://example.org/"))
    d.annots[0].append(link("56 700 300 720", "<< /S /URI /URI (https://example.org/) >>"))
    return d.bytes("valid/uri-link.pdf")


@corpus("valid/openaction-destination.pdf", "accept", "ok",
        "3 pages; /OpenAction is a plain destination array [page-3 /Fit]: only navigation")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/openaction-destination.pdf", "Opens at page 3."), pages=3)
    d.catalog_extra.append(f"/OpenAction [{d.page_ids[2]} 0 R /Fit]")
    return d.bytes("valid/openaction-destination.pdf")


@corpus("valid/openaction-goto-local.pdf", "accept", "ok",
        "3 pages; /OpenAction << /S /GoTo /D [page-2 /XYZ 0 842 null] >>: a GoTo to a local "
        "destination, only navigation")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/openaction-goto-local.pdf", "Opens at page 2."), pages=3)
    d.catalog_extra.append(f"/OpenAction << /S /GoTo /D [{d.page_ids[1]} 0 R /XYZ 0 842 null] >>")
    return d.bytes("valid/openaction-goto-local.pdf")


@corpus("valid/openaction-goto-named-dest.pdf", "accept", "ok",
        "3 pages; /OpenAction is a GoTo to a named destination (chapitre-2) from the /Dests name "
        "tree: only navigation")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/openaction-goto-named-dest.pdf", "Opens at (chapitre-2)."),
            pages=3)
    d.catalog_extra += [
        f"/Names << /Dests << /Names [(chapitre-2) [{d.page_ids[1]} 0 R /Fit]] >> >>",
        "/OpenAction << /S /GoTo /D (chapitre-2) >>"]
    return d.bytes("valid/openaction-goto-named-dest.pdf")


@corpus("valid/outline-and-internal-links.pdf", "accept", "ok",
        "3 pages with bookmarks (/Dest and /A GoTo) and a Link annotation with /Dest: internal "
        "navigation only")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/outline-and-internal-links.pdf", "Bookmarks and internal links."),
            pages=3)
    outlines, first, second = d.reserve(), d.reserve(), d.reserve()
    d.set(outlines, f"<< /Type /Outlines /First {first} 0 R /Last {second} 0 R /Count 2 >>")
    d.set(first, f"<< /Title (Chapitre 1) /Parent {outlines} 0 R /Next {second} 0 R "
                 f"/Dest [{d.page_ids[0]} 0 R /Fit] >>")
    d.set(second, f"<< /Title (Chapitre 2) /Parent {outlines} 0 R /Prev {first} 0 R "
                  f"/A << /S /GoTo /D [{d.page_ids[2]} 0 R /Fit] >> >>")
    d.catalog_extra += [f"/Outlines {outlines} 0 R", "/PageMode /UseOutlines"]
    d.annots[0].append(f"<< /Type /Annot /Subtype /Link /Rect [56 700 300 720] /Border [0 0 1] "
                       f"/Dest [{d.page_ids[2]} 0 R /Fit] >>")
    return d.bytes("valid/outline-and-internal-links.pdf")


@corpus("valid/acroform-plain-fields.pdf", "accept", "ok",
        "An AcroForm with a text field and a check box, no actions, no XFA")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/acroform-plain-fields.pdf", "Nom :", "", "Inscrit(e) :"))
    page = d.page_ids[0]
    name = d.add(f"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nom) /V (Dupont) "
                 f"/Rect [100 730 300 748] /P {page} 0 R /F 4 /DA (/Helv 11 Tf 0 g) >>")
    box = d.add(f"<< /Type /Annot /Subtype /Widget /FT /Btn /T (inscrit) /V /Off /AS /Off "
                f"/Rect [130 698 144 712] /P {page} 0 R /F 4 /MK << /CA (4) >> "
                f"/DA (/ZaDb 10 Tf 0 g) >>")
    d.annots[0] += [f"{name} 0 R", f"{box} 0 R"]
    d.catalog_extra.append(
        f"/AcroForm << /Fields [{name} 0 R {box} 0 R] /NeedAppearances true "
        f"/DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv {d.font} 0 R >> >> >>")
    return d.bytes("valid/acroform-plain-fields.pdf")


@corpus("valid/text-mentions-threat-words.pdf", "accept", "ok",
        "False-positive trap: the words /JavaScript /OpenAction /Launch /EmbeddedFiles /XFA etc. "
        "appear only as page text, in the Info title/keywords and in a comment; no active content")
def _(ctx: Ctx) -> bytes:
    words = ("/JavaScript /JS /OpenAction /AA /Launch /SubmitForm /ImportData /GoToR /GoToE "
             "/EmbeddedFiles /EmbeddedFile /XFA /RichMedia /FS /URL")
    d = Doc(corpus_lines("valid/text-mentions-threat-words.pdf",
                         "A course handout about PDF security. It names, but does not use:",
                         words, "Example: << /S /JavaScript /JS (app.alert(1)) >>"))
    d.finish()
    info = d.add(info_dict("JavaScript, /Launch and /OpenAction explained",
                           Keywords=words, Subject="<< /S /JavaScript /JS (app.alert(1)) >>"))
    return d.serialize(d.catalog, ident="valid/text-mentions-threat-words.pdf", info=info,
                       comment=b"% /OpenAction << /S /JavaScript /JS (app.alert(1)) >> "
                               b"/Names << /EmbeddedFiles [] >>\n")


@corpus("valid/harmless-incremental-update.pdf", "accept", "ok",
        "A valid file plus an appended incremental update (second xref section, trailer /Prev) "
        "that only changes the Info title and adds a second page")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("valid/harmless-incremental-update.pdf", "Original revision."))
    base = d.bytes("valid/harmless-incremental-update.pdf", title="Revision 1")
    page, content = d.count + 1, d.count + 2
    info = d.count + 3
    objs = {
        d.pages: f"<< /Type /Pages /Kids [{d.page_ids[0]} 0 R {page} 0 R] /Count 2 >>",
        page: f"<< /Type /Page /Parent {d.pages} 0 R /MediaBox [0 0 595 842] "
              f"/Resources << /Font << /F1 {d.font} 0 R >> >> /Contents {content} 0 R >>",
        content: stream("", text_content(["Page added by an incremental update."])),
        info: info_dict("Revision 2"),
    }
    return append_update(base, objs, root=d.catalog, size=info + 1,
                         ident="valid/harmless-incremental-update.pdf", info=info)


@corpus("valid/encrypted-empty-user-aes256.pdf", "accept", "ok",
        "qpdf --encrypt \"\" owner 256: AES-256 (R6) with an EMPTY user password (opens without "
        "asking) and owner password 'owner'; source valid/minimal-handwritten-1.4.pdf")
def _(ctx: Ctx) -> bytes:
    return ctx.encrypt_r6("valid/encrypted-empty-user-aes256.pdf",
                          ctx.built["valid/minimal-handwritten-1.4.pdf"], "", "owner")


@corpus("valid/encrypted-empty-user-rc4-128.pdf", "accept", "ok",
        "qpdf --encrypt \"\" owner 128 --use-aes=n: RC4 128-bit (R3) with an EMPTY user password "
        "and owner password 'owner' (qpdf needs --allow-weak-crypto to write it)")
def _(ctx: Ctx) -> bytes:
    return ctx.encrypt_rc4(ctx.built["valid/ghostscript-unicode-1.7.pdf"], "", "owner")


def append_update(base: bytes, objs: dict[int, str | bytes], *, root: int, size: int,
                  ident: str, info: int | None = None) -> bytes:
    """An incremental update: new/replaced objects, one xref section, trailer with /Prev."""
    prev = startxref_of(base)
    out = bytearray(base)
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + b(objs[n]) + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n"
    for n in sorted(objs):
        out += b"%d 1\n%010d 00000 n \n" % (n, offsets[n])
    trailer = f"<< /Size {size} /Root {root} 0 R /Prev {prev}"
    if info:
        trailer += f" /Info {info} 0 R"
    out += b("trailer\n" + trailer + f" /ID {file_id(ident)} >>\nstartxref\n{xref_at}\n%%EOF\n")
    return bytes(out)


# ---- damaged/ -------------------------------------------------------------------------------

def damaged_base(path: str, note: str) -> bytes:
    d = Doc(corpus_lines(path, note, "The damage is in the file structure, not in this text."),
            pages=2)
    return d.bytes(path, title=path)


@corpus("damaged/xref-offsets-shifted.pdf", "accept", "ok",
        "Every xref offset is 7 bytes too large; qpdf --check warns and reconstructs (exit 3), "
        "poppler reconstructs silently and pdftotext reads it")
def _(ctx: Ctx) -> bytes:
    data = damaged_base("damaged/xref-offsets-shifted.pdf", "All xref offsets are wrong by 7.")
    return re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m[1]) + 7), data)


@corpus("damaged/junk-before-header.pdf", "accept", "ok",
        "300 bytes of mail-gateway junk before %PDF- (xref offsets count from the header); "
        "qpdf --check is clean (exit 0), poppler reads it")
def _(ctx: Ctx) -> bytes:
    junk = ("Received: from mx.example.org (mx.example.org [192.0.2.25])\r\n"
            "X-Scanned-By: gateway 2.1\r\nContent-Type: application/pdf\r\n"
            "Content-Disposition: attachment; filename=\"inscription.pdf\"\r\n\r\n")
    junk = (junk + "#" * 300)[:298] + "\r\n"
    assert len(junk) == 300
    return junk.encode() + damaged_base("damaged/junk-before-header.pdf", "Junk before header.")


@corpus("damaged/missing-eof.pdf", "accept", "ok",
        "The final %%EOF marker is missing; qpdf --check is clean (exit 0), poppler reads it")
def _(ctx: Ctx) -> bytes:
    data = damaged_base("damaged/missing-eof.pdf", "No %%EOF at the end.")
    assert data.endswith(b"%%EOF\n")
    return data[:-6]


@corpus("damaged/no-final-eol.pdf", "accept", "ok",
        "Trailing whitespace truncated: the file ends with %%EOF and no end-of-line; qpdf "
        "--check is clean, poppler reads it")
def _(ctx: Ctx) -> bytes:
    return damaged_base("damaged/no-final-eol.pdf", "No newline after %%EOF.")[:-1]


@corpus("damaged/no-xref-table.pdf", "accept", "ok",
        "The xref table is removed (trailer and a now-wrong startxref kept); qpdf --check warns "
        "and reconstructs (exit 3), poppler reconstructs")
def _(ctx: Ctx) -> bytes:
    data = damaged_base("damaged/no-xref-table.pdf", "The xref table is missing.")
    start = startxref_of(data)
    end = data.index(b"trailer", start)
    return data[:start] + data[end:]


@corpus("damaged/truncated-before-xref.pdf", "accept", "ok",
        "Cut just before the xref: every object is there but no xref, no trailer, no "
        "startxref; ghostscript rebuilds it and shows both pages, but qpdf 11.3 and poppler 22.12 "
        "give up (no trailer dictionary)", readers=("gs",))
def _(ctx: Ctx) -> bytes:
    data = damaged_base("damaged/truncated-before-xref.pdf", "Truncated before the xref.")
    return data[:startxref_of(data)]


@corpus("damaged/startxref-wrong.pdf", "accept", "ok",
        "startxref points 40 bytes before the real xref; qpdf --check warns and reconstructs "
        "(exit 3), poppler reconstructs")
def _(ctx: Ctx) -> bytes:
    data = damaged_base("damaged/startxref-wrong.pdf", "startxref is wrong.")
    at = startxref_of(data)
    return data.replace(b"startxref\n%d\n" % at, b"startxref\n%d\n" % (at - 40))


@corpus("damaged/xref-19-byte-entries.pdf", "accept", "ok",
        "xref entries are 19 bytes (single LF, no space) instead of 20, a common producer bug; "
        "qpdf --check is clean (exit 0), poppler reads it")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("damaged/xref-19-byte-entries.pdf", "Short xref entries."), pages=2)
    return d.bytes("damaged/xref-19-byte-entries.pdf", title="19-byte xref entries",
                   entry_eol=b"\n")


@corpus("damaged/stream-length-wrong.pdf", "accept", "ok",
        "A content stream's /Length is a third of the real length; qpdf --check warns and "
        "recovers the stream by finding endstream (exit 3); poppler prints 'Missing endstream' "
        "but reads the whole text")
def _(ctx: Ctx) -> bytes:
    data = damaged_base("damaged/stream-length-wrong.pdf", "A /Length is wrong.")
    m = re.search(rb"/Length (\d+)", data)
    new = b"/Length %d" % (int(m[1]) // 3)
    new += b" " * (len(m[0]) - len(new))
    return data[:m.start()] + new + data[m.end():]


@corpus("damaged/empty.pdf", "refuse", "not-pdf", "An empty file (0 bytes)")
def _(ctx: Ctx) -> bytes:
    return b""


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + bytes((x * 4 + y * 2) & 0xFF for x in range(width))
                   for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0,
                                                              0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


@corpus("damaged/png-renamed.pdf", "refuse", "not-pdf", "A PNG image renamed to .pdf")
def _(ctx: Ctx) -> bytes:
    return png(64, 48)


@corpus("damaged/text-file.pdf", "refuse", "not-pdf", "A UTF-8 plain-text letter renamed to .pdf")
def _(ctx: Ctx) -> bytes:
    return ("Bonjour,\n\nVeuillez trouver ci-joint la partition demandée.\n"
            "(The PDF was never attached: this is a text file named .pdf.)\n\nCordialement,\n"
            "Hélène\n").encode()


@corpus("damaged/html-renamed.pdf", "refuse", "not-pdf",
        "An HTML login page saved as .pdf (a failed download)")
def _(ctx: Ctx) -> bytes:
    return (b"<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
            b"<title>Connexion</title></head>\n<body><form method=\"post\" action=\"/login\">"
            b"<input name=\"user\"><input type=\"password\" name=\"pw\"></form></body></html>\n")


@corpus("damaged/truncated-200-bytes.pdf", "refuse", "unparseable",
        "valid/minimal-handwritten-1.4.pdf cut to its first 200 bytes: no page content, no "
        "xref, no trailer")
def _(ctx: Ctx) -> bytes:
    return ctx.built["valid/minimal-handwritten-1.4.pdf"][:200]


@corpus("damaged/header-then-garbage.pdf", "refuse", "unparseable",
        "A %PDF-1.4 header followed by 4 KiB of seeded random bytes")
def _(ctx: Ctx) -> bytes:
    rnd = random.Random(1234)
    return b"%PDF-1.4\n" + bytes(rnd.randrange(256) for _ in range(4096))


@corpus("damaged/no-catalog.pdf", "refuse", "unparseable",
        "Page tree, page, content and font objects with a correct xref, but no /Catalog object "
        "anywhere and no /Root in the trailer")
def _(ctx: Ctx) -> bytes:
    d = Doc(corpus_lines("damaged/no-catalog.pdf", "There is no catalog."))
    d.finish()
    del d.objs[d.catalog]
    data = d.serialize(d.catalog, ident="damaged/no-catalog.pdf")
    return data.replace(b" /Root 1 0 R", b"")


@corpus("damaged/empty-page-tree.pdf", "refuse", "unparseable",
        "A well-formed catalog whose page tree is empty (/Kids [] /Count 0): no page to show")
def _(ctx: Ctx) -> bytes:
    p = Pdf("1.4")
    cat = p.add("<< /Type /Catalog /Pages 2 0 R >>")
    p.add("<< /Type /Pages /Kids [] /Count 0 >>")
    return p.serialize(cat, ident="damaged/empty-page-tree.pdf")


@corpus("damaged/pages-51.pdf", "refuse", "too-many-pages",
        "51 pages, one over the limit, flat page tree")
def _(ctx: Ctx) -> bytes:
    return Doc(corpus_lines("damaged/pages-51.pdf", "Fifty-one pages: one too many."),
               pages=51).bytes("damaged/pages-51.pdf")


@corpus("damaged/pages-51-nested-tree.pdf", "refuse", "too-many-pages",
        "51 pages in a page tree three levels deep (intermediate /Pages nodes of 4 kids)")
def _(ctx: Ctx) -> bytes:
    return Doc(corpus_lines("damaged/pages-51-nested-tree.pdf", "51 pages, nested page tree."),
               pages=51, fanout=4).bytes("damaged/pages-51-nested-tree.pdf")


@corpus("damaged/encrypted-user-password-aes256.pdf", "refuse", "encrypted-password",
        "qpdf --encrypt user-secret owner 256: AES-256 (R6), opens only with the user password "
        "'user-secret'")
def _(ctx: Ctx) -> bytes:
    return ctx.encrypt_r6("damaged/encrypted-user-password-aes256.pdf",
                          ctx.built["valid/minimal-handwritten-1.4.pdf"], "user-secret", "owner")


@corpus("damaged/encrypted-user-password-rc4-128.pdf", "refuse", "encrypted-password",
        "qpdf RC4 128-bit (R3), opens only with the user password 'user-secret'")
def _(ctx: Ctx) -> bytes:
    return ctx.encrypt_rc4(ctx.built["valid/minimal-handwritten-1.4.pdf"], "user-secret", "owner")


# ---- hostile/: JavaScript -------------------------------------------------------------------

@corpus("hostile/openaction-javascript.pdf", "refuse", "javascript",
        "Catalog /OpenAction << /S /JavaScript /JS (...) >> as a direct dictionary (also an "
        "auto-action)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/openaction-javascript.pdf"
    d = hostile(p, "JavaScript run on open (catalog /OpenAction).")
    d.catalog_extra.append(f"/OpenAction {action_js('openaction')}")
    return d.bytes(p)


@corpus("hostile/openaction-javascript-indirect.pdf", "refuse", "javascript",
        "/OpenAction N 0 R: the JavaScript action dictionary is an indirect object")
def _(ctx: Ctx) -> bytes:
    p = "hostile/openaction-javascript-indirect.pdf"
    d = hostile(p, "JavaScript run on open, action behind an indirect reference.")
    d.catalog_extra.append(f"/OpenAction {d.add(action_js('indirect'))} 0 R")
    return d.bytes(p)


@corpus("hostile/javascript-in-stream.pdf", "refuse", "javascript",
        "OpenAction JavaScript whose /JS value is an indirect Flate-compressed stream (the "
        "script text is not in the file's bytes)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/javascript-in-stream.pdf"
    d = hostile(p, "JavaScript in a compressed stream.")
    js = d.add(stream("", b"app.alert('portee corpus: js stream');", flate=True))
    d.catalog_extra.append(f"/OpenAction << /S /JavaScript /JS {js} 0 R >>")
    return d.bytes(p)


@corpus("hostile/javascript-hex-utf16.pdf", "refuse", "javascript",
        "OpenAction JavaScript whose /JS is a UTF-16BE hex string (no readable script text)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/javascript-hex-utf16.pdf"
    d = hostile(p, "JavaScript as a UTF-16 hex string.")
    hexjs = "FEFF" + "app.alert('portee corpus: utf16');".encode("utf-16-be").hex().upper()
    d.catalog_extra.append(f"/OpenAction << /S /JavaScript /JS <{hexjs}> >>")
    return d.bytes(p)


@corpus("hostile/names-javascript.pdf", "refuse", "javascript",
        "Document-level JavaScript: catalog /Names << /JavaScript name tree >> (runs on open)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/names-javascript.pdf"
    d = hostile(p, "Document-level JavaScript in the /Names /JavaScript name tree.")
    act = d.add(action_js("names"))
    tree = d.add(f"<< /Names [(corpus-init) {act} 0 R] >>")
    d.catalog_extra.append(f"/Names << /JavaScript {tree} 0 R >>")
    return d.bytes(p)


@corpus("hostile/names-javascript-kids.pdf", "refuse", "javascript",
        "Document-level JavaScript one level down a name tree: /JavaScript root node has only "
        "/Kids, the leaf has /Limits and /Names")
def _(ctx: Ctx) -> bytes:
    p = "hostile/names-javascript-kids.pdf"
    d = hostile(p, "Document-level JavaScript in a name-tree leaf under /Kids.")
    act = d.add(action_js("names kids"))
    leaf = d.add(f"<< /Limits [(a-first) (z-last)] /Names [(m-init) {act} 0 R] >>")
    tree = d.add(f"<< /Kids [{leaf} 0 R] >>")
    d.catalog_extra.append(f"/Names << /JavaScript {tree} 0 R >>")
    return d.bytes(p)


@corpus("hostile/page-aa-open-javascript.pdf", "refuse", "javascript",
        "Page additional-actions /AA << /O JavaScript >>: runs when the page opens")
def _(ctx: Ctx) -> bytes:
    p = "hostile/page-aa-open-javascript.pdf"
    d = hostile(p, "Page /AA /O (page open) JavaScript.")
    d.page_extra[0].append(f"/AA << /O {action_js('page open')} >>")
    return d.bytes(p)


@corpus("hostile/annot-aa-focus-javascript.pdf", "refuse", "javascript",
        "A text-field widget annotation with /AA << /Fo JavaScript >> (runs on focus)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/annot-aa-focus-javascript.pdf"
    d = hostile(p, "Widget annotation /AA /Fo (focus) JavaScript.", "Nom :")
    w = d.add(f"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nom) /Rect [100 700 300 718] "
              f"/P {d.page_ids[0]} 0 R /F 4 /DA (/Helv 11 Tf 0 g) "
              f"/AA << /Fo {action_js('focus')} >> >>")
    d.annots[0].append(f"{w} 0 R")
    d.catalog_extra.append(f"/AcroForm << /Fields [{w} 0 R] /NeedAppearances true "
                           f"/DR << /Font << /Helv {d.font} 0 R >> >> >>")
    return d.bytes(p)


@corpus("hostile/link-javascript.pdf", "refuse", "javascript",
        "A Link annotation whose click action is JavaScript")
def _(ctx: Ctx) -> bytes:
    p = "hostile/link-javascript.pdf"
    d = hostile(p, "JavaScript behind a link click.")
    d.annots[0].append(link("56 650 300 670", action_js("link")))
    return d.bytes(p)


@corpus("hostile/openaction-goto-next-javascript.pdf", "refuse", "javascript",
        "A harmless-looking /OpenAction GoTo whose /Next chains to a JavaScript action")
def _(ctx: Ctx) -> bytes:
    p = "hostile/openaction-goto-next-javascript.pdf"
    d = hostile(p, "JavaScript chained after an OpenAction GoTo via /Next.")
    d.catalog_extra.append(f"/OpenAction << /S /GoTo /D [{d.page_ids[0]} 0 R /Fit] "
                           f"/Next {action_js('next')} >>")
    return d.bytes(p)


# ---- hostile/: other actions ----------------------------------------------------------------

@corpus("hostile/openaction-launch.pdf", "refuse", "launch",
        "/OpenAction << /S /Launch /F (calc.exe) /Win << /F (cmd.exe) /P (...) >> >> (also an "
        "auto-action)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/openaction-launch.pdf"
    d = hostile(p, "Launch action on open.")
    d.catalog_extra.append("/OpenAction << /S /Launch /F (calc.exe) /Win << /F (cmd.exe) "
                           "/P (/c echo portee corpus) >> /NewWindow true >>")
    return d.bytes(p)


@corpus("hostile/link-launch.pdf", "refuse", "launch",
        "A Link annotation whose click action is Launch (a file specification): Launch is always "
        "refused, even behind a click")
def _(ctx: Ctx) -> bytes:
    p = "hostile/link-launch.pdf"
    d = hostile(p, "Launch action behind a link click.")
    d.annots[0].append(link("56 650 300 670",
                            "<< /S /Launch /F << /Type /Filespec /F (notes.bat) >> >>"))
    return d.bytes(p)


@corpus("hostile/button-submitform.pdf", "refuse", "submit-form",
        "A push-button widget whose click sends the form (SubmitForm to an /FS /URL file "
        "specification, so also an external reference)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/button-submitform.pdf"
    d = hostile(p, "SubmitForm behind a button.")
    act = ("<< /S /SubmitForm /F << /FS /URL /F (https://example.org/collect) >> /Flags 4 >>")
    btn = d.add(f"<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 65536 /T (envoyer) "
                f"/Rect [56 650 200 680] /P {d.page_ids[0]} 0 R /F 4 /MK << /CA (Envoyer) >> "
                f"/A {act} >>")
    d.annots[0].append(f"{btn} 0 R")
    d.catalog_extra.append(f"/AcroForm << /Fields [{btn} 0 R] /NeedAppearances true >>")
    return d.bytes(p)


@corpus("hostile/openaction-submitform.pdf", "refuse", "submit-form",
        "/OpenAction SubmitForm to a URL: the form is sent as soon as the file opens (also "
        "auto-action and external-reference)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/openaction-submitform.pdf"
    d = hostile(p, "SubmitForm on open.")
    field = d.add(f"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nom) /V (Dupont) "
                  f"/Rect [100 650 300 668] /P {d.page_ids[0]} 0 R /F 4 >>")
    d.annots[0].append(f"{field} 0 R")
    d.catalog_extra += [f"/AcroForm << /Fields [{field} 0 R] /NeedAppearances true >>",
                        "/OpenAction << /S /SubmitForm /F << /FS /URL "
                        "/F (https://example.org/collect) >> /Flags 4 >>"]
    return d.bytes(p)


@corpus("hostile/button-importdata.pdf", "refuse", "import-data",
        "A push-button widget whose action is ImportData from a local FDF file")
def _(ctx: Ctx) -> bytes:
    p = "hostile/button-importdata.pdf"
    d = hostile(p, "ImportData behind a button.")
    btn = d.add(f"<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 65536 /T (importer) "
                f"/Rect [56 650 200 680] /P {d.page_ids[0]} 0 R /F 4 "
                f"/A << /S /ImportData /F (reponses.fdf) >> >>")
    d.annots[0].append(f"{btn} 0 R")
    d.catalog_extra.append(f"/AcroForm << /Fields [{btn} 0 R] /NeedAppearances true >>")
    return d.bytes(p)


@corpus("hostile/link-gotor.pdf", "refuse", "remote-goto",
        "A Link annotation with a GoToR action to page 0 of another file (other.pdf)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/link-gotor.pdf"
    d = hostile(p, "GoToR (remote go-to) behind a link.")
    d.annots[0].append(link("56 650 300 670",
                            "<< /S /GoToR /F (other.pdf) /D [0 /Fit] /NewWindow true >>"))
    return d.bytes(p)


@corpus("hostile/link-gotoe.pdf", "refuse", "remote-goto",
        "A Link annotation with a GoToE (embedded go-to) action targeting an attachment")
def _(ctx: Ctx) -> bytes:
    p = "hostile/link-gotoe.pdf"
    d = hostile(p, "GoToE (embedded go-to) behind a link.")
    d.annots[0].append(link("56 650 300 670", "<< /S /GoToE /NewWindow true "
                                              "/T << /R /C /N (annexe.pdf) >> /D [0 /Fit] >>"))
    return d.bytes(p)


# ---- hostile/: attachments, forms, media, external content ----------------------------------

def embedded_file(d: Doc, name: str, payload: bytes) -> int:
    ef = d.add(stream(f"/Type /EmbeddedFile /Subtype /text#2Fplain /Params << /Size "
                      f"{len(payload)} /ModDate ({PDF_DATE}) >>", payload, flate=True))
    return d.add(f"<< /Type /Filespec /F {pstr(name)} /UF {ptext(name)} /EF << /F {ef} 0 R >> "
                 f"/Desc (attached test file) >>")


PAYLOAD = b"This file is attached to a test PDF of the Portee corpus. It is harmless.\n"


@corpus("hostile/embedded-files-name-tree.pdf", "refuse", "embedded-file",
        "Catalog /Names << /EmbeddedFiles >> name tree with a file specification whose /EF "
        "holds an /EmbeddedFile stream")
def _(ctx: Ctx) -> bytes:
    p = "hostile/embedded-files-name-tree.pdf"
    d = hostile(p, "A document-level attachment (/EmbeddedFiles).")
    fs = embedded_file(d, "lisez-moi.txt", PAYLOAD)
    d.catalog_extra.append(f"/Names << /EmbeddedFiles << /Names [(lisez-moi.txt) {fs} 0 R] >> >>")
    return d.bytes(p)


@corpus("hostile/file-attachment-annot.pdf", "refuse", "embedded-file",
        "A FileAttachment annotation whose /FS embeds a file")
def _(ctx: Ctx) -> bytes:
    p = "hostile/file-attachment-annot.pdf"
    d = hostile(p, "A page attachment (FileAttachment annotation).")
    fs = embedded_file(d, "facture.txt", PAYLOAD)
    d.annots[0].append(f"<< /Type /Annot /Subtype /FileAttachment /Rect [56 640 76 664] "
                       f"/FS {fs} 0 R /Name /PushPin /Contents (facture.txt) >>")
    return d.bytes(p)


@corpus("hostile/acroform-xfa.pdf", "refuse", "xfa",
        "An /AcroForm with /XFA [(preamble) s (template) s (postamble) s] packets and catalog "
        "/NeedsRendering true (dynamic XFA form)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/acroform-xfa.pdf"
    d = hostile(p, "An XFA form.")
    pre = d.add(stream("", b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">\n'))
    tpl = d.add(stream("", b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/">'
                           b'<subform name="form1" layout="tb"><field name="nom"/>'
                           b'<event activity="initialize"><script contentType="application/'
                           b'x-javascript">xfa.host.messageBox("portee corpus: xfa");</script>'
                           b'</event></subform></template>\n', flate=True))
    post = d.add(stream("", b"</xdp:xdp>\n"))
    d.catalog_extra += [f"/AcroForm << /Fields [] /XFA [(preamble) {pre} 0 R (template) {tpl} 0 R "
                        f"(postamble) {post} 0 R] >>", "/NeedsRendering true"]
    return d.bytes(p)


@corpus("hostile/richmedia-annot.pdf", "refuse", "rich-media",
        "A RichMedia annotation (Flash configuration, activated on page open); its asset is a "
        "plain file specification (lecteur.swf), not embedded, so rich-media is the only threat")
def _(ctx: Ctx) -> bytes:
    p = "hostile/richmedia-annot.pdf"
    d = hostile(p, "A RichMedia (Flash) annotation.")
    fs = d.add("<< /Type /Filespec /F (lecteur.swf) /UF (lecteur.swf) >>")
    d.annots[0].append(
        f"<< /Type /Annot /Subtype /RichMedia /Rect [56 400 356 600] "
        f"/RichMediaSettings << /Type /RichMediaSettings /Activation << /Type "
        f"/RichMediaActivation /Condition /PO >> >> "
        f"/RichMediaContent << /Type /RichMediaContent /Assets << /Names [(lecteur.swf) {fs} 0 R] "
        f">> /Configurations [<< /Type /RichMediaConfiguration /Subtype /Flash /Instances "
        f"[<< /Type /RichMediaInstance /Subtype /Flash /Asset {fs} 0 R >>] >>] >> >>")
    d.catalog_extra.append("/Extensions << /ADBE << /BaseVersion /1.7 /ExtensionLevel 3 >> >>")
    return d.bytes(p)


@corpus("hostile/screen-rendition.pdf", "refuse", "rich-media",
        "A Screen annotation whose click action (/A) is a Rendition playing clip.mp4")
def _(ctx: Ctx) -> bytes:
    p = "hostile/screen-rendition.pdf"
    d = hostile(p, "Screen annotation + Rendition action.")
    screen = d.reserve()
    rendition = ("<< /Type /Rendition /S /MR /N (clip) /C << /Type /MediaClip /S /MCD "
                 "/CT (video/mp4) /D << /Type /Filespec /F (clip.mp4) >> "
                 "/P << /TF (TEMPACCESS) >> >> >>")
    d.set(screen, f"<< /Type /Annot /Subtype /Screen /Rect [56 400 356 600] /P {d.page_ids[0]} 0 R "
                  f"/A << /S /Rendition /OP 0 /AN {screen} 0 R /R {rendition} >> >>")
    d.annots[0].append(f"{screen} 0 R")
    return d.bytes(p)


@corpus("hostile/sound-annot.pdf", "refuse", "rich-media",
        "A Sound annotation with an embedded 8 kHz sound stream")
def _(ctx: Ctx) -> bytes:
    p = "hostile/sound-annot.pdf"
    d = hostile(p, "A Sound annotation.")
    wave = bytes(128 + int(100 * ((i * 440 * 2 // 8000) % 2 * 2 - 1)) for i in range(800))
    snd = d.add(stream("/Type /Sound /R 8000 /C 1 /B 8 /E /Raw", wave, flate=True))
    d.annots[0].append(f"<< /Type /Annot /Subtype /Sound /Rect [56 640 76 664] /Sound {snd} 0 R "
                       f"/Name /Speaker >>")
    return d.bytes(p)


@corpus("hostile/movie-annot.pdf", "refuse", "rich-media",
        "A Movie annotation referring to intro.mpg")
def _(ctx: Ctx) -> bytes:
    p = "hostile/movie-annot.pdf"
    d = hostile(p, "A Movie annotation.")
    d.annots[0].append("<< /Type /Annot /Subtype /Movie /Rect [56 400 376 640] /T (intro) "
                       "/Movie << /F (intro.mpg) /Aspect [320 240] >> /A << /ShowControls true >> >>")
    return d.bytes(p)


@corpus("hostile/3d-annot.pdf", "refuse", "rich-media",
        "A 3D annotation with a (fake) U3D stream, activated on page open")
def _(ctx: Ctx) -> bytes:
    p = "hostile/3d-annot.pdf"
    d = hostile(p, "A 3D annotation.")
    u3d = d.add(stream("/Type /3D /Subtype /U3D", b"U3D\x00" + bytes(60)))
    d.annots[0].append(f"<< /Type /Annot /Subtype /3D /Rect [56 400 356 600] /3DD {u3d} 0 R "
                       f"/3DA << /A /PO /D /PC >> /3DI true >>")
    return d.bytes(p)


@corpus("hostile/external-stream-url.pdf", "refuse", "external-reference",
        "An image XObject drawn on the page whose data is an external stream: /F << /FS /URL "
        "/F (https://example.org/pixel.bin) >> (poppler ignores it: 'Bad Filter attribute')")
def _(ctx: Ctx) -> bytes:
    p = "hostile/external-stream-url.pdf"
    d = hostile(p, "An image whose data would be fetched from a URL.")
    img = d.add(stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                       "/BitsPerComponent 8 /F << /FS /URL /F (https://example.org/pixel.bin) >>",
                       b""))
    d.resources[0].append(f"/XObject << /Im1 {img} 0 R >>")
    d.extra_ops[0] = "q 100 0 0 100 56 500 cm /Im1 Do Q"
    return d.bytes(p)


@corpus("hostile/reference-xobject-url.pdf", "refuse", "external-reference",
        "A reference XObject: a form XObject drawn on the page whose /Ref imports page 0 of "
        "/F << /FS /URL /F (https://example.org/logo.pdf) >>")
def _(ctx: Ctx) -> bytes:
    p = "hostile/reference-xobject-url.pdf"
    d = hostile(p, "A reference XObject to a remote PDF.")
    form = d.add(stream("/Type /XObject /Subtype /Form /BBox [0 0 100 50] "
                        "/Ref << /F << /FS /URL /F (https://example.org/logo.pdf) >> /Page 0 >>",
                        b"0.8 g 0 0 100 50 re f\n"))
    d.resources[0].append(f"/XObject << /Fm1 {form} 0 R >>")
    d.extra_ops[0] = "q 1 0 0 1 56 500 cm /Fm1 Do Q"
    return d.bytes(p)


# ---- hostile/: actions without a click (auto-action) ----------------------------------------

@corpus("hostile/openaction-uri.pdf", "refuse", "auto-action",
        "/OpenAction << /S /URI >>: opens a web address without any click")
def _(ctx: Ctx) -> bytes:
    p = "hostile/openaction-uri.pdf"
    d = hostile(p, "URI opened automatically (OpenAction).")
    d.catalog_extra.append("/OpenAction << /S /URI /URI (https://example.org/track?id=42) >>")
    return d.bytes(p)


@corpus("hostile/openaction-named-print.pdf", "refuse", "auto-action",
        "/OpenAction << /S /Named /N /Print >>: opens the print dialog without a click")
def _(ctx: Ctx) -> bytes:
    p = "hostile/openaction-named-print.pdf"
    d = hostile(p, "Named action Print run on open.")
    d.catalog_extra.append("/OpenAction << /S /Named /N /Print >>")
    return d.bytes(p)


@corpus("hostile/page-aa-open-uri.pdf", "refuse", "auto-action",
        "Page /AA << /O << /S /URI >> >>: a web address opened when the page is shown")
def _(ctx: Ctx) -> bytes:
    p = "hostile/page-aa-open-uri.pdf"
    d = hostile(p, "URI opened when the page opens (page /AA /O).")
    d.page_extra[0].append("/AA << /O << /S /URI /URI (https://example.org/page-open) >> >>")
    return d.bytes(p)


@corpus("hostile/openaction-goto-next-uri.pdf", "refuse", "auto-action",
        "An /OpenAction GoTo (acceptable on its own) whose /Next chains to a URI action")
def _(ctx: Ctx) -> bytes:
    p = "hostile/openaction-goto-next-uri.pdf"
    d = hostile(p, "URI chained after an OpenAction GoTo via /Next.")
    d.catalog_extra.append(f"/OpenAction << /S /GoTo /D [{d.page_ids[0]} 0 R /Fit] "
                           f"/Next << /S /URI /URI (https://example.org/next) >> >>")
    return d.bytes(p)


# ---- hostile/: the same threats, hidden -----------------------------------------------------

@corpus("hostile/hex-name-javascript-type.pdf", "refuse", "javascript",
        "OpenAction << /S /J#61vaScript /JS (...) >>: the action type name written with a hex "
        "escape (it is /JavaScript)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/hex-name-javascript-type.pdf"
    d = hostile(p, "JavaScript with a hex-escaped /S name.")
    d.catalog_extra.append("/OpenAction << /S /J#61vaScript /JS (app.alert\\('hex S'\\);) >>")
    return d.bytes(p)


@corpus("hostile/hex-name-js-key.pdf", "refuse", "javascript",
        "OpenAction << /S /JavaScript /#4A#53 (...) >>: the /JS key fully hex-escaped")
def _(ctx: Ctx) -> bytes:
    p = "hostile/hex-name-js-key.pdf"
    d = hostile(p, "JavaScript with a hex-escaped /JS key.")
    d.catalog_extra.append("/OpenAction << /S /JavaScript /#4A#53 (app.alert\\('hex JS'\\);) >>")
    return d.bytes(p)


@corpus("hostile/hex-name-openaction-key.pdf", "refuse", "javascript",
        "Catalog key written /Open#41ction (= /OpenAction) holding a JavaScript action whose "
        "names are hex-escaped too (/#53 /#4A#61#76#61#53#63#72#69#70#74)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/hex-name-openaction-key.pdf"
    d = hostile(p, "JavaScript under a hex-escaped /OpenAction key.")
    d.catalog_extra.append("/Open#41ction << /#53 /#4A#61#76#61#53#63#72#69#70#74 "
                           "/JS (app.alert\\('hex OpenAction'\\);) >>")
    return d.bytes(p)


@corpus("hostile/hex-name-launch.pdf", "refuse", "launch",
        "OpenAction << /S /#4C#61#75#6E#63#68 >>: a Launch action with a fully hex-escaped name")
def _(ctx: Ctx) -> bytes:
    p = "hostile/hex-name-launch.pdf"
    d = hostile(p, "Launch with a hex-escaped name.")
    d.catalog_extra.append("/OpenAction << /S /#4C#61#75#6E#63#68 /F (calc.exe) >>")
    return d.bytes(p)


@corpus("hostile/hex-name-embedded-files.pdf", "refuse", "embedded-file",
        "/Names << /Embedded#46iles ... >> with /Type /Embedded#46ile: an attachment behind "
        "hex-escaped names")
def _(ctx: Ctx) -> bytes:
    p = "hostile/hex-name-embedded-files.pdf"
    d = hostile(p, "Attachment behind hex-escaped names.")
    ef = d.add(stream("/Type /Embedded#46ile", PAYLOAD))
    fs = d.add(f"<< /Type /Filespec /F (cache.txt) /#45#46 << /F {ef} 0 R >> >>")
    d.catalog_extra.append(f"/Names << /Embedded#46iles << /Names [(cache.txt) {fs} 0 R] >> >>")
    return d.bytes(p)


@corpus("hostile/objstm-qpdf-javascript.pdf", "refuse", "javascript",
        "hostile/openaction-javascript-indirect.pdf through qpdf --object-streams=generate: the "
        "catalog and the JavaScript action sit inside a Flate-compressed object stream")
def _(ctx: Ctx) -> bytes:
    return ctx.qpdf(ctx.built["hostile/openaction-javascript-indirect.pdf"],
                    "--deterministic-id", "--object-streams=generate")


@corpus("hostile/objstm-handmade-javascript.pdf", "refuse", "javascript",
        "Hand-made PDF 1.5: catalog and OpenAction JavaScript action inside an object stream, "
        "xref stream instead of an xref table")
def _(ctx: Ctx) -> bytes:
    p = "hostile/objstm-handmade-javascript.pdf"
    d = hostile(p, "JavaScript in a hand-made object stream.", version="1.5")
    act = d.add(action_js("handmade objstm"))
    d.catalog_extra.append(f"/OpenAction {act} 0 R")
    d.finish()
    return d.serialize_compressed(d.catalog, {d.catalog, act}, ident=p)


@corpus("hostile/hybrid-xrefstm-javascript.pdf", "refuse", "javascript",
        "Hybrid-reference file: the classic xref table omits the JavaScript action object, "
        "which is found only through the trailer's /XRefStm (in an object stream); a PDF 1.4 "
        "reader sees no script, qpdf and poppler do")
def _(ctx: Ctx) -> bytes:
    p = "hostile/hybrid-xrefstm-javascript.pdf"
    d = hostile(p, "JavaScript visible only through /XRefStm.", version="1.5")
    act = d.add(action_js("hybrid"))
    d.catalog_extra.append(f"/OpenAction {act} 0 R")
    d.finish()
    return d.serialize_compressed(d.catalog, {act}, ident=p, hybrid=True)


@corpus("hostile/incremental-update-javascript.pdf", "refuse", "javascript",
        "A clean file plus an appended incremental update (second xref section, trailer /Prev) "
        "that redefines the catalog with an /OpenAction JavaScript")
def _(ctx: Ctx) -> bytes:
    p = "hostile/incremental-update-javascript.pdf"
    d = hostile(p, "JavaScript added by an incremental update.")
    base = d.bytes(p)
    act = d.count + 1
    objs = {d.catalog: f"<< /Type /Catalog /Pages {d.pages} 0 R /OpenAction {act} 0 R >>",
            act: action_js("incremental update")}
    return append_update(base, objs, root=d.catalog, size=act + 1, ident=p)


@corpus("hostile/object-inside-stream-javascript.pdf", "refuse", "javascript",
        "The OpenAction JavaScript object sits inside another stream's data (an XML comment in "
        "the /Metadata stream); the xref table points into that stream, so viewers load it")
def _(ctx: Ctx) -> bytes:
    p = "hostile/object-inside-stream-javascript.pdf"
    d = hostile(p, "JavaScript object hidden inside another stream.")
    act = d.reserve()  # never written as a top-level object
    d.catalog_extra.append(f"/OpenAction {act} 0 R")
    marker = b"<!-- hidden:\n"
    xml = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
           b'<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>\n' + marker
           + b"%d 0 obj\n" % act + b(action_js("inside a stream")) + b"\nendobj\n-->\n"
           + b'<?xpacket end="w"?>\n')
    meta = d.add(stream("/Type /Metadata /Subtype /XML", xml))
    d.catalog_extra.append(f"/Metadata {meta} 0 R")
    data = d.bytes(p)
    at = data.index(marker) + len(marker)
    assert data[at:].startswith(b"%d 0 obj" % act)
    return set_xref_entry(data, act, at)


@corpus("hostile/encrypted-objstm-javascript-aes256.pdf", "refuse", "javascript",
        "hostile/openaction-javascript-indirect.pdf through qpdf --encrypt \"\" owner 256 -- "
        "--object-streams=generate: empty user password, the JavaScript is inside an "
        "AES-256-encrypted object stream")
def _(ctx: Ctx) -> bytes:
    return ctx.encrypt_r6("hostile/encrypted-objstm-javascript-aes256.pdf",
                          ctx.built["hostile/openaction-javascript-indirect.pdf"], "", "owner",
                          "--object-streams=generate")


@corpus("hostile/encrypted-javascript-rc4-128.pdf", "refuse", "javascript",
        "hostile/openaction-javascript.pdf encrypted RC4 128-bit with an empty user password: "
        "the /JS string is RC4-encrypted, only the names stay readable")
def _(ctx: Ctx) -> bytes:
    return ctx.encrypt_rc4(ctx.built["hostile/openaction-javascript.pdf"], "", "owner")


# ---- hostile/: resource limits --------------------------------------------------------------

@corpus("hostile/nested-array-10000.pdf", "refuse", "limits",
        "An object that is an array nested 10,000 deep ([[[...]]]), referenced from the page's "
        "/PieceInfo")
def _(ctx: Ctx) -> bytes:
    p = "hostile/nested-array-10000.pdf"
    d = hostile(p, "10,000 nested arrays.")
    deep = d.add("[" * 10000 + "0" + "]" * 10000)
    d.page_extra[0].append(f"/PieceInfo << /PorteeCorpus << /LastModified ({PDF_DATE}) "
                           f"/Private {deep} 0 R >> >>")
    return d.bytes(p)


@corpus("hostile/nested-dict-10000.pdf", "refuse", "limits",
        "An object that is a dictionary nested 10,000 deep (<< /A << /A ... >> >>), referenced "
        "from the page's /PieceInfo")
def _(ctx: Ctx) -> bytes:
    p = "hostile/nested-dict-10000.pdf"
    d = hostile(p, "10,000 nested dictionaries.")
    deep = d.add("<< /A " * 10000 + "0" + " >>" * 10000)
    d.page_extra[0].append(f"/PieceInfo << /PorteeCorpus << /LastModified ({PDF_DATE}) "
                           f"/Private {deep} 0 R >> >>")
    return d.bytes(p)


def bomb_content(text: bytes) -> bytes:
    return text + b"% the rest of this stream is NUL bytes (PDF whitespace)\n"


@corpus("hostile/flate-bomb-content-stream.pdf", "refuse", "limits",
        "Decompression bomb: the page content stream is zlib level 9 of a short text plus "
        "300 MiB of NUL bytes (about 300 KiB in the file)")
def _(ctx: Ctx) -> bytes:
    p = "hostile/flate-bomb-content-stream.pdf"
    d = hostile(p, "Content stream expanding to 300 MiB.")
    data = flate_zeros(bomb_content(text_content(d.page_lines(0))), BOMB_BYTES)
    d.content_body[0] = b(f"<< /Filter /FlateDecode /Length {len(data)} >>") \
        + b"\nstream\n" + data + b"\nendstream"
    return d.bytes(p)


@corpus("hostile/flate-bomb-object-stream.pdf", "refuse", "limits",
        "Decompression bomb: the catalog and page tree are in an object stream that is zlib of "
        "the objects plus 300 MiB of NUL bytes; opening the file needs the whole stream")
def _(ctx: Ctx) -> bytes:
    p = "hostile/flate-bomb-object-stream.pdf"
    d = hostile(p, "Object stream expanding to 300 MiB.", version="1.5")
    d.finish()
    return d.serialize_compressed(d.catalog, {d.catalog, d.pages}, ident=p, pad_zeros=BOMB_BYTES)


@corpus("hostile/flate-bomb-double-flate.pdf", "refuse", "limits",
        "Decompression bomb under two filters: /Filter [/FlateDecode /FlateDecode], a 1 KiB "
        "stream that expands to about 300 KiB, then to 300 MiB")
def _(ctx: Ctx) -> bytes:
    p = "hostile/flate-bomb-double-flate.pdf"
    d = hostile(p, "Doubly compressed content stream expanding to 300 MiB.")
    once = flate_zeros(bomb_content(text_content(d.page_lines(0))), BOMB_BYTES)
    twice = zlib.compress(once, 9)
    d.content_body[0] = b(f"<< /Filter [/FlateDecode /FlateDecode] /Length {len(twice)} >>") \
        + b"\nstream\n" + twice + b"\nendstream"
    return d.bytes(p)


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

def require_tools() -> None:
    missing = [t for t in ("qpdf", "pdftotext", "pdfinfo", "pdftocairo", "convert", "gs")
               if shutil.which(t) is None]
    if not Path(DEJAVU_DIR, "DejaVuSans.ttf").exists():
        missing.append(f"{DEJAVU_DIR}/DejaVuSans.ttf")
    if missing:
        sys.exit("missing: " + ", ".join(missing) + "\n(Debian: apt-get install qpdf poppler-utils "
                 "imagemagick ghostscript fonts-dejavu-core)")


def generate() -> None:
    paths = [e.path for e in ENTRIES]
    assert len(paths) == len(set(paths)), "duplicate path"
    for folder in FOLDERS:
        (ROOT / folder).mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pdf-corpus-") as tmp:
        ctx = Ctx(Path(tmp))
        for e in ENTRIES:
            data = e.build(ctx)
            assert len(data) <= MAX_FILE, f"{e.path}: {len(data)} bytes"
            ctx.built[e.path] = data
            target = ROOT / e.path
            if not target.exists() or target.read_bytes() != data:
                target.write_bytes(data)
                print(f"wrote     {e.path} ({len(data)} bytes)")
            else:
                print(f"unchanged {e.path}")
    known = set(paths)
    for folder in FOLDERS:
        for f in sorted((ROOT / folder).iterdir()):
            if f.is_file() and f"{folder}/{f.name}" not in known:
                print(f"removed   {folder}/{f.name}")
                f.unlink()
    manifest = "".join(f"{e.path}\t{e.verdict}\t{e.reason}\t{e.description}\n"
                       for e in sorted(ENTRIES, key=lambda e: e.path))
    mpath = ROOT / "MANIFEST.tsv"
    if not mpath.exists() or mpath.read_text() != manifest:
        mpath.write_text(manifest)
        print("wrote     MANIFEST.tsv")
    total = sum((ROOT / p).stat().st_size for p in paths)
    print(f"{len(paths)} files, {total} bytes ({total / MIB:.2f} MiB)")


ACTION_KINDS = {
    "/JavaScript": "javascript", "/Launch": "launch", "/SubmitForm": "submit-form",
    "/ImportData": "import-data", "/GoToR": "remote-goto", "/GoToE": "remote-goto",
    "/Rendition": "rich-media", "/Movie": "rich-media", "/Sound": "rich-media",
    "/GoTo3DView": "rich-media", "/RichMediaExecute": "rich-media",
}
MEDIA_SUBTYPES = {"/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"}
REF = re.compile(r"(\d+) (\d+) R")


def seen_by_qpdf(f: Path) -> tuple[set[str], str]:
    """What qpdf's parse of the file shows, walking from the trailer (so only objects a viewer
    reaches count; names are decoded, object streams read, encryption with an empty user
    password removed). Returns the set of threat keys found, and qpdf's failure if any."""
    r = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=none", str(f)],
                       capture_output=True, env=ENV)
    if r.returncode not in (0, 3):
        last = r.stderr.decode(errors="replace").strip().splitlines()[-1]
        return set(), "qpdf: " + last.replace(f"qpdf: {f}: ", "")
    objs = json.loads(r.stdout)["qpdf"][1]
    found: set[str] = set()
    seen: set[str] = set()

    def deref(v):
        while isinstance(v, str) and REF.fullmatch(v):
            o = objs.get(f"obj:{v}")
            if o is None:
                return None
            v = o["value"] if "value" in o else o["stream"]["dict"]
        return v

    stack: list[tuple[object, bool]] = [(objs["trailer"]["value"], False)]
    while stack:
        v, is_stream = stack.pop()
        if isinstance(v, str):
            if REF.fullmatch(v) and v not in seen:
                seen.add(v)
                o = objs.get(f"obj:{v}")
                if o is not None:
                    stack.append((o["value"], False) if "value" in o
                                 else (o["stream"]["dict"], True))
            continue
        if isinstance(v, list):
            stack += [(x, False) for x in v]
            continue
        if not isinstance(v, dict):
            continue
        d = v
        if "/JS" in d or "/JavaScript" in d:
            found.add("javascript")
        if "/AA" in d:
            found.add("auto-action")
        if d.get("/S") in ACTION_KINDS:
            found.add(ACTION_KINDS[d["/S"]])
        if "/EmbeddedFiles" in d or "/EF" in d or d.get("/Type") == "/EmbeddedFile" \
                or d.get("/Subtype") == "/FileAttachment":
            found.add("embedded-file")
        if "/XFA" in d:
            found.add("xfa")
        if d.get("/Subtype") in MEDIA_SUBTYPES or "/RichMediaContent" in d:
            found.add("rich-media")
        if d.get("/FS") == "/URL" or (d.get("/Subtype") == "/Form" and "/Ref" in d) \
                or (is_stream and "/F" in d):
            found.add("external-reference")
        if "/OpenAction" in d:
            act = deref(d["/OpenAction"])
            if isinstance(act, dict) and (act.get("/S") != "/GoTo" or "/Next" in act):
                found.add("auto-action")
        stack += [(x, False) for x in d.values()]
    return found, ""


def inflated_size(data: bytes) -> int:
    """The largest size a Flate stream of the file expands to (following a second Flate
    layer when the first one's output is zlib again), counted without keeping the output:
    input goes in 1 KiB pieces, which deflate cannot expand beyond about 1 MiB."""
    def pieces(buf: bytes):
        return (buf[k:k + 1024] for k in range(0, len(buf), 1024))

    best = 0
    for m in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", m.end())
        d1, d2 = zlib.decompressobj(), None
        n1 = n2 = 0
        try:
            for piece in pieces(data[m.end():end]):
                out = d1.decompress(piece)
                if n1 == 0 and out[:1] == b"\x78":
                    d2 = zlib.decompressobj()
                n1 += len(out)
                if d2 is not None:
                    for inner in pieces(out):
                        n2 += len(d2.decompress(inner))
                if d1.eof:
                    break
        except zlib.error:
            pass
        best = max(best, n1, n2)
    return best


def nesting_depth(data: bytes) -> int:
    depth = best = 0
    for tok in re.finditer(rb"\[|\]|<<|>>", data):
        depth += 1 if tok[0] in (b"[", b"<<") else -1
        best = max(best, depth)
    return best


def check() -> int:
    """Run qpdf, poppler (and ghostscript where needed) over every file and compare what they
    see with the MANIFEST: an accepted file must open and show no threat; a refused one must
    show its reason. Prints one line per file; returns non-zero on any disagreement."""
    problems = 0
    print(f"{'path':52} {'verdict':7} {'reason':18} qpdf text pages  seen by qpdf")
    for e in sorted(ENTRIES, key=lambda e: e.path):
        f = ROOT / e.path
        data = f.read_bytes()

        def rc(*args: str, timeout: int = 120) -> tuple[int, str, str]:
            try:
                r = subprocess.run(args, capture_output=True, timeout=timeout, env=ENV)
                return (r.returncode, r.stdout.decode(errors="replace"),
                        r.stderr.decode(errors="replace"))
            except subprocess.TimeoutExpired:
                return -1, "", "timeout"

        q, _, qerr = rc("qpdf", "--check", str(f))
        t, _, _ = rc("pdftotext", "-q", str(f), "/dev/null")
        _, info, _ = rc("pdfinfo", str(f))
        m = re.search(r"^Pages:\s+(\d+)", info, re.M)
        pages = int(m[1]) if m else 0
        found, qfail = seen_by_qpdf(f)
        note = ""
        if e.reason == "limits":
            depth, size = nesting_depth(data), inflated_size(data)
            note = f"depth {depth}, inflates to {size / MIB:.0f} MiB"
            bad = depth < 10000 and size <= 200 * MIB
        elif e.verdict == "accept":
            opens = []
            if "qpdf" in e.readers:
                opens.append(q in ((0,) if e.path.startswith("valid/") else (0, 3)))
            if "poppler" in e.readers:
                opens.append(t == 0 and pages >= 1)
            if "gs" in e.readers:
                _, out, _ = rc("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=txtwrite",
                               "-o", "-", str(f))
                opens.append("corpus" in out)
                note = "ghostscript reads it"
            bad = not all(opens) or bool(found) or pages > 50
        elif e.reason == "too-many-pages":
            bad = pages <= 50
        elif e.reason == "encrypted-password":
            bad = q != 2 or "password" not in qerr
        elif e.reason in ("not-pdf", "unparseable"):
            bad = t == 0 and pages >= 1
        else:
            bad = e.reason not in found
        problems += bad
        seen = " ".join(sorted(found)) or qfail[:40] or "-"
        print(f"{e.path[:52]:52} {e.verdict:7} {e.reason:18} {q:>4} {t:>4} {pages:>5}  {seen}"
              + (f" ({note})" if note else "") + ("   <-- DISAGREES" if bad else ""))
    print(f"{len(ENTRIES)} files checked, {problems} disagreeing with the MANIFEST")
    return 1 if problems else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="after generating, run qpdf --check / pdftotext / pdfinfo on every file")
    args = ap.parse_args()
    require_tools()
    generate()
    return check() if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
