"""The product page's gallery: the chosen image large, every image as a thumbnail link.

Without script, a thumbnail is a link to ``?image=<id>``: the page comes back
with that image large. store.js swaps the large image in place instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..media import media_url
from ..services import images as image_service
from ..services.images import responsive_widths, thumbnail_path, width_path

# The large image's width on the page: the whole phone, about half the page from 800 px.
LARGE_SIZES = "(min-width: 1200px) 600px, (min-width: 800px) 52vw, 100vw"


@dataclass(frozen=True)
class GalleryImage:
    id: int
    url: str
    thumb_url: str
    srcset: str  # empty when the image has no narrower copies
    alt: str
    width: int | None
    height: int | None
    number: int  # 1-based, for "Image 2 of 5"


@dataclass(frozen=True)
class Gallery:
    images: list[GalleryImage]
    selected: GalleryImage | None
    sizes: str = LARGE_SIZES

    @property
    def count(self) -> int:
        return len(self.images)


def _srcset(path: str, width: int | None) -> str:
    widths = responsive_widths(width)
    if not widths:
        return ""
    copies = [f"{media_url(width_path(path, w))} {w}w" for w in widths]
    return ", ".join([*copies, f"{media_url(path)} {width}w"])


def product_gallery(product, selected: str | None = None) -> Gallery:
    """The product's images (one query), the one ``?image=`` names large (else the cover)."""
    rows = image_service.list_images(product.id)
    shown = [
        GalleryImage(
            id=row.id,
            url=media_url(row.path),
            thumb_url=media_url(thumbnail_path(row.path)),
            srcset=_srcset(row.path, row.width),
            alt=row.alt or product.name,
            width=row.width,
            height=row.height,
            number=index + 1,
        )
        for index, row in enumerate(rows)
    ]
    chosen = next((img for img in shown if selected and str(img.id) == selected), None)
    return Gallery(images=shown, selected=chosen or (shown[0] if shown else None))
