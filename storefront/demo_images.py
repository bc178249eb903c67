"""Pictures for the demo catalog that look like product photographs, drawn with Pillow.

One object per picture, shaped by what the product is (a mug, a shirt, a bottle, a
book, a ball...), in the product's colour, on a soft studio background: a vertical
gradient, a light vignette and a blurred shadow on the floor. No text is drawn.

The object is drawn at twice the size and scaled down with LANCZOS, so its edges
are smooth; the background has no edges and is drawn at the final size. A picture
depends only on its kind, its colour and its seed (which varies the angle, the
zoom and the backdrop), so the same arguments give the same bytes.

``kind_of(name)`` and ``colour_of(name, seed)`` read a product's name; the
seed-demo command (storefront/cli.py) uses ``product_picture``.
"""

from __future__ import annotations

import io
import math
import random
import re
from collections.abc import Callable, Sequence
from functools import cache, lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from .services.images import JPEG_QUALITY  # the store's own uploads' quality

RGB = tuple[int, int, int]

# Colours a product's name or options may name.
NAMED_COLOURS: dict[str, RGB] = {
    "red": (196, 48, 48),
    "blue": (46, 92, 170),
    "navy": (34, 46, 84),
    "yellow": (236, 190, 40),
    "mustard": (206, 156, 38),
    "white": (240, 238, 232),
    "sand": (214, 192, 150),
    "grey": (128, 132, 138),
    "gray": (128, 132, 138),
    "forest": (40, 94, 62),
    "green": (60, 140, 84),
    "black": (40, 40, 44),
    "pink": (226, 126, 150),
    "orange": (230, 120, 40),
    "purple": (112, 70, 150),
    "brown": (120, 80, 50),
    "natural": (222, 210, 184),
    "linen": (214, 202, 178),
    "canvas": (210, 194, 160),
    "steel": (168, 174, 182),
    "bamboo": (206, 166, 104),
    "willow": (226, 200, 150),
    "cast iron": (52, 52, 56),
    "glass": (200, 222, 226),
    "wool": (150, 140, 128),
}

# A colour for a product whose name names none: muted, shop-like tones.
PALETTE: list[RGB] = [
    (194, 92, 70),  # terracotta
    (120, 150, 120),  # sage
    (78, 116, 160),  # dusty blue
    (206, 156, 38),  # mustard
    (120, 74, 110),  # plum
    (40, 120, 124),  # teal
    (230, 120, 96),  # coral
    (62, 66, 74),  # charcoal
    (170, 60, 70),  # berry
    (92, 120, 70),  # olive
]

# Backdrops: (top, bottom) of the studio's paper.
BACKDROPS: list[tuple[RGB, RGB]] = [
    ((246, 244, 240), (224, 219, 211)),  # warm grey
    ((240, 243, 246), (214, 220, 228)),  # cool grey
    ((243, 246, 240), (220, 226, 214)),  # pale sage
    ((248, 241, 238), (230, 214, 208)),  # blush
    ((244, 242, 236), (228, 222, 206)),  # cream
]

# Words in a product's name -> the kind of object drawn; the first match wins.
KIND_WORDS: list[tuple[str, str]] = [
    ("mug", "mug"),
    ("cup", "mug"),
    ("t-shirt", "tshirt"),
    ("tee", "tshirt"),
    ("hoodie", "jacket"),
    ("jacket", "jacket"),
    ("coat", "jacket"),
    ("shirt", "shirt"),
    ("sock", "sock"),
    ("tote", "bag"),
    ("bag", "bag"),
    ("beanie", "beanie"),
    ("hat", "beanie"),
    ("earbud", "earbuds"),
    ("headphone", "headphones"),
    ("charger", "charger"),
    ("keyboard", "keyboard"),
    ("speaker", "speaker"),
    ("power bank", "powerbank"),
    ("webcam", "webcam"),
    ("camera", "webcam"),
    ("skillet", "skillet"),
    ("pan", "skillet"),
    ("cutting board", "board"),
    ("board", "board"),
    ("jar", "jar"),
    ("bottle", "bottle"),
    ("towel", "towel"),
    ("yoga mat", "mat"),
    ("mat", "mat"),
    ("rope", "rope"),
    ("band", "bands"),
    ("football", "ball"),
    ("ball", "ball"),
    ("bat", "bat"),
    ("badminton", "racket"),
    ("racket", "racket"),
    ("lamp", "lamp"),
    ("candle", "candle"),
    ("plant", "plant"),
    ("pot", "plant"),
    ("notebook", "notebook"),
    ("journal", "notebook"),
    ("book", "book"),
    ("guide", "book"),
]

# What a product of a category is when its name says nothing (the demo's books
# have titles, not "book" in their names).
CATEGORY_KINDS = {"books": "book"}

# Kinds with a colour of their own material when the name names none.
MATERIAL = {
    "skillet": "cast iron",
    "board": "bamboo",
    "bottle": "steel",
    "jar": "glass",
    "towel": "linen",
    "bag": "canvas",
    "bat": "willow",
}


def kind_of(name: str, category: str = "") -> str:
    """The kind of object a product is, read from its name (or its category)."""
    lowered = name.lower()
    for word, kind in KIND_WORDS:
        if re.search(rf"\b{re.escape(word)}(s|es)?\b", lowered):
            return kind
    return CATEGORY_KINDS.get(category.lower(), "box")


def named_colour(text: str) -> RGB | None:
    lowered = text.lower()
    for word, rgb in sorted(NAMED_COLOURS.items(), key=lambda item: -len(item[0])):
        if word in lowered:
            return rgb
    return None


def colour_of(name: str, seed: int, kind: str | None = None) -> RGB:
    """A colour the name names, else the kind's material, else a palette colour by seed."""
    found = named_colour(name)
    if found:
        return found
    material = MATERIAL.get(kind or kind_of(name))
    if material:
        return NAMED_COLOURS[material]
    return PALETTE[seed % len(PALETTE)]


# --- colour arithmetic ---------------------------------------------------------------


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _dark(c: RGB, t: float = 0.35) -> RGB:
    return _mix(c, (0, 0, 0), t)


def _light(c: RGB, t: float = 0.35) -> RGB:
    return _mix(c, (255, 255, 255), t)


def _luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


# --- shading ---------------------------------------------------------------------------


@cache
def _profile(shade: str) -> Image.Image:
    """A 256x256 lightness map (128 = the colour itself) for a shading style."""
    if shade == "cyl":  # lit from the left: a highlight at a third, the right side in shade
        row = []
        for i in range(256):
            t = i / 255
            v = 112 + 120 * math.exp(-(((t - 0.3) / 0.2) ** 2)) - 70 * t
            row.append(max(0, min(255, round(v))))
        line = Image.new("L", (256, 1))
        line.putdata(row)
        return line.resize((256, 256))
    if shade == "sphere":  # a soft highlight up and to the left
        radial = Image.radial_gradient("L").resize((512, 512))
        spot = radial.crop((176, 176, 432, 432))
        return spot.point(lambda v: max(0, min(255, round(215 - v * 0.75))))
    if shade == "vert":  # lit from above
        col = Image.linear_gradient("L")
        return col.point(lambda v: round(175 - v * 0.35))
    if shade == "horiz":
        return Image.linear_gradient("L").rotate(90).point(lambda v: round(100 + v * 0.3))
    return Image.new("L", (256, 256), 128)


def _shaded(colour: RGB, shade: str, size: tuple[int, int]) -> Image.Image:
    # Coloured small, then stretched: the shading is smooth, so nothing is lost.
    small = _profile(shade).resize((64, 64), Image.Resampling.BILINEAR)
    tinted = ImageOps.colorize(
        small, black=_dark(colour, 0.75), white=_light(colour, 0.7), mid=colour
    )
    return tinted.resize(size, Image.Resampling.BILINEAR)


# --- the sketch: shapes in unit coordinates drawn on a 2x canvas --------------------------

Item = tuple  # ("ellipse", box) | ("rect", box) | ("rrect", box, r) | ("poly", pts) | ...


class Sketch:
    """A canvas kept as colour and coverage apart (pasting RGB on RGBA converts it)."""

    def __init__(self, size: int):
        self.size = size
        self.rgb = Image.new("RGB", (size, size), (0, 0, 0))
        self.alpha = Image.new("L", (size, size), 0)

    @property
    def img(self) -> Image.Image:
        img = self.rgb.copy()
        img.putalpha(self.alpha)
        return img

    def _xy(self, points: Sequence[float]) -> list[float]:
        return [v * self.size for v in points]

    def mask(self, items: Sequence[Item]) -> Image.Image:
        mask = Image.new("L", (self.size, self.size), 0)
        d = ImageDraw.Draw(mask)
        for item in items:
            kind, geometry, *rest = item
            xy = self._xy(geometry)
            if kind == "ellipse":
                d.ellipse(xy, fill=255)
            elif kind == "rect":
                d.rectangle(xy, fill=255)
            elif kind == "rrect":
                d.rounded_rectangle(xy, radius=rest[0] * self.size, fill=255)
            elif kind == "poly":
                d.polygon(xy, fill=255)
            elif kind == "line":  # a thick polyline with round joints and ends
                width = round(rest[0] * self.size)
                d.line(xy, fill=255, width=width, joint="curve")
                for x, y in zip(xy[0::2], xy[1::2], strict=True):
                    d.ellipse(
                        (x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255
                    )
            elif kind == "ring":
                d.ellipse(xy, outline=255, width=round(rest[0] * self.size))
            elif kind == "arc":
                start, end, width = rest
                d.arc(xy, start, end, fill=255, width=round(width * self.size))
            elif kind == "cut":  # take a shape out of what was drawn before it
                d.ellipse(xy, fill=0)
        return mask

    def shape(
        self,
        items: Sequence[Item],
        colour: RGB,
        shade: str = "flat",
        clip: Image.Image | None = None,
        opacity: float = 1.0,
    ) -> Image.Image:
        mask = self.mask(items)
        if clip is not None:
            mask = ImageChops.multiply(mask, clip)
        if opacity < 1:
            mask = mask.point(lambda v: round(v * opacity))
        box = mask.getbbox()
        if box:
            fill = _shaded(colour, shade, (box[2] - box[0], box[3] - box[1]))
            cropped = mask.crop(box)
            self.rgb.paste(fill, box[:2], cropped)
            self.alpha.paste(255, box, cropped)
        return mask


# --- the objects ----------------------------------------------------------------------
# Each draws on a Sketch in unit coordinates, the object roughly within 0.15..0.85
# and standing on y ~ 0.8.


def _mug(s: Sketch, c: RGB) -> None:
    s.shape([("ring", (0.56, 0.4, 0.8, 0.66), 0.045)], _dark(c, 0.1), "vert")
    s.shape([("rect", (0.26, 0.3, 0.66, 0.7)), ("rrect", (0.26, 0.5, 0.66, 0.8), 0.05)], c, "cyl")
    s.shape([("ellipse", (0.26, 0.26, 0.66, 0.34))], _light(c, 0.25))
    s.shape([("ellipse", (0.285, 0.275, 0.635, 0.33))], _dark(c, 0.45), "vert")


def _tshirt(s: Sketch, c: RGB, sleeves: str = "short") -> None:
    body = [
        (0.36, 0.2), (0.44, 0.2), (0.5, 0.25), (0.56, 0.2), (0.64, 0.2),
        (0.84, 0.3), (0.76, 0.44), (0.68, 0.4), (0.68, 0.82), (0.32, 0.82),
        (0.32, 0.4), (0.24, 0.44), (0.16, 0.3),
    ]  # fmt: skip
    s.shape([("poly", [v for p in body for v in p])], c, "vert")
    s.shape([("arc", (0.43, 0.12, 0.57, 0.27), 20, 160, 0.018)], _dark(c, 0.25))
    s.shape([("poly", (0.33, 0.44, 0.4, 0.44, 0.38, 0.8, 0.33, 0.8))], _dark(c, 0.08), opacity=0.25)
    s.shape([("poly", (0.56, 0.3, 0.62, 0.3, 0.64, 0.8, 0.6, 0.8))], _light(c, 0.12), opacity=0.25)


def _shirt(s: Sketch, c: RGB) -> None:
    """Folded, as shirts are shown in shops: a collar, a placket and two sleeve folds."""
    s.shape([("rrect", (0.14, 0.46, 0.86, 0.8), 0.03)], c, "vert")
    s.shape([("poly", (0.14, 0.46, 0.3, 0.46, 0.24, 0.7, 0.14, 0.76))], _dark(c, 0.08))
    s.shape([("poly", (0.86, 0.46, 0.7, 0.46, 0.76, 0.7, 0.86, 0.76))], _dark(c, 0.12))
    s.shape([("ellipse", (0.38, 0.38, 0.62, 0.54))], _dark(c, 0.25), "vert")  # inside the collar
    s.shape([("poly", (0.38, 0.44, 0.5, 0.56, 0.42, 0.6, 0.35, 0.46))], _light(c, 0.25))
    s.shape([("poly", (0.62, 0.44, 0.5, 0.56, 0.58, 0.6, 0.65, 0.46))], _light(c, 0.15))
    s.shape([("rect", (0.493, 0.56, 0.507, 0.8))], _dark(c, 0.15))
    buttons = [("ellipse", (0.51, y, 0.53, y + 0.02)) for y in (0.62, 0.71)]
    s.shape(buttons, _dark(c, 0.35))


def _jacket(s: Sketch, c: RGB) -> None:
    s.shape([("ellipse", (0.38, 0.1, 0.62, 0.32))], _dark(c, 0.3), "vert")  # hood behind
    body = [
        (0.36, 0.2), (0.64, 0.2), (0.78, 0.28), (0.88, 0.78), (0.78, 0.8),
        (0.7, 0.46), (0.7, 0.86), (0.3, 0.86), (0.3, 0.46), (0.22, 0.8),
        (0.12, 0.78), (0.22, 0.28),
    ]  # fmt: skip
    s.shape([("poly", [v for p in body for v in p])], c, "cyl")
    s.shape([("rect", (0.494, 0.22, 0.506, 0.86))], _dark(c, 0.45))
    s.shape(
        [("rrect", (0.34, 0.62, 0.44, 0.64), 0.01), ("rrect", (0.56, 0.62, 0.66, 0.64), 0.01)],
        _dark(c, 0.3),
    )
    s.shape([("rect", (0.3, 0.82, 0.7, 0.86))], _dark(c, 0.15))


def _sock(s: Sketch, c: RGB) -> None:
    for dx, col in ((0.1, _dark(c, 0.15)), (0.0, c)):
        s.shape([("line", (0.36 + dx, 0.2, 0.36 + dx, 0.62, 0.56 + dx, 0.76), 0.17)], col, "vert")
        s.shape([("rect", (0.275 + dx, 0.14, 0.445 + dx, 0.27))], _light(col, 0.15))
        s.shape(
            [
                ("rect", (0.29 + dx + i * 0.028, 0.14, 0.298 + dx + i * 0.028, 0.27))
                for i in range(6)
            ],
            _dark(col, 0.12),
        )
        s.shape(
            [("ellipse", (0.49 + dx, 0.68, 0.65 + dx, 0.845))], _dark(col, 0.2), opacity=0.7
        )  # toe


def _bag(s: Sketch, c: RGB) -> None:
    """A tote: a tall body and two long handles."""
    handles = [
        ("arc", (0.33, 0.1, 0.53, 0.7), 180, 360, 0.028),
        ("arc", (0.47, 0.1, 0.67, 0.7), 180, 360, 0.028),
    ]
    s.shape(handles, _dark(c, 0.3))
    s.shape([("poly", (0.3, 0.4, 0.7, 0.4, 0.72, 0.9, 0.28, 0.9))], c, "vert")
    s.shape([("rect", (0.3, 0.4, 0.7, 0.44))], _dark(c, 0.1))
    straps = [(x, 0.4, x + 0.028, 0.52) for x in (0.33, 0.47 - 0.028, 0.53, 0.67 - 0.028)]
    s.shape([("rect", box) for box in straps], _dark(c, 0.3))


def _beanie(s: Sketch, c: RGB) -> None:
    s.shape([("ellipse", (0.42, 0.2, 0.58, 0.36))], _light(c, 0.1), "sphere")  # pom-pom
    crown = s.mask([("rect", (0, 0, 1, 0.64))])
    s.shape([("ellipse", (0.2, 0.3, 0.8, 0.98))], c, "sphere", clip=crown)
    s.shape([("rrect", (0.18, 0.6, 0.82, 0.8), 0.04)], _dark(c, 0.12), "cyl")
    ribs = [("rect", (0.2 + i * 0.04, 0.62, 0.212 + i * 0.04, 0.78)) for i in range(16)]
    s.shape(ribs, _dark(c, 0.3))


def _book(s: Sketch, c: RGB) -> None:
    s.shape(
        [("poly", (0.32, 0.22, 0.72, 0.2, 0.74, 0.8, 0.34, 0.84))], (238, 232, 216), "horiz"
    )  # pages
    s.shape(
        [("rect", (0.72, 0.2 + i * 0.03, 0.74, 0.205 + i * 0.03)) for i in range(20)],
        (214, 206, 190),
    )
    s.shape([("rrect", (0.26, 0.18, 0.7, 0.82), 0.012)], c, "vert")
    s.shape([("rect", (0.26, 0.18, 0.31, 0.82))], _dark(c, 0.3))  # spine
    s.shape([("rect", (0.36, 0.3, 0.64, 0.32)), ("rect", (0.36, 0.68, 0.64, 0.7))], _light(c, 0.45))
    s.shape([("rect", (0.4, 0.4, 0.6, 0.6))], _light(c, 0.25))


def _notebook(s: Sketch, c: RGB) -> None:
    """Open, lying flat: two pages in a cover, a ribbon."""
    s.shape([("poly", (0.16, 0.46, 0.84, 0.46, 0.88, 0.74, 0.12, 0.74))], c, "vert")
    s.shape([("poly", (0.19, 0.44, 0.495, 0.47, 0.495, 0.71, 0.16, 0.71))], (246, 242, 232))
    s.shape([("poly", (0.505, 0.47, 0.81, 0.44, 0.84, 0.71, 0.505, 0.71))], (236, 232, 222))
    lines = [("rect", (0.22, y, 0.47, y + 0.004)) for y in (0.52, 0.56, 0.6, 0.64)]
    lines += [("rect", (0.53, y, 0.79, y + 0.004)) for y in (0.52, 0.56, 0.6, 0.64)]
    s.shape(lines, (190, 200, 214))
    s.shape([("rect", (0.6, 0.44, 0.62, 0.8))], _dark(c, 0.3))  # ribbon


def _ball(s: Sketch, c: RGB) -> None:
    ball = s.shape([("ellipse", (0.24, 0.22, 0.76, 0.74))], (236, 236, 232), "sphere")
    r, cx, cy = 0.1, 0.5, 0.48
    pent = []
    for k in range(5):
        a = -math.pi / 2 + k * 2 * math.pi / 5
        pent += [cx + r * math.cos(a), cy + r * math.sin(a)]
    patches = [("poly", pent)]
    for k in range(5):
        a = math.pi / 2 + k * 2 * math.pi / 5
        px, py = cx + 0.25 * math.cos(a), cy + 0.25 * math.sin(a)
        pts = []
        for j in range(5):
            b = a + j * 2 * math.pi / 5
            pts += [px + r * 0.9 * math.cos(b), py + r * 0.9 * math.sin(b)]
        patches.append(("poly", pts))
    s.shape(patches, c, "sphere", clip=ball)


def _bottle(s: Sketch, c: RGB) -> None:
    s.shape(
        [
            ("poly", (0.36, 0.34, 0.44, 0.22, 0.56, 0.22, 0.64, 0.34)),
            ("rrect", (0.36, 0.3, 0.64, 0.86), 0.06),
        ],
        c,
        "cyl",
    )
    s.shape([("rrect", (0.425, 0.1, 0.575, 0.24), 0.02)], _dark(c, 0.55), "cyl")
    s.shape([("rect", (0.36, 0.5, 0.64, 0.66))], _dark(c, 0.15), "cyl")


def _jar(s: Sketch, c: RGB) -> None:
    contents = PALETTE[3] if c == NAMED_COLOURS["glass"] else c
    s.shape([("rrect", (0.31, 0.42, 0.69, 0.82), 0.05)], contents, "cyl")
    s.shape(
        [("rrect", (0.28, 0.26, 0.72, 0.84), 0.07)], NAMED_COLOURS["glass"], "cyl", opacity=0.45
    )
    s.shape([("rect", (0.34, 0.3, 0.37, 0.8))], (255, 255, 255), opacity=0.55)
    s.shape([("rrect", (0.3, 0.17, 0.7, 0.27), 0.02)], NAMED_COLOURS["bamboo"], "cyl")


def _skillet(s: Sketch, c: RGB) -> None:
    s.shape([("line", (0.7, 0.5, 0.92, 0.36), 0.06)], _light(c, 0.05), "vert")
    s.shape([("ellipse", (0.1, 0.3, 0.74, 0.78))], c, "vert")
    s.shape([("ellipse", (0.15, 0.34, 0.69, 0.72))], _light(c, 0.15), "sphere")
    s.shape(
        [("cut", (0.86, 0.36, 0.9, 0.4)), ("ellipse", (0.862, 0.362, 0.898, 0.398))],
        (236, 232, 226),
        opacity=0.9,
    )


def _board(s: Sketch, c: RGB) -> None:
    """A chopping board lying flat, its handle to the right, a juice groove."""
    s.shape([("rrect", (0.1, 0.4, 0.78, 0.8), 0.05)], _dark(c, 0.25))  # its thickness
    body = [("rrect", (0.1, 0.34, 0.78, 0.76), 0.05), ("rrect", (0.7, 0.47, 0.92, 0.63), 0.06)]
    s.shape(body, c, "horiz")
    grain = [("rect", (0.1, 0.34 + i * 0.05, 0.78, 0.343 + i * 0.05)) for i in range(1, 8)]
    s.shape(grain, _dark(c, 0.1), opacity=0.5)
    s.shape([("ellipse", (0.835, 0.525, 0.885, 0.575))], (240, 238, 232))
    s.shape([("rrect", (0.14, 0.38, 0.74, 0.72), 0.04)], _dark(c, 0.2))
    s.shape([("rrect", (0.152, 0.392, 0.728, 0.708), 0.035)], c, "horiz")


def _towel(s: Sketch, c: RGB) -> None:
    """Three rolled towels, two below and one on top."""
    for i, (x, y) in enumerate(((0.2, 0.5), (0.5, 0.5), (0.35, 0.24))):
        col = _mix(c, PALETTE[(i * 3) % len(PALETTE)], 0.12 * i)
        s.shape([("ellipse", (x, y, x + 0.3, y + 0.3))], col, "sphere")
        rolls = [("ring", (x + k, y + k, x + 0.3 - k, y + 0.3 - k), 0.008) for k in (0.05, 0.1)]
        s.shape(rolls, _dark(col, 0.25))


def _earbuds(s: Sketch, c: RGB) -> None:
    case = (240, 240, 236) if _luma(c) < 200 else (60, 60, 66)
    s.shape([("rrect", (0.18, 0.4, 0.58, 0.76), 0.14)], case, "cyl")
    s.shape([("rect", (0.18, 0.52, 0.58, 0.53))], _dark(case, 0.25))
    s.shape([("ellipse", (0.36, 0.63, 0.4, 0.65))], (90, 200, 120))
    for x, y in ((0.6, 0.3), (0.66, 0.5)):
        s.shape([("line", (x + 0.08, y + 0.1, x + 0.1, y + 0.22), 0.06)], c, "cyl")
        s.shape([("ellipse", (x, y, x + 0.15, y + 0.14))], c, "sphere")
        s.shape([("ellipse", (x - 0.02, y + 0.03, x + 0.06, y + 0.11))], _dark(c, 0.5), "sphere")


def _headphones(s: Sketch, c: RGB) -> None:
    s.shape([("arc", (0.24, 0.14, 0.76, 0.7), 180, 360, 0.05)], _dark(c, 0.2))
    s.shape(
        [("rrect", (0.18, 0.42, 0.32, 0.72), 0.06), ("rrect", (0.68, 0.42, 0.82, 0.72), 0.06)],
        c,
        "cyl",
    )
    s.shape(
        [("rrect", (0.28, 0.46, 0.34, 0.68), 0.03), ("rrect", (0.66, 0.46, 0.72, 0.68), 0.03)],
        _dark(c, 0.5),
    )


def _charger(s: Sketch, c: RGB) -> None:
    s.shape(
        [("rect", (0.42, 0.16, 0.45, 0.32)), ("rect", (0.55, 0.16, 0.58, 0.32))],
        (196, 198, 204),
        "cyl",
    )
    s.shape([("rrect", (0.3, 0.3, 0.7, 0.76), 0.07)], c, "cyl")
    s.shape([("rrect", (0.44, 0.62, 0.56, 0.655), 0.015)], (40, 40, 44))


def _keyboard(s: Sketch, c: RGB) -> None:
    s.shape([("rrect", (0.1, 0.32, 0.9, 0.7), 0.03)], _dark(c, 0.3), "vert")
    keys = []
    for row in range(5):
        y = 0.35 + row * 0.065
        for col in range(13):
            keys.append(("rrect", (0.125 + col * 0.058, y, 0.175 + col * 0.058, y + 0.055), 0.008))
    keys.append(("rrect", (0.3, 0.675 - 0.0, 0.7, 0.69), 0.005))
    s.shape(keys, _light(c, 0.55), "vert")
    s.shape([("rrect", (0.3, 0.61, 0.64, 0.665), 0.008)], _light(c, 0.4), "vert")  # space bar


def _speaker(s: Sketch, c: RGB) -> None:
    s.shape([("rrect", (0.3, 0.16, 0.7, 0.84), 0.16)], c, "cyl")
    grille = s.mask([("rrect", (0.34, 0.3, 0.66, 0.72), 0.06)])
    dots = [
        ("ellipse", (0.35 + i * 0.03, 0.31 + j * 0.03, 0.362 + i * 0.03, 0.322 + j * 0.03))
        for i in range(11)
        for j in range(14)
    ]
    s.shape(dots, _dark(c, 0.35), clip=grille)
    s.shape([("ellipse", (0.48, 0.2, 0.52, 0.24))], _light(c, 0.5))


def _powerbank(s: Sketch, c: RGB) -> None:
    """Lying on its back: a slab, two ports on its end, four charge lights."""
    s.shape([("rrect", (0.2, 0.5, 0.8, 0.72), 0.05)], _dark(c, 0.25), "vert")
    s.shape([("rrect", (0.2, 0.46, 0.8, 0.66), 0.05)], c, "horiz")
    dots = [("ellipse", (0.62 + i * 0.035, 0.55, 0.64 + i * 0.035, 0.57)) for i in range(4)]
    s.shape(dots, (110, 220, 150))
    s.shape([("rrect", (0.24, 0.67, 0.32, 0.69), 0.01)], (30, 30, 34))


def _webcam(s: Sketch, c: RGB) -> None:
    s.shape([("poly", (0.44, 0.5, 0.56, 0.5, 0.62, 0.8, 0.38, 0.8))], _dark(c, 0.3), "vert")
    s.shape([("rrect", (0.16, 0.3, 0.84, 0.52), 0.11)], c, "cyl")
    s.shape([("ellipse", (0.41, 0.32, 0.59, 0.5))], (30, 30, 36), "sphere")
    s.shape([("ellipse", (0.45, 0.36, 0.55, 0.46))], (40, 60, 110), "sphere")
    s.shape([("ellipse", (0.465, 0.375, 0.49, 0.4))], (255, 255, 255), opacity=0.8)


def _mat(s: Sketch, c: RGB) -> None:
    s.shape([("rect", (0.22, 0.36, 0.72, 0.66))], c, "vert")
    s.shape([("ellipse", (0.64, 0.36, 0.8, 0.66))], _light(c, 0.1), "vert")
    s.shape(
        [
            (
                "ring",
                (0.66 + i * 0.015, 0.385 + i * 0.026, 0.78 - i * 0.015, 0.635 - i * 0.026),
                0.006,
            )
            for i in range(4)
        ],
        _dark(c, 0.3),
    )
    s.shape(
        [("ellipse", (0.14, 0.36, 0.3, 0.66))],
        _dark(c, 0.15),
        clip=s.mask([("rect", (0.1, 0.3, 0.22, 0.7))]),
    )
    s.shape(
        [("rect", (0.34, 0.355, 0.37, 0.665)), ("rect", (0.56, 0.355, 0.59, 0.665))], (60, 60, 64)
    )


def _rope(s: Sketch, c: RGB) -> None:
    pts = []
    for i in range(41):
        t = i / 40
        pts += [0.28 + 0.44 * t, 0.3 + 0.46 * math.sin(math.pi * t) ** 0.8]
    s.shape([("line", pts, 0.018)], _dark(c, 0.2))
    s.shape(
        [("line", (0.2, 0.16, 0.28, 0.32), 0.06), ("line", (0.8, 0.16, 0.72, 0.32), 0.06)], c, "cyl"
    )
    s.shape(
        [("line", (0.21, 0.18, 0.24, 0.24), 0.015), ("line", (0.79, 0.18, 0.76, 0.24), 0.015)],
        _light(c, 0.3),
    )


def _bands(s: Sketch, c: RGB) -> None:
    for i in range(5):
        col = _mix(_light(c, 0.4), _dark(c, 0.4), i / 4)
        x = 0.18 + i * 0.06
        s.shape([("ring", (x, 0.26 + i * 0.03, x + 0.4, 0.62 + i * 0.03), 0.035)], col, "vert")


def _bat(s: Sketch, c: RGB) -> None:
    s.shape([("rrect", (0.465, 0.08, 0.535, 0.44), 0.03)], c, "cyl")  # grip
    s.shape(
        [("rect", (0.47, 0.12 + i * 0.04, 0.53, 0.13 + i * 0.04)) for i in range(8)], _dark(c, 0.3)
    )
    s.shape(
        [("poly", (0.46, 0.42, 0.54, 0.42, 0.64, 0.5, 0.64, 0.92, 0.36, 0.92, 0.36, 0.5))],
        NAMED_COLOURS["willow"],
        "cyl",
    )


def _racket(s: Sketch, c: RGB) -> None:
    for dx in (0.0, 0.16):
        head = s.mask([("ellipse", (0.16 + dx, 0.12, 0.46 + dx, 0.5))])
        strings = [
            ("rect", (0.16 + dx + i * 0.025, 0.1, 0.163 + dx + i * 0.025, 0.52)) for i in range(13)
        ]
        strings += [
            ("rect", (0.14 + dx, 0.12 + i * 0.025, 0.48 + dx, 0.123 + i * 0.025)) for i in range(16)
        ]
        s.shape(strings, (236, 236, 230), clip=head)
        s.shape([("ring", (0.16 + dx, 0.12, 0.46 + dx, 0.5), 0.018)], c, "vert")
        s.shape([("line", (0.31 + dx, 0.5, 0.31 + dx, 0.72), 0.012)], (140, 140, 146))
        s.shape([("rrect", (0.29 + dx, 0.7, 0.33 + dx, 0.86), 0.015)], _dark(c, 0.3), "cyl")
    s.shape([("poly", (0.66, 0.64, 0.8, 0.6, 0.78, 0.76))], (248, 248, 246), "vert")  # shuttlecock
    s.shape([("ellipse", (0.74, 0.72, 0.82, 0.8))], (250, 250, 250), "sphere")


def _lamp(s: Sketch, c: RGB) -> None:
    s.shape([("ellipse", (0.34, 0.78, 0.66, 0.86))], _dark(c, 0.3), "cyl")
    s.shape([("rect", (0.49, 0.4, 0.51, 0.8))], (180, 180, 186), "cyl")
    s.shape([("poly", (0.38, 0.16, 0.62, 0.16, 0.74, 0.44, 0.26, 0.44))], c, "cyl")


def _candle(s: Sketch, c: RGB) -> None:
    s.shape([("ellipse", (0.46, 0.14, 0.54, 0.3))], (250, 200, 90), "sphere")
    s.shape([("rect", (0.495, 0.28, 0.505, 0.34))], (40, 40, 40))
    s.shape([("rrect", (0.34, 0.34, 0.66, 0.82), 0.04)], c, "cyl")


def _plant(s: Sketch, c: RGB) -> None:
    for a in (-60, -30, 0, 30, 60):
        x = 0.5 + 0.22 * math.sin(math.radians(a))
        y = 0.45 - 0.25 * math.cos(math.radians(a))
        s.shape([("line", (0.5, 0.5, x, y), 0.07)], (70, 130, 80), "cyl")
    s.shape([("poly", (0.32, 0.5, 0.68, 0.5, 0.62, 0.84, 0.38, 0.84))], c, "cyl")
    s.shape([("rect", (0.3, 0.48, 0.7, 0.55))], _dark(c, 0.1), "cyl")


def _box(s: Sketch, c: RGB) -> None:
    s.shape([("poly", (0.24, 0.36, 0.5, 0.46, 0.5, 0.84, 0.24, 0.72))], c, "vert")
    s.shape([("poly", (0.5, 0.46, 0.76, 0.36, 0.76, 0.72, 0.5, 0.84))], _dark(c, 0.2), "vert")
    s.shape([("poly", (0.24, 0.36, 0.5, 0.26, 0.76, 0.36, 0.5, 0.46))], _light(c, 0.2))


DRAW: dict[str, Callable[[Sketch, RGB], None]] = {
    "mug": _mug,
    "tshirt": _tshirt,
    "shirt": _shirt,
    "jacket": _jacket,
    "sock": _sock,
    "bag": _bag,
    "beanie": _beanie,
    "book": _book,
    "notebook": _notebook,
    "ball": _ball,
    "bottle": _bottle,
    "jar": _jar,
    "skillet": _skillet,
    "board": _board,
    "towel": _towel,
    "earbuds": _earbuds,
    "headphones": _headphones,
    "charger": _charger,
    "keyboard": _keyboard,
    "speaker": _speaker,
    "powerbank": _powerbank,
    "webcam": _webcam,
    "mat": _mat,
    "rope": _rope,
    "bands": _bands,
    "bat": _bat,
    "racket": _racket,
    "lamp": _lamp,
    "candle": _candle,
    "plant": _plant,
    "box": _box,
}
KINDS = tuple(DRAW)


# --- the studio -------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _vignette(size: int) -> Image.Image:
    radial = Image.radial_gradient("L").resize((size, size), Image.Resampling.BILINEAR)
    return radial.point(lambda v: max(0, round((v - 110) * 0.45)))


@lru_cache(maxsize=16)
def _backdrop(size: int, top: RGB, bottom: RGB) -> Image.Image:
    gradient = Image.linear_gradient("L").resize((size, size), Image.Resampling.BILINEAR)
    img = ImageOps.colorize(gradient, black=top, white=bottom)
    return Image.composite(
        Image.new("RGB", (size, size), _dark(bottom, 0.25)), img, _vignette(size)
    )


@lru_cache(maxsize=4)
def _drawn(kind: str, colour: RGB, size: int) -> Image.Image | None:
    """The object drawn at twice ``size``, cropped to its box (RGBA; not to be changed).
    Kept for the next pictures of the same product, which differ only in angle and zoom."""
    sketch = Sketch(size * 2)
    DRAW[kind](sketch, colour)
    box = sketch.alpha.getbbox()
    if not box:
        return None
    # Only the object's box is scaled and turned: whole canvases cost several times more.
    box = (box[0] // 2 * 2, box[1] // 2 * 2, (box[2] + 1) // 2 * 2, (box[3] + 1) // 2 * 2)
    piece = sketch.rgb.crop(box)
    piece.putalpha(sketch.alpha.crop(box))
    return piece


def object_layer(
    kind: str, colour: RGB, size: int, angle: float = 0.0, zoom: float = 1.0
) -> Image.Image:
    """The object alone (RGBA, transparent around it), ``size`` pixels square: drawn at
    twice the size, scaled down with LANCZOS (by ``zoom`` as well, but never beyond
    88% of the frame), turned by ``angle`` degrees and centred, a little low."""
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    piece = _drawn(kind, tuple(colour), size)
    if piece is None:
        return layer
    zoom = min(zoom, 0.88 * size * 2 / max(piece.size))
    piece = piece.resize(
        (max(1, round(piece.width * zoom / 2)), max(1, round(piece.height * zoom / 2))),
        Image.Resampling.LANCZOS,
    )
    if angle:
        piece = piece.rotate(angle, Image.Resampling.BILINEAR, expand=True)
    cx, cy = size * 0.5, size * 0.52
    layer.paste(piece, (round(cx - piece.width / 2), round(cy - piece.height / 2)), piece)
    return layer


def render(kind: str, colour: RGB, seed: int, size: int = 800) -> Image.Image:
    """The picture as an RGB image."""
    if kind not in DRAW:
        raise ValueError(f"no such kind of demo object: {kind!r}")
    rng = random.Random(f"{kind}:{colour}:{seed}")
    top, bottom = BACKDROPS[seed % len(BACKDROPS)]
    img = _backdrop(size, top, bottom).copy()
    layer = object_layer(kind, colour, size, angle=rng.uniform(-4, 4), zoom=rng.uniform(1.0, 1.16))
    box = layer.getchannel("A").getbbox() or (size // 4, size // 4, 3 * size // 4, 3 * size // 4)
    # The floor's shadow: a soft ellipse under the object, drawn small, blurred and
    # scaled up over its own box only.
    width = (box[2] - box[0]) * 0.95
    cx, floor = (box[0] + box[2]) / 2, box[3]
    margin = size // 20
    left, top = max(0, round(cx - width / 2) - margin), max(0, round(floor - width * 0.09) - margin)
    right = min(size, round(cx + width / 2) + margin)
    bottom_edge = min(size, round(floor + width * 0.07) + margin)
    area = (right - left, bottom_edge - top)
    if area[0] > 8 and area[1] > 8:
        shadow = Image.new("L", (area[0] // 4 + 1, area[1] // 4 + 1), 0)
        ImageDraw.Draw(shadow).ellipse(
            (
                (cx - width / 2 - left) / 4,
                (floor - width * 0.09 - top) / 4,
                (cx + width / 2 - left) / 4,
                (floor + width * 0.07 - top) / 4,
            ),
            fill=120,
        )
        shadow = shadow.filter(ImageFilter.GaussianBlur(size / 160))
        shadow = shadow.resize(area, Image.Resampling.BILINEAR)
        img.paste(_dark(bottom, 0.55), (left, top, right, bottom_edge), shadow)
    img.paste(layer, (0, 0), layer)
    return img


def demo_image(kind: str, colour: RGB, seed: int, fmt: str = "JPEG", size: int = 800) -> bytes:
    """The picture's bytes: JPEG (stores several times faster than PNG), or ``fmt``."""
    img = render(kind, colour, seed, size)
    out = io.BytesIO()
    if fmt == "JPEG":
        img.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        img.save(out, fmt)
    return out.getvalue()


def product_picture(name: str, seed: int, category: str = "", colour: str | None = None) -> bytes:
    """A picture of a product by its name (and, if given, the name of its colour)."""
    kind = kind_of(name, category)
    rgb = (named_colour(colour) if colour else None) or colour_of(name, seed // 10, kind)
    return demo_image(kind, rgb, seed)
