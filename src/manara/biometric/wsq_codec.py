"""WSQ (the FBI's wavelet compression of 500 ppi fingerprints) decoding, isolated in a worker process.

The codec is NIST NBIS's C decoder from the PyPI package ``wsq`` (CeCILL-C wrapper of the public-domain
NBIS code). Fuzzed WSQ files crash that decoder (segmentation fault), so it never runs in the server's
process: the frame header is parsed and checked here first (dimensions against the pixel limit, before
any decoding), then a child process (forked from multiprocessing's fork server) decodes and exits; a
child that crashes or hangs is killed and the upload is refused as ``corrupt``. The bytes travel over a
pipe; nothing touches the disk.
"""

from __future__ import annotations

from multiprocessing import get_context
from multiprocessing.connection import Connection

import numpy as np
from numpy.typing import NDArray

from manara.errors import ImageRejected

SOI, SOF = b"\xff\xa0", b"\xff\xa2"
SEGMENTS = {b"\xff\xa3", b"\xff\xa4", b"\xff\xa5", b"\xff\xa6", b"\xff\xa7", b"\xff\xa8"}  # length-prefixed
DECODE_TIMEOUT = 30.0  # seconds


def frame_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) from a WSQ stream's frame header, or refuse the stream as corrupt."""
    pos = 2
    while pos + 2 <= len(data):
        marker = data[pos : pos + 2]
        if marker == SOF:
            if pos + 10 > len(data):
                break
            height, width = int.from_bytes(data[pos + 6 : pos + 8]), int.from_bytes(data[pos + 8 : pos + 10])
            return width, height
        if marker not in SEGMENTS or pos + 4 > len(data):
            break
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4])
    raise ImageRejected("corrupt WSQ image: no valid frame header", ["corrupt"])


def _decompress(data: bytes, reply: Connection) -> None:
    """Run NBIS's decoder (in the child process) and send (pixels, width, height) or an error text back."""
    try:
        import _wsq  # the C extension of PyPI ``wsq``; imported in the child only

        pixels, width, height, _ppi = _wsq.decompress(data)
        reply.send((bytes(pixels), int(width), int(height)))
    except Exception as exc:  # the codec's own errors for broken streams
        reply.send(str(exc))
    finally:
        reply.close()


def decode_wsq(data: bytes, *, max_pixels: int, mode: str) -> NDArray[np.uint8]:
    """Decode a WSQ image to a grayscale (``mode="L"``) or RGB array, refusing corrupt or oversized input."""
    if not data.startswith(SOI):
        raise ImageRejected("not a WSQ image", ["not_an_image"])
    width, height = frame_size(data)
    if width < 1 or height < 1 or width * height > max_pixels:
        raise ImageRejected(f"image of {width}x{height} pixels exceeds the limit", ["too_many_pixels"])
    context = get_context("forkserver")  # one clean child per image, forked from a small server: cheap
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_decompress, args=(data, send), daemon=True)
    child.start()
    send.close()
    try:
        answer = receive.recv() if receive.poll(DECODE_TIMEOUT) else None
    except EOFError:  # the decoder crashed before answering
        answer = None
    finally:
        receive.close()
        child.join(1.0)
        if child.is_alive():
            child.kill()
            child.join()
    if not isinstance(answer, tuple):
        raise ImageRejected("corrupt WSQ image", ["corrupt"])
    pixels, got_width, got_height = answer
    if (got_width, got_height) != (width, height) or len(pixels) != width * height:
        raise ImageRejected("corrupt WSQ image: decoded size differs from its header", ["corrupt"])
    gray = np.frombuffer(pixels, dtype=np.uint8).reshape(height, width)
    return gray.copy() if mode == "L" else np.repeat(gray[:, :, None], 3, axis=2)


def encode_wsq(gray: NDArray[np.uint8], ratio: float = 0.75) -> bytes:
    """Encode a grayscale image as WSQ (NBIS encoder; for tests and tools, never on untrusted input)."""
    import _wsq

    height, width = gray.shape
    return bytes(_wsq.compress(np.ascontiguousarray(gray, dtype=np.uint8).tobytes(), height, width, ratio))
