"""One repository per aggregate: the SQL of its tables behind methods that take the caller's
connection (``Database.write()`` stays the unit of work) and return typed records."""
