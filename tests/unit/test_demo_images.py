"""The demo catalog's pictures (storefront/demo_images.py): one object per product,
shaped by what it is and in its colour, the same bytes for the same seed, no label."""

from __future__ import annotations

import inspect
import io
import itertools
import re

from PIL import Image, ImageChops, ImageStat

from storefront import demo_images
from storefront.cli import DEMO_CATALOG, DEMO_OPTIONS
from storefront.services import images

RED, BLUE = demo_images.NAMED_COLOURS["red"], demo_images.NAMED_COLOURS["blue"]


def _silhouette(kind: str) -> Image.Image:
    """The object's shape as drawn, before it is turned, scaled and centred."""
    sketch = demo_images.Sketch(96)
    demo_images.DRAW[kind](sketch, RED)
    return sketch.alpha.point(lambda v: 255 * (v > 127))


def _object_colour(content: bytes) -> tuple[float, ...]:
    """The mean colour of the picture's saturated pixels (the backdrop is near grey)."""
    with Image.open(io.BytesIO(content)) as img:
        rgb = img.convert("RGB")
    saturated = rgb.convert("HSV").getchannel("S").point(lambda v: 255 * (v > 90))
    return tuple(ImageStat.Stat(rgb, saturated).mean)


def test_the_same_kind_colour_and_seed_give_the_same_bytes():
    first = demo_images.demo_image("mug", RED, 7)
    assert demo_images.demo_image("mug", RED, 7) == first
    assert demo_images.demo_image("mug", RED, 8) != first
    assert demo_images.demo_image("mug", BLUE, 7) != first


def test_a_picture_is_an_800px_jpeg_the_store_accepts(app, tmp_path):
    app.config["MEDIA_ROOT"] = str(tmp_path / "media")
    content = demo_images.demo_image("book", BLUE, 1)
    with Image.open(io.BytesIO(content)) as img:
        assert img.format == "JPEG" and img.size == (800, 800)
    assert re.fullmatch(r"products/[0-9a-f]{32}\.jpg", images.save_image(content))


def test_the_picture_takes_no_label_and_the_name_matters_only_for_kind_and_colour():
    assert list(inspect.signature(demo_images.demo_image).parameters) == [
        "kind",
        "colour",
        "seed",
        "fmt",
        "size",
    ]
    assert not hasattr(images, "demo_image")
    # Two mugs of the same colour and seed: the same picture whatever they are called.
    assert demo_images.product_picture(
        "Ceramic Mug Set", 12, colour="Red"
    ) == demo_images.product_picture("Travel Mug (2)", 12, colour="Red")
    assert demo_images.product_picture("Red Enamel Mug", 12) == demo_images.product_picture(
        "Mug, red", 12
    )


def test_every_demo_product_is_drawn_as_an_object_of_its_own_kind():
    kinds = {
        name: demo_images.kind_of(name, category)
        for category, items in DEMO_CATALOG.items()
        for name, _ in items
    }
    assert "box" not in kinds.values(), kinds
    assert kinds["Ceramic Mug Set"] == "mug"
    assert kinds["Cotton T-Shirt"] == "tshirt"
    assert kinds["Steel Water Bottle"] == "bottle"
    assert kinds["Night Trains"] == "book"
    assert kinds["Football"] == "ball"
    assert len(set(kinds.values())) >= 20


def test_no_two_kinds_have_the_same_silhouette():
    masks = {kind: _silhouette(kind) for kind in demo_images.KINDS}
    for a, b in itertools.combinations(masks, 2):
        union = ImageChops.lighter(masks[a], masks[b]).histogram()[255]
        both = ImageChops.darker(masks[a], masks[b]).histogram()[255]
        assert both / union < 0.8, f"{a} and {b} look alike ({both / union:.2f})"


def test_the_object_takes_the_colour_the_product_or_its_option_names():
    red = _object_colour(demo_images.product_picture("Cotton T-Shirt", 3, colour="Red"))
    blue = _object_colour(demo_images.product_picture("Cotton T-Shirt", 3, colour="Blue"))
    assert red[0] > red[2] + 60
    assert blue[2] > blue[0] + 60
    # A demo product with a Colour option names colours the drawing knows.
    for options in DEMO_OPTIONS.values():
        for colour in dict(options).get("Colour", []):
            assert demo_images.named_colour(colour), colour


def test_pictures_of_one_product_vary_angle_backdrop_and_zoom():
    pictures = [demo_images.render("mug", RED, seed, size=200) for seed in range(3)]
    for a, b in itertools.combinations(pictures, 2):
        assert ImageChops.difference(a, b).getbbox() is not None
