"""/api/users/me/addresses: your address book."""

from __future__ import annotations

from flask import url_for

from ..services import addresses
from . import ApiBlueprint
from .schemas import AddressBookInputSchema, AddressSchema
from .security import authenticated, current_user

blp = ApiBlueprint(
    "api_addresses",
    __name__,
    url_prefix="/api/users/me/addresses",
    tag="Addresses",
    description="Your saved addresses: the default first. Orders keep their own copies, so "
    "editing or deleting one never changes an order.",
)

# One example address for the documentation: the address book's and checkout's.
ADDRESS_EXAMPLE = {
    "full_name": "Nadia Rahman",
    "phone": "+880 1712-345678",
    "line1": "House 7, Road 3",
    "line2": "Dhanmondi",
    "city": "Dhaka",
    "region": "",
    "postal_code": "1205",
    "country": "BD",
}
EXAMPLE = {**ADDRESS_EXAMPLE, "is_default": False}
LOCATION_HEADER = {
    "Location": {"description": "The URL of the address.", "schema": {"type": "string"}}
}


@blp.route("", methods=["GET"])
@authenticated(blp)
@blp.response(200, AddressSchema(many=True))
def list_addresses():
    """Your addresses"""
    return addresses.list_addresses(current_user().id)


@blp.route("", methods=["POST"], endpoint="add_address")
@authenticated(blp)
@blp.arguments(AddressBookInputSchema, example=EXAMPLE)
@blp.response(201, AddressSchema, headers=LOCATION_HEADER)
@blp.alt_response(409, response="CONFLICT", description="The address book is full.")
def add_address(args):
    """Save an address

    The first address is the default; `is_default: true` makes a later one the default.
    """
    make_default = args.pop("is_default")
    address = addresses.add_address(current_user().id, args, make_default=make_default)
    return address, 201, {"Location": url_for(".get_address", address_id=address.id)}


@blp.route("/<id:address_id>", methods=["GET"])
@authenticated(blp)
@blp.response(200, AddressSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such address of yours.")
def get_address(address_id):
    """One of your addresses"""
    return addresses.get_address(current_user().id, address_id)


@blp.route("/<id:address_id>", methods=["PUT"], endpoint="update_address")
@authenticated(blp)
@blp.arguments(AddressBookInputSchema, example=EXAMPLE)
@blp.response(200, AddressSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such address of yours.")
def update_address(args, address_id):
    """Replace one of your addresses

    Every field as in `POST`; `is_default: true` makes it the default (false leaves the
    default where it is).
    """
    make_default = args.pop("is_default")
    return addresses.update_address(current_user().id, address_id, args, make_default=make_default)


@blp.route("/<id:address_id>", methods=["DELETE"], endpoint="delete_address")
@authenticated(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND", description="No such address of yours.")
def delete_address(address_id):
    """Delete one of your addresses

    Orders sent to it keep their copy. A deleted default passes to the oldest address left.
    """
    addresses.delete_address(current_user().id, address_id)
