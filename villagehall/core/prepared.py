"""One-row reads that nearly every request makes, as plain SQL built once.

The ORM builds a query afresh each time it runs one; for a lookup by one indexed column
(the council in the address, the signed-in person) building costs several times more
than running it. These lookups are built once per database connection and give back the
same model instance the ORM would, values converted as the ORM converts them.
"""

from django.db import connections


class RowLookup:
    """Read one row of a model by one column, with a statement built once."""

    def __init__(self, model, column: str):
        self.model = model
        self.column = column
        self.fields = list(model._meta.concrete_fields)
        self.names = [field.attname for field in self.fields]
        self._prepared = {}
        self._columns = {}

    def columns(self, connection, alias: str) -> str:
        """Return the model's columns for a SELECT list, from the table under `alias`."""
        key = (connection.vendor, alias)
        if key not in self._columns:
            q = connection.ops.quote_name
            self._columns[key] = ", ".join(f"{alias}.{q(field.column)}" for field in self.fields)
        return self._columns[key]

    def _prepare(self, connection):
        table = self.model._meta.db_table
        q = connection.ops.quote_name
        sql = f"SELECT {self.columns(connection, q(table))} FROM {q(table)} WHERE {q(self.column)} = %s"
        converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(table)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if found:
                converters.append((index, column, found))
        return sql, converters

    def get(self, value, *, using="default"):
        """Return the instance whose column equals value, or None."""
        values = self.row(value, using=using)
        return None if values is None else self.instance(values, using=using)

    def instance(self, values, *, using="default"):
        """Return a new instance of the model from values row() returned."""
        return self.model.from_db(using, self.names, list(values))

    def _statement(self, connection):
        if connection.vendor not in self._prepared:
            self._prepared[connection.vendor] = self._prepare(connection)
        return self._prepared[connection.vendor]

    def row(self, value, *, using="default") -> tuple | None:
        """Return the converted values of the row whose column equals value, or None."""
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(self._statement(connection)[0], [value])
            row = cursor.fetchone()
        return None if row is None else self.converted(row, connection)

    def converted(self, row, connection) -> tuple:
        """Return a row of the model's columns (as columns() lists them) converted as the ORM would."""
        values = list(row)
        for index, column, found in self._statement(connection)[1]:
            for converter in found:
                values[index] = converter(values[index], column, connection)
        return tuple(values)
