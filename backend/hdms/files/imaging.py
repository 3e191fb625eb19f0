"""Pillow work on untrusted images, run as a child process under memory, CPU and time limits.

``hdms.files.convert`` starts this file as a script (``python -I imaging.py JSON``), so a
decompression bomb or a decoder bug costs a short-lived child that hits its ``RLIMIT_AS``, never
the worker: decoding a 40-megapixel photo takes 120 MB or more, more than DESIGN §7 allows a
long-lived process to grow. Self-contained on purpose: it imports Pillow and the standard library,
not Django or the rest of HDMS.

Input: one JSON argument ``{"op": "webp"|"thumbnail", "source", "target", "max_pixels",
"quality", "size"}``. Output: ``{"width", "height"}`` on stdout; on refusal, exit status 2 and one
line for a person on stderr.
"""

import json
import sys
import warnings

from PIL import Image, ImageOps


class Refused(Exception):
    pass


def _open(source: str, max_pixels: int) -> Image.Image:
    """The image with only its header read: its size is checked before any pixel is decoded."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size is checked below
    try:
        image = Image.open(source)
    except Image.DecompressionBombError as exc:
        raise Refused(f"the image has too many pixels to decode safely ({exc})") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise Refused(f"the image could not be read: {exc}") from exc
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise Refused(f"the image is {width} x {height} pixels; at most {max_pixels:,} pixels are decoded")
    return image


def _load(image: Image.Image) -> None:
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise Refused(f"the image could not be read: {exc}") from exc


def _is_animated(image: Image.Image) -> bool:
    return bool(getattr(image, "is_animated", False)) and getattr(image, "n_frames", 1) > 1


def make_webp(*, source: str, target: str, max_pixels: int, quality: int) -> tuple[int, int]:
    """A WebP of the whole image (animated GIFs stay animated), orientation from EXIF applied."""
    with _open(source, max_pixels) as image:
        _load(image)
        if _is_animated(image):
            image.save(target, "WEBP", save_all=True, quality=quality, method=4)
            return image.width, image.height
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("RGB", "RGBA"):
            has_alpha = "transparency" in upright.info or upright.mode in ("LA", "P")
            upright = upright.convert("RGBA" if has_alpha else "RGB")
        upright.save(target, "WEBP", quality=quality, method=4)
        return upright.width, upright.height


def make_thumbnail(*, source: str, target: str, max_pixels: int, size: tuple[int, int]) -> tuple[int, int]:
    """A small WebP (first frame of an animation) fitting ``size``; JPEGs decode at reduced scale."""
    with _open(source, max_pixels) as image:
        if image.format == "JPEG":
            image.draft("RGB", size)  # libjpeg decodes at 1/2, 1/4 or 1/8 scale: less memory, same result
        _load(image)
        image.seek(0)
        frame = ImageOps.exif_transpose(image.copy())
        frame = frame.convert("RGBA" if frame.mode in ("RGBA", "LA", "P") else "RGB")
        frame.thumbnail(size)
        frame.save(target, "WEBP", quality=75, method=4)
        return frame.width, frame.height


def main(argv: list[str]) -> int:
    job = json.loads(argv[1])
    try:
        if job["op"] == "webp":
            width, height = make_webp(source=job["source"], target=job["target"], max_pixels=job["max_pixels"],
                                      quality=job["quality"])
        elif job["op"] == "thumbnail":
            width, height = make_thumbnail(source=job["source"], target=job["target"], max_pixels=job["max_pixels"],
                                           size=tuple(job["size"]))
        else:
            raise Refused(f"unknown operation {job['op']!r}")
    except Refused as exc:
        print(str(exc)[:500], file=sys.stderr)
        return 2
    except MemoryError:
        print("the image needs more memory to convert than a conversion may use", file=sys.stderr)
        return 2
    print(json.dumps({"width": width, "height": height}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
