"""The console's static files: cached by browsers (revalidated by ETag) and sent gzip-compressed.

The design system's files are large as text (Bootstrap's CSS is 232 kB, its right-to-left twin as much)
and change only with a release: each is compressed once per process (kept while its size and time of
change are the same), sent with ``Content-Encoding: gzip`` to clients that accept it, and marked
cacheable for a day; a reload after that asks again with ``If-None-Match`` and gets a 304.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

CACHE_CONTROL = "public, max-age=86400"
COMPRESSIBLE = (".css", ".js", ".svg", ".json", ".html", ".txt")
MIN_SIZE = 1024


@lru_cache(maxsize=256)
def _compressed(path: str, size: int, mtime: float) -> bytes:
    """Return the gzip of the file at ``path`` (the size and time key the cache to its content)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)


class ConsoleStaticFiles(StaticFiles):
    """StaticFiles with cache headers and gzip for text files."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Serve as StaticFiles does; add caching, and compress a full 200 answer when the client accepts it."""
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = CACHE_CONTROL
        if not isinstance(response, FileResponse) or response.status_code != 200:
            return response
        file = Path(str(response.path))
        stat = file.stat()
        request_headers = Headers(scope=scope)
        if (
            file.suffix not in COMPRESSIBLE
            or stat.st_size < MIN_SIZE
            or "gzip" not in request_headers.get("accept-encoding", "")
            or "range" in request_headers
        ):
            response.headers["Vary"] = "Accept-Encoding"
            return response
        body = _compressed(str(file), stat.st_size, stat.st_mtime)
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "accept-ranges")}
        headers.update({"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        if "etag" in headers and not headers["etag"].startswith("W/"):
            headers["etag"] = f"W/{headers['etag']}"  # another encoding of the same content (as nginx does)
        return Response(body, status_code=200, headers=headers, media_type=response.media_type)
