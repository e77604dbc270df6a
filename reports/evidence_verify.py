"""`cchc evidence verify pack.zip`: is every file of an evidence pack the one the pack was made with?

``manifest.json`` lists each file's SHA-256 and size (`reports.evidence_pack.write`). Verification
recomputes every sum from the zip, streaming each member, and names each file that does not match,
is missing, or is in the zip without being listed (a file slipped in after the pack was made). The
manifest itself cannot vouch for itself: whoever hands the pack on should publish the manifest's own
SHA-256 (printed by `cchc evidence pack`) beside it.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from reports.base import ReportError
from reports.evidence_pack import FORMAT, MANIFEST

CHUNK = 1 << 20


def read_manifest(zf: zipfile.ZipFile, where: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError:
        raise ReportError(f"{where} has no {MANIFEST}: not an evidence pack") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportError(f"{where}: {MANIFEST} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise ReportError(f"{where}: {MANIFEST} is not an evidence-pack manifest (format {FORMAT})")
    return manifest


def verify(path: Path) -> tuple[dict[str, Any], list[str]]:
    """(the manifest, one problem per file that fails); no problem means every sum matches."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ReportError(f"{path} does not exist") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReportError(f"{path} is not a readable zip file ({exc})") from None
    problems: list[str] = []
    with zf:
        manifest = read_manifest(zf, path)
        listed: dict[str, Any] = manifest["files"]
        present = {i.filename for i in zf.infolist() if not i.is_dir()}
        for name, expected in sorted(listed.items()):
            if name not in present:
                problems.append(f"{name}: listed in the manifest but missing from the pack")
                continue
            digest, size = hashlib.sha256(), 0
            try:
                with zf.open(name) as fh:
                    while chunk := fh.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                problems.append(f"{name}: cannot be read from the zip ({exc})")
                continue
            want = str((expected or {}).get("sha256", ""))
            if digest.hexdigest() != want:
                problems.append(f"{name}: SHA-256 {digest.hexdigest()} does not match the manifest's {want}"
                                + (f" (size {size}, manifest {expected.get('size')})" if size != expected.get("size") else ""))
        for name in sorted(present - set(listed) - {MANIFEST}):
            problems.append(f"{name}: in the pack but not listed in the manifest")
    return manifest, problems
