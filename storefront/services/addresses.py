"""Structured addresses: checked field by field, kept in a shopper's address book,
and copied onto an order as they were."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Address
from ..models.order import ADDRESS_FIELDS
from ._sql import is_storable_id
from ._tx import transactional
from .errors import Conflict, NotFound, ValidationError

# The countries the shop ships to, ISO 3166-1 alpha-2, Bangladesh first (the
# default). A fixed list rather than all 249 codes: a shop names where it delivers.
COUNTRIES: dict[str, str] = {
    "BD": "Bangladesh",
    "BT": "Bhutan",
    "IN": "India",
    "MM": "Myanmar",
    "NP": "Nepal",
    "LK": "Sri Lanka",
    "MV": "Maldives",
    "PK": "Pakistan",
    "MY": "Malaysia",
    "SG": "Singapore",
    "TH": "Thailand",
    "AE": "United Arab Emirates",
    "SA": "Saudi Arabia",
    "QA": "Qatar",
    "GB": "United Kingdom",
    "DE": "Germany",
    "US": "United States",
    "CA": "Canada",
    "AU": "Australia",
    "JP": "Japan",
}
DEFAULT_COUNTRY = "BD"
MAX_ADDRESSES = 20
LIMITS = {
    "full_name": 200,
    "phone": 30,
    "line1": 200,
    "line2": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
}
REQUIRED = {
    "full_name": "Enter the name of the person who receives the parcel.",
    "phone": "Enter a phone number for the courier.",
    "line1": "Enter the street and house number.",
    "city": "Enter the city or town.",
}
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-.]*")
_POSTAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 \-]*")


@dataclass(frozen=True)
class AddressData:
    full_name: str
    phone: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def as_text(self) -> str:
        """The address as lines of text, as a courier's label shows it."""
        place = " ".join(p for p in (self.city, self.postal_code) if p)
        lines = [self.full_name, self.line1, self.line2, place, self.region]
        lines.append(COUNTRIES.get(self.country, self.country))
        lines.append(self.phone)
        return "\n".join(line for line in lines if line)


def _text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return "\0"  # refused below as not text
    return " ".join(value.split())  # trim, and no line breaks inside a field


def check_address(data: Mapping) -> AddressData:
    """Every field checked, every mistake reported at once (``errors`` by field)."""
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for name in ADDRESS_FIELDS:
        value = _text(data.get(name))
        if "\0" in value:
            errors[name] = "Enter text."
            continue
        clean[name] = value
        if name == "country":
            continue
        if not value and name in REQUIRED:
            errors[name] = REQUIRED[name]
        elif len(value) > LIMITS[name]:
            errors[name] = f"Use at most {LIMITS[name]} characters."
    phone = clean.get("phone", "")
    if phone and "phone" not in errors:
        digits = sum(ch.isdigit() for ch in phone)
        if not _PHONE.fullmatch(phone) or not 6 <= digits <= 15:
            errors["phone"] = "Enter a phone number such as +880 1712-345678."
    postal = clean.get("postal_code", "")
    if postal and "postal_code" not in errors and not _POSTAL.fullmatch(postal):
        errors["postal_code"] = "Use letters, digits, spaces and hyphens only."
    country = clean.get("country", "").upper() or DEFAULT_COUNTRY
    if "country" not in errors and country not in COUNTRIES:
        errors["country"] = "Choose a country from the list."
    clean["country"] = country
    if errors:
        raise ValidationError("Check the address.", errors=errors)
    return AddressData(**clean)


def from_order(order) -> AddressData | None:
    copy = order.address
    return AddressData(**copy) if copy else None


def from_saved(address: Address) -> AddressData:
    return AddressData(**{name: getattr(address, name) for name in ADDRESS_FIELDS})


# --- the address book --------------------------------------------------------------


def list_addresses(user_id: int) -> list[Address]:
    """The default first, then oldest first."""
    return list(
        db.session.scalars(
            select(Address)
            .where(Address.user_id == user_id)
            .order_by(Address.is_default.desc(), Address.id)
        )
    )


def get_address(user_id: int, address_id: int) -> Address:
    """One of the shopper's addresses; anyone else's is "no such address"."""
    address = db.session.get(Address, address_id) if is_storable_id(address_id) else None
    if address is None or address.user_id != user_id:
        raise NotFound("No such address.", field="address_id")
    return address


class TooManyAddresses(Conflict):
    pass


def _clear_default(user_id: int) -> None:
    db.session.execute(
        update(Address)
        .where(Address.user_id == user_id, Address.is_default.is_(True))
        .values(is_default=False)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()


@transactional
def add_address(user_id: int, data: Mapping, *, make_default: bool = False) -> Address:
    """Save an address; the first one, or one asked for, becomes the default."""
    checked = check_address(data)
    _lock_book(user_id)
    count = db.session.scalar(select(func.count(Address.id)).where(Address.user_id == user_id))
    if count >= MAX_ADDRESSES:
        raise TooManyAddresses(f"An address book holds at most {MAX_ADDRESSES} addresses.")
    if make_default or count == 0:
        _clear_default(user_id)
    address = Address(
        user_id=user_id, is_default=bool(make_default or count == 0), **checked.as_dict()
    )
    db.session.add(address)
    db.session.flush()
    return address


@transactional
def update_address(
    user_id: int, address_id: int, data: Mapping, *, make_default: bool = False
) -> Address:
    checked = check_address(data)
    _lock_book(user_id)
    address = get_address(user_id, address_id)
    for name, value in checked.as_dict().items():
        setattr(address, name, value)
    if make_default and not address.is_default:
        _clear_default(user_id)
        address.is_default = True
    db.session.flush()
    return address


@transactional
def set_default_address(user_id: int, address_id: int) -> Address:
    _lock_book(user_id)
    address = get_address(user_id, address_id)
    if not address.is_default:
        _clear_default(user_id)
        address.is_default = True
        db.session.flush()
    return address


@transactional
def delete_address(user_id: int, address_id: int) -> None:
    """Delete it (orders keep their own copies); a deleted default passes to the oldest left."""
    _lock_book(user_id)
    address = get_address(user_id, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        successor = db.session.scalar(
            select(Address).where(Address.user_id == user_id).order_by(Address.id).limit(1)
        )
        if successor is not None:
            successor.is_default = True
            db.session.flush()


def remember_address(user_id: int, checked: AddressData) -> Address | None:
    """Keep an address used at checkout in the book, unless it is there already
    or the book is full (the order goes ahead either way)."""
    same = select(Address.id).where(
        Address.user_id == user_id,
        *(getattr(Address, k) == v for k, v in checked.as_dict().items()),
    )
    if db.session.scalar(same.limit(1)) is not None:
        return None
    try:
        return add_address(user_id, checked.as_dict())
    except TooManyAddresses:
        return None


def _lock_book(user_id: int) -> None:
    """Serialize changes to one shopper's book (the default, the count): lock the user row."""
    from ..models import User

    db.session.scalar(select(User.id).where(User.id == user_id).with_for_update())
