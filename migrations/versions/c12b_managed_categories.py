"""managed categories: description, parent (two levels), position, archive; names
unique whatever their case

Existing categories keep their ids, names and slugs; they become top-level,
not archived, with an empty description, ordered by name as the shop listed
them. Names that differ only in case (the old unique constraint allowed
"Shoes" beside "shoes") cannot all stay: the oldest keeps its name, each other
one is renamed "<name> (<id>)", keeping its id, slug and products.

Revision ID: c12b_managed_categories
Revises: c11d_discount_codes
Create Date: 2026-11-28 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c12b_managed_categories"
down_revision = "c11d_discount_codes"
branch_labels = None
depends_on = None


def _rename_case_duplicates(conn) -> None:
    rows = conn.execute(sa.text("SELECT id, name FROM categories ORDER BY id")).fetchall()
    seen: set[str] = set()
    for category_id, name in rows:
        if name.lower() in seen:
            new_name = f"{name[: 100 - len(f' ({category_id})')]} ({category_id})"
            conn.execute(
                sa.text("UPDATE categories SET name = :name WHERE id = :id"),
                {"name": new_name, "id": category_id},
            )
            name = new_name
        seen.add(name.lower())


def upgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("is_archived", sa.Boolean(), nullable=True))

    conn = op.get_bind()
    _rename_case_duplicates(conn)
    conn.execute(
        sa.text(
            "UPDATE categories SET description = '', is_archived = :no, position = "
            "(SELECT count(*) FROM categories AS other "
            " WHERE lower(other.name) < lower(categories.name))"
        ),
        {"no": False},
    )

    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.alter_column("description", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("is_archived", existing_type=sa.Boolean(), nullable=False)
        batch_op.create_foreign_key(
            op.f("fk_categories_parent_id_categories"), "categories", ["parent_id"], ["id"]
        )
        batch_op.create_check_constraint(op.f("ck_categories_not_own_parent"), "parent_id <> id")
        batch_op.create_index(batch_op.f("ix_categories_parent_id"), ["parent_id"], unique=False)
    op.create_index("uq_categories_name_lower", "categories", [sa.text("lower(name)")], unique=True)


def downgrade():
    op.drop_index("uq_categories_name_lower", table_name="categories")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_categories_parent_id"))
        batch_op.drop_constraint(op.f("ck_categories_not_own_parent"), type_="check")
        batch_op.drop_constraint(op.f("fk_categories_parent_id_categories"), type_="foreignkey")
        batch_op.drop_column("is_archived")
        batch_op.drop_column("position")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("description")
