"""Pictures for the gallery's tests: small, real, each colour a different content address."""

from __future__ import annotations

import io

from PIL import Image

from storefront.services.images import Upload


def picture(colour=(200, 30, 60), size=(700, 500), fmt="PNG") -> bytes:
    img = Image.new("RGB", size, colour)
    img.paste((20, 120, 220), (0, 0, size[0] // 2, size[1] // 3))
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


COLOURS = [(200, 30, 60), (30, 160, 60), (40, 60, 200), (220, 200, 40), (120, 40, 160)]


def uploads(count: int, fmt="PNG") -> list[Upload]:
    return [
        Upload(f"photo-{i}.{fmt.lower()}", io.BytesIO(picture(COLOURS[i % 5], (700 + i, 500), fmt)))
        for i in range(count)
    ]


def send_images(client, headers, product_id, files, **fields):
    """``POST /api/products/{id}/images`` with ``files`` ([(name, bytes)]); the response."""
    data = {"image": [(io.BytesIO(content), name) for name, content in files], **fields}
    return client.post(
        f"/api/products/{product_id}/images",
        data=data,
        content_type="multipart/form-data",
        headers=headers,
    )
